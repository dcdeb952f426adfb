"""The rejects of an import: one record per rejected value or row, the file that lists
them, and the error ``--strict`` raises about them.

The rejects file is for people working through it in Excel: UTF-8 with a BOM, one
line per reject, ordered by file (in the order given), then row, then column (in the
order of the file's columns).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rashinban._errors import RejectedRowsError, language_halves

#: How many rejects a ``--strict`` failure still describes in its message.
STRICT_DETAIL = 3

#: The rejects file's last column: the key of the record as written in the file.
KEY_HEADER = "キー/key"
_COLUMNS = (
    "ファイル/file",
    "行/row",
    "列/column",
    "値/value",
    "理由/reason",
    "種別/kind",
    KEY_HEADER,
)


@dataclass
class Reject:
    """One rejected value (or row) of an imported file."""

    file: str
    row: int | None
    column: str
    value: str | None
    reason: str
    kind: str = "rejected"  # rejected, parse_error, merged, value_dropped (row kept)
    key: str | None = None  # the record's key as written (取引先ID …), when the file has it


def by_row(rejects: Sequence[Reject]) -> list[Reject]:
    """One file's rejects ordered by row; within a row they keep the order they were
    found in, which is the order of the file's columns."""
    return sorted(rejects, key=lambda r: -1 if r.row is None else r.row)


def write_rejects(rejects: Sequence[Reject], path: Path) -> None:
    """Write the rejects file (UTF-8 with BOM so that Excel reads it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(_COLUMNS)
        for r in rejects:
            w.writerow(
                [
                    r.file,
                    r.row if r.row is not None else "",
                    r.column,
                    r.value or "",
                    r.reason,
                    r.kind,
                    r.key or "",
                ]
            )


def _reason_halves(reason: str) -> tuple[str, str]:
    """The Japanese and English of a reject reason ``"問題 / problem — 直し方 / fix"``."""
    problem, sep, how = reason.partition(" — ")
    (ja, en), (how_ja, how_en) = language_halves(problem), language_halves(how)
    return (f"{ja} — {how_ja}", f"{en} — {how_en}") if sep else (ja, en)


def strict_error(hard: Sequence[Reject], rejects_path: Path) -> RejectedRowsError:
    """The error for a ``--strict`` import that found ``hard`` rejects (in file order).

    It names only the files that had rejects; when there are few, the first one
    (file, row, column, value, reason) is in the message itself, so that one bad
    value can be fixed without opening the rejects file.
    """
    n = len(hard)
    files = list(dict.fromkeys(r.file for r in hard))
    message = (
        f"{n:,} 件の値を読めなかったため何も取り込んでいません / "
        f"{n:,} rejected value{'' if n == 1 else 's'}; nothing was loaded (--strict)"
    )
    if n > STRICT_DETAIL:
        return RejectedRowsError(
            message,
            file=", ".join(files),
            fix=f"{rejects_path} の行を直すか --strict なしで取り込んでください / "
            f"correct the rows listed in {rejects_path} or import without --strict",
        )
    first = hard[0]
    value = f"'{first.value}': " if first.value else ""
    if first.kind == "parse_error":  # a whole line, not one value
        detail = ("最初の行", "first line") if n > 1 else ("行", "line")
    else:
        detail = ("最初の値", "first value") if n > 1 else ("値", "value")
    fix = (
        f"その値を直すか --strict なしで取り込んでください (一覧: {rejects_path}) / "
        f"correct {'them' if n > 1 else 'it'} or import without --strict "
        f"(listed in {rejects_path})"
    )
    ja, en = language_halves(message)
    reason_ja, reason_en = _reason_halves(first.reason)
    if len(files) == 1:  # where it is goes in front, as in every error
        return RejectedRowsError(
            f"{ja}。{detail[0]}: {value}{reason_ja} / {en}; {detail[1]}: {value}{reason_en}",
            file=first.file,
            row=first.row,
            column=first.column or None,
            value=first.value,
            fix=fix,
        )
    where_ja = where_en = first.file
    if first.row is not None:
        where_ja += f" {first.row}行目"
        where_en += f" row {first.row}"
    if first.column:
        where_ja += f", {first.column}"
        where_en += f", {first.column}"
    return RejectedRowsError(
        f"{ja}。{detail[0]}: {where_ja}: {value}{reason_ja} / "
        f"{en}; {detail[1]}: {where_en}: {value}{reason_en}",
        file=", ".join(files),
        fix=fix,
    )

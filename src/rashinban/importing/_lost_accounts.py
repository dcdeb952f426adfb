"""Which record a reject was, and why an account a row refers to is missing.

Every line of a rejects file names the key of its record as written in the file
(``キー/key``: the 取引先ID of an account row, the 商談ID of a deal row…). A deal,
contract or order whose 取引先ID is not stored is rejected; when an import of
accounts recorded in the workspace (``rb_meta.imports``) rejected the row of that id,
the reason names that row and why it was rejected, instead of "import accounts
first": the fix is in the accounts file, not in this one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from rashinban._errors import InvalidValueError, language_halves
from rashinban.importing._convert import _identifier, q
from rashinban.importing._rejects import KEY_HEADER, Reject
from rashinban.schema import Table
from rashinban.workspace import META_SCHEMA

#: Reject kinds that cost the whole row (a ``value_dropped`` or ``merged`` row was kept).
_ROW_LOST = ("rejected", "parse_error")


@dataclass(frozen=True)
class LostAccount:
    """Where an account's row was rejected: file, row and the reason given there."""

    file: str
    row: str
    reason: str

    def explain(self, account_id: str) -> str:
        """The reject reason of a row that refers to this account.

        As every reason: ``"問題 / problem — 直し方 / fix"``.
        """
        problem = self.reason.partition(" — ")[0]
        ja, en = language_halves(problem)
        where_ja = f"{self.file} {self.row}行目" if self.row else self.file
        where_en = f"{self.file} row {self.row}" if self.row else self.file
        return (
            f"取引先 {account_id} は {where_ja}で除外されています (理由: {ja}) / "
            f"account {account_id} was rejected at {where_en} ({en}) — "
            "その行を直して取引先を取り込み直してください / "
            "fix that row and import accounts again"
        )


def fill_keys(
    con: duckdb.DuckDBPyConnection,
    spec: Table,
    headers: Sequence[str],
    src_of: dict[str, str],
    found: Sequence[Reject],
) -> None:
    """Set the ``key`` of each reject of one file, read from ``_raw``.

    A malformed line (``parse_error``) is not in ``_raw``: its key is read from the line
    as written only when the key is the file's first column, the one cell an extra or
    missing separator further along the line cannot shift. A file without a key column
    (a list of accounts matched by name) leaves it empty.
    """
    if not found or any(k not in src_of for k in spec.key):
        return
    cells = ", ".join(f"nullif(trim({q(src_of[k])}), '')" for k in spec.key)
    rows = sorted({r.row for r in found if r.row is not None and r.kind != "parse_error"})
    keys: dict[int, str] = {}
    if rows:
        keys = {
            int(row): key
            for row, key in con.execute(
                f"SELECT _row, concat_ws(' | ', {cells}) FROM _raw "
                f"WHERE _row IN ({', '.join(map(str, rows))})"
            ).fetchall()
            if key
        }
    first_is_key = len(spec.key) == 1 and headers and src_of[spec.key[0]] == headers[0]
    for r in found:
        if r.kind == "parse_error":
            r.key = _first_cell(r.value) if first_is_key else None
        elif r.row is not None:
            r.key = keys.get(r.row)


def _first_cell(line: str | None) -> str | None:
    """The first cell of a CSV or TSV line as written (None when it is empty)."""
    if not line:
        return None
    comma, tab = line.find(","), line.find("\t")
    delimiter = "\t" if tab != -1 and (comma == -1 or tab < comma) else ","
    try:
        first = next(csv.reader(io.StringIO(line), delimiter=delimiter), [""])[0]
    except csv.Error:
        return None
    return first.strip() or None


def lost_accounts(
    con: duckdb.DuckDBPyConnection, root: Path, ids: Collection[str]
) -> dict[str, LostAccount]:
    """The rows that rejected accounts ``ids``, from the rejects files of account imports.

    The latest import that rejected an id wins; within one rejects file, the first
    reason of the row. A rejects file that has gone missing is passed over, and an
    older one without the ``キー/key`` column only tells an id it lists as the
    rejected 取引先ID value itself.
    """
    if not ids:
        return {}
    files = con.execute(
        f"""SELECT rejects_file FROM {META_SCHEMA}.imports
            WHERE table_name = 'accounts' AND rejects_file IS NOT NULL
            GROUP BY rejects_file ORDER BY max(imported_at), rejects_file"""
    ).fetchall()
    wanted = set(ids)
    out: dict[str, LostAccount] = {}
    for (name,) in files:
        here: dict[str, LostAccount] = {}
        for line in _read(root / name):
            if line.get("種別/kind") not in _ROW_LOST:
                continue
            key = line.get(KEY_HEADER) or (
                line.get("値/value") if line.get("列/column") == "取引先ID" else None
            )
            key = _as_id(key)
            if key in wanted and key not in here:
                here[key] = LostAccount(
                    line.get("ファイル/file", ""),
                    line.get("行/row", ""),
                    line.get("理由/reason", ""),
                )
        out.update(here)
    return out


def _read(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


def _as_id(text: str | None) -> str | None:
    """``text`` read as an id is (an 18-character Salesforce id is stored as its 15)."""
    if not text:
        return None
    try:
        return _identifier(text)
    except InvalidValueError:
        return None

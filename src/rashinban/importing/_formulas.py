"""Workbook formulas without a saved result.

Excel saves each formula with the value it last calculated, and an importer reads
that value. A program that writes a workbook without calculating it (openpyxl,
many report generators) saves ``=SUM(B2:B4)`` with no value: read naively the cell
is empty, and an amount would be lost without a word. The sheet's XML tells such a
cell from an empty one (a formula element, no value); those cells are found here and
handled as values that cannot be read: one that a row does not depend on is left
empty with the row kept (``value_dropped``), one the row depends on (its key, a
reference, a required date) rejects the row, and each is listed with its formula.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from rashinban.importing._rejects import Reject
from rashinban.importing._rowchecks import DROPPED, droppable_columns
from rashinban.schema import Table

# A cell whose content is a formula and at most an empty value: <c r="B5"><f>SUM(B2:B4)</f>
# <v/></c>, or a shared formula's <f t="shared" si="0"/>. Namespace prefixes allowed.
_FORMULA_CELL = re.compile(
    rb"<(?:\w+:)?c\s([^>]*?)(?<!/)>\s*<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)"
    rb"\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>",
    re.DOTALL,
)
_HAS_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
# t="str": the formula's saved result is text, which may be empty (=IF(A2="","",A2)).
_TEXT_RESULT = re.compile(rb'\bt="str"')

_REASON = "数式の計算結果が保存されていません / the formula has no saved result"
FIX = (
    "Excelで開いて保存し直すか、値として書き出してから取り込み直してください / "
    "open and save the file in Excel (or export values) and import it again"
)


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def uncached_formulas(wb: Any, sheet: Any) -> dict[tuple[int, int], str]:
    """The cells of a read-only openpyxl ``sheet`` that hold a formula without a saved
    result: ``{(row, 0-based column): "=formula"}``, read from the sheet's XML."""
    found: dict[tuple[int, int], str] = {}
    try:
        fh = wb._archive.open(sheet._worksheet_path)
    except (AttributeError, KeyError, OSError):
        return found
    with fh:
        tail = b""
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            data = tail + chunk
            cut = data.rfind(b"row>")  # scanned up to the end of the last whole row
            if cut < 0:
                tail = data
                continue
            body, tail = data[: cut + 4], data[cut + 4 :]
            _scan(body, found)
        _scan(tail, found)
    return found


def _scan(data: bytes, found: dict[tuple[int, int], str]) -> None:
    if not _HAS_FORMULA.search(data):  # the plain search skips sheets of values quickly
        return
    for m in _FORMULA_CELL.finditer(data):
        ref = _REF.search(m[1])
        if ref is None or _TEXT_RESULT.search(m[1]):
            continue
        text = html.unescape(m[2].decode("utf-8", "replace")).strip() if m[2] else ""
        found[(int(ref[2]), _column_index(ref[1]))] = (
            f"={text}" if text else "(共有数式 / shared formula)"
        )


@dataclass
class LostFormulas:
    """What the formulas without a saved result of one file came to."""

    cells: int = 0
    columns: tuple[str, ...] = ()
    #: Rows rejected because a value they depend on is such a formula.
    rows_rejected: int = 0
    #: The cells left empty in rows that are kept, to be listed with the other values
    #: left empty (``value_dropped``) once the rows are checked.
    dropped: list[Reject] = field(default_factory=list)


def lost_formulas(
    con: duckdb.DuckDBPyConnection,
    spec: Table,
    resolved: dict[str, str],
    extras: Iterable[str],
    formulas: Iterable[tuple[int, str, str]],
    file_name: str,
    rejects: list[Reject],
) -> LostFormulas:
    """Handle the ``(row, header, formula)`` cells of ``_raw`` that lost their value.

    A row whose key, reference or required date is such a cell is taken out of ``_raw``
    and each of its cells listed as ``rejected``; in a kept row, a cell of a column the
    row does not depend on (or an extra column) is left empty and listed in
    :attr:`LostFormulas.dropped`. A cell of a column the file does not import is left
    alone.
    """
    order = {h: i for i, h in enumerate([*resolved, *extras])}
    cells = [(r, h, f) for r, h, f in formulas if h in order]
    out = LostFormulas()
    if not cells:
        return out
    rows = ", ".join(str(r) for r in {r for r, _h, _f in cells})
    present = {
        int(r) for (r,) in con.execute(f"SELECT _row FROM _raw WHERE _row IN ({rows})").fetchall()
    }
    cells = [c for c in cells if c[0] in present]
    if not cells:
        return out
    droppable = droppable_columns(spec, list(dict.fromkeys(resolved.values())))
    lost_rows = sorted({r for r, h, _f in cells if h in resolved and resolved[h] not in droppable})
    for row, header, formula in cells:
        label = spec.column(resolved[header]).ja if header in resolved else header
        if row in lost_rows:
            why = (
                "数式の計算結果が保存されていません (行を取り込んでいません) / "
                f"the formula has no saved result (the row was not imported) — {FIX}"
            )
            rejects.append(Reject(file_name, row, label, formula, why))
        else:
            out.dropped.append(
                Reject(file_name, row, label, formula, f"{_REASON} — {FIX}", DROPPED)
            )
    if lost_rows:
        con.execute(f"DELETE FROM _raw WHERE _row IN ({', '.join(map(str, lost_rows))})")
    out.cells = len(cells)
    out.columns = tuple(sorted({h for _r, h, _f in cells}, key=order.__getitem__))
    out.rows_rejected = len(lost_rows)
    return out

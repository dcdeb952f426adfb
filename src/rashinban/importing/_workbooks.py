"""Reading Excel workbooks (.xlsx with openpyxl, old binary .xls with xlrd) as text rows.

A workbook made for people may keep a cover sheet in front of the data and a title
above the table. The sheet read is the first whose top rows hold this table's header
row (see :func:`rashinban.importing._readers.header_index`), else the first sheet with
anything in it; the header row is found the same way as in a CSV file. Visible sheets
come first: a hidden sheet (a lookup list, last year's data kept out of sight) is read
only when no visible sheet holds the table. A cell merged down over several data rows
(a 担当者 or 都道府県 written once for a group of rows) gives its value to every row
it covers, as the sheet shows it, not to the first alone. Rows keep the
numbers Excel shows, so rejects point at the right row.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import os
import re
import struct
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rashinban._errors import ImportFileError

if TYPE_CHECKING:
    import duckdb

    from rashinban.importing._readers import HeaderTest

Rows = Callable[[], Iterator[Sequence[Any]]]
#: Cell ranges merged over more than one row: (column index, first row, last row).
Merges = Callable[[], list[tuple[int, int, int]]]
#: Cells holding a formula without a saved result: {(row, column index): formula}.
Formulas = Callable[[], dict[tuple[int, int], str]]


def cell_text(value: Any) -> str | None:
    """A cell as import text: dates in ISO form, whole floats without ``.0``, other floats
    without exponent notation, blanks as None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float) and math.isfinite(value) and "e" in repr(value):
        # A cell holds the number itself: written out (1.5e-07 → 0.00000015), not in the
        # exponent notation a CSV uses when Excel has hidden digits.
        return format(Decimal(repr(value)), "f")
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text if text.strip() else None


_FIX_LOCKED = (
    "Excelで開き、[ファイル]→[情報]→[ブックの保護]→[パスワードを使用して暗号化]で"
    "パスワードを消して保存し直してください / open it in Excel, remove the password "
    "(File → Info → Protect Workbook → Encrypt with Password) and save it again"
)


def check_zip_workbook(path: Path) -> None:
    """Refuse a ZIP archive that is not an Excel workbook (a zipped export, say)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # a damaged workbook: openpyxl's own error names it
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return
    inside = ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
    raise ImportFileError(
        f"ZIP圧縮されたファイルです (中身: {inside}) / the file is a ZIP archive ({inside})",
        file=path.name,
        fix="展開して中のCSVやExcelファイルを取り込んでください / "
        "unzip it and import the files inside",
    )


def check_ole_workbook(path: Path) -> None:
    """Refuse a password-protected workbook with the way to open it.

    Excel keeps an encrypted .xlsx in an OLE compound file (streams ``EncryptionInfo``
    and ``EncryptedPackage``) instead of a ZIP archive; xlrd's compound-file reader
    lists its streams.
    """
    from xlrd.compdoc import CompDoc, CompDocError

    try:
        with open(os.devnull, "w") as log:
            names = {d.name for d in CompDoc(path.read_bytes(), logfile=log).dirlist}
    except (CompDocError, ValueError, IndexError, struct.error):
        return  # a damaged .xls: xlrd's own error names it
    if "EncryptedPackage" in names or "EncryptionInfo" in names:
        raise ImportFileError(
            "パスワードで保護されたブックです / the workbook is password-protected",
            file=path.name,
            fix=_FIX_LOCKED,
        )


def _xlsx_rows(sheet: Any) -> Iterator[Sequence[Any]]:
    return iter(sheet.iter_rows(values_only=True))


# <mergeCell ref="C8:D9"/> in a sheet's XML (read-only openpyxl does not parse them).
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})([0-9]+):[A-Z]{1,3}([0-9]+)"')


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _xlsx_merges(wb: Any, sheet: Any) -> list[tuple[int, int, int]]:
    """The sheet's cell ranges merged over more than one row, read from its XML."""
    found: set[tuple[int, int, int]] = set()
    try:
        fh = wb._archive.open(sheet._worksheet_path)
    except (AttributeError, KeyError, OSError):
        return []
    with fh:
        tail = b""
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            data = tail + chunk
            if b"mergeCell" not in data:  # the plain search skips the rows quickly
                tail = data[-128:]
                continue
            for m in _MERGE_REF.finditer(data):
                first, last = int(m[2]), int(m[3])
                if last > first:
                    found.add((_column_index(m[1]), first, last))
            tail = data[-128:]  # a reference cut by the chunk boundary
    return sorted(found, key=lambda r: (r[1], r[0]))


def _no_merges() -> list[tuple[int, int, int]]:
    return []


def _no_formulas() -> dict[tuple[int, int], str]:
    return {}  # an .xls keeps each formula's result; xlrd reads it


@contextmanager
def _open_xlsx(path: Path) -> Iterator[list[tuple[str, Rows, bool, Merges, Formulas]]]:
    import openpyxl

    from rashinban.importing._formulas import uncached_formulas

    # A file object, not the path: openpyxl would refuse a workbook by its name alone
    # (an .xlsx saved as "….xls"); read-only mode reads from it until closed.
    with path.open("rb") as fh:
        try:
            wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for damaged files
            raise ImportFileError(
                f"ブックを開けません / cannot open the workbook ({type(exc).__name__}: {exc})",
                file=path.name,
                fix="Excelで開いて.xlsxとして保存し直してください / "
                "open it in Excel, save it again as .xlsx, and retry",
            ) from None
        try:
            yield [
                (
                    ws.title,
                    functools.partial(_xlsx_rows, ws),
                    ws.sheet_state != "visible",
                    functools.partial(_xlsx_merges, wb, ws),
                    functools.partial(uncached_formulas, wb, ws),
                )
                for ws in wb.worksheets
            ]
        finally:
            wb.close()


def _xls_value(cell: Any, datemode: int) -> Any:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
            return cell.value  # not a real date: left to the column's own check
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    return cell.value


@contextmanager
def _open_xls(path: Path) -> Iterator[list[tuple[str, Rows, bool, Merges, Formulas]]]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, struct and compound-document errors
        if "encrypted" in str(exc).lower():
            raise ImportFileError(
                "パスワードで保護されたブックです / the workbook is password-protected",
                file=path.name,
                fix=_FIX_LOCKED,
            ) from None
        raise ImportFileError(
            "Excel 97-2003ブックを開けません / "
            f"cannot open the .xls workbook ({type(exc).__name__}: {exc})",
            file=path.name,
            fix="Excelで開いて.xlsxとして保存し直してください / "
            "open it in Excel, save it as .xlsx, and retry",
        ) from None

    def rows(index: int) -> Iterator[Sequence[Any]]:
        sheet = book.sheet_by_index(index)
        for r in range(sheet.nrows):
            yield [_xls_value(c, book.datemode) for c in sheet.row(r)]

    try:
        # BOUNDSHEET visibility: 0 visible, 1 hidden, 2 very hidden
        hidden = [bool(v) for v in getattr(book, "_sheet_visibility", [])]
        yield [
            (
                name,
                functools.partial(rows, i),
                i < len(hidden) and hidden[i],
                _no_merges,
                _no_formulas,
            )
            for i, name in enumerate(book.sheet_names())
        ]
    finally:
        book.release_resources()


def read_workbook(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    name: str,
    fmt: str,
    is_header: HeaderTest | None,
) -> tuple[
    list[str], int, int, str, tuple[str, ...], tuple[str, ...], tuple[tuple[int, str, str], ...]
]:
    """Load the data sheet into temp table ``name``.

    Returns the headers, the number of rows, the header row, the sheet's name, the
    words of a report footer left out below the table, the headers of the columns
    where a merged cell's value was given to the rows below it, and the data cells
    that hold a formula without a saved result, as ``(row, header, formula)``. A row
    is kept when such a cell is all it holds, so that it is not lost unsaid.
    """
    import pyarrow as pa

    from rashinban.importing._readers import (
        HEADER,
        HEADER_SEARCH_ROWS,
        NOT_HEADER,
        header_match,
        header_names,
    )

    opener = _open_xls if fmt == "xls" else _open_xlsx
    with opener(path) as sheets:
        # The first sheet with this table's header; failing that, the first with another
        # table's header (the table check names it), else the first sheet with data.
        # Visible sheets are looked at first, hidden ones only when no visible one wins.
        chosen: tuple[str, Rows, int, Merges, Formulas] | None = None
        chosen_rank = NOT_HEADER - 1
        for title, rows_of, _hidden, merges_of, formulas_of in sorted(sheets, key=lambda s: s[2]):
            first = itertools.islice(rows_of(), HEADER_SEARCH_ROWS)
            top = [[cell_text(v) for v in r] for r in first]
            if not any(any(r) for r in top):
                continue
            match = (0, HEADER) if is_header is None else header_match(top, is_header)
            at, rank = match if match is not None else (0, NOT_HEADER)
            if rank > chosen_rank:
                chosen, chosen_rank = (title, rows_of, at, merges_of, formulas_of), rank
            if rank >= HEADER:
                break
        if chosen is None:
            raise ImportFileError(
                "ブックのどのシートにもデータがありません / the workbook has no data",
                file=path.name,
                fix="表をシートに入れて保存してください / put the table on a sheet",
            )
        title, rows_of, at, merges_of, formulas_of = chosen
        it = enumerate(rows_of(), start=1)
        header: list[Any] = []
        for i, row in it:
            if i == at + 1:
                header = list(row)
                break
        headers = header_names(header, path.name)
        # merged ranges that start on a data row, by that row: (column, last row)
        starts: dict[int, list[tuple[int, int]]] = {}
        for c, row_one, last in merges_of():
            if row_one > at + 1 and c < len(headers):
                starts.setdefault(row_one, []).append((c, last))
        # formulas without a saved result below the header, by row: [(column, formula)]
        lost: dict[int, list[tuple[int, str]]] = {}
        for (r, c), formula in formulas_of().items():
            if r > at + 1 and c < len(headers):
                lost.setdefault(r, []).append((c, formula))
        uncached: list[tuple[int, str, str]] = []
        down: list[tuple[int, int, str]] = []  # (column, last row, value) being filled
        spread: set[int] = set()  # the columns a merged value was given to
        cols: list[list[str | None]] = [[] for _ in headers]
        row_numbers: list[int] = []
        filled: list[int] = []  # how many cells of each row hold a value
        for i, row in it:
            cells = [cell_text(v) for v in row]
            if not any(cells) and i not in lost:
                continue
            if starts or down:
                cells, down = _fill_merged(cells, i, starts, down, spread)
            if len(cells) > len(headers) and any(cells[len(headers) :]):
                raise ImportFileError(
                    "見出しのない列に値があります / a row has values beyond the last header",
                    file=path.name,
                    row=i,
                    fix="すべての列に見出しを付けてください / give every column a header",
                )
            for j in range(len(headers)):
                cols[j].append(cells[j] if j < len(cells) else None)
            row_numbers.append(i)
            filled.append(sum(1 for c in cells if c is not None))
            uncached += [
                (i, headers[j], f)
                for j, f in lost.get(i, ())
                if j >= len(cells) or cells[j] is None
            ]
    keep = _footer_start(row_numbers, filled, len(headers))
    footer = tuple(
        str(next(c[k] for c in cols if c[k] is not None)) for k in range(keep, len(filled))
    )
    cols = [c[:keep] for c in cols]
    row_numbers = row_numbers[:keep]
    arrays = {h: pa.array(c, type=pa.string()) for h, c in zip(headers, cols, strict=True)}
    arrays["_row"] = pa.array(row_numbers, type=pa.int64())
    con.register("_xlsx_arrow", pa.table(arrays))
    con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS SELECT * FROM _xlsx_arrow')
    con.unregister("_xlsx_arrow")
    merged = tuple(headers[c] for c in sorted(spread))
    kept = set(row_numbers)
    formulas = tuple(u for u in uncached if u[0] in kept)
    return headers, len(row_numbers), at + 1, title, footer, merged, formulas


def _fill_merged(
    cells: list[str | None],
    i: int,
    starts: dict[int, list[tuple[int, int]]],
    down: list[tuple[int, int, str]],
    spread: set[int],
) -> tuple[list[str | None], list[tuple[int, int, str]]]:
    """Row ``i``'s cells with the values of the merged cells above that cover it.

    A merged range's value is in its top-left cell; the rows below it, down to the
    range's last row, get it in the same column. ``down`` is updated for the next row.
    """
    down = [d for d in down if d[1] >= i]
    for c, _last, value in down:
        if c >= len(cells):
            cells = cells + [None] * (c + 1 - len(cells))
        if cells[c] is None:
            cells[c] = value
            spread.add(c)
    for c, last in starts.get(i, ()):
        if c < len(cells) and cells[c] is not None:
            down.append((c, last, str(cells[c])))
    return cells, down


def _footer_start(row_numbers: list[int], filled: list[int], width: int) -> int:
    """Where a report footer below the table starts (``len(filled)`` when there is none).

    Salesforce's formatted export ends with a blank row and rows of one cell
    ("Confidential Information - Do Not Distribute", "Copyright (c) …"). The footer
    is the run of one-cell rows at the end, from the first of them that has a blank
    row above it; a one-cell row right below the data is a record (and is checked as
    one). A table of one column has no footer.
    """
    end = len(filled)
    if width < 2:
        return end
    start = end
    while start > 0 and filled[start - 1] == 1:
        start -= 1
    for k in range(start, end):
        if k > 0 and row_numbers[k] > row_numbers[k - 1] + 1:
            return k
    return end

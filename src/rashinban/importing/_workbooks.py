"""Reading Excel workbooks (.xlsx with openpyxl, old binary .xls with xlrd) as text rows.

A workbook made for people may keep a cover sheet in front of the data and a title
above the table. The sheet read is the first whose top rows hold this table's header
row (see :func:`rashinban.importing._readers.header_index`), else the first sheet with
anything in it; the header row is found the same way as in a CSV file. Rows keep the
numbers Excel shows, so rejects point at the right row.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rashinban._errors import ImportFileError

if TYPE_CHECKING:
    import duckdb

Rows = Callable[[], Iterator[Sequence[Any]]]


def cell_text(value: Any) -> str | None:
    """A cell as import text: dates in ISO form, whole floats without ``.0``, blanks as None."""
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
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text if text.strip() else None


def _xlsx_rows(sheet: Any) -> Iterator[Sequence[Any]]:
    return iter(sheet.iter_rows(values_only=True))


@contextmanager
def _open_xlsx(path: Path) -> Iterator[list[tuple[str, Rows]]]:
    import openpyxl

    # A file object, not the path: openpyxl would refuse a workbook by its name alone
    # (an .xlsx saved as "….xls"); read-only mode reads from it until closed.
    with path.open("rb") as fh:
        try:
            wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for damaged files
            raise ImportFileError(
                f"cannot open the workbook ({type(exc).__name__}: {exc})",
                file=path.name,
                fix="open it in Excel, save it again as .xlsx, and retry",
            ) from None
        try:
            yield [(ws.title, functools.partial(_xlsx_rows, ws)) for ws in wb.worksheets]
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
def _open_xls(path: Path) -> Iterator[list[tuple[str, Rows]]]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, struct and compound-document errors
        raise ImportFileError(
            f"cannot open the .xls workbook ({type(exc).__name__}: {exc})",
            file=path.name,
            fix="open it in Excel, save it as .xlsx, and retry",
        ) from None

    def rows(index: int) -> Iterator[Sequence[Any]]:
        sheet = book.sheet_by_index(index)
        for r in range(sheet.nrows):
            yield [_xls_value(c, book.datemode) for c in sheet.row(r)]

    try:
        yield [(name, functools.partial(rows, i)) for i, name in enumerate(book.sheet_names())]
    finally:
        book.release_resources()


def read_workbook(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    name: str,
    fmt: str,
    is_header: Callable[[tuple[str, ...]], bool] | None,
) -> tuple[list[str], int, int, str]:
    """Load the data sheet into temp table ``name``; return headers, rows, header row, sheet."""
    import pyarrow as pa

    from rashinban.importing._readers import HEADER_SEARCH_ROWS, header_index, header_names

    opener = _open_xls if fmt == "xls" else _open_xlsx
    with opener(path) as sheets:
        chosen: tuple[str, Rows, int] | None = None
        for title, rows_of in sheets:
            first = itertools.islice(rows_of(), HEADER_SEARCH_ROWS)
            top = [[cell_text(v) for v in r] for r in first]
            if not any(any(r) for r in top):
                continue
            at = header_index(top, is_header)
            if at is not None:
                chosen = (title, rows_of, at)
                break
            if chosen is None:
                chosen = (title, rows_of, 0)  # no header found: the first sheet with data
        if chosen is None:
            raise ImportFileError(
                "the workbook has no data", file=path.name, fix="put the table on a sheet"
            )
        title, rows_of, at = chosen
        it = enumerate(rows_of(), start=1)
        header: list[Any] = []
        for i, row in it:
            if i == at + 1:
                header = list(row)
                break
        headers = header_names(header, path.name)
        cols: list[list[str | None]] = [[] for _ in headers]
        row_numbers: list[int] = []
        for i, row in it:
            cells = [cell_text(v) for v in row]
            if not any(cells):
                continue
            if len(cells) > len(headers) and any(cells[len(headers) :]):
                raise ImportFileError(
                    "a row has values beyond the last header",
                    file=path.name,
                    row=i,
                    fix="give every column a header",
                )
            for j in range(len(headers)):
                cols[j].append(cells[j] if j < len(cells) else None)
            row_numbers.append(i)
    arrays = {h: pa.array(c, type=pa.string()) for h, c in zip(headers, cols, strict=True)}
    arrays["_row"] = pa.array(row_numbers, type=pa.int64())
    con.register("_xlsx_arrow", pa.table(arrays))
    con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS SELECT * FROM _xlsx_arrow')
    con.unregister("_xlsx_arrow")
    return headers, len(row_numbers), at + 1, title

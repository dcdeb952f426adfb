"""Malformed CSV lines: what is wrong in the user's terms, and a careful reader.

DuckDB reads a well-formed CSV body fast; short rows are padded with empty values
there (``null_padding``: Excel and many tools leave out trailing empty cells). What
DuckDB reports about the other malformed lines is its own English ("Expected Number
of Columns: 3 Found: 4", counting the first extra field), and after a broken quote
it loses every row below. So:

- a row with **too many fields** is rejected with the header's width and the row's
  real field count, and the fix (quote a value that holds the separator);
- a file where DuckDB meets anything else (a quote that is never closed, a closing
  quote followed by text, a quoted line break it cannot combine with padding) is
  read again by :func:`load_rows`, Python's ``csv`` in strict mode with recovery: the
  line where the broken record starts is rejected and reading resumes on the next
  line, so the good rows below it are kept.

Row numbers are those a spreadsheet shows: the header row is counted, a blank line
is a row, and a record whose quoted cell holds line breaks is one row.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rashinban._errors import EncodingError

if TYPE_CHECKING:
    import duckdb

#: One malformed line: its row (as a spreadsheet shows it), the reason, the line as written.
ParseError = tuple[int, str, str]

#: Rows per batch handed to DuckDB by :func:`load_rows`.
_BATCH = 50_000
#: How much of a malformed line the rejects file shows.
_SHOWN = 200

_DELIM_NAMES = {",": ("カンマ「,」", "comma"), "\t": ("タブ", "tab"), ";": ("「;」", "semicolon")}


def too_many_fields(width: int, found: int, delim: str) -> str:
    """The reason for a row with more fields than the header has columns."""
    ja, en = _DELIM_NAMES.get(delim, (f"「{delim}」", repr(delim)))
    return (
        f"列が多すぎます: 見出しは{width}列、この行は{found}列 / "
        f"too many fields: the header has {width} columns, this row {found} — "
        f'{ja}を含む値は「"」で囲み (例: "1,234")、余分な{ja}は消してください / '
        f"check for an unquoted {en} in a value: put that value in quotes "
        f'("1,234") or remove the extra {en}'
    )


def broken_quote(unclosed: bool) -> str:
    """The reason for a line whose quotes are broken (``unclosed``: never closed)."""
    if unclosed:
        return (
            '「"」で始まった値が閉じていません (次の行から読み直しました) / '
            "a quoted value is never closed (reading resumed on the next line) — "
            '閉じる「"」を足すか、値の中の「"」を「""」と2つ重ねてください / '
            'add the closing quote, or double a quote inside the value ("")'
        )
    return (
        '引用符「"」の使い方が崩れています (閉じた「"」の後に文字があります) / '
        "broken quotes: text follows a closing quote — "
        '値の中の「"」は「""」と2つ重ねるか、値全体を「"」で囲んでください / '
        'double a quote inside a value (""), or quote the whole value'
    )


def shown(line: str) -> str:
    """A malformed line as the rejects file shows it: without its line break, cut short."""
    text = line.strip("\r\n")
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


class _Lines:
    """Physical lines of a text file, with the ones read for the current record kept
    so that a broken record can be given back all but its first line."""

    def __init__(self, fh: TextIO) -> None:
        self._fh = fh
        self.back: deque[str] = deque()
        self.taken: list[str] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self.back.popleft() if self.back else self._fh.readline()
        if not line:
            raise StopIteration
        self.taken.append(line)
        return line


def _records(path: Path, delim: str, file_name: str) -> Iterator[tuple[int, list[str], str, str]]:
    """``(row, cells, line, broken)`` for every row of ``path``.

    ``line`` is the record as written; ``broken`` is the reason when its quotes are
    broken (cells then empty). A blank line has no cells: it is a row of the
    spreadsheet, not a record.
    """
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        lines = _Lines(fh)
        reader = csv.reader(lines, delimiter=delim, quotechar='"', strict=True)
        row = 0
        while True:
            lines.taken = []
            try:
                cells = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise EncodingError(
                    "UTF-8として読めないバイトがあります / bytes that are not valid UTF-8",
                    file=file_name,
                    row=row + 1,
                    fix="Excelで「CSV UTF-8」形式で保存し直すか --encoding cp932 を指定してください"
                    " / save it from Excel as 'CSV UTF-8' or pass --encoding cp932",
                ) from exc
            except csv.Error as exc:
                row += 1
                taken = lines.taken or [""]
                # The broken record is taken to be its first line: the lines below it are
                # read again, so a quote that is never closed costs one row, not the rest.
                lines.back.extendleft(reversed(taken[1:]))
                yield row, [], taken[0], broken_quote(unclosed="expected after" not in str(exc))
                continue
            row += 1
            yield row, cells, "".join(lines.taken), ""


def load_rows(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    name: str,
    headers: list[str],
    delim: str,
    skip: int,
    file_name: str,
) -> tuple[ParseError, ...]:
    """Read ``path`` (UTF-8) into temp table ``name`` the careful way; return its bad lines.

    ``skip`` rows above the header (a title) and the header itself are passed over.
    Short rows are padded with empty values; rows with too many fields and broken
    lines are returned instead of loaded. The table has the ``headers`` as VARCHAR
    columns and ``_row``, as DuckDB's own read makes it.
    """
    import pyarrow as pa

    width = len(headers)
    schema = pa.schema([*(pa.field(h, pa.string()) for h in headers), ("_row", pa.int64())])
    errors: list[ParseError] = []
    columns: list[list[str | None]] = [[] for _ in headers]
    row_numbers: list[int] = []
    created = False

    def flush() -> None:
        nonlocal created
        arrays = [*columns, row_numbers]
        con.register("_csvrows_batch", pa.Table.from_arrays(arrays, schema=schema))
        if created:
            con.execute(f'INSERT INTO "{name}" SELECT * FROM _csvrows_batch')
        else:
            con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS SELECT * FROM _csvrows_batch')
            created = True
        con.unregister("_csvrows_batch")
        for column in columns:
            column.clear()
        row_numbers.clear()

    for row, cells, line, broken in _records(path, delim, file_name):
        if row <= skip + 1:
            continue  # the title rows and the header
        if broken:
            errors.append((row, broken, shown(line)))
        elif len(cells) > width:
            errors.append((row, too_many_fields(width, len(cells), delim), shown(line)))
        elif cells:  # a blank line is a row of the spreadsheet, not a record
            for i, column in enumerate(columns):
                # Empty and missing trailing cells are NULL, as DuckDB reads them.
                column.append(cells[i] or None if i < len(cells) else None)
            row_numbers.append(row)
            if len(row_numbers) >= _BATCH:
                flush()
    if row_numbers or not created:
        flush()
    return tuple(errors)

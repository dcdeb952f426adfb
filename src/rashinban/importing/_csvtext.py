"""Preparing CSV text for DuckDB: the top rows, a report footer, blank rows.

DuckDB parses the body of a CSV file fast and well, but three things that exports
made for people contain need care before it reads the text:

- **A header cell with a line break** (Alt+Enter in Excel: a bare LF inside a quoted
  cell of a CRLF file). DuckDB reads *no rows at all* from such a file, without an
  error. The records above the data (title and header) are therefore read here,
  quote-aware, and when one of them spans several lines they are written back as
  one line each, the breaks inside cells replaced by spaces.
- **A report footer.** Salesforce ends a report export with a blank line and lines
  of one cell ("Confidential Information - Do Not Distribute", "Copyright (c)
  2000-2024 salesforce.com, inc. …", "生成日時: …"). They are not records: the text
  is cut before them and their words are returned so that the summary can say
  what was left out.
- **Blank lines between records.** DuckDB skips them, so counting accepted rows
  would number every later row too low; a spreadsheet counts a blank line as a
  row. Their row numbers are found here (a quote-aware pass that runs only when
  the bytes hold a blank line at all) so that rows keep the numbers Excel shows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

#: How many bytes from the end are searched for a report footer.
_TAIL = 64 << 10
#: How many characters from the top are read to find the header record.
_HEAD = 1 << 20
_CHUNK = 8 << 20


@dataclass(frozen=True)
class CsvText:
    """The text DuckDB is to read, and what was learnt about it on the way."""

    path: Path  # the original file, or a prepared copy in the temporary folder
    footer: tuple[str, ...]  # the words of a report footer cut off the end
    blank_rows: tuple[int, ...]  # row numbers (header area included) of blank lines


@dataclass(frozen=True)
class Top:
    """The first records of a text table, read quote-aware."""

    records: tuple[tuple[str, ...], ...]
    lines: tuple[str, ...]  # the physical lines they were read from
    ends: tuple[int, ...]  # for each record, how many of ``lines`` it has used up
    bom: bool


def sniff_delimiter(path: Path) -> str:
    """The separator of a text table: the one of ``,`` ``\\t`` ``;`` most used in a top line.

    Every one of the first lines is looked at, so that a title line above the header
    ("取引先一覧") does not hide a tab-separated table.
    """
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as fh:
        lines = [fh.readline() for _ in range(20)]
    best, best_count = ",", 0
    for d in (",", "\t", ";"):
        count = max((line.count(d) for line in lines), default=0)
        if count > best_count:
            best, best_count = d, count
    return best


def read_top(path: Path, delim: str, records: int) -> Top:
    """The first ``records`` records of ``path`` (UTF-8), a quoted cell's line breaks kept."""
    with path.open("rb") as fh:
        bom = fh.read(3) == b"\xef\xbb\xbf"
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as fh:
        head = fh.read(_HEAD)
    lines = io.StringIO(head, newline="").readlines()
    complete = len(head) < _HEAD
    if lines and not complete:
        lines.pop()  # may be cut in the middle
    reader = csv.reader(iter(lines), delimiter=delim, quotechar='"', strict=False)
    got: list[tuple[str, ...]] = []
    ends: list[int] = []
    try:
        for cells in reader:
            if len(got) == records or (reader.line_num >= len(lines) and not complete):
                break  # enough, or a record that may go on below what was read
            got.append(tuple(cells))
            ends.append(reader.line_num)
    except csv.Error:
        pass  # a broken quote near the top: DuckDB's own parse reports it
    return Top(tuple(got), tuple(lines), tuple(ends), bom)


def prepare(path: Path, tmp: Path, delim: str, top: Top, header_at: int, owned: bool) -> CsvText:
    """Make ``path`` safe for DuckDB (see the module docstring).

    ``header_at`` is the 0-based record the headers are on. ``owned`` says that
    ``path`` is already a temporary copy that may be changed in place; otherwise a
    copy is made in ``tmp`` when the text has to change.
    """
    above = top.records[: header_at + 1]
    rewrite: bytes | None = None
    head_end = 0
    if any("\n" in c or "\r" in c for cells in above for c in cells):
        used = top.ends[header_at]
        head_end = (3 if top.bom else 0) + len("".join(top.lines[:used]).encode("utf-8"))
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delim, quotechar='"', lineterminator="\r\n")
        for cells in above:
            writer.writerow([" ".join(c.split()) for c in cells])
        rewrite = out.getvalue().encode("utf-8")
    width = len(top.records[header_at]) if header_at < len(top.records) else 0
    footer, cut = _footer(path, delim, width)
    if rewrite is not None or cut < path.stat().st_size:
        if owned and rewrite is None:
            with path.open("r+b") as fh:
                fh.truncate(cut)
        else:
            target = tmp / "prepared.csv"
            _copy(path, target, rewrite, head_end, cut)
            path = target
    return CsvText(path, footer, _blank_rows(path, delim))


def _single_cell(line: str, delim: str) -> str | None:
    """The text of a line that is exactly one cell, else None.

    A complete line only: unquoted without quotes or separators, or wholly quoted
    with its inner quotes doubled. The last line of a record whose quoted cell runs
    over several lines always has an odd number of quotes, so it is never one.
    """
    text = line.rstrip("\r\n")
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        inner = text[1:-1]
        if inner.replace('""', "").count('"'):
            return None
        return inner.replace('""', '"')
    if '"' in text or delim in text:
        return None
    return text


def _footer(path: Path, delim: str, width: int) -> tuple[tuple[str, ...], int]:
    """A report footer at the end of the file: its non-blank lines and where it starts.

    The footer is the run of lines at the end that are blank or one cell each, from
    the first blank line of that run on: a one-cell line right below the data is a
    broken record, not a footer. A table of one column has no footer.
    """
    size = path.stat().st_size
    if width < 2:
        return (), size
    with path.open("rb") as fh:
        fh.seek(max(0, size - _TAIL))
        tail = fh.read()
    lines = tail.splitlines(keepends=True)
    if size > _TAIL and lines:
        lines.pop(0)  # may start in the middle of a line
    run: list[tuple[bytes, str | None]] = []  # (raw line, its cell text; "" when blank)
    for raw in reversed(lines):
        text = raw.decode("utf-8", errors="replace")
        cell = "" if not text.strip() else _single_cell(text, delim)
        if cell is None:
            break
        run.append((raw, cell.strip()))
    run.reverse()
    first_blank = next((i for i, (_, cell) in enumerate(run) if not cell), None)
    if first_blank is None:
        return (), size
    footer = run[first_blank:]
    words = tuple(cell for _, cell in footer if cell)
    if not words:
        return (), size  # only trailing blank lines: DuckDB skips them
    return words, size - sum(len(raw) for raw, _ in footer)


def _copy(src: Path, dst: Path, head: bytes | None, head_end: int, cut: int) -> None:
    """Write ``src[:cut]`` to ``dst``, its first ``head_end`` bytes replaced by ``head``."""
    with src.open("rb") as fin, dst.open("wb") as fout:
        if head is not None:
            fout.write(head)
            fin.seek(head_end)
        left = cut - fin.tell()
        while left > 0:
            chunk = fin.read(min(_CHUNK, left))
            if not chunk:
                break
            fout.write(chunk)
            left -= len(chunk)


def _has_blank_line(path: Path) -> bool:
    """Whether the bytes hold an empty line at all (a fast scan before the exact one)."""
    prev = b""
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            data = prev + chunk
            if b"\n\n" in data or b"\n\r\n" in data:
                return True
            prev = data[-2:]
    return False


def _blank_rows(path: Path, delim: str) -> tuple[int, ...]:
    """Row numbers of the blank lines between records (not those inside quoted cells)."""
    if not _has_blank_line(path):
        return ()
    blanks: list[int] = []
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=delim, quotechar='"', strict=False)
        try:
            for row, cells in enumerate(reader, start=1):
                if not cells:
                    blanks.append(row)
        except csv.Error:
            pass  # DuckDB reports the broken line itself
    return tuple(blanks)

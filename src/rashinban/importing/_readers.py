"""Reading import files into DuckDB as text columns.

Every format ends up as a DuckDB table of VARCHAR columns plus ``_row``, the
row number as a spreadsheet shows it (header = row 1, first data row = 2), so
that typed conversion and rejects work the same way for CSV, TSV, XLSX and
Parquet. CSV text in CP932 or UTF-16 is transcoded to UTF-8 in a streaming
pass first: DuckDB reads only UTF-8 without an extension, and Python's codecs
decode CP932 at several hundred MB/s.

CP932 is Microsoft's Shift_JIS; it is what Excel and Salesforce write on
Japanese Windows. Python's ``shift_jis`` codec rejects characters CP932 has
(㈱, ①, 髙, ～), so CP932 is always used for Shift_JIS-family files.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rashinban._errors import EncodingError, ImportFileError

if TYPE_CHECKING:
    import duckdb

ENCODINGS = ("auto", "utf-8", "utf-8-sig", "cp932", "utf-16")
_CHUNK = 8 << 20
_SAMPLE = 1 << 20


@dataclass(frozen=True)
class RawFile:
    """What reading a file produced: the DuckDB table name and what was detected."""

    table: str
    headers: tuple[str, ...]
    rows: int
    encoding: str | None
    parse_errors: tuple[tuple[int, str], ...]  # (row, reason) for lines CSV parsing rejected
    header_row: int = 1  # the row the headers were read from (a title may stand above)
    sheet: str | None = None  # the workbook sheet read


#: The name given to a column whose header cell is empty ("column_3").
UNNAMED = re.compile(r"column_[0-9]+")

#: How many rows from the top are searched for the header row when the first is not it.
HEADER_SEARCH_ROWS = 20


def header_index(
    rows: list[list[str | None]], is_header: Callable[[tuple[str, ...]], bool] | None
) -> int | None:
    """The 0-based index of the header row among the first rows of a file, or None.

    Exports made for people often put a title, an output date or a blank line above
    the table ("取引先一覧（2025年3月末）"). Without a test the first row is the
    header; with one, the first row that ``is_header`` accepts (None when none does).
    """
    if is_header is None:
        return 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = tuple(str(c).strip() for c in row if c is not None and str(c).strip())
        if cells and is_header(tuple(str(c).strip() for c in row if c is not None)):
            return i
    return None


def find_header_row(
    rows: list[list[str | None]], is_header: Callable[[tuple[str, ...]], bool] | None
) -> int:
    """:func:`header_index`, or the first row when no row is a header (so that the usual
    error names the headers it found)."""
    at = header_index(rows, is_header)
    return 0 if at is None else at


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix == ".tsv":
        return "tsv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".parquet":
        return "parquet"
    if suffix == ".xls":
        # Some systems write an .xlsx workbook under an .xls name: a zip file is one.
        with path.open("rb") as fh:
            return "xlsx" if fh.read(2) == b"PK" else "xls"
    raise ImportFileError(
        f"unknown file type {suffix or '(none)'}",
        file=path.name,
        fix="import CSV, TSV, XLSX, XLS or Parquet files",
    )


def detect_encoding(path: Path) -> str:
    """Guess a text file's encoding from its first megabyte.

    BOMs decide first (UTF-8, UTF-16); then strict UTF-8; then CP932. Pure
    ASCII counts as UTF-8. Anything else is an :class:`EncodingError`.
    """
    with path.open("rb") as fh:
        sample = fh.read(_SAMPLE)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for enc in ("utf-8", "cp932"):
        try:
            codecs.getincrementaldecoder(enc)().decode(sample, final=len(sample) < _SAMPLE)
            return enc
        except UnicodeDecodeError:
            continue
    raise EncodingError(
        "the file is neither UTF-8 nor CP932 (Shift_JIS) text",
        file=path.name,
        fix="save it from Excel as 'CSV UTF-8' or pass --encoding",
    )


def _transcode(src: Path, dst: Path, encoding: str) -> None:
    """Stream ``src`` in ``encoding`` to UTF-8 ``dst``; name the row of the first bad byte."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    lines_before = 0
    with src.open("rb") as fin, dst.open("w", encoding="utf-8", newline="") as fout:
        while True:
            chunk = fin.read(_CHUNK)
            final = not chunk
            try:
                text = decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                row = lines_before + chunk[: exc.start].count(b"\n") + 1
                raise EncodingError(
                    f"bytes {chunk[exc.start : exc.start + 4]!r} are not valid {encoding}",
                    file=src.name,
                    row=row,
                    fix="check the file's encoding (pass --encoding utf-8 or cp932) "
                    "or re-save it from Excel",
                ) from None
            fout.write(text)
            if final:
                break
            lines_before += chunk.count(b"\n")


def _sniff_delimiter(path: Path, fmt: str) -> str:
    if fmt == "tsv":
        return "\t"
    with path.open("r", encoding="utf-8", errors="replace", newline="") as fh:
        head = fh.readline()
    counts = {d: head.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def header_names(headers: list[Any], file_name: str) -> list[str]:
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, h in enumerate(headers, start=1):
        name = "" if h is None else str(h).strip().lstrip("\ufeff")
        if not name:
            name = f"column_{i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        names.append(name)
    if not names:
        raise ImportFileError("the file has no header row", file=file_name, fix="add a header row")
    return names


def read_raw(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    *,
    name: str = "_raw",
    encoding: str = "auto",
    is_header: Callable[[tuple[str, ...]], bool] | None = None,
) -> RawFile:
    """Load ``path`` into temp table ``name`` as VARCHAR columns plus ``_row``.

    ``is_header`` tells a header row from a title above it (see :func:`find_header_row`);
    CSV, TSV and XLSX files are searched, Parquet files have their column names.
    """
    import duckdb

    if encoding not in ENCODINGS:
        raise ImportFileError(
            f"unknown encoding {encoding!r}",
            file=path.name,
            fix="use one of " + ", ".join(ENCODINGS),
        )
    if not path.is_file():
        raise ImportFileError("file not found", file=str(path), fix="check the path")
    fmt = detect_format(path)
    if fmt in ("xlsx", "xls"):
        from rashinban.importing._workbooks import read_workbook

        headers, rows, header_row, sheet = read_workbook(path, con, name, fmt, is_header)
        return RawFile(name, tuple(headers), rows, None, (), header_row, sheet)
    if fmt == "parquet":
        try:
            rel = con.read_parquet(str(path))
        except duckdb.Error as exc:
            raise ImportFileError(
                f"cannot read Parquet: {exc}", file=path.name, fix="re-export the file"
            ) from None
        headers = list(rel.columns)
        select = ", ".join(f'CAST("{h}" AS VARCHAR) AS "{h}"' for h in headers)
        con.execute(
            f'CREATE OR REPLACE TEMP TABLE "{name}" AS SELECT {select}, '
            f"CAST(row_number() OVER () + 1 AS BIGINT) AS _row FROM read_parquet(?)",
            [str(path)],
        )
        n = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()
        return RawFile(name, tuple(headers), int(n[0]) if n else 0, None, ())

    enc = detect_encoding(path) if encoding == "auto" else encoding
    with tempfile.TemporaryDirectory(prefix="rashinban-import-") as tmp:
        text_path = path
        if enc not in ("utf-8", "utf-8-sig"):
            text_path = Path(tmp) / "utf8.csv"
            _transcode(path, text_path, enc)
        elif enc == "utf-8":
            # A strict check of the whole file: DuckDB would otherwise replace or reject
            # invalid bytes row by row with less helpful messages.
            _transcode(path, Path(tmp) / "check.csv", "utf-8") if path.stat().st_size < (
                64 << 20
            ) else None
        delim = _sniff_delimiter(text_path, fmt)
        return _read_csv(con, text_path, path.name, name, delim, enc, is_header)


def _read_csv(
    con: duckdb.DuckDBPyConnection,
    text_path: Path,
    file_name: str,
    name: str,
    delim: str,
    enc: str,
    is_header: Callable[[tuple[str, ...]], bool] | None = None,
) -> RawFile:
    import csv

    import duckdb

    with text_path.open("r", encoding="utf-8-sig", newline="") as fh:
        lines = [fh.readline() for _ in range(HEADER_SEARCH_ROWS)]
    top = [next(csv.reader([line], delimiter=delim), []) for line in lines if line]
    # One physical line per row here: a title above the header has no quoted newlines.
    skip = find_header_row([[c or None for c in row] for row in top], is_header)
    headers = header_names(top[skip] if top else [], file_name)
    columns = (
        "{" + ", ".join(f"'{h.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for h in headers) + "}"
    )
    try:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE "{name}" AS
            SELECT *, CAST(row_number() OVER () + {skip + 1} AS BIGINT) AS _row
            FROM read_csv(?, delim = ?, header = true, columns = {columns}, quote = '"',
                          escape = '"', store_rejects = true, auto_detect = false,
                          null_padding = false, strict_mode = true, parallel = true,
                          skip = {skip})""",
            [str(text_path), delim],
        )
        rejects = con.execute(
            "SELECT line, error_message FROM reject_errors ORDER BY line"
        ).fetchall()
        con.execute("DROP TABLE IF EXISTS reject_errors")
        con.execute("DROP TABLE IF EXISTS reject_scans")
    except duckdb.Error as exc:
        raise ImportFileError(
            f"cannot parse the CSV: {str(exc).splitlines()[0]}",
            file=file_name,
            fix="check quotes and separators, or save it again from Excel",
        ) from None
    n_row = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()
    n = int(n_row[0]) if n_row else 0
    errors = tuple((int(line), str(msg).splitlines()[0]) for line, msg in rejects)
    if errors:
        _renumber_after_rejects(con, name, n, sorted({line for line, _ in errors}), skip + 2)
    return RawFile(name, tuple(headers), n, enc, errors, skip + 1)


def _renumber_after_rejects(
    con: duckdb.DuckDBPyConnection, name: str, n: int, rejected: list[int], first_row: int = 2
) -> None:
    """Give rows after a rejected CSV line their true row number.

    ``row_number()`` counts only accepted rows, so every row after a rejected
    line is numbered too low; the true numbers are 2, 3, … with the rejected
    lines left out.
    """
    import numpy as np
    import pyarrow as pa

    first = rejected[0]
    end = first_row + n + len(rejected)
    true_rows = np.setdiff1d(np.arange(first_row, end), np.asarray(rejected))
    provisional = np.arange(first_row, first_row + n)
    tail = provisional >= first
    fix = pa.table({"_prov": provisional[tail], "_true": true_rows[tail]})
    con.register("_renumber", fix)
    con.execute(
        f'UPDATE "{name}" SET _row = f._true FROM _renumber f WHERE "{name}"._row = f._prov'
    )
    con.unregister("_renumber")


def keep_original(path: Path, store: Path, sha: str) -> Path:
    """Copy ``path`` into the workspace's ``imports/`` folder, content-addressed."""
    store.mkdir(parents=True, exist_ok=True)
    target = store / f"{sha[:16]}{path.suffix.lower()}"
    if not target.exists():
        tmp = target.with_suffix(target.suffix + ".part")
        shutil.copyfile(path, tmp)
        tmp.replace(target)
    return target

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
from rashinban._rows import first_row
from rashinban.importing._csvrows import ParseError, load_rows, shown, too_many_fields
from rashinban.importing._csvtext import prepare, read_top, sniff_delimiter

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
    parse_errors: tuple[ParseError, ...]  # (row, reason, line) for lines CSV parsing rejected
    header_row: int = 1  # the row the headers were read from (a title may stand above)
    sheet: str | None = None  # the workbook sheet read
    footer: tuple[str, ...] = ()  # a report footer below the table, left out
    merged_cells: tuple[str, ...] = ()  # columns whose merged cells were filled down
    #: workbook cells holding a formula without a saved result: (row, header, formula)
    formulas: tuple[tuple[int, str, str], ...] = ()


#: The name given to a column whose header cell is empty ("column_3").
UNNAMED = re.compile(r"column_[0-9]+")

#: How many rows from the top are searched for the header row when the first is not it.
HEADER_SEARCH_ROWS = 20


#: What a header test says of a row of cells: not a header; the header of another
#: table (a file given for the wrong table, which the table check then names); the
#: header of the table being imported.
NOT_HEADER, OTHER_TABLE_HEADER, HEADER = 0, 1, 2
HeaderTest = Callable[[tuple[str, ...]], int]


def header_match(rows: list[list[str | None]], is_header: HeaderTest) -> tuple[int, int] | None:
    """``(0-based index, rank)`` of the header row among the first rows, or None.

    The first row ``is_header`` ranks :data:`HEADER`; failing that, the first it ranks
    :data:`OTHER_TABLE_HEADER`.
    """
    found: tuple[int, int] | None = None
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = tuple(str(c).strip() for c in row if c is not None and str(c).strip())
        if not cells:
            continue
        rank = is_header(tuple(str(c).strip() for c in row if c is not None))
        if rank >= HEADER:
            return i, rank
        if rank > NOT_HEADER and found is None:
            found = (i, rank)
    return found


def header_index(rows: list[list[str | None]], is_header: HeaderTest | None) -> int | None:
    """The 0-based index of the header row among the first rows of a file, or None.

    Exports made for people often put a title, an output date or a blank line above
    the table ("取引先一覧（2025年3月末）"). Without a test the first row is the
    header; with one, the row :func:`header_match` finds (None when no row is a header).
    """
    if is_header is None:
        return 0
    match = header_match(rows, is_header)
    return None if match is None else match[0]


def find_header_row(rows: list[list[str | None]], is_header: HeaderTest | None) -> int:
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


#: The first bytes of the binary formats a file may hold whatever its name says.
_ZIP, _OLE, _PARQUET = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PAR1"
# Control bytes that neither UTF-8 nor CP932 text holds (tab, line breaks, form feed,
# ESC and Ctrl-Z may appear): a file with them is binary, whatever its name.
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x19\x1c-\x1f]")
_SUFFIXES = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".parquet": "parquet",
}


#: Names people give the encodings (``--encoding sjis``), spelled without ``-``/``_``.
_ENCODING_NAMES = {
    "auto": "auto",
    "utf8": "utf-8",
    "utf8sig": "utf-8-sig",
    "utf8bom": "utf-8-sig",
    "cp932": "cp932",
    "ms932": "cp932",
    "windows31j": "cp932",
    "sjis": "cp932",
    "shiftjis": "cp932",
    "xsjis": "cp932",
    "mskanji": "cp932",
    "utf16": "utf-16",
    "unicode": "utf-16",
    "utf16le": "utf-16-le",
    "utf16be": "utf-16-be",
}


def resolve_encoding(name: str, file_name: str | None = None) -> str:
    """The codec for an ``--encoding`` value; Shift_JIS in any spelling is read as CP932."""
    found = _ENCODING_NAMES.get(re.sub(r"[-_\s]", "", name).casefold())
    if found is None:
        raise ImportFileError(
            f"文字コード {name!r} は使えません / unknown encoding {name!r}",
            file=file_name,
            fix="次のどれかを指定してください / use one of " + ", ".join(ENCODINGS),
        )
    return found


def check_file(path: Path) -> None:
    """Refuse a path that is not a readable file, saying which."""
    if path.is_dir():
        raise ImportFileError(
            "ファイルではなくフォルダです / this is a folder, not a file",
            file=str(path),
            fix="フォルダの中のファイルを指定してください (例: フォルダ/*.csv) / "
            "name the files inside it (e.g. folder/*.csv)",
        )
    if not path.is_file():
        raise ImportFileError(
            "ファイルが見つかりません / file not found",
            file=str(path),
            fix="パスを確かめてください / check the path",
        )


def detect_format(path: Path) -> str:
    """The file's format, by its first bytes where they tell, else by its suffix.

    A workbook saved under a ``.csv`` or ``.xls`` name is read as the workbook it is;
    a ZIP archive that is not a workbook and a password-protected workbook are
    refused with what to do.
    """
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise ImportFileError(
            f"取り込めない種類のファイルです ({suffix or '拡張子なし'}) / "
            f"unknown file type {suffix or '(none)'}",
            file=path.name,
            fix="CSV・TSV・XLSX・XLS・Parquetのファイルを指定してください / "
            "import CSV, TSV, XLSX, XLS or Parquet files",
        )
    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic.startswith(_ZIP):
        from rashinban.importing._workbooks import check_zip_workbook

        check_zip_workbook(path)
        return "xlsx"
    if magic.startswith(_OLE):
        from rashinban.importing._workbooks import check_ole_workbook

        check_ole_workbook(path)
        return "xls"
    if magic.startswith(_PARQUET):
        return "parquet"
    return _SUFFIXES[suffix]


def detect_encoding(path: Path) -> str:
    """Guess a text file's encoding from its first megabyte.

    BOMs decide first (UTF-8, UTF-16); then UTF-16 without a BOM (every other byte
    zero, as in ASCII text in UTF-16); then strict UTF-8; then CP932. When the first
    megabyte is plain ASCII (ids, numbers, dates), the first stretch of the file that
    is not decides: a CP932 export whose Japanese starts further down is still CP932. A
    file that is ASCII throughout counts as UTF-8. Anything else is an
    :class:`EncodingError`.
    """
    with path.open("rb") as fh:
        sample = fh.read(_SAMPLE)
        text_sample, lines_before = sample, 0
        while text_sample.isascii() and len(text_sample) == _SAMPLE:
            lines_before += text_sample.count(b"\n")
            text_sample = fh.read(_SAMPLE)  # starts on a character boundary: all before is ASCII
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > len(sample) // 8 and even < odd // 10:
            return "utf-16-le"
        if even > len(sample) // 8 and odd < even // 10:
            return "utf-16-be"
    if _CONTROL.search(sample):
        raise EncodingError(
            "テキストファイルではありません (バイナリデータです) / "
            "the file is not text (it holds binary data)",
            file=path.name,
            fix="取り込むCSVかExcelファイルを指定してください / "
            "check that this is the CSV or Excel file you meant to import",
        )
    failed: dict[str, UnicodeDecodeError] = {}
    for enc in ("utf-8", "cp932"):
        try:
            decoder = codecs.getincrementaldecoder(enc)()
            decoder.decode(text_sample, final=len(text_sample) < _SAMPLE)
            return enc
        except UnicodeDecodeError as exc:
            failed[enc] = exc
    # Neither: name the bad bytes of the likelier one. Text that is valid UTF-8 with
    # non-ASCII characters before its first bad byte is UTF-8; otherwise CP932.
    utf8 = failed["utf-8"]
    enc = "utf-8" if not text_sample[: utf8.start].isascii() else "cp932"
    at, end = failed[enc].start, failed[enc].end
    row, column = bad_byte_position(sample, text_sample[:at], lines_before)
    name = "UTF-8" if enc == "utf-8" else "CP932"
    bad = text_sample[at:end]
    raise EncodingError(
        "文字コードがUTF-8でもCP932 (Shift_JIS) でもありません "
        f"({row}行目・{column}列目に{name}として読めないバイト {bad!r} があります) / "
        f"the file is neither UTF-8 nor CP932 (Shift_JIS) text (bytes {bad!r} at row {row}, "
        f"column {column} are not valid {name})",
        file=path.name,
        row=row,
        column=str(column),
        fix="その値を入力し直すか、Excelで「CSV UTF-8」形式で保存し直すか --encoding を"
        "指定してください / retype that value, save the file from Excel as 'CSV UTF-8', "
        "or pass --encoding",
    )


def bad_byte_position(head: bytes, before: bytes, lines_before: int = 0) -> tuple[int, int]:
    """The row and column (1-based, as the file's lines and cells run) of a bad byte.

    ``before`` is the text up to the bad byte (from a line start, ``lines_before``
    lines into the file); ``head`` the file's first bytes, whose first line tells the
    separator. Quotes are followed within the line, so a quoted separator is no
    column break.
    """
    row = lines_before + before.count(b"\n") + 1
    first = head.split(b"\n", 1)[0]
    delim = max((b",", b"\t", b";"), key=first.count)[0]
    column, quoted = 1, False
    for byte in before[before.rfind(b"\n") + 1 :]:
        if byte == 0x22:  # '"'
            quoted = not quoted
        elif byte == delim and not quoted:
            column += 1
    return row, column


def _transcode(src: Path, dst: Path, encoding: str) -> None:
    """Stream ``src`` in ``encoding`` to UTF-8 ``dst``; name the row of the first bad byte."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    lines_before = 0
    head, tail = b"", b""  # the file's first chunk; the last line of the previous one
    with src.open("rb") as fin, dst.open("w", encoding="utf-8", newline="") as fout:
        while True:
            chunk = fin.read(_CHUNK)
            head = head or chunk
            final = not chunk
            try:
                text = decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                # exc.object begins with the bytes the decoder held back from the last chunk
                held = len(exc.object) - len(chunk)
                before = tail[: len(tail) - held] + exc.object[: exc.start]
                row, column = bad_byte_position(head, before, lines_before)
                wide = encoding.startswith("utf-16")  # its separators are two bytes
                raise EncodingError(
                    f"{encoding} として読めないバイトがあります ({row}行目) / "
                    f"bytes {exc.object[exc.start : exc.start + 4]!r} are not valid {encoding}",
                    file=src.name,
                    row=row,
                    column=None if wide else str(column),
                    fix="文字コードを確かめて --encoding utf-8 か cp932 を指定するか、"
                    "Excelで保存し直してください / check the file's encoding "
                    "(pass --encoding utf-8 or cp932) or re-save it from Excel",
                ) from None
            fout.write(text)
            if final:
                break
            lines_before += chunk.count(b"\n")
            tail = chunk[chunk.rfind(b"\n") + 1 :]


def header_names(headers: list[Any], file_name: str) -> list[str]:
    """Column names for the header cells: blanks named ``column_N``, repeats ``name_2``."""
    names: list[str] = []
    taken: set[str] = set()
    for i, h in enumerate(headers, start=1):
        # A line break typed into a header cell (Alt+Enter) becomes a space.
        name = "" if h is None else " ".join(str(h).lstrip("\ufeff").split())
        if not name:
            name = f"column_{i}"
        base, n = name, 1
        while name.casefold() in taken:  # DuckDB's column names ignore case
            n += 1
            name = f"{base}_{n}"
        taken.add(name.casefold())
        names.append(name)
    if not names:
        raise ImportFileError(
            "見出し行がありません (空のファイルです) / the file has no header row (it is empty)",
            file=file_name,
            fix="見出し行とデータのあるファイルを指定してください / "
            "export the table again with its header row",
        )
    return names


def read_raw(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    *,
    name: str = "_raw",
    encoding: str = "auto",
    is_header: HeaderTest | None = None,
) -> RawFile:
    """Load ``path`` into temp table ``name`` as VARCHAR columns plus ``_row``.

    ``is_header`` tells a header row from a title above it (see :func:`find_header_row`);
    CSV, TSV and XLSX files are searched, Parquet files have their column names.
    """
    import duckdb

    encoding = resolve_encoding(encoding, path.name)
    check_file(path)
    fmt = detect_format(path)
    if fmt in ("xlsx", "xls"):
        from rashinban.importing._workbooks import read_workbook

        headers, rows, header_row, sheet, footer, merged, formulas = read_workbook(
            path, con, name, fmt, is_header
        )
        return RawFile(
            name, tuple(headers), rows, None, (), header_row, sheet, footer, merged, formulas
        )
    if fmt == "parquet":
        try:
            rel = con.read_parquet(str(path))
        except duckdb.Error as exc:
            raise ImportFileError(
                f"Parquetとして読めません / cannot read Parquet: {str(exc).splitlines()[0]}",
                file=path.name,
                fix="ファイルを書き出し直してください / re-export the file",
            ) from None
        headers = list(rel.columns)
        select = ", ".join(
            f'{_parquet_text(h, str(t))} AS "{h}"' for h, t in zip(headers, rel.types, strict=True)
        )
        con.execute(
            f'CREATE OR REPLACE TEMP TABLE "{name}" AS SELECT {select}, '
            f"CAST(row_number() OVER () + 1 AS BIGINT) AS _row FROM read_parquet(?)",
            [str(path)],
        )
        n = first_row(con, f'SELECT count(*) FROM "{name}"')
        return RawFile(name, tuple(headers), int(n[0]) if n else 0, None, ())

    enc = detect_encoding(path) if encoding == "auto" else encoding
    with tempfile.TemporaryDirectory(prefix="rashinban-import-") as tmp:
        text_path, owned = path, False
        if enc not in ("utf-8", "utf-8-sig"):
            text_path, owned = Path(tmp) / "utf8.csv", True
            _transcode(path, text_path, enc)
        elif enc == "utf-8" and path.stat().st_size < (64 << 20):
            # A strict check of the whole file: DuckDB would otherwise replace or reject
            # invalid bytes row by row with less helpful messages.
            text_path, owned = Path(tmp) / "check.csv", True
            _transcode(path, text_path, "utf-8")
        delim = "\t" if fmt == "tsv" else sniff_delimiter(text_path)
        return _read_csv(con, text_path, owned, Path(tmp), path.name, name, delim, enc, is_header)


def _read_csv(
    con: duckdb.DuckDBPyConnection,
    text_path: Path,
    owned: bool,
    tmp: Path,
    file_name: str,
    name: str,
    delim: str,
    enc: str,
    is_header: HeaderTest | None = None,
) -> RawFile:
    top = read_top(text_path, delim, HEADER_SEARCH_ROWS)
    skip = find_header_row([[c or None for c in row] for row in top.records], is_header)
    headers = header_names(list(top.records[skip]) if top.records else [], file_name)
    text = prepare(text_path, tmp, delim, top, skip, owned)
    fast = _duckdb_read(con, text.path, name, headers, delim, skip)
    if fast is None:  # a line DuckDB cannot read past: the careful reader
        errors = load_rows(con, text.path, name, headers, delim, skip, file_name)
    else:
        errors = tuple(fast)
        n_row = first_row(con, f'SELECT count(*) FROM "{name}"')
        n = int(n_row[0]) if n_row else 0
        bad = {row for row, _, _ in errors}
        skipped = sorted(bad | {r for r in text.blank_rows if r > skip + 1})
        if skipped:
            _renumber(con, name, n, skipped, skip + 2)
    # A row of empty cells (",,,," where Excel saw a formatted but empty row) is no record.
    cells = ", ".join(f"nullif(trim({_quote(h)}), '')" for h in headers)
    con.execute(f'DELETE FROM "{name}" WHERE coalesce({cells}, NULL) IS NULL')
    n_row = first_row(con, f'SELECT count(*) FROM "{name}"')
    n = int(n_row[0]) if n_row else 0
    return RawFile(name, tuple(headers), n, enc, errors, skip + 1, footer=text.footer)


def _duckdb_read(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    name: str,
    headers: list[str],
    delim: str,
    skip: int,
) -> list[ParseError] | None:
    """Read the CSV body with DuckDB, short rows padded; the rows with too many fields.

    None when DuckDB met a line it reports no usable row for (a broken quote loses
    every row below it) or could not read the file: :func:`load_rows` reads it then.
    """
    import duckdb

    columns = (
        "{" + ", ".join(f"'{h.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for h in headers) + "}"
    )
    try:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE "{name}" AS
            SELECT *, CAST(row_number() OVER () + {skip + 1} AS BIGINT) AS _row
            FROM read_csv(?, delim = ?, header = true, columns = {columns}, quote = '"',
                          escape = '"', store_rejects = true, auto_detect = false,
                          null_padding = true, strict_mode = true, parallel = true,
                          skip = {skip})""",
            [str(path), delim],
        )
        # One line per extra field: the highest column index is the row's field count.
        found = con.execute(
            "SELECT line, max(column_idx), bool_and(error_type = 'TOO MANY COLUMNS'), "
            "any_value(csv_line) FROM reject_errors GROUP BY line ORDER BY line"
        ).fetchall()
    except duckdb.Error:
        return None
    finally:
        con.execute("DROP TABLE IF EXISTS reject_errors")
        con.execute("DROP TABLE IF EXISTS reject_scans")
    if not all(too_many for _, _, too_many, _ in found):
        return None
    width = len(headers)
    return [
        (int(line), too_many_fields(width, int(fields), delim), shown(str(text)))
        for line, fields, _, text in found
    ]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _renumber(
    con: duckdb.DuckDBPyConnection, name: str, n: int, skipped: list[int], first_row: int
) -> None:
    """Give rows after a rejected CSV line or a blank line their true row number.

    ``row_number()`` counts only the rows DuckDB accepted, so every row after a
    rejected or blank line is numbered too low; the true numbers are ``first_row``,
    ``first_row + 1``, … with the ``skipped`` rows left out.
    """
    import numpy as np
    import pyarrow as pa

    provisional = np.arange(first_row, first_row + n)
    true_rows = np.setdiff1d(
        np.arange(first_row, first_row + n + len(skipped)), np.asarray(skipped)
    )[:n]
    moved = provisional != true_rows
    if not moved.any():
        return
    fix = pa.table({"_prov": provisional[moved], "_true": true_rows[moved]})
    con.register("_renumber", fix)
    con.execute(
        f'UPDATE "{name}" SET _row = f._true FROM _renumber f WHERE "{name}"._row = f._prov'
    )
    con.unregister("_renumber")


def keep_original(path: Path, store: Path, sha: str) -> tuple[Path, bool]:
    """Copy ``path`` into the workspace's ``imports/`` folder, content-addressed.

    Returns the stored path and whether this call created it (so that a failed import
    can take its copy back).
    """
    store.mkdir(parents=True, exist_ok=True)
    target = store / f"{sha[:16]}{path.suffix.lower()}"
    if target.exists():
        return target, False
    tmp = target.with_suffix(target.suffix + ".part")
    shutil.copyfile(path, tmp)
    tmp.replace(target)
    return target, True


def _parquet_text(header: str, sql_type: str) -> str:
    """A Parquet column as import text. A whole float is written in digits, as a
    spreadsheet cell is (1e30 → 1000…): DuckDB would write ``1e+30``, which reads as
    exponent notation that may have lost digits rather than as a number out of range."""
    col = '"' + header.replace('"', '""') + '"'
    if sql_type not in ("DOUBLE", "FLOAT"):
        return f"CAST({col} AS VARCHAR)"
    return (
        f"CASE WHEN isfinite({col}) AND {col} = trunc({col}) AND abs({col}) >= 1e15 "
        f"THEN format('{{:.0f}}', {col}) ELSE CAST({col} AS VARCHAR) END"
    )

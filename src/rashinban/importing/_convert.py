"""Typed conversion of raw text columns: a SQL fast path and a Python slow path.

Most values in a large export are already clean (``2024-04-01``, ``1200``,
ASCII ids); DuckDB casts those in bulk. Only the *distinct* values the fast
path cannot read go through the Japanese-aware parsers in
:mod:`rashinban.normalize` (令和 dates, ``1,234千円``, ``㈱``, full-width
digits…), and their results are joined back. A 10-million-row file with a few
thousand distinct messy values therefore costs a few thousand Python calls,
not ten million.

Each converted column ``c`` yields ``c`` (typed value or NULL) and ``_e_c`` (the
reason the value was rejected, or NULL).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rashinban import normalize as nz
from rashinban._errors import InvalidValueError
from rashinban.schema import Column

if TYPE_CHECKING:
    import duckdb

_ASCII_TOKEN = r"[\x21-\x7E]+( [\x21-\x7E]+)*"  # noqa: S105 — a regex, not a secret


def q(name: str) -> str:
    """Quote an identifier for DuckDB."""
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def blank_to_null(expr: str) -> str:
    """Text trimmed of ASCII spaces, NULL when empty.

    Only ASCII spaces are trimmed in SQL (DuckDB's plain ``trim`` is several times
    faster than trimming a character set); values with tabs, line breaks or
    full-width spaces at either end fail the fast path and the slow path
    normalises them, treating whitespace-only values as empty.
    """
    return f"nullif(trim({expr}), '')"


@dataclass(frozen=True)
class Conversion:
    """How one canonical column is read: fast SQL, slow Python, and extra outputs."""

    fast: str  # SQL over {v}: typed value, or NULL when the slow path must decide
    parse: Callable[[str], Any]  # slow path on one distinct text value
    sql_type: str
    extra: tuple[tuple[str, str], ...] = ()  # (output column, sql type) returned after the value


def _longtext(value: str) -> str:
    return unicodedata.normalize("NFKC", value).replace("\r\n", "\n").strip()


def _enum(column: Column, value_map: dict[str, str]) -> Callable[[str], str]:
    allowed = set(column.values)
    choices = ", ".join(column.values)

    def parse(value: str) -> str:
        key = unicodedata.normalize("NFKC", value).strip().casefold()
        out = value_map.get(key, key)
        if out not in allowed:
            raise InvalidValueError(
                f"'{value}' は {column.ja} の値として使えません / not a valid {column.en}",
                value=value,
                fix=f"{choices} のいずれかにするか、マッピングの values で対応付けてください / "
                f"use one of {choices}, or map it in the mapping file's values section",
            )
        return out

    return parse


# Salesforce writes a record's id in 15 characters (reports, the UI) or 18 (the API,
# Data Loader, the weekly export): the 18-character form appends three characters
# that encode which of the first 15 are upper-case letters, five at a time. Both name
# the same record; the 15-character form is stored, so that a report and a Data
# Loader export of the same records meet. Only a suffix that checks is removed.
_SF_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_SF18 = re.compile(r"[a-zA-Z0-9]{15}[A-Z0-5]{3}")
# What Excel makes of a long number it shows in a General cell: 1.23E+11. The digits
# after the third are gone and cannot be restored.
_EXPONENT_ID = re.compile(r"[0-9](?:\.[0-9]+)?[eE]\+[0-9]{1,3}")


def salesforce_checksum(id15: str) -> str:
    """The three characters Salesforce appends to a 15-character id to make it 18."""
    out = ""
    for block in range(3):
        bits = sum(
            1 << i for i, ch in enumerate(id15[block * 5 : block * 5 + 5]) if "A" <= ch <= "Z"
        )
        out += _SF_ALPHABET[bits]
    return out


def _checksum_sql() -> str:
    """:func:`salesforce_checksum` of ``{v}`` as a DuckDB expression (the fast path)."""
    parts = []
    for block in range(3):
        bits = " + ".join(
            f"(CASE WHEN ascii(substr({{v}}, {block * 5 + i + 1}, 1)) BETWEEN 65 AND 90 "
            f"THEN {1 << i} ELSE 0 END)"
            for i in range(5)
        )
        parts.append(f"substr('{_SF_ALPHABET}', {bits} + 1, 1)")
    return " || ".join(parts)


def _identifier(value: str) -> str:
    text = nz.normalize_text(value)
    if _EXPONENT_ID.fullmatch(text):
        raise InvalidValueError(
            "指数表記になっていてIDの桁が失われています / "
            "the id is in exponent notation and has lost digits",
            value=value,
            fix="Excelで列を文字列にしてから元のシステムで書き出し直してください / "
            "export it again from the source system and open it with the column as text",
        )
    if _SF18.fullmatch(text) and salesforce_checksum(text[:15]) == text[15:]:
        return text[:15]
    return text


# A date column of a sheet formatted as 標準 (General) reaches a CSV as Excel serial
# numbers (45383 is 2024-04-01, 45383.375 is 09:00 that day). In a date column a bare
# five-digit number means nothing else, so serials that fall in these years are read.
_SERIAL = re.compile(r"[0-9]{5}(?:\.[0-9]+)?")
_SERIAL_YEARS = (1950, 2099)


def _date(value: str) -> dt.date:
    try:
        return nz.parse_date(value)
    except InvalidValueError:
        if not _SERIAL.fullmatch(value.strip()):
            raise
        day = nz.parse_date(value.strip(), excel_serial=True)
        low, high = _SERIAL_YEARS
        if not low <= day.year <= high:
            raise InvalidValueError(
                f"Excelのシリアル値なら{day.isoformat()}で、{low}〜{high}年の外です / "
                f"as an Excel serial number this is {day.isoformat()}, outside {low}–{high}",
                value=value,
                fix="日付を 2024-04-01 の形で書いてください / write the date as 2024-04-01",
            ) from None
        return day


#: What a date column's zone flag says of a value written with a UTC offset: its
#: wall time in the data's time zone differs, on the same day or on another day.
ZONE_TIME, ZONE_DAY = "time", "day"


def _zoned_date(zone: dt.tzinfo | None) -> Callable[[str], tuple[dt.date, str | None]]:
    """The date of a value in the data's ``zone``, and whether reading it there moved it.

    A value written with an offset (``2024-03-31T15:30:00Z``) is converted to ``zone``
    before its date is taken; a value without one is local already. Without a zone
    the date is the one written.
    """

    def parse(value: str) -> tuple[dt.date, str | None]:
        day = _date(value)
        zoned = None if zone is None else nz.to_zone(value, zone)
        if zoned is None or not zoned.moved:
            return day, None
        local = zoned.local.date()
        return local, (ZONE_DAY if local != zoned.written.date() else ZONE_TIME)

    return parse


def zone_flag(column: str) -> str:
    """The name of a date column's zone flag (see :data:`ZONE_TIME`) among the typed values."""
    return f"_zoned_{column}"


def _company(value: str) -> tuple[str, str | None, str]:
    name, form = nz.split_legal_form(value)
    if not name:
        raise InvalidValueError(
            "法人格だけで会社名がありません / only a legal form, no company name",
            value=value,
            fix="会社名を書いてください / write the company name",
        )
    return name, form, nz.company_key(value)


def out_of_range(column: Column) -> tuple[str, str]:
    """Why a value of ``column`` is out of range, and the fix: the import's reject reason
    for a value outside the column's bounds, or too large for any number to hold."""
    fix = "値を確認してください / check the value"
    if column.low is None or column.high is None:
        return f"{column.ja} は扱える範囲を超えています / {column.en} out of range", fix
    rng = f"{column.low:g}–{column.high:g}"
    return f"{column.ja} は {rng} の範囲外です / {column.en} out of range {rng}", fix


# A number written in plain digits: a parser refuses one only for its length.
_PLAIN_DIGITS = re.compile(r"[-−▲△]?[0-9]+(?:\.[0-9]+)?")
_INT64 = 2**63


def _bounded(column: Column, parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """``parse`` that rejects a number too large to store (more digits than a parser
    reads, or a count beyond 64-bit integers) as out of range, not as unreadable."""

    def parse_bounded(value: str) -> Any:
        try:
            number = parse(value)
        except InvalidValueError:
            if not _PLAIN_DIGITS.fullmatch(unicodedata.normalize("NFKC", value).strip()):
                raise
            number = None
        if number is None or (isinstance(number, int) and not -_INT64 <= number < _INT64):
            reason, fix = out_of_range(column)
            raise InvalidValueError(reason, value=value, fix=fix)
        return number

    return parse_bounded


def conversion(
    column: Column, value_map: dict[str, str], zone: dt.tzinfo | None = None
) -> Conversion:
    """The :class:`Conversion` for ``column`` (value maps apply to enum columns).

    A date column reads a date-time written with a UTC offset in ``zone`` (the
    workspace's ``[data] timezone``), and flags it in :func:`zone_flag`.
    """
    kind = column.kind
    ascii_text = "CASE WHEN regexp_full_match({v}, " + lit(_ASCII_TOKEN) + ") THEN {v} END"
    if kind == "id":
        fast = (
            "CASE WHEN regexp_full_match({v}, " + lit(_SF18.pattern) + ") THEN "
            "CASE WHEN right({v}, 3) = " + _checksum_sql() + " THEN left({v}, 15) ELSE {v} END "
            "WHEN regexp_full_match({v}, " + lit(_ASCII_TOKEN) + ") "
            "AND NOT regexp_full_match({v}, " + lit(_EXPONENT_ID.pattern) + ") THEN {v} END"
        )
        return Conversion(fast, _identifier, "VARCHAR")
    if kind in ("text", "name"):
        return Conversion(ascii_text, nz.normalize_text, "VARCHAR")
    if kind == "longtext":
        return Conversion(
            "CASE WHEN regexp_full_match({v}, '[\\x20-\\x7E]*') THEN {v} END",
            _longtext,
            "VARCHAR",
        )
    if kind == "email":
        return Conversion(
            "CASE WHEN regexp_full_match({v}, '[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}') "
            "THEN {v} END",
            nz.parse_email,
            "VARCHAR",
        )
    if kind == "company_name":
        return Conversion(
            "NULL", _company, "VARCHAR", (("legal_form", "VARCHAR"), ("_name_key", "VARCHAR"))
        )
    if kind == "corporate_number":
        return Conversion("NULL", nz.parse_corporate_number, "VARCHAR")
    if kind == "prefecture":
        return Conversion("NULL", nz.parse_prefecture, "VARCHAR", (("prefecture_code", "VARCHAR"),))
    if kind == "prefecture_code":
        return Conversion("NULL", lambda v: nz.parse_prefecture(v)[1], "VARCHAR")
    if kind == "date":
        return Conversion(
            "CASE WHEN regexp_full_match({v}, '[0-9]{4}-[0-9]{2}-[0-9]{2}') "
            "THEN try_cast({v} AS DATE) END",
            _zoned_date(zone),
            "DATE",
            ((zone_flag(column.name), "VARCHAR"),),
        )
    if kind == "int" and column.name.endswith("_year"):
        # A year column (設立年) is a count in the schema but is written as a year:
        # 1985年, 昭和60年, 令和元年.
        return Conversion(
            "CASE WHEN regexp_full_match({v}, '[0-9]{4}') THEN try_cast({v} AS BIGINT) END",
            nz.parse_year,
            "BIGINT",
        )
    if kind == "int":
        return Conversion(
            "CASE WHEN regexp_full_match({v}, '-?[0-9]{1,17}') THEN try_cast({v} AS BIGINT) END",
            _bounded(column, nz.parse_int),
            "BIGINT",
        )
    if kind in ("money", "float"):
        return Conversion(
            "CASE WHEN regexp_full_match({v}, '-?[0-9]{1,17}(\\.[0-9]+)?') "
            "THEN try_cast({v} AS DOUBLE) END",
            _bounded(column, nz.parse_money if kind == "money" else nz.parse_float),
            "DOUBLE",
        )
    if kind == "enum":
        if column.values:
            allowed = ", ".join(lit(v) for v in column.values)
            fast = "CASE WHEN {v} IN (" + allowed + ") THEN {v} END"
            return Conversion(fast, _enum(column, value_map), "VARCHAR")
        return Conversion(ascii_text, nz.normalize_text, "VARCHAR")
    raise AssertionError(f"no conversion for kind {kind!r}")  # pragma: no cover


# A cell that names its own unit (1,234千円, ¥5,000, 3億) is read in that unit, not the
# header's: parse_money already gives yen for it.
_OWN_UNIT = re.compile(r"[円¥\\千万億]|jpy", re.IGNORECASE)


def scaled(conv: Conversion, factor: float) -> Conversion:
    """``conv`` for a column whose header gives a unit (年間売上(千円): ``factor`` 1000).

    Plain numbers are multiplied by ``factor``; a cell with its own unit keeps it.
    Results are rounded to 1/10,000 of a yen so that 1.1 千円 is 1,100 yen, not
    1,100.0000000000002.

    Examples
    --------
    >>> from rashinban.schema import TABLES
    >>> c = scaled(conversion(TABLES["accounts"].column("annual_revenue"), {}), 1000.0)
    >>> c.parse("1.1"), c.parse("2,000"), c.parse("3万円")
    (1100.0, 2000000.0, 30000.0)
    """
    parse = conv.parse

    def parse_scaled(value: str) -> Any:
        amount = parse(value)
        own = _OWN_UNIT.search(unicodedata.normalize("NFKC", value))
        return amount if own or amount is None else round(amount * factor, 4)

    fast = f"round(({conv.fast}) * {factor!r}, 4)"
    return Conversion(fast, parse_scaled, conv.sql_type, conv.extra)


def slow_path(
    con: duckdb.DuckDBPyConnection,
    source: str,
    value_col: str,
    fast_col: str,
    conv: Conversion,
    out_table: str,
) -> int:
    """Parse the distinct values of ``source.value_col`` whose fast result ``fast_col`` is NULL.

    Writes ``out_table(src, val, <extras…>, err)`` and returns its row count.
    A value that is only whitespace (a tab, a full-width space) is empty: no
    value and no error.
    """
    import pyarrow as pa

    rows = con.execute(
        f"SELECT DISTINCT {q(value_col)} FROM {q(source)} "
        f"WHERE {q(value_col)} IS NOT NULL AND {q(fast_col)} IS NULL"
    ).fetchall()
    srcs: list[str] = []
    vals: list[Any] = []
    extras: list[list[Any]] = [[] for _ in conv.extra]
    errs: list[str | None] = []
    for (value,) in rows:
        srcs.append(value)
        if not value.strip():
            vals.append(None)
            for e in extras:
                e.append(None)
            errs.append(None)
            continue
        try:
            parsed = conv.parse(value)
        except InvalidValueError as exc:
            vals.append(None)
            for e in extras:
                e.append(None)
            errs.append(exc.message + (f" — {exc.fix}" if exc.fix else ""))
            continue
        if conv.extra:
            vals.append(parsed[0])
            for i, e in enumerate(extras):
                e.append(parsed[i + 1])
        else:
            vals.append(parsed)
        errs.append(None)
    arrow_type = {"VARCHAR": pa.string(), "DATE": pa.date32(), "BIGINT": pa.int64()}.get(
        conv.sql_type, pa.float64()
    )
    data: dict[str, Any] = {"src": pa.array(srcs, pa.string()), "val": pa.array(vals, arrow_type)}
    for (name, _typ), e in zip(conv.extra, extras, strict=True):
        data[name] = pa.array(e, pa.string())
    data["err"] = pa.array(errs, pa.string())
    con.register("_slow_arrow", pa.table(data))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {q(out_table)} AS SELECT * FROM _slow_arrow")
    con.unregister("_slow_arrow")
    return len(srcs)

"""Render a command's result as a table, CSV or JSON.

Every read command builds a JSON-able payload (the public contract's keys) and
names the list inside it that holds the rows; this module prints it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any, NoReturn

from rich.console import Console

from rashinban._labels import bilingual, code_label, column_label, is_proportion, value_label
from rashinban.cli._layout import layout

#: The language of ``--format table`` headers: the command's ``--lang`` if given, else
#: the workspace's (set when the workspace is opened), else Japanese.
_DISPLAY: dict[str, str | None] = {"explicit": None, "workspace": None}


def set_display_language(lang: str | None, *, explicit: bool = False) -> None:
    """Record the language table headers are shown in (see :data:`_DISPLAY`)."""
    _DISPLAY["explicit" if explicit else "workspace"] = None if lang is None else str(lang)


def display_language() -> str:
    return _DISPLAY["explicit"] or _env_language() or _DISPLAY["workspace"] or "ja"


def _env_language() -> str | None:
    """``RASHINBAN_LANG``; a wrong value counts as unset here (the command that opens a
    workspace reports it), so that the message about it can still be shown."""
    from rashinban._errors import ConfigError
    from rashinban.workspace._workspace import env_language

    try:
        return env_language()
    except ConfigError:
        return None


def error_language() -> str | None:
    """The one language errors are shown in, or None for both (Japanese first).

    ``--lang`` chooses, then ``RASHINBAN_LANG``; without them a workspace set to
    English shows English, and
    otherwise both halves of a message are shown, so that the message reads in
    either language before a workspace (and its language) is known.
    """
    explicit = _DISPLAY["explicit"] or _env_language()
    if explicit in ("ja", "en"):
        return explicit
    return "en" if _DISPLAY["workspace"] == "en" else None


#: Written before CSV output so that Excel reads it as UTF-8 (without it Excel assumes
#: the system code page and garbles Japanese). pandas, DuckDB and ``rashinban import``
#: skip it; Python's csv module wants ``encoding="utf-8-sig"``.
CSV_BOM = "\ufeff"


def csv_bom() -> str:
    """The BOM, unless ``RASHINBAN_CSV_BOM`` is ``0`` / ``no`` / ``false`` (for tools that
    read plain UTF-8 and would take the mark for part of the first header)."""
    off = os.environ.get("RASHINBAN_CSV_BOM", "").strip().lower() in {"0", "no", "false", "off"}
    return "" if off else CSV_BOM


def reader_left() -> NoReturn:
    """End quietly (exit 0) when the reader of standard output has gone (``| head``).

    Standard output is pointed at the null device first, so that flushing what is
    still buffered at exit cannot fail again.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(0)


class OutputConsole(Console):
    """The console for standard output: a reader that stops early ends the command quietly."""

    def on_broken_pipe(self) -> None:
        reader_left()


def heading(ja: str, en: str) -> str:
    """A fixed heading in the display language: "日本語 / English", or the English alone."""
    return bilingual(ja, en, display_language())


def dated_heading(ja: str, en: str, day: object) -> str:
    """A heading with the as-of date of what follows: "解約リスク (基準日 2025-12-31)"."""
    return heading(ja, en) + f" ({'as of' if display_language() == 'en' else '基準日'} {day})"


def no_rows_text() -> str:
    """What a table says when there is nothing to show, in the display language."""
    return "no rows" if display_language() == "en" else "該当する行はありません"


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return _jsonable(value.item())
    return str(value)


def _strict(value: Any) -> Any:
    """``value`` with every number JSON can carry as a number: numpy scalars and arrays
    as Python numbers and lists; a missing or infinite number (NaN, inf, pandas' NA and
    NaT) as ``None``."""
    if isinstance(value, dict):
        return {k: _strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strict(v) for v in value]
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(value, "dtype") and hasattr(value, "tolist"):  # numpy scalars and arrays
        value = value.tolist()
        if isinstance(value, list):
            return _strict(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_json(payload: Any) -> str:
    """The payload as strict JSON: missing and infinite numbers are ``null``, never the
    ``NaN`` or ``Infinity`` that JavaScript, Go and other strict parsers refuse."""
    return json.dumps(
        _strict(payload), ensure_ascii=False, indent=2, default=_jsonable, allow_nan=False
    )


#: Integer columns that number things rather than count them: no thousands separators
#: (and any column ending in ``id``, ``year``, ``version`` or ``number``).
ORDINALS = frozenset({"seq", "rank", "R", "F", "M", "RFM"})
_ORDINAL_ENDS = ("id", "year", "version", "number")


#: A moment as the history and the audit log store it (ISO 8601 with a UTC offset).
_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)")
#: A SHA-256 content hash, as model ids are: a table shows its first 12 digits.
_HASH = re.compile(r"[0-9a-f]{64}")


def column_decimals(values: Iterable[Any]) -> int | None:
    """How many decimals a table gives a column of floats, so that they line up.

    Three significant digits for the column's largest value under 1,000 (at least one
    decimal, at most four); none when every value is whole. None for a column without
    floats (each cell is then shown as it is). Values of 1,000 and more are shown whole
    in any case.

    Examples
    --------
    >>> column_decimals([0.875, 0.87, 0.8625]), column_decimals([5.2, 0.013])
    (3, 2)
    >>> column_decimals([12.0, 3.0]), column_decimals(["a", 1]), column_decimals([0.00012])
    (0, None, 4)
    """
    floats = [
        abs(v)
        for v in map(_plain, values)
        if isinstance(v, float) and math.isfinite(v) and abs(v) < 1000
    ]
    if not floats:
        return None
    top = max(floats)
    if top == 0 or all(v.is_integer() for v in floats):
        return 0
    return min(max(2 - math.floor(math.log10(top)), 1), 4)


def table_cell(column: str, value: Any, lang: str = "ja", decimals: int | None = None) -> str:
    """How ``value`` of ``column`` reads in a table: percentages for proportions,
    thousands separators for counts and amounts, はい/いいえ for flags, codes named,
    recorded moments in local time to the minute.

    CSV and JSON keep the values themselves.

    Examples
    --------
    >>> table_cell("win_rate", 0.5684), table_cell("win_rate_interval", [0.4997, 0.6359])
    ('56.8%', '50.0%–63.6%')
    >>> table_cell("share", 0.0002), table_cell("share", 0.0002, "en"), table_cell("share", 0.0)
    ('0.1%未満', '<0.1%', '0.0%')
    >>> table_cell("revenue_at_risk", 486466), table_cell("version", 12345)
    ('486,466', '12345')
    >>> table_cell("alert", True), table_cell("alert", False, "en"), table_cell("kind", "up-sell")
    ('はい', 'no', 'アップセル')
    """
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("yes" if value else "no") if lang == "en" else ("はい" if value else "いいえ")
    if isinstance(value, str) and _MOMENT.fullmatch(value):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime):
        # A recorded moment (history, audit log) in this computer's time zone, to the minute.
        moment = dt.datetime.astimezone(value) if value.tzinfo is not None else value
        return moment.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str) and _HASH.fullmatch(value):
        return value[:12]  # a content hash (model id): a unique prefix names it
    if is_proportion(column):
        if isinstance(value, int | float) and math.isfinite(value):
            if 0 < value < 0.0005:  # not zero, though 0.0% would say so
                return "<0.1%" if lang == "en" else "0.1%未満"
            return f"{value:.1%}"
        if (
            isinstance(value, list | tuple)
            and len(value) == 2
            and all(isinstance(v, int | float) and math.isfinite(v) for v in value)
        ):
            return f"{value[0]:.1%}–{value[1]:.1%}"
    if isinstance(value, int) and column not in ORDINALS and not column.endswith(_ORDINAL_ENDS):
        return f"{value:,}"
    if isinstance(value, list | tuple):  # several codes in one cell (reasons tied at the top)
        value = [code_label(column, v, lang) for v in value]
    return visible(_cell(value_label(code_label(column, value, lang), lang), decimals))


def visible(text: str) -> str:
    r"""``text`` with control characters shown, not obeyed: a note holding ESC [31m must not
    colour the terminal or move its cursor. Line breaks and tabs stay.

    >>> visible("赤\x1b[31m字\x07"), visible("a\tb\nc")
    ('赤␛[31m字␇', 'a\tb\nc')
    """
    if text.isprintable():
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if ch in "\n\t" or ch.isprintable():
            out.append(ch)
        elif code < 0x20:
            out.append(chr(0x2400 + code))  # the Control Pictures block: ␛ for ESC
        elif code == 0x7F:
            out.append("␡")
        elif unicodedata.category(ch) == "Cc":
            out.append(f"\\x{code:02x}")
        else:
            out.append(ch)  # format characters (zero-width joiners …) are text
    return "".join(out)


def _plain(value: Any) -> Any:
    """A value as Python holds it: numpy and pandas scalars, arrays, NA and NaT unwrapped.

    None stands for a missing value (pandas' NA and NaT, a NaN float stays a float).
    """
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    ndim = getattr(value, "ndim", None)  # numpy scalars and arrays, without importing numpy
    if ndim == 0:
        return value.item()
    if ndim is not None and ndim >= 1:
        return value.tolist()  # a list column read through Arrow
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()  # a pandas Timestamp
    if isinstance(value, Decimal):
        return float(value)
    return value


def _cell(value: Any, decimals: int | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:,.4g}" if decimals is None else f"{value:,.{decimals}f}"
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=_jsonable)
    return str(value)


#: The columns of the lists that can be empty without an error (no target yet, no audit
#: entry, no trigger), keyed by the payload's list: a CSV reader expects a header row
#: also when no row follows. A non-empty list has the same columns (tested).
EMPTY_CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "targets": ("name", "kind", "version", "version_id", "active_version", "active_version_id"),
    "entries": ("seq", "at", "actor", "action", "action_label", "object", "detail"),
    "triggers": ("target", "kind", "detected_at", "reason", "version"),
}


def render(
    payload: dict[str, Any],
    rows_key: str,
    fmt: Format,
    *,
    title: str | None = None,
    console: Console | None = None,
    limit: int | None = None,
    header: Sequence[str] = (),
) -> None:
    """Print ``payload`` (JSON) or its ``rows_key`` list (table / CSV) to standard output.

    ``header`` names the columns a command always has: CSV heads an empty result with them
    (by default the list's :data:`EMPTY_CSV_COLUMNS`).
    """
    if fmt is Format.json:
        _write(to_json(payload) + "\n")
        return
    rows: list[dict[str, Any]] = list(payload.get(rows_key) or [])
    columns: list[str] = list(header or (() if rows else EMPTY_CSV_COLUMNS.get(rows_key, ())))
    for r in rows:
        for k in r:
            if k not in columns:
                columns.append(k)
    if fmt is Format.csv:
        if columns:
            _write(csv_bom() + _csv_text(rows, columns, display_language()))
        return
    con = console or OutputConsole()
    lang = display_language()
    if not rows:
        con.print(f"{title}: {no_rows_text()}" if title else no_rows_text(), highlight=False)
        return
    shown = rows if limit is None else rows[:limit]
    places = {c: column_decimals(r.get(c) for r in shown) for c in columns}
    cells = [[table_cell(c, r.get(c), lang, places[c]) for c in columns] for r in shown]
    # Numbers right-aligned, so that digits line up down a column, and never folded.
    numeric = [_numeric_column(row[i] for row in cells) for i in range(len(columns))]
    labels = [column_label(c, lang) for c in columns]
    numbered = "── {n} / {total} ──" if lang == "en" else "── {n} 件目 / {total} ──"
    con.print(layout(title, labels, cells, numeric, con.width, numbered))
    if limit is not None and len(rows) > limit:
        more = len(rows) - limit
        con.print(
            f"… {more:,} more rows (use --format csv or json for all)"
            if lang == "en"
            else f"… ほか {more:,} 行 (すべて見るには --format csv か json)",
            highlight=False,
        )


def caption(text: str, fmt: Format, *, console: Console | None = None) -> None:
    """A line about a whole table (how its model was validated) printed below it.

    A table prints it under the rows; CSV writes it to standard error, so that the file
    on standard output stays one table; JSON carries the numbers in its own keys.
    """
    if fmt is Format.json or not text:
        return
    if fmt is Format.csv:
        Console(stderr=True, soft_wrap=True).print(text, highlight=False, markup=False)
        return
    (console or OutputConsole()).print(text, highlight=False, markup=False)


_NUMBER_CELL = re.compile(r"[-+]?[0-9][0-9,]*(?:\.[0-9]+)?(?:%|pt|倍|×)?")


def _numeric_column(cells: Iterable[str]) -> bool:
    """Whether every non-empty cell of a column is one number (1,234 / 64.8% / -0.25)."""
    seen = False
    for cell in cells:
        if cell:
            if not _NUMBER_CELL.fullmatch(cell):
                return False
            seen = True
    return seen


def render_sections(
    payload: dict[str, Any], sections: Sequence[tuple[str, str]], fmt: Format
) -> None:
    """Print a payload with several tables: JSON whole, CSV the first table (one CSV
    holds one table), a terminal every non-empty table under its title."""
    if fmt is not Format.table:
        render(payload, sections[0][0], fmt, title=sections[0][1])
        return
    for i, (key, title) in enumerate(sections):
        if i == 0 or payload.get(key):
            render(payload, key, fmt, title=title)


def csv_cell(value: Any, lang: str = "ja") -> Any:
    """How a value is written to CSV: the value itself, except text the analyses write
    for people, which reads in ``lang`` as the table shows it.

    Headers stay the column keys, and codes (``contractual``), ids and numbers never
    change, so that scripts read the same CSV in either language; names the analyses
    give (``(競合なし)``, size bands closing a segment name) follow ``--lang``.

    Examples
    --------
    >>> csv_cell("(競合なし)", "en"), csv_cell("製造業 × 300〜999名", "en")
    ('(no competitor)', '製造業 × 300–999 employees')
    >>> csv_cell("(競合なし)"), csv_cell("contractual", "en"), csv_cell(0.25, "en"), csv_cell(None)
    ('(競合なし)', 'contractual', 0.25, '')
    """
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=_jsonable)
    if isinstance(value, str):
        return value_label(value, lang)
    return value


def _csv_text(rows: list[dict[str, Any]], columns: list[str], lang: str = "ja") -> str:
    buffer = io.StringIO()
    w = csv.writer(buffer, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([csv_cell(r.get(c), lang) for c in columns])
    return buffer.getvalue()


def _write(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        reader_left()

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
import sys
from enum import StrEnum
from typing import Any, NoReturn

from rich.console import Console
from rich.table import Table

from rashinban._labels import column_label, value_label

#: The language of ``--format table`` headers: the command's ``--lang`` if given, else
#: the workspace's (set when the workspace is opened), else Japanese.
_DISPLAY: dict[str, str | None] = {"explicit": None, "workspace": None}


def set_display_language(lang: str | None, *, explicit: bool = False) -> None:
    """Record the language table headers are shown in (see :data:`_DISPLAY`)."""
    _DISPLAY["explicit" if explicit else "workspace"] = None if lang is None else str(lang)


def display_language() -> str:
    return _DISPLAY["explicit"] or _DISPLAY["workspace"] or "ja"


#: Written before CSV output so that Excel reads it as UTF-8 (without it Excel assumes
#: the system code page and garbles Japanese). pandas, DuckDB and ``rashinban import``
#: skip it; Python's csv module wants ``encoding="utf-8-sig"``.
CSV_BOM = "\ufeff"


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


def to_json(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2, default=_jsonable)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=_jsonable)
    return str(value)


def render(
    payload: dict[str, Any],
    rows_key: str,
    fmt: Format,
    *,
    title: str | None = None,
    console: Console | None = None,
    limit: int | None = None,
) -> None:
    """Print ``payload`` (JSON) or its ``rows_key`` list (table / CSV) to standard output."""
    if fmt is Format.json:
        _write(to_json(payload) + "\n")
        return
    rows: list[dict[str, Any]] = list(payload.get(rows_key) or [])
    columns: list[str] = []
    for r in rows:
        for k in r:
            if k not in columns:
                columns.append(k)
    if fmt is Format.csv:
        if columns:
            _write(CSV_BOM + _csv_text(rows, columns))
        return
    con = console or OutputConsole()
    if not rows:
        con.print(f"{title}: {no_rows_text()}" if title else no_rows_text(), highlight=False)
        return
    table = Table(title=title, show_lines=False)
    lang = display_language()
    for c in columns:
        table.add_column(column_label(c, lang), overflow="fold")
    shown = rows if limit is None else rows[:limit]
    for r in shown:
        table.add_row(*[_cell(value_label(r.get(c), lang)) for c in columns])
    con.print(table)
    if limit is not None and len(rows) > limit:
        more = len(rows) - limit
        con.print(
            f"… {more:,} more rows (use --format csv or json for all)"
            if lang == "en"
            else f"… ほか {more:,} 行 (すべて見るには --format csv か json)",
            highlight=False,
        )


def _csv_text(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buffer = io.StringIO()
    w = csv.writer(buffer, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow(
            [
                json.dumps(r.get(c), ensure_ascii=False, default=_jsonable)
                if isinstance(r.get(c), list | dict)
                else ("" if r.get(c) is None else r.get(c))
                for c in columns
            ]
        )
    return buffer.getvalue()


def _write(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        reader_left()

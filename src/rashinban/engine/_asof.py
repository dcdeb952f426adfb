"""The as-of date: analyses never read the clock, they are told the date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from rashinban._errors import NotEnoughDataError
from rashinban.engine._periods import as_date

#: Date columns whose maximum marks "the end of the data".
ACTIVITY_DATES: tuple[tuple[str, str], ...] = (
    ("orders", "ordered_at"),
    # A subscription's start, not its end: an end date may be a scheduled one, in the
    # future of the export.
    ("subscriptions", "started_at"),
    ("deals", "created_at"),
    ("leads", "created_at"),
    ("usage", "date"),
    ("tickets", "opened_at"),
    ("surveys", "answered_at"),
    ("notes", "written_at"),
)
#: Where the workspace lists the notes rashinban itself wrote (``rashinban win-story``):
#: schema and table of one ``note_id`` column. They are text typed in after the export,
#: not imported records, so they never move the end of the data.
RECORDED_NOTES: tuple[str, str] = ("rb_meta", "recorded_notes")
#: Dates that count only on some rows: a deal's ``closed_at`` is the day it was won or
#: lost, but only a forecast (完了予定日) while the deal is open.
CLOSED_DEAL_DATE = ("deals", "closed_at", "outcome", ("won", "lost"))


def data_span(backend: Any) -> tuple[dt.date, dt.date] | None:
    """The first and the last activity date in the workspace, or None when it holds none.

    The same dates as :func:`data_end_date` (:data:`ACTIVITY_DATES` and the close dates
    of deals won or lost): an as-of date between the two has data on both sides of it.
    Only imported records count: a note rashinban wrote itself (listed in
    :data:`RECORDED_NOTES`, e.g. a win story dated today) does not.
    """
    table, column, flag, closed = CLOSED_DEAL_DATE
    deals = backend.table(table)
    sources = [(imported_rows(backend, t), c) for t, c in ACTIVITY_DATES]
    sources.append((deals.filter(deals[flag].isin(closed)), column))
    return _span(sources)


def imported_rows(backend: Any, table: str) -> Any:
    """``table`` without the rows rashinban wrote itself (:data:`RECORDED_NOTES`)."""
    from ibis.common.exceptions import TableNotFound

    rows = backend.table(table)
    if table != "notes":
        return rows
    schema, listed = RECORDED_NOTES
    try:
        ours = backend.table(listed, database=schema)
    except TableNotFound:  # nothing recorded yet (or another engine without the list)
        return rows
    return rows.filter(~rows["note_id"].isin(ours["note_id"]))


def data_end_date(backend: Any) -> dt.date | None:
    """The latest activity date in the workspace, or None when it holds no activity."""
    span = data_span(backend)
    return span[1] if span is not None else None


def first_date(backend: Any, columns: Iterable[tuple[str, str]]) -> dt.date | None:
    """The earliest of the dates in ``columns`` (``(table, column)`` pairs), or None."""
    span = _span([(backend.table(t), c) for t, c in columns])
    return span[0] if span is not None else None


def _span(columns: list[tuple[Any, str]]) -> tuple[dt.date, dt.date] | None:
    """The earliest and the latest date in ``(table, column)`` pairs (one query per pair)."""
    lows: list[dt.date] = []
    highs: list[dt.date] = []
    for table, column in columns:
        row = table.aggregate(lo=table[column].min(), hi=table[column].max()).execute()
        for days, value in ((lows, row["lo"].iloc[0]), (highs, row["hi"].iloc[0])):
            if value is None or value != value:  # None or NaT
                continue
            days.append(value.date() if hasattr(value, "date") else value)
    return (min(lows), max(highs)) if lows and highs else None


def check_as_of(
    as_of: dt.date,
    start: dt.date | None,
    end: dt.date | None = None,
    *,
    what: tuple[str, str] = ("データ", "the data"),
    option: str = "--as-of",
) -> None:
    """Refuse an as-of date outside ``start`` … ``end`` (either may be None: no bound).

    After the end an analysis would invent the days in between (subscriptions billed
    on, months with no leads read as zero churn); before the start it has nothing to
    read. ``what`` names the data in Japanese and English, ``option`` where the date
    came from (the CLI option, or a setting).

    Raises
    ------
    NotEnoughDataError
        ``as_of`` is after ``end`` or before ``start``.

    Examples
    --------
    >>> try:
    ...     check_as_of(dt.date(2030, 1, 1), dt.date(2023, 2, 25), dt.date(2025, 12, 31))
    ... except NotEnoughDataError as err:
    ...     print(err.message.split(" / ")[0])
    基準日 2030-01-01 はデータの最終日 2025-12-31 より後です
    >>> check_as_of(dt.date(2025, 12, 31), dt.date(2023, 2, 25), dt.date(2025, 12, 31))
    """
    ja, en = what
    if end is not None and as_of > end:
        raise NotEnoughDataError(
            f"基準日 {as_of} は{ja}の最終日 {end} より後です / "
            f"the as-of date {as_of} is after the last date of {en}, {end}",
            fix=f"{option} を {end} 以前にするか、新しいデータを取り込んでください / "
            f"set {option} to {end} or earlier, or import newer data",
        )
    if start is not None and as_of < start:
        raise NotEnoughDataError(
            f"基準日 {as_of} は{ja}の開始日 {start} より前です / "
            f"the as-of date {as_of} is before the first date of {en}, {start}",
            fix=f"{option} を {start} 以後にしてください / set {option} to {start} or later",
        )


def as_of_in_data(backend: Any, as_of: Any, *, name: str = "as_of") -> dt.date:
    """``as_of`` read as a date, refused when it lies after the end of the data.

    The guard of the public analyses called from Python: ``as_of`` may be a
    ``datetime.date``, a ``datetime.datetime`` or ``pandas.Timestamp`` (its day) or ISO
    text (``"2025-12-31"``). A date after the last activity date
    (:func:`data_end_date`) is refused with the message ``rashinban … --as-of`` gives,
    since the analysis would invent the days in between. A date before the start is
    left to each analysis, which names the data it needs.

    Raises
    ------
    InvalidValueError
        ``as_of`` is not a date (the message names ``name`` and shows an example).
    NotEnoughDataError
        ``as_of`` is after the end of the data.
    """
    day = as_date(as_of, name)
    end = data_end_date(backend)
    check_as_of(day, None, end, option=f"--as-of (Python: {name})")
    return day

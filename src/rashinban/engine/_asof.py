"""The as-of date: analyses never read the clock, they are told the date."""

from __future__ import annotations

import datetime as dt
from typing import Any

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
#: Dates that count only on some rows: a deal's ``closed_at`` is the day it was won or
#: lost, but only a forecast (完了予定日) while the deal is open.
CLOSED_DEAL_DATE = ("deals", "closed_at", "outcome", ("won", "lost"))


def data_end_date(backend: Any) -> dt.date | None:
    """The latest activity date in the workspace, or None when it holds no activity."""
    maxima = [backend.table(table)[column].max() for table, column in ACTIVITY_DATES]
    table, column, flag, closed = CLOSED_DEAL_DATE
    deals = backend.table(table)
    maxima.append(deals.filter(deals[flag].isin(closed))[column].max())
    latest: dt.date | None = None
    for expr in maxima:
        value = expr.execute()
        if value is None or value != value:  # None or NaT
            continue
        day = value.date() if hasattr(value, "date") else value
        if latest is None or day > latest:
            latest = day
    return latest

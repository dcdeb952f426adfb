"""The span of the data: the dates an as-of date must lie between."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from rashinban import NotEnoughDataError, Workspace
from rashinban.engine import ACTIVITY_DATES, check_as_of, data_end_date, data_span, first_date
from rashinban.engine._asof import CLOSED_DEAL_DATE


def _naive_span(tables: dict[str, pd.DataFrame]) -> tuple[dt.date, dt.date]:
    """The same span computed in pandas, column by column."""
    dates = [pd.to_datetime(tables[t][c]).dropna() for t, c in ACTIVITY_DATES]
    table, column, flag, closed = CLOSED_DEAL_DATE
    deals = tables[table]
    dates.append(pd.to_datetime(deals.loc[deals[flag].isin(closed), column]))
    every = pd.concat(dates)
    return every.min().date(), every.max().date()


def test_the_span_is_the_first_and_last_activity_date(
    demo_ws: Workspace, demo_tables: dict[str, pd.DataFrame]
) -> None:
    backend = demo_ws.backend(read_only=True)
    span = data_span(backend)
    assert span == _naive_span(demo_tables)
    assert data_end_date(backend) == span[1]  # the default as-of is the same end


def test_first_date_of_some_columns(
    demo_ws: Workspace, demo_tables: dict[str, pd.DataFrame]
) -> None:
    backend = demo_ws.backend(read_only=True)
    orders = pd.to_datetime(demo_tables["orders"]["ordered_at"]).min().date()
    subs = pd.to_datetime(demo_tables["subscriptions"]["started_at"]).min().date()
    assert first_date(backend, [("orders", "ordered_at")]) == orders
    assert first_date(backend, [("orders", "ordered_at"), ("subscriptions", "started_at")]) == (
        min(orders, subs)
    )


def test_check_names_the_data_and_where_the_date_came_from() -> None:
    start, end = dt.date(2023, 2, 25), dt.date(2025, 12, 31)
    check_as_of(start, start, end)  # both ends are inside
    check_as_of(end, start, end)
    check_as_of(dt.date(1990, 1, 1), None, end)  # no start: no lower bound
    with pytest.raises(NotEnoughDataError) as err:
        check_as_of(dt.date(2020, 1, 1), start, what=("リード", "leads"), option="as_of")
    assert str(err.value) == (
        "基準日 2020-01-01 はリードの開始日 2023-02-25 より前です / the as-of date 2020-01-01 "
        "is before the first date of leads, 2023-02-25 — fix: as_of を 2023-02-25 以後にして"
        "ください / set as_of to 2023-02-25 or later"
    )

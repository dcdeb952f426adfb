"""The span of the data: the dates an as-of date must lie between."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from rashinban import InvalidValueError, NotEnoughDataError, Workspace
from rashinban.engine import ACTIVITY_DATES, check_as_of, data_end_date, data_span, first_date
from rashinban.engine._asof import CLOSED_DEAL_DATE, as_of_in_data


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


@pytest.mark.parametrize(
    "given",
    [
        dt.date(2025, 6, 30),
        dt.datetime(2025, 6, 30, 23, 59),
        pd.Timestamp("2025-06-30"),
        "2025-06-30",
    ],
    ids=["date", "datetime", "timestamp", "text"],
)
def test_the_public_guard_reads_any_usual_date(demo_ws: Workspace, given: object) -> None:
    day = as_of_in_data(demo_ws.backend(read_only=True), given)
    assert day == dt.date(2025, 6, 30) and type(day) is dt.date


def test_the_public_guard_refuses_a_date_past_the_data_and_text_that_is_no_date(
    demo_ws: Workspace,
) -> None:
    backend = demo_ws.backend(read_only=True)
    end = data_end_date(backend)
    assert end is not None
    assert as_of_in_data(backend, end) == end
    late = end + dt.timedelta(days=1)
    with pytest.raises(NotEnoughDataError) as err:
        as_of_in_data(backend, late)
    assert err.value.message == (
        f"基準日 {late} はデータの最終日 {end} より後です / "
        f"the as-of date {late} is after the last date of the data, {end}"
    )
    assert as_of_in_data(backend, dt.date(1990, 1, 1)) == dt.date(1990, 1, 1)  # left to each
    with pytest.raises(InvalidValueError, match="when = 'soon' is not a date"):
        as_of_in_data(backend, "soon", name="when")

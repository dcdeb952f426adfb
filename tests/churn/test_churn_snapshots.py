"""One feature query for the watchlist and its validation: same numbers as separate queries."""

from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rashinban.churn import (
    SnapshotFeatures,
    churn_features,
    churn_watchlist,
    labelled_snapshots,
    snapshot_dates,
    training_dates,
    validation_dates,
)
from rashinban.pipeline._defend import churn_snapshots, churn_validation

from .conftest import END

DAY = dt.date(2025, 12, 31)


@given(
    st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)),
    st.integers(0, 800),
    st.integers(1, 60),
)
def test_grid_ends_on_its_end_and_steps_back(end: dt.date, span: int, step: int) -> None:
    start = end - dt.timedelta(days=span)
    dates = snapshot_dates(start, end, step)
    assert dates[-1] == end
    assert dates[0] >= start
    assert dates[0] - dt.timedelta(days=step) < start  # no room for one more
    assert all((b - a).days == step for a, b in itertools.pairwise(dates))


def test_grid_is_empty_when_the_end_is_before_the_start() -> None:
    assert snapshot_dates(DAY, DAY - dt.timedelta(days=1)) == []


def test_model_and_test_grids_share_their_dates() -> None:
    # Both end one horizon before the as-of date, so the test snapshots of the year's
    # validation are training snapshots of today's model: fetched once.
    fit = training_dates(DAY, 90)
    train, test = validation_dates(DAY - dt.timedelta(days=365), DAY, horizon_days=90)
    assert set(test) <= set(fit)
    assert (fit[0], fit[-1], len(fit)) == (dt.date(2024, 1, 11), dt.date(2025, 10, 2), 46)
    assert train[-1] == DAY - dt.timedelta(days=365 + 90)
    assert test[0] >= DAY - dt.timedelta(days=365)


def test_store_rows_equal_a_query_of_their_own(demo_backend) -> None:  # type: ignore[no-untyped-def]
    dates = [END - dt.timedelta(days=d) for d in (0, 14, 200)]
    store = SnapshotFeatures(demo_backend, 90)
    store.expect(dates[1:])
    got = store.rows([dates[0]])
    assert store.queries == 1
    for day in dates:  # every announced date came with the first request
        own = churn_features(demo_backend, day, 90).execute()
        rows = store.rows([day])
        key = ["account_id"]
        pd.testing.assert_frame_equal(
            rows.sort_values(key, ignore_index=True), own.sort_values(key, ignore_index=True)
        )
    assert store.queries == 1
    assert len(got) == len(churn_features(demo_backend, dates[0], 90).execute()) > 0
    store.rows([END - dt.timedelta(days=7)])  # not announced: a query of its own
    assert store.queries == 2


def test_store_refuses_another_horizon(demo_backend) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="30-day horizon, not 90"):
        labelled_snapshots(demo_backend, [END], 90, features=SnapshotFeatures(demo_backend, 30))


def test_shared_store_gives_the_same_watchlist_and_validation(demo_backend) -> None:  # type: ignore[no-untyped-def]
    store = churn_snapshots(demo_backend, END, 90)
    shared = churn_watchlist(demo_backend, END, features=store)
    _, shared_numbers = churn_validation(demo_backend, END, horizon_days=90, features=store)
    assert store.queries == 1  # today, the model's snapshots and the validation's
    alone = churn_watchlist(demo_backend, END)
    _, alone_numbers = churn_validation(demo_backend, END, horizon_days=90)
    pd.testing.assert_frame_equal(shared, alone)
    assert isinstance(shared_numbers, dict)
    assert shared_numbers == alone_numbers
    assert shared_numbers["n_test_churners"] >= 20

"""Lifecycle naming on an orders-only log: new and recent buyers are never called lapsed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from rfm_data import to_table

from rashinban import InvalidValueError
from rashinban.engine import Lifecycle, rfm_analysis

AS_OF = dt.date(2024, 12, 31)
ORDERS = {
    "a": ["2024-12-20"],  # first purchase 11 days ago
    "b": ["2023-01-01", "2023-02-01"],
    "c": ["2024-06-01", "2024-07-01", "2024-08-01"],
    "d": ["2024-10-01", "2024-12-01"],  # 30 days since the last, first 91 days ago
    "e": ["2024-01-01", "2024-12-31"],
    "f": ["2024-09-15"],
}


def _log() -> pd.DataFrame:
    rows = [(c, pd.Timestamp(d), 100.0) for c, days in ORDERS.items() for d in days]
    return pd.DataFrame(rows, columns=["account_id", "ordered_at", "amount"])


def test_orders_only_names_by_hand(con) -> None:
    tx = to_table(con, _log())
    got = rfm_analysis(tx, observation_period_end=AS_OF, lifecycle=Lifecycle()).to_pandas()
    got = got.set_index("account_id").sort_index()
    plain = rfm_analysis(tx, observation_period_end=AS_OF).to_pandas()
    plain = plain.set_index("account_id").sort_index()
    # Days since the last purchase 11, 699, 152, 30, 0, 107 → R 4, 1, 1, 3, 5, 2; purchase
    # days 1, 2, 3, 2, 2, 1 → F 1, 2, 5, 2, 2, 1. Mean gaps of the repeat buyers b, c, d, e:
    # 31, 30.5, 61, 365 days → usual interval (31 + 61) / 2 = 46; grace max(90, 46) = 90.
    expected = {
        #    basis             segment     scores alone
        "a": ("first_purchase", "new", "promising"),
        "b": ("scores", "lost", "lost"),
        "c": ("scores", "cant_lose", "cant_lose"),
        "d": ("recent", "promising", "need_attention"),  # 30 ≤ 46 days
        "e": ("recent", "promising", "promising"),
        "f": ("scores", "hibernating", "hibernating"),  # 107 days: past both
    }
    for c, (basis, segment, alone) in expected.items():
        assert (got.loc[c, "basis"], got.loc[c, "segment"]) == (basis, segment), c
        assert plain.loc[c, "segment"] == alone, c
    assert got["R"].tolist() == plain["R"].tolist() == [4, 1, 1, 3, 5, 2]
    assert set(got["grace_days"]) == {90} and set(got["interval_days"]) == {46}
    assert "ended" not in set(got["basis"])  # no subscriptions: nobody is called churned


def test_a_longer_usual_interval_widens_the_grace(con) -> None:
    # Every customer buys twice, 200 days apart: the usual interval (200) outgrows 90 days,
    # so a first purchase 150 days ago is still too recent to call lapsed.
    rows = [
        (c, pd.Timestamp(d), 1.0)
        for c, days in {
            "x": ["2023-01-01", "2023-07-20"],
            "y": ["2023-03-01", "2023-09-17"],
            "z": ["2024-08-03"],
        }.items()
        for d in days
    ]
    tx = to_table(con, pd.DataFrame(rows, columns=["account_id", "ordered_at", "amount"]))
    got = rfm_analysis(tx, observation_period_end=AS_OF, lifecycle=Lifecycle()).to_pandas()
    got = got.set_index("account_id")
    assert set(got["grace_days"]) == {200}
    assert got.loc["z", "basis"] == "first_purchase" and got.loc["z", "segment"] == "new"


def test_subscriptions_without_their_columns_are_refused(con) -> None:
    tx = to_table(con, _log())
    subs = to_table(con, pd.DataFrame({"account_id": ["a"], "begin": [pd.Timestamp(AS_OF)]}))
    with pytest.raises(InvalidValueError, match="started_at"):
        rfm_analysis(tx, observation_period_end=AS_OF, lifecycle=Lifecycle(subs)).to_pandas()


def test_a_negative_grace_is_refused(con) -> None:
    tx = to_table(con, _log())
    with pytest.raises(InvalidValueError) as err:
        rfm_analysis(tx, observation_period_end=AS_OF, lifecycle=Lifecycle(grace_days=-1))
    assert err.value.message == (
        "grace_days は0以上の整数にしてください (-1) / "
        "grace_days must be a whole number of days, 0 or more, got -1"
    )

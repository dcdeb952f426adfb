"""Non-contractual buyers: risk = 1 - P(alive), checked against lifetimes (oracle)."""

from __future__ import annotations

import datetime as dt

import ibis
import numpy as np
import pandas as pd

from rashinban.churn import noncontractual_risk
from rashinban.engine import rfm_summary


def _orders_only(seed: int = 3, n: int = 300) -> ibis.BaseBackend:
    rng = np.random.default_rng(seed)
    start = dt.date(2024, 1, 1)
    rows = []
    for i in range(n):
        first = rng.integers(0, 200)
        rate = rng.gamma(2.0, 0.02)
        life = rng.exponential(300)
        day = float(first)
        k = 0
        while day < min(first + life, 540):
            rows.append((f"B{i:04d}", start + dt.timedelta(days=int(day)), 10000.0 + 1000 * k))
            day += rng.exponential(1 / rate)
            k += 1
    orders = pd.DataFrame(rows, columns=["account_id", "ordered_at", "amount"])
    con = ibis.duckdb.connect()
    con.raw_sql("CREATE TABLE orders (account_id VARCHAR, ordered_at DATE, amount DOUBLE)")
    con.raw_sql("CREATE TABLE subscriptions (account_id VARCHAR, started_at DATE)")
    con.insert("orders", orders)
    return con


def test_risk_is_one_minus_p_alive_of_lifetimes() -> None:
    from lifetimes import BetaGeoFitter

    con = _orders_only()
    day = dt.date(2025, 6, 30)
    got = noncontractual_risk(con, day).set_index("account_id").sort_index()
    summary = rfm_summary(con.table("orders"), observation_period_end=day, time_unit="W").execute()
    summary = summary.set_index("account_id").sort_index()
    bgf = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
    want = 1 - bgf.conditional_probability_alive(
        summary["frequency"], summary["recency"], summary["T"]
    )
    assert len(got) == len(summary) > 100
    np.testing.assert_allclose(got["risk"].to_numpy(), np.asarray(want), atol=2e-3)
    assert got["reasons_ja"].map(len).eq(1).all()
    assert got["risk"].between(0, 1).all()
    np.testing.assert_allclose(got["revenue_at_risk"], got["risk"] * got["annual_revenue"])
    # BG/NBD: a buyer with no repeat purchase is taken to be alive (FHL 2005, eq. 11).
    assert (got.loc[summary["frequency"] == 0, "risk"] == 0).all()


def test_too_few_buyers_give_an_empty_frame() -> None:
    con = _orders_only(n=5)
    assert noncontractual_risk(con, dt.date(2025, 6, 30)).empty

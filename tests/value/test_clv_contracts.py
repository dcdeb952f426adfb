"""CLV reads the contracts: running contracts are valued by their retention, orders by
the BG/NBD, churned customers are worth nothing more, lapsed subscribers who order again
are valued on their orders.

A hand-built company as of 2025-12-31 (a Wednesday; weeks run Monday to Sunday):

- ``S01``…``S30``: monthly subscriptions still running, started on the 5th of a month
  in 2024 or 2025; ``S03``…``S12`` also order every week for a while in 2025;
- ``C1``: a subscription from 2024-02-05 that ended on 2025-12-03, with an order on
  2025-03-10 and nothing since — RFM's 解約済み (all six of a demo account's
  subscriptions ended the same way);
- ``L1``: a subscription from 2024-01-10 to 2025-06-10, then orders on 2025-08-01
  (week of 07-28), 2025-10-15 (week of 10-13) and 2025-12-01 (week of 12-01);
- ``B01``…``B12``: buyers by order only, from a start in 2024 every 8 to 96 days;
- an order of ``S02`` on 2025-12-31, the last day of the data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rashinban import Workspace, init_workspace
from rashinban.importing import load_frames
from rashinban.value import clv_report, rfm_report

from ._company import company_tables

AS_OF = dt.date(2025, 12, 31)


def _tables() -> dict[str, pd.DataFrame]:
    day = pd.Timestamp
    subs: list[tuple[str, str, str | None]] = [
        (f"S{i:02d}", f"{2024 + i // 20}-{1 + i % 12:02d}-05", None) for i in range(1, 31)
    ]
    subs += [("C1", "2024-02-05", "2025-12-03"), ("L1", "2024-01-10", "2025-06-10")]
    orders = [("C1", "2025-03-10", 300000.0), ("S01", "2025-06-02", 200000.0)]
    orders += [("S02", "2025-12-31", 150000.0)]  # the last day of the data
    for i in range(3, 13):  # ten subscribers who also order every week for i × 5 weeks
        start = day("2025-01-06") + pd.Timedelta(weeks=i)
        orders += [
            (f"S{i:02d}", str((start + pd.Timedelta(weeks=k)).date()), 30000.0)
            for k in range(5 * i)
        ]
    orders += [("L1", d, 80000.0) for d in ("2025-08-01", "2025-10-15", "2025-12-01")]
    for i in range(1, 13):  # every 8 to 96 days, 2 to 12 orders: buyers unlike each other
        start = day(f"2024-{i:02d}-03")
        orders += [
            (f"B{i:02d}", str((start + pd.Timedelta(days=8 * i * k)).date()), 20000.0 * (1 + k % 3))
            for k in range(2 + (7 * i) % 11)
        ]
    return company_tables(subs, orders, mrr=100000.0)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = init_workspace(Path(tmp_path_factory.mktemp("contracts")) / "ws")
    load_frames(ws, _tables())
    return ws


def test_a_churned_subscriber_is_worth_nothing_more_and_is_marked(ws: Workspace) -> None:
    result = clv_report(ws.backend(), AS_OF, holdout_weeks=None)
    c = result.customers.set_index("account_id")
    # The model alone would keep C1 alive: 22 monthly billings up to 2025-11-05, four
    # weeks before the as-of date.
    bg = result.transaction_model
    alone = bg.p_alive(c.at["C1", "frequency"], c.at["C1", "recency"], c.at["C1", "T"])
    assert float(np.asarray(alone).item()) > 0.5
    assert c.loc["C1", ["p_alive", "expected_purchases", "clv"]].tolist() == [0.0, 0.0, 0.0]
    assert bool(c.at["C1", "churned"]) and bool(c.at["C1", "subscription_ended"])
    # The same customers RFM names 解約済み.
    rfm = rfm_report(ws.backend(), AS_OF).customers.set_index("account_id")
    assert set(c.index[c["churned"]]) == set(rfm.index[rfm["segment"] == "churned"]) == {"C1"}
    assert any("1 churned customers" in n and "解約済みの顧客1社" in n for n in result.notes)
    row = next(r for r in result.payload()["customers"] if r["account_id"] == "C1")
    assert (row["churned"], row["subscription_ended"], row["clv"]) == (True, True, 0.0)


def test_a_lapsed_subscriber_who_orders_again_is_valued_on_its_orders(ws: Workspace) -> None:
    result = clv_report(ws.backend(), AS_OF, holdout_weeks=None)
    c = result.customers.set_index("account_id")
    # L1 became a customer by subscribing on 2024-01-10 (week of 01-08); its orders fall
    # in the weeks of 07-28, 10-13 and 12-01 2025: 3 repeat weeks, the last 99 weeks
    # after the first, the as-of week (12-29) 103 weeks after it; the mean repeat spend
    # is 80,000. Its 17 subscription months are not purchases.
    got = c.loc["L1", ["frequency", "recency", "T", "monetary_value"]].astype(float).tolist()
    assert got == [3.0, 99.0, 103.0, 80000.0]
    assert not bool(c.at["L1", "churned"]) and bool(c.at["L1", "subscription_ended"])
    bg = result.transaction_model
    assert bg is not None
    assert c.at["L1", "p_alive"] == pytest.approx(float(np.asarray(bg.p_alive(3, 99, 103)).item()))
    assert c.at["L1", "expected_purchases"] == pytest.approx(
        float(np.asarray(bg.expected_purchases(12 * 4.345, 3, 99, 103)).item())
    )
    assert (c.at["L1", "running_contracts"], c.at["L1", "contract_clv"]) == (0, 0.0)
    assert c.at["L1", "clv"] == c.at["L1", "order_clv"] > 0


def _months_paid(start: dt.date, day: dt.date) -> int:
    """Billing days start, start + 1 month, … on or before ``day`` (counted one by one)."""
    paid, month = 0, 0
    while True:
        year, index = divmod(start.month - 1 + month, 12)
        if dt.date(start.year + year, index + 1, start.day) > day:
            return paid
        paid, month = paid + 1, month + 1


def test_running_contracts_are_valued_by_retention_and_orders_by_bgnbd(ws: Workspace) -> None:
    result = clv_report(ws.backend(), AS_OF, holdout_weeks=None)
    c = result.customers.set_index("account_id")
    retention = result.contract_retention
    assert retention is not None
    # Two of the 32 contracts ended: C1 after 22 months, L1 after 17. The constant churn
    # rate is ended ÷ renewals at risk, counted here from the dates.
    starts = {f"S{i:02d}": dt.date(2024 + i // 20, 1 + i % 12, 5) for i in range(1, 31)}
    paid = {k: _months_paid(v, AS_OF) for k, v in starts.items()}
    renewals = sum(n - 1 for n in paid.values()) + (22 - 1) + (17 - 1)
    assert (retention.contracts, retention.ended) == (32, 2)
    assert retention.churn == pytest.approx(2 / (2 + renewals))
    subscribers = c.loc[list(starts)]
    assert (subscribers["p_alive"] == 1.0).all() and (subscribers["running_contracts"] == 1).all()
    assert (subscribers["mrr"] == 100000.0).all()
    expected = 100000.0 * retention.expected_payments(12, list(paid.values()), 0.01)
    assert np.allclose(subscribers["contract_clv"].to_numpy(float), expected, rtol=1e-12)
    # Orders: the BG/NBD on each customer's orders from the day it became a customer.
    bg = result.transaction_model
    assert bg is not None
    buyers = c.loc[[f"B{i:02d}" for i in range(1, 13)]]
    assert (buyers["running_contracts"] == 0).all() and (buyers["contract_clv"] == 0).all()
    p = np.asarray(bg.p_alive(buyers["frequency"], buyers["recency"], buyers["T"]))
    assert np.allclose(buyers["p_alive"].to_numpy(float), p)
    weekly = c.loc[[f"S{i:02d}" for i in range(3, 13)]]
    assert (weekly["order_clv"] > 0).all() and (weekly["frequency"] > 0).all()
    assert np.allclose(c["clv"], c["contract_clv"] + c["order_clv"])
    # The total is that of the customers still buying.
    assert c["clv"].sum() == pytest.approx(c.loc[~c["churned"], "clv"].sum())
    assert len(c) == 44
    assert result.model_name().startswith(f"{retention.name} + BG/NBD")
    row = next(r for r in result.payload()["customers"] if r["account_id"] == "S05")
    assert row["clv"] == pytest.approx(row["contract_clv"] + row["order_clv"])
    assert (row["running_contracts"], row["mrr"]) == (1, 100000.0)

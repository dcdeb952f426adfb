"""Returns, credit notes and samples in the order log; models that cannot be fitted.

A Japanese orders export carries ▲ rows (返品, 値引, credit notes) and zero-amount
lines (無償サンプル): they are not purchases. These tests pin what RFM, CLV and the
churn watchlist make of them, and that a model which cannot be fitted on part of the
data leaves the rest of the report standing.
"""

from __future__ import annotations

import datetime as dt

import ibis
import numpy as np
import pandas as pd
import pytest

from rashinban import init_workspace
from rashinban._errors import ConvergenceError
from rashinban.churn import churn_watchlist
from rashinban.demo import generate
from rashinban.engine import rfm_summary
from rashinban.importing import load_frames
from rashinban.value import clv_report, rfm_report

AS_OF = dt.date(2025, 12, 31)
END = dt.date(2024, 1, 31)
SMALL_AS_OF = dt.date(2025, 12, 30)  # the small company's last order


def _log() -> pd.DataFrame:
    """a: orders 1/1, 1/10, 1/25; a return of the 1/10 order on 1/12; a sample on 1/20.
    b: 500 on 1/3 returned on 1/5, then an order of unknown amount on 1/9.
    c: a return on 1/2 of an order older than the log, then 80 on 1/4. d: a sample only."""
    return pd.DataFrame(
        {
            "account_id": list("aaaaabbbccd"),
            "ordered_at": pd.to_datetime(
                [f"2024-01-{d:02d}" for d in (1, 10, 12, 20, 25, 3, 5, 9, 2, 4, 7)]
            ),
            "amount": [100.0, 300.0, -300.0, 0.0, 200.0, 500.0, -500.0, None, -50.0, 80.0, 0.0],
        }
    )


def _summary(tx: ibis.Table, **kwargs: object) -> dict[str, dict[str, float]]:
    s = rfm_summary(tx, observation_period_end=END, net_returns=True, **kwargs)  # type: ignore[arg-type]
    return s.to_pandas().set_index("account_id").to_dict("index")


@pytest.mark.parametrize("bound", [False, True], ids=["memtable", "duckdb"])
def test_returns_and_samples_are_not_purchases_but_net_against_spend(bound: bool) -> None:
    frame = _log()
    tx = ibis.memtable(frame)
    if bound:  # the DuckDB plan of a workspace table
        con = ibis.duckdb.connect()
        tx = con.create_table("orders_log", tx)
    s = _summary(tx)
    # a: purchases on 1/1, 1/10 and 1/25; the return and the sample are not purchases,
    # the return nets against the repeat spend: (300 - 300 + 0 + 200) / 2.
    assert s["a"] == {"frequency": 2, "recency": 24.0, "T": 30.0, "monetary_value": 100.0}
    # b: the order of unknown amount is a purchase worth 0; the return nets below 0.
    assert s["b"] == {"frequency": 1, "recency": 6.0, "T": 28.0, "monetary_value": -500.0}
    # c: born on its first purchase (1/4), the earlier return left out.
    assert s["c"] == {"frequency": 0, "recency": 0.0, "T": 27.0, "monetary_value": 0.0}
    assert "d" not in s  # never bought
    first = _summary(tx, include_first_transaction=True)
    assert first["a"]["frequency"] == 3 and first["a"]["monetary_value"] == 100.0
    assert first["b"]["monetary_value"] == 0.0  # bought 500, returned 500: nets to 0
    # Without the option every row's period is a purchase, as lifetimes counts them.
    plain = rfm_summary(tx, observation_period_end=END).to_pandas().set_index("account_id")
    assert plain.loc["a", "frequency"] == 4 and plain.loc["c", "recency"] == 2.0


def test_holdout_counts_purchase_periods_and_nets_returns() -> None:
    frame = _log()
    s = rfm_summary(
        ibis.memtable(frame),
        observation_period_end=END,
        calibration_period_end=dt.date(2024, 1, 8),
        net_returns=True,
    ).to_pandas()
    row = s.set_index("account_id").loc["a"]
    # Holdout of a: 300 (1/10), -300 (1/12), 0 (1/20), 200 (1/25): two purchase days.
    assert row["frequency_holdout"] == 2
    assert row["monetary_value_holdout"] == pytest.approx(100.0)
    assert s.set_index("account_id").loc["b", "frequency_holdout"] == 1


def _workspace(tmp_path, tables):  # type: ignore[no-untyped-def]
    ws = init_workspace(tmp_path / "ws")
    load_frames(ws, tables)
    return ws.backend()


def _small_company() -> dict[str, pd.DataFrame]:
    """12 customers buying monthly through 2025 (K01 stops in June); K01 gets a credit
    note on 12/20 and K02 a zero-amount sample on 12/30."""
    ids = [f"K{i:02d}" for i in range(1, 13)]
    rows = []
    for i, a in enumerate(ids):
        last = 6 if a == "K01" else 12
        for month in range(1, last + 1):
            rows.append((a, pd.Timestamp(2025, month, 1 + i), 100_000.0 * (1 + i % 3)))
    rows += [
        ("K01", pd.Timestamp("2025-12-20"), -100_000.0),
        ("K02", pd.Timestamp("2025-12-30"), 0.0),
    ]
    orders = pd.DataFrame(rows, columns=["account_id", "ordered_at", "amount"])
    orders["order_id"] = [f"O{i:04d}" for i in range(len(orders))]
    accounts = pd.DataFrame({"account_id": ids, "name": [f"株式会社{a}" for a in ids]})
    return {"accounts": accounts, "orders": orders}


def test_rfm_a_credit_note_does_not_make_a_lapsed_customer_recent(tmp_path) -> None:  # type: ignore[no-untyped-def]
    backend = _workspace(tmp_path, _small_company())
    rows = rfm_report(backend, SMALL_AS_OF).customers.set_index("account_id")
    k01 = rows.loc["K01"]
    # Six purchase days; the last one 2025-06-01, 212 days before the as-of date.
    assert k01["frequency"] == 6
    assert k01["T"] - k01["recency"] == (SMALL_AS_OF - dt.date(2025, 6, 1)).days
    # Spend per purchase day nets the credit note: (6 × 100,000 - 100,000) / 6.
    assert k01["monetary_value"] == pytest.approx(500_000 / 6)
    assert k01["basis"] == "scores" and k01["segment"] in {"lost", "at_risk", "cant_lose"}
    # The sample on 12/30 is not a thirteenth purchase day.
    assert rows.loc["K02", "frequency"] == 12


def test_rfm_a_refund_after_the_last_contract_ended_is_still_churned(tmp_path) -> None:  # type: ignore[no-untyped-def]
    tables = _small_company()
    subs = pd.DataFrame(
        {
            "subscription_id": ["S1"],
            "account_id": ["K03"],
            "mrr": [50_000.0],
            "started_at": [pd.Timestamp("2024-01-03")],
            "ended_at": [pd.Timestamp("2025-03-03")],
        }
    )
    orders = tables["orders"]
    orders = orders[(orders["account_id"] != "K03") | (orders["ordered_at"] < "2025-03-01")]
    refund = pd.DataFrame(
        {
            "account_id": ["K03"],
            "ordered_at": [pd.Timestamp("2025-03-20")],
            "amount": [-25_000.0],
            "order_id": ["O9999"],
        }
    )
    tables.update(orders=pd.concat([orders, refund], ignore_index=True), subscriptions=subs)
    rows = rfm_report(_workspace(tmp_path, tables), SMALL_AS_OF).customers.set_index("account_id")
    assert rows.loc["K03", "basis"] == "ended"
    assert rows.loc["K03", "segment"] == "churned"


@pytest.fixture(scope="module")
def demo_1000() -> dict[str, pd.DataFrame]:
    return generate(1000, seed=3)


def test_clv_returns_add_no_order_week_and_the_output_says_whose_spend(tmp_path, demo_1000) -> None:  # type: ignore[no-untyped-def]
    tables = {k: v.copy() for k, v in demo_1000.items()}
    orders = tables["orders"]
    back = orders[orders["amount"] > 0].sample(40, random_state=1).copy()
    back["order_id"] += "R"
    back["amount"] = -back["amount"]
    back["ordered_at"] += pd.Timedelta(days=10)  # returned ten days later: a later week
    tables["orders"] = pd.concat([orders, back], ignore_index=True)
    with_returns = clv_report(_workspace(tmp_path, tables), AS_OF, holdout_weeks=None)
    base = clv_report(
        _workspace(tmp_path / "base", {k: v for k, v in demo_1000.items()}),
        AS_OF,
        holdout_weeks=None,
    )
    a = with_returns.customers.set_index("account_id")
    b = base.customers.set_index("account_id").loc[a.index]
    # A return is not an order week: frequency and recency are those without it.
    assert (a["frequency"] == b["frequency"]).all()
    assert (a["recency"] == b["recency"]).all()
    payload = with_returns.payload()["customers"]
    bases = {r["account_id"]: r["spend_basis"] for r in payload}
    assert set(bases.values()) <= {"own", "population", "netted"}
    netted = [k for k, v in bases.items() if v == "netted"]
    assert netted, "some returned orders should net a customer's repeat spend to 0 or less"
    assert (a.loc[netted, "monetary_value"] <= 0).all()
    assert any(
        f"{len(netted):,} customers whose repeat orders net to zero" in n
        for n in with_returns.notes
    )
    assert np.isfinite(a["clv"]).all() and (a["clv"] >= 0).all()


def test_clv_holdout_that_cannot_be_fitted_is_skipped_not_fatal(tmp_path, demo_1000) -> None:  # type: ignore[no-untyped-def]
    # Orders moved to 2019: the calibration period's orders show nobody leaving, so its
    # BG/NBD cannot be used; the report still values every customer and says so.
    tables = {k: v.copy() for k, v in demo_1000.items()}
    orders = tables["orders"]
    orders.loc[orders.index[:30], "ordered_at"] = pd.Timestamp("2019-01-01")
    result = clv_report(_workspace(tmp_path, tables), AS_OF)
    assert result.holdout is None
    assert any("holdout check skipped (the BG/NBD of the calibration" in n for n in result.notes)
    assert len(result.customers) > 100


def test_clv_without_dropout_names_a_fix_a_user_can_apply(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # 40 customers ordering every week for two years: no sign of anyone leaving.
    rows = [
        (f"W{i:02d}", pd.Timestamp("2024-01-01") + pd.Timedelta(weeks=w, days=i % 7), 10_000.0)
        for i in range(40)
        for w in range(104)
    ]
    orders = pd.DataFrame(rows, columns=["account_id", "ordered_at", "amount"])
    orders["order_id"] = [f"O{i:05d}" for i in range(len(orders))]
    accounts = pd.DataFrame({"account_id": [f"W{i:02d}" for i in range(40)]})
    backend = _workspace(tmp_path, {"accounts": accounts, "orders": orders})
    with pytest.raises(ConvergenceError) as info:
        clv_report(backend, "2025-12-21", holdout_weeks=None)
    assert "raise_on_failure" not in str(info.value.fix)
    assert "import a longer order history" in str(info.value.fix)


def test_churn_watchlist_stands_when_one_time_buyers_cannot_be_modelled(
    tmp_path, demo_1000
) -> None:  # type: ignore[no-untyped-def]
    # Subscribers keep their orders; 40 other accounts bought once each: the BG/NBD of
    # buyers by order has no repeat buyer to learn from.
    tables = {k: v.copy() for k, v in demo_1000.items()}
    subscribers = set(tables["subscriptions"]["account_id"])
    orders = tables["orders"]
    others = tables["accounts"].loc[~tables["accounts"]["account_id"].isin(subscribers)]
    once = pd.DataFrame(
        {
            "order_id": [f"X{i:03d}" for i in range(40)],
            "account_id": others["account_id"].iloc[:40].to_numpy(),
            "ordered_at": pd.Timestamp("2024-06-01") + pd.to_timedelta(np.arange(40) * 9, unit="D"),
            "product_id": "P06",
            "quantity": 1,
            "amount": 100_000.0,
        }
    )
    tables["orders"] = pd.concat([orders[orders["account_id"].isin(subscribers)], once])
    watch = churn_watchlist(_workspace(tmp_path, tables), AS_OF)
    assert len(watch) > 50
    assert set(watch["kind"]) == {"contractual"}

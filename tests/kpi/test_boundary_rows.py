"""Rows at the edges of a CRM export, recounted naively: a lead or deal not linked to any
account, a won deal without an amount, a lead that reached SQL without an MQL date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rashinban import Workspace, init_workspace
from rashinban.engine import account_facts
from rashinban.importing import load_frames
from rashinban.kpi import funnel
from rashinban.kpi._funnel import MAX_LIFETIME_YEARS
from rashinban.targeting import segment_attractiveness

AS_OF = dt.date(2024, 3, 31)
D = pd.Timestamp
NAT = pd.NaT


def _tables() -> dict[str, pd.DataFrame]:
    accounts = pd.DataFrame(
        {
            "account_id": list("abcdef"),
            "name": [f"会社{c}" for c in "abcdef"],
            "industry": ["製造業"] * 3 + ["建設業"] * 3,
            "employees": [100] * 6,
            "created_at": [D("2024-01-01")] * 6,
        }
    )
    leads = pd.DataFrame(
        {
            "lead_id": [f"L{i}" for i in range(7)],
            # L6 came in through the web form and is not linked to an account yet
            "account_id": [*"abcdef", None],
            "created_at": [D("2024-01-05")] * 7,
            "mql_at": [NAT, NAT, D("2024-01-10"), D("2024-01-10"), NAT, NAT, NAT],
            "sql_at": [D("2024-01-20")] * 3 + [NAT, NAT, NAT, D("2024-01-20")],
        }
    )
    deals = pd.DataFrame(
        {
            "deal_id": ["D1", "D2", "D3", "D4"],
            "account_id": ["a", None, "b", "d"],
            "created_at": [D("2024-01-05")] * 4,
            "closed_at": [D("2024-02-01"), D("2024-02-01"), D("2024-02-11"), D("2024-03-01")],
            # D3 was won but its amount was left empty in the CRM
            "amount": [100.0, 50.0, None, 300.0],
            "outcome": ["won", "lost", "won", "won"],
            "kind": ["new"] * 4,
        }
    )
    return {"accounts": accounts, "leads": leads, "deals": deals}


@pytest.fixture(scope="module")
def edge_ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = init_workspace(Path(tmp_path_factory.mktemp("edges")) / "ws")
    load_frames(ws, _tables())
    return ws


def _naive(leads: pd.DataFrame, deals: pd.DataFrame) -> dict[str, float]:
    sql = leads.sql_at.notna()
    mql = leads.mql_at.notna() | sql
    won = deals[deals.outcome == "won"]
    return {
        "leads": len(leads),
        "mql": int(mql.sum()),
        "sql": int(sql.sum()),
        "opportunities": len(deals),
        "won": len(won),
        "lost": int((deals.outcome == "lost").sum()),
        "average_deal": float(won.amount.mean()),  # pandas skips the empty amount
        # no subscriptions: no churn observed, so the proxy's lifetime is the cap
        "clv": float(won.amount.mean()) * MAX_LIFETIME_YEARS,
    }


def test_the_company_counts_unlinked_rows_and_averages_known_amounts(edge_ws: Workspace) -> None:
    t = _tables()
    got = funnel(edge_ws.backend(), as_of=AS_OF, period="quarter").iloc[0]
    for key, value in _naive(t["leads"], t["deals"]).items():
        assert got[key] == pytest.approx(value), key
    assert (got["leads"], got["opportunities"], got["average_deal"]) == (7, 4, 200.0)


def test_a_segment_averages_known_amounts(edge_ws: Workspace) -> None:
    t = _tables()
    scope = funnel(
        edge_ws.backend(), as_of=AS_OF, period="quarter", scopes={"mfg": "業種 = 製造業"}
    ).iloc[0]
    ids = {"a", "b", "c"}
    expected = _naive(
        t["leads"][t["leads"].account_id.isin(ids)], t["deals"][t["deals"].account_id.isin(ids)]
    )
    for key, value in expected.items():
        assert scope[key] == pytest.approx(value), key
    assert scope["average_deal"] == 100.0  # D1 only: D3's amount is unknown, not ¥0


def test_segments_count_sql_without_mql_date_as_mql(edge_ws: Workspace) -> None:
    facts = account_facts(edge_ws.backend(), AS_OF).execute()
    leads = _tables()["leads"].dropna(subset=["account_id"])
    naive = (leads.mql_at.notna() | leads.sql_at.notna()).groupby(leads.account_id).sum()
    assert facts.set_index("account_id")["mqls"].to_dict() == naive.to_dict()
    table = segment_attractiveness(
        facts,
        {
            "mfg": [{"column": "industry", "op": "in", "values": ["製造業"]}],
            "con": [{"column": "industry", "op": "in", "values": ["建設業"]}],
        },
        AS_OF,
    ).set_index("name")
    assert table.loc["mfg", ["mql_sql_k", "mql_sql_n"]].tolist() == [3, 3]
    assert table.loc["con", ["mql_sql_k", "mql_sql_n"]].tolist() == [0, 1]
    # every shrunk rate and its interval is a share: the prior is no longer poisoned by 3 of 1
    for col in ("mql_sql", "mql_sql_low", "mql_sql_high"):
        assert ((table[col] >= 0) & (table[col] <= 1)).all(), col
    assert table.loc["mfg", "mql_sql_low"] < table.loc["mfg", "mql_sql"] <= 1
    # the mean won deal skips the deal whose amount is empty (D3)
    assert table.loc["mfg", "avg_deal"] == pytest.approx(100.0)
    assert table.loc["con", "avg_deal"] == pytest.approx(300.0)
    assert np.isfinite(table["attractiveness"]).all()

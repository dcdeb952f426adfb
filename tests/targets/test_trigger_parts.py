"""Event scopes, lead-mix drift and the alignment view, each against a plain computation."""

from __future__ import annotations

import datetime as dt

import duckdb
import ibis
import numpy as np
import pandas as pd

from rashinban.demo import PLANTED
from rashinban.segments import parse_rule
from rashinban.targets import alignment, psi
from rashinban.targets._triggers import _lead_mix, _scope_touches

IDEAL = parse_rule("業種 in [製造業, 情報通信業] and 従業員数 between 100 and 999")


def test_event_scopes(demo_tables) -> None:
    acc = demo_tables["accounts"]
    retail_small = parse_rule("業種 = 卸売業・小売業 and 従業員数 between 30 and 99")
    assert _scope_touches("全業種", IDEAL, acc)
    assert not _scope_touches("卸売業・小売業（従業員30〜299名）", IDEAL, acc)
    assert _scope_touches("卸売業・小売業（従業員30〜299名）", retail_small, acc)
    assert _scope_touches("製造業", IDEAL, acc)
    assert not _scope_touches("既存顧客", IDEAL, acc)


def _leads_backend(recent_industry_share: float) -> object:
    rng = np.random.default_rng(0)
    days = pd.date_range("2023-01-01", "2024-12-31", freq="D")
    accounts = pd.DataFrame(
        {
            "account_id": [f"A{i}" for i in range(200)],
            "industry": ["製造業"] * 100 + ["建設業"] * 100,
            "employees": rng.integers(30, 900, 200),
        }
    )
    rows = []
    for day in days:
        p_mfg = recent_industry_share if day >= pd.Timestamp("2024-07-01") else 0.5
        for _ in range(3):
            a = rng.integers(0, 100) if rng.random() < p_mfg else rng.integers(100, 200)
            rows.append({"lead_id": f"L{len(rows)}", "account_id": f"A{a}", "created_at": day})
    duck = duckdb.connect()
    leads = pd.DataFrame(rows)
    duck.register("accounts_in", accounts)
    duck.register("leads_in", leads)
    duck.execute("CREATE TABLE accounts AS SELECT * FROM accounts_in")
    duck.execute(
        "CREATE TABLE leads AS SELECT lead_id, account_id, CAST(created_at AS DATE) "
        "AS created_at FROM leads_in"
    )
    return ibis.duckdb.from_connection(duck)


def test_lead_mix_fires_on_drift_only() -> None:
    start, end = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
    assert _lead_mix("t", _leads_backend(0.5), start, end, 0.25) == []
    fired = _lead_mix("t", _leads_backend(0.9), start, end, 0.25)
    assert len(fired) == 1 and fired[0]["detected_at"] >= dt.date(2024, 7, 31)
    assert fired[0]["detail"]["psi"] >= 0.25


def test_alignment_against_pandas(demo_ws, demo_tables) -> None:
    as_of = dt.date(2024, 9, 30)
    share, seg = alignment(demo_ws.backend(), IDEAL, as_of=as_of, period="quarter")
    accounts = demo_tables["accounts"][["account_id", "industry", "employees"]]
    leads = demo_tables["leads"].merge(accounts, on="account_id")
    end = pd.Timestamp(as_of)
    leads = leads[leads.created_at <= end]
    sql = leads.sql_at.notna() & (leads.sql_at <= end)
    mql = (leads.mql_at.notna() & (leads.mql_at <= end)) | sql
    inside = PLANTED.ideal.mask(leads)
    q = leads.created_at.dt.to_period("Q").astype(str).str.replace("Q", "-Q")
    expect = pd.DataFrame({"q": q, "mql": mql, "in": mql & inside}).groupby("q").sum()
    got = share.set_index("period")
    assert got["mql"].tolist() == expect["mql"].tolist()
    assert got["mql_in_target"].tolist() == expect["in"].tolist()
    assert seg["mql"].sum() == mql.sum() and seg["sql"].sum() == sql.sum()
    ok = seg["mql"] > 0
    assert (
        (seg["acceptance_low"] <= seg["acceptance"]) & (seg["acceptance"] <= seg["acceptance_high"])
    )[ok].all()
    assert psi([1, 1], [1, 1]) == 0.0

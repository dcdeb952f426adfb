"""A churn hypothesis is judged on annual customer churn, and says so."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from rashinban import Workspace, init_workspace
from rashinban._labels import hypothesis_text
from rashinban.importing import load_frames
from rashinban.kpi import funnel
from rashinban.kpi._churn import customer_churn
from rashinban.segments import parse_rule
from rashinban.state import Hypothesis, TargetDefinition
from rashinban.targets import judge_rate, review_target

AS_OF = dt.date(2025, 12, 31)
START = AS_OF - dt.timedelta(days=365)


def _sub(account: str, started: str, ended: str | None = None) -> dict[str, object]:
    return {
        "account_id": account,
        "started_at": pd.Timestamp(started),
        "ended_at": pd.Timestamp(ended) if ended else pd.NaT,
        "mrr": 10_000.0,
    }


@pytest.fixture
def small(tmp_path: Path) -> Workspace:
    """Ten 製造業 customers a year before the as-of date: three leave, one changes plan."""
    ids = [f"A{i:02d}" for i in range(12)]
    accounts = pd.DataFrame(
        {
            "account_id": ids,
            "name": ids,
            "industry": ["製造業"] * 11 + ["情報通信業"],
        }
    )
    subs = [_sub(a, "2023-06-01") for a in ids[3:9]]
    subs += [
        _sub(a, "2023-06-01", e)
        for a, e in zip(ids[:3], ["2025-02-10", "2025-06-30", "2025-11-01"], strict=True)
    ]
    # A plan change: one subscription ends and the next starts the same day. Not churn.
    subs += [_sub("A09", "2023-06-01", "2025-04-01"), _sub("A09", "2025-04-01")]
    # A customer who left before the window, one who joined within it, one out of scope.
    subs += [_sub("A10", "2023-06-01", "2024-06-01"), _sub("A10", "2025-03-01", "2025-09-01")]
    subs += [_sub("A11", "2023-06-01", "2025-05-01")]
    leads = pd.DataFrame(
        {
            "lead_id": ["L1"],
            "account_id": ["A00"],
            "created_at": [pd.Timestamp("2025-01-15")],
        }
    )
    frame = pd.DataFrame(subs)
    frame.insert(0, "subscription_id", [f"S{i}" for i in range(len(frame))])
    ws = init_workspace(tmp_path / "ws")
    load_frames(ws, {"accounts": accounts, "subscriptions": frame, "leads": leads})
    return ws


def test_churn_hypothesis_is_the_yearly_share_of_customers(small: Workspace) -> None:
    rule = parse_rule("業種 = 製造業")
    # Customers on the window's first day: A00–A09 (A10 had left, A11 is 情報通信業).
    assert customer_churn(small.backend(), rule, start=START, as_of=AS_OF) == (3, 10)
    target = TargetDefinition(
        include="業種 = 製造業", hypotheses=(Hypothesis("churn_rate", "<=", 0.1),)
    )
    v = review_target(small.backend(), target, as_of=AS_OF)["verdicts"][0]
    want = judge_rate(3, 10, "<=", 0.1)
    assert (v["observed"], v["n"]) == (0.3, 10)
    assert v["verdict"] == want["verdict"] == "refuted"
    assert v["probability"] == pytest.approx(want["probability"])
    assert v["reason_ja"].startswith("年間解約率 ≤ 10%: 実績 30.0% (90%区間 ")
    assert "期首の顧客10社のうち3社が1年以内に解約" in v["reason_ja"]
    assert v["reason_en"].startswith("annual churn rate ≤ 10%: observed 30.0%")
    assert "3 of 10 customers at the window start churned within the year" in v["reason_en"]
    # The monthly funnel rate of the same year would have passed the bar.
    months = funnel(small.backend(), as_of=AS_OF, period="month", scopes={"t": rule})
    recent = months[pd.to_datetime(months["period_start"]) >= pd.Timestamp(START)]
    assert recent["churned"].sum() / recent["at_risk"].sum() < 0.05


def test_churn_data_still_needed_is_counted_in_customers(small: Workspace) -> None:
    target = TargetDefinition(
        include="業種 = 製造業", hypotheses=(Hypothesis("churn_rate", "<=", 0.3),)
    )
    v = review_target(small.backend(), target, as_of=AS_OF)["verdicts"][0]
    assert v["verdict"] == "not_enough_data" and v["more_needed"] > 0
    assert (
        "社分のデータで判定可能" in v["reason_ja"]
        and "more customers would decide" in v["reason_en"]
    )


def test_churn_on_the_demo_matches_a_count_of_customers(demo_ws, demo_tables) -> None:
    acc = demo_tables["accounts"]
    subs = demo_tables["subscriptions"]
    subs = subs[subs["account_id"].isin(acc.loc[acc["industry"] == "製造業", "account_id"])]
    subs = subs[subs["started_at"] <= pd.Timestamp(AS_OF)]
    ended = subs["ended_at"].notna() & (subs["ended_at"] <= pd.Timestamp(AS_OF))
    first = pd.Timestamp(START)
    active = (subs["started_at"] < first) & (~ended | (subs["ended_at"] >= first))
    per = pd.DataFrame({"a": subs["account_id"], "active": active, "running": ~ended})
    per = per.groupby("a").agg(active=("active", "any"), running=("running", "any"))
    per = per[per["active"]]
    got = customer_churn(demo_ws.backend(), parse_rule("業種 = 製造業"), start=START, as_of=AS_OF)
    assert got == (int((~per["running"]).sum()), len(per))
    # The figure docs/targets.md publishes for the demo.
    assert got == (10, 68)


def test_the_hypothesis_reads_as_annual_and_reads_back() -> None:
    assert hypothesis_text("churn_rate", "<=", 0.1) == "年間解約率 ≤ 10%"
    assert hypothesis_text("churn_rate", "<=", 0.1, "en") == "annual churn rate ≤ 10%"
    for text in ("年間解約率 ≤ 10%", "annual churn rate <= 10%", "解約率 10%以下"):
        assert Hypothesis.parse(text) == Hypothesis("churn_rate", "<=", 0.1)

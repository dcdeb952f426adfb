"""An NRR hypothesis is judged on the annual NRR of the target's customers, and says so."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rashinban import Workspace, init_workspace
from rashinban._labels import hypothesis_text
from rashinban.importing import load_frames
from rashinban.kpi import funnel
from rashinban.kpi._nrr import customer_mrr
from rashinban.segments import parse_rule
from rashinban.state import Hypothesis, TargetDefinition
from rashinban.targets import judge_nrr, review_target
from rashinban.targets._review import _judge_mean

AS_OF = dt.date(2025, 12, 31)
START = AS_OF - dt.timedelta(days=365)
RULE = "業種 = 製造業"


def _sub(account: str, started: str, ended: str | None = None, mrr: float = 10_000.0) -> dict:
    return {
        "account_id": account,
        "started_at": pd.Timestamp(started),
        "ended_at": pd.Timestamp(ended) if ended else pd.NaT,
        "mrr": mrr,
    }


def _workspace(path: Path, subs: list[dict], ids: list[str]) -> Workspace:
    accounts = pd.DataFrame(
        {"account_id": ids, "name": ids, "industry": ["製造業"] * (len(ids) - 1) + ["小売業"]}
    )
    leads = pd.DataFrame(
        {"lead_id": ["L1"], "account_id": [ids[0]], "created_at": [pd.Timestamp("2025-01-15")]}
    )
    frame = pd.DataFrame(subs)
    frame.insert(0, "subscription_id", [f"S{i}" for i in range(len(frame))])
    ws = init_workspace(path)
    load_frames(ws, {"accounts": accounts, "subscriptions": frame, "leads": leads})
    return ws


@pytest.fixture
def small(tmp_path: Path) -> Workspace:
    """Eight 製造業 customers a year before the as-of date: ¥80,000 of MRR then.

    A00 leaves, A01 adds a second plan (+¥10,000), A02 moves down to ¥5,000, A03–A07
    stay: ¥75,000 now, NRR 93.75 %. A08 joined within the window, A09 had left before
    it, A10 is out of scope: none of them counts.
    """
    ids = [f"A{i:02d}" for i in range(11)]
    subs = [_sub(a, "2023-06-01") for a in ids[3:8]]
    subs += [_sub("A00", "2023-06-01", "2025-05-31")]
    subs += [_sub("A01", "2023-06-01"), _sub("A01", "2025-03-01")]
    subs += [_sub("A02", "2023-06-01", "2025-04-01"), _sub("A02", "2025-04-01", mrr=5_000.0)]
    subs += [_sub("A08", "2025-03-01"), _sub("A09", "2023-06-01", "2024-06-01")]
    subs += [_sub("A10", "2023-06-01", mrr=1e6)]
    return _workspace(path=tmp_path / "ws", subs=subs, ids=ids)


def _review(ws: Workspace, hypothesis: str, **kw: int) -> dict:
    target = TargetDefinition(include=RULE, hypotheses=(Hypothesis.parse(hypothesis),))
    return review_target(ws.backend(), target, as_of=AS_OF, **kw)["verdicts"][0]


def test_nrr_is_the_customers_mrr_a_year_on(small: Workspace) -> None:
    per = customer_mrr(small.backend(), parse_rule(RULE), start=START, as_of=AS_OF)
    assert list(per["account_id"]) == [f"A{i:02d}" for i in range(8)]
    assert (per["mrr_start"].sum(), per["mrr_end"].sum()) == (80_000.0, 75_000.0)
    v = _review(small, "nrr >= 1.0")
    want = judge_nrr(per["mrr_start"], per["mrr_end"], ">=", 1.0)
    assert v["observed"] == pytest.approx(0.9375) and v["n"] == 8
    assert (v["mrr_start"], v["mrr_end"]) == (80_000.0, 75_000.0)
    assert (v["probability"], v["verdict"]) == (want["probability"], want["verdict"])
    assert v["low"] < 0.9375 < v["high"]
    assert v["reason_ja"].startswith("年間売上継続率 (NRR) ≥ 100%: 実績 93.8% (90%区間 ")
    assert (
        "期首に契約のあった顧客8社の MRR ¥80,000 → ¥75,000 (1年間の売上継続率)" in (v["reason_ja"])
    )
    assert v["reason_en"].startswith("annual net revenue retention (NRR) ≥ 100%: observed 93.8%")
    assert (
        "MRR of the 8 customers at the window start ¥80,000 → ¥75,000 "
        "(annual NRR over the 365-day window)" in v["reason_en"]
    )
    # The funnel's monthly NRR of the same year averages close to 100 %: judged on it,
    # a "≥ 95 %" hypothesis would look safe while the customers kept 93.75 % of MRR.
    months = funnel(small.backend(), as_of=AS_OF, period="month", scopes={"t": RULE})
    recent = months[pd.to_datetime(months["period_start"]) >= pd.Timestamp(START)]
    assert recent["nrr"].mean() > 0.99


def test_a_window_that_is_not_a_year_says_so(small: Workspace) -> None:
    v = _review(small, "nrr >= 1.0", window_days=180)
    assert "(180日間の売上継続率、年率換算なし)" in v["reason_ja"]
    assert "(NRR over a 180-day window, not annualised)" in v["reason_en"]
    start = AS_OF - dt.timedelta(days=180)
    per = customer_mrr(small.backend(), parse_rule(RULE), start=start, as_of=AS_OF)
    assert v["observed"] == pytest.approx(per["mrr_end"].sum() / per["mrr_start"].sum())


def test_too_few_customers_is_not_enough_data(tmp_path: Path) -> None:
    ids = ["A0", "A1", "A2", "A3", "A4"]
    subs = [_sub(a, "2023-06-01") for a in ids[:3]] + [_sub("A3", "2023-06-01", "2025-06-01")]
    ws = _workspace(tmp_path / "ws", subs, ids)
    v = _review(ws, "NRR ≥ 110%")
    assert (v["verdict"], v["probability"], v["low"], v["high"]) == (
        "not_enough_data",
        None,
        None,
        None,
    )
    assert v["n"] == 4 and v["more_needed"] == 1 and v["observed"] == pytest.approx(0.75)
    assert "顧客4社の MRR ¥40,000 → ¥30,000" in v["reason_ja"]
    assert "MRRのある顧客が5社未満で、区間を出せません" in v["reason_ja"]
    assert "あと約1社分のデータで判定可能" in v["reason_ja"]
    assert "fewer than 5 paying customers: no interval" in v["reason_en"]
    assert "about 1 more customers would decide" in v["reason_en"]


def test_the_bootstrap_is_seeded_and_follows_the_data() -> None:
    start = [100.0] * 30
    end = [100.0] * 20 + [200.0] * 5 + [0.0] * 5  # NRR 100 %, spread across customers
    a, b = judge_nrr(start, end, ">=", 1.0), judge_nrr(start, end, ">=", 1.0)
    assert a == b  # the same data gives the same verdict and interval
    assert a["observed"] == pytest.approx(1.0) and a["verdict"] == "not_enough_data"
    assert a["more_needed"] is None  # it sits on the bar
    # Resampled NRR: about half of the draws fall on each side of 100 %.
    assert 0.4 < a["probability"] < 0.6 and a["low"] < 1.0 < a["high"]
    assert judge_nrr(start, end, "<=", 1.3)["verdict"] == "supported"
    assert judge_nrr(start, end, ">=", 1.3)["verdict"] == "refuted"
    # Undecided but off the bar: the customers still needed, from the same spread.
    c = judge_nrr(start, end, ">=", 0.9)
    assert c["verdict"] == "not_enough_data" and c["more_needed"] > 0
    times = -(-(30 + c["more_needed"]) // 30) + 1  # that many customers, and some
    assert judge_nrr(start * times, end * times, ">=", 0.9)["verdict"] == "supported"


def test_nrr_on_the_demo_matches_a_count_by_hand(demo_ws: Workspace) -> None:
    with demo_ws.connect(read_only=True) as con:
        subs = con.sql(
            "select s.account_id, s.mrr, s.started_at, s.ended_at from subscriptions s "
            "join accounts a using (account_id) where a.industry = '製造業'"
        ).df()
    started, ended = pd.to_datetime(subs["started_at"]), pd.to_datetime(subs["ended_at"])
    first, last = pd.Timestamp(START), pd.Timestamp(AS_OF)
    ended_by_now = ended.notna() & (ended <= last)
    on_first_day = (started < first) & (~ended_by_now | (ended >= first))
    running_now = (started <= last) & ~ended_by_now
    customers = set(subs.loc[on_first_day, "account_id"])
    mrr_then = subs.loc[on_first_day, "mrr"].fillna(0).sum()
    mrr_now = subs.loc[running_now & subs["account_id"].isin(customers), "mrr"].fillna(0).sum()

    target = TargetDefinition(include=RULE, hypotheses=(Hypothesis("nrr", ">=", 1.1),))
    v = review_target(demo_ws.backend(), target, as_of=AS_OF)["verdicts"][0]
    assert (v["n"], v["mrr_start"], v["mrr_end"]) == (len(customers), mrr_then, mrr_now)
    assert v["observed"] == pytest.approx(mrr_now / mrr_then)
    # The figures docs/targets.md publishes for the demo.
    assert (len(customers), round(v["observed"], 3)) == (68, 1.419)
    assert (round(v["low"], 3), round(v["high"], 3)) == (1.225, 1.602)
    assert v["verdict"] == "supported" and v["low"] > 1.1
    # The mean of the monthly NRR of the same year (~1.035) would have refuted it.
    months = funnel(demo_ws.backend(), as_of=AS_OF, period="month", scopes={"t": RULE})
    recent = months[pd.to_datetime(months["period_start"]) >= pd.Timestamp(START)]
    old = _judge_mean(recent["nrr"], ">=", 1.1, 0.9)
    assert old["observed"] < 1.05 and old["verdict"] == "refuted"


def test_the_hypothesis_reads_as_annual_and_reads_back() -> None:
    assert hypothesis_text("nrr", ">=", 1.1) == "年間売上継続率 (NRR) ≥ 110%"
    assert hypothesis_text("nrr", ">=", 1.1, "en") == "annual net revenue retention (NRR) ≥ 110%"
    for text in (
        "年間売上継続率 (NRR) ≥ 110%",
        "annual net revenue retention >= 110%",
        "NRR 110%以上",
    ):
        assert Hypothesis.parse(text) == Hypothesis("nrr", ">=", 1.1)
    assert np.isclose(Hypothesis.parse("売上継続率 >= 1.1").value, 1.1)

"""A segment without observations has no rates (not the prior) and no made-up attractiveness."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from rashinban.targeting import adjacent_opportunities, segment_attractiveness

AS_OF = dt.date(2025, 12, 31)


def _facts(groups: list[tuple[str, int, int, int]]) -> pd.DataFrame:
    """(segment, accounts, customers among them, lost-deal accounts) → account facts."""
    rows = []
    for seg, n, customers, lost in groups:
        for i in range(n):
            cust = i < customers
            rows.append(
                {
                    "seg": seg,
                    "is_customer": cust,
                    "deals_won": int(cust),
                    "deals_lost": int(customers <= i < customers + lost),
                    "churned": cust and i % 4 == 0,
                    "revenue": 1_000_000.0 if cust else 0.0,
                }
            )
    f = pd.DataFrame(rows)
    for col in ("sqls", "mqls", "won_amount", "cycle_days_sum", "acquisition_cost", "nps_n"):
        f[col] = 0.0
    f["deals_open"] = 0
    f["status_asof"] = np.where(f["is_customer"], "customer", "prospect")
    f["first_won_at"] = pd.NaT
    f["nps_mean"] = np.nan
    return f


def _segs(names: list[str]) -> dict[str, list[dict]]:
    return {n: [{"column": "seg", "op": "in", "values": [n]}] for n in names}


def test_a_segment_without_customers_has_no_rates_and_ranks_last() -> None:
    # C1: 40 accounts, no customer, no closed deal (the QA case: 受注率 50.0% (2.5%–97.5%),
    # 解約率 50.0% were the prior alone).
    f = _facts([("A", 100, 30, 40), ("B", 100, 20, 60), ("C1", 40, 0, 0)])
    table = segment_attractiveness(f, _segs(["A", "B", "C1"]), AS_OF).set_index("name")
    c1 = table.loc["C1"]
    assert c1["customers"] == 0 and c1["win_rate_n"] == 0
    for col in (
        "win_rate",
        "win_rate_low",
        "win_rate_high",
        "churn_rate",
        "churn_rate_low",
        "churn_rate_high",
        "clv",
    ):
        assert math.isnan(c1[col]), col
    # measured segments keep their shrunk rates
    assert table.loc["A", "win_rate"] > table.loc["B", "win_rate"] > 0
    assert math.isfinite(table.loc["A", "churn_rate"])
    # no evidence adds nothing: C1 is not "average" (1.0) but below every measured segment
    assert math.isfinite(c1["attractiveness"]) and c1["attractiveness"] < 0.5
    assert list(table.index)[-1] == "C1"
    assert table.loc["A", "attractiveness"] > table.loc["B", "attractiveness"]


def test_no_closed_deal_anywhere_gives_no_win_rate_rather_than_half() -> None:
    f = _facts([("A", 50, 0, 0), ("B", 50, 0, 0)])
    table = segment_attractiveness(f, _segs(["A", "B"]), AS_OF)
    assert table["win_rate"].isna().all() and table["churn_rate"].isna().all()
    assert np.isfinite(table["attractiveness"]).all()


def test_adjacent_evidence_says_not_enough_data_instead_of_nan() -> None:
    f = _facts([("A", 100, 30, 40), ("B", 100, 20, 60), ("C1", 40, 0, 0)])
    target = [{"column": "seg", "op": "in", "values": ["A"]}]
    adj = adjacent_opportunities(f, target, AS_OF, candidates=_segs(["B", "C1"]))
    row = adj.set_index("name").loc["C1"]
    assert not row["flagged"]
    assert "nan" not in row["evidence_ja"] and "データ不足" in row["evidence_ja"]
    assert "nan" not in row["evidence_en"] and "not enough data" in row["evidence_en"]


def test_adjacent_evidence_names_its_window_and_its_own_counts() -> None:
    """The adjacent rate is a recent-window rate: the evidence says since when, and the
    won/closed it shows are the segment's own (B: 20 won, 60 lost → 20 of 80)."""
    f = _facts([("A", 100, 30, 40), ("B", 100, 20, 60)])
    target = [{"column": "seg", "op": "in", "values": ["A"]}]
    since = dt.date(2025, 1, 1)
    adj = adjacent_opportunities(f, target, AS_OF, candidates=_segs(["B"]), since=since)
    row = adj.set_index("name").loc["B"]
    assert "2025-01-01以降に完了した80件中20件受注" in row["evidence_ja"]
    assert "縮小推定" in row["evidence_ja"] and "同期間のターゲット" in row["evidence_ja"]
    assert "20 won of 80 deals closed since 2025-01-01" in row["evidence_en"]
    assert row["evidence_en"].endswith("over the same period")
    assert f"{row['win_rate']:.0%}" in row["evidence_ja"]
    plain = adjacent_opportunities(f, target, AS_OF, candidates=_segs(["B"]))
    assert "以降" not in plain.set_index("name").loc["B", "evidence_ja"]

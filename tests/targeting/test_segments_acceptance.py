"""Acceptance on the demo: the planted ideal segment is the most attractive before the
event, and the planted new segment shows up as an adjacent opportunity after it."""

from __future__ import annotations

import numpy as np
import pytest

from rashinban.demo import PLANTED
from rashinban.icp import deal_features
from rashinban.targeting import (
    adjacent_opportunities,
    cluster_accounts,
    competitor_table,
    conditions_mask,
    grid_segments,
    segment_attractiveness,
)

from .conftest import BEFORE, END, IDEAL


def test_the_ideal_segment_is_the_most_attractive_before_the_event(facts_before) -> None:
    segs = {"ideal (planted rule)": IDEAL, **grid_segments(facts_before)}
    table = segment_attractiveness(facts_before, segs, BEFORE)
    print("\nMost attractive segments before the event:")
    print(
        table[
            [
                "name",
                "accounts",
                "win_rate",
                "win_rate_low",
                "win_rate_high",
                "churn_rate",
                "attractiveness",
            ]
        ]
        .head(6)
        .to_string()
    )
    top = table.iloc[0]
    top_mask = conditions_mask(facts_before, top["conditions"])
    ideal = PLANTED.ideal.mask(facts_before).to_numpy()
    # the top segment lies inside the planted ideal segment
    assert (top_mask & ideal).sum() / top_mask.sum() > 0.9
    # every rate carries an interval that contains its shrunk estimate
    assert (table["win_rate_low"] <= table["win_rate"]).all()
    assert (table["win_rate"] <= table["win_rate_high"]).all()


def test_the_new_segment_is_an_adjacent_opportunity_only_after_the_event(
    facts_before, facts_after_event
) -> None:
    new = PLANTED.new_segment.mask(facts_after_event).to_numpy()
    after = adjacent_opportunities(facts_after_event, IDEAL, END)
    flagged = after[after["flagged"]]
    print("\nAdjacent opportunities after the event:")
    print(flagged[["name", "evidence_ja"]].to_string())
    inside_new = [
        (conditions_mask(facts_after_event, c) & new).sum()
        / max(conditions_mask(facts_after_event, c).sum(), 1)
        for c in flagged["conditions"]
    ]
    assert any(share > 0.9 for share in inside_new)
    before = adjacent_opportunities(facts_before, IDEAL, BEFORE)
    new_b = PLANTED.new_segment.mask(facts_before).to_numpy()
    for c in before.loc[before["flagged"], "conditions"]:
        m = conditions_mask(facts_before, c)
        assert (m & new_b).sum() / max(m.sum(), 1) < 0.5


def test_clusters_are_described_and_chosen_by_silhouette(facts_before) -> None:
    res = cluster_accounts(facts_before)
    assert res.k == max(res.silhouettes, key=lambda k: res.silhouettes[k])
    assert res.descriptions["size"].sum() == len(facts_before)
    assert res.descriptions["description_ja"].str.len().gt(0).all()
    assert set(np.unique(res.labels)) == set(range(res.k))


def test_clusters_on_one_thread_equal_those_on_two(facts_before, monkeypatch) -> None:
    # cluster_accounts runs k-means on one OpenMP thread (rashinban._threads); the
    # clusters equal those of two threads, scikit-learn's default on this machine.
    from threadpoolctl import threadpool_limits

    from rashinban.targeting import _clusters

    ours = cluster_accounts(facts_before)
    monkeypatch.setattr(_clusters, "one_thread", lambda: threadpool_limits(limits=2))
    threaded = cluster_accounts(facts_before)
    assert ours.k == threaded.k
    np.testing.assert_array_equal(ours.labels, threaded.labels)
    assert ours.silhouettes == pytest.approx(threaded.silhouettes, rel=1e-12)


def test_competitor_win_rates_match_naive_counts(demo_ws) -> None:
    deals = deal_features(demo_ws.backend(read_only=True), END)
    table = competitor_table(deals, {"ideal": IDEAL})
    closed = deals[deals["outcome"].isin(["won", "lost"])]
    for r in table[table["segment"] == "全体"].itertuples():
        sub = closed[closed["competitor"] == r.competitor]
        assert r.deals == len(sub) and r.won == int((sub["outcome"] == "won").sum())
    rates = table[table["segment"] == "全体"].set_index("competitor")["win_rate"]
    # the planted logit: ガンマソフト is easy to beat, アルファクラウド hard
    assert rates["ガンマソフト"] > rates["なし"] > rates["アルファクラウド"]
    reasons = table[table["segment"] == "全体"].set_index("competitor")["main_loss_reason"]
    for comp, reason in PLANTED.competitor_loss_reason.items():
        if comp != "ガンマソフト":
            assert reasons[comp] == reason

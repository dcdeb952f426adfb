"""Subgroup discovery: pysubgroup as the oracle, naive counts, and the planted ideal segment."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pysubgroup as ps
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rashinban.demo import PLANTED
from rashinban.icp import build_selectors, discover_subgroups, nice_cuts, outcome_vector
from rashinban.targeting import conditions_mask

from .conftest import IDEAL


def _small(seed: int, n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = pd.DataFrame(
        {
            "industry": rng.choice(["製造業", "建設業", "情報通信業", "小売業"], n),
            "channel": rng.choice(["紹介", "SEO", "展示会"], n),
            "employees": rng.integers(10, 2000, n),
        }
    )
    logit = -2 + 1.5 * (f["industry"] == "製造業") + 1.0 * (f["employees"] >= 100)
    f["y"] = rng.random(n) < 1 / (1 + np.exp(-logit))
    return f


def _pysubgroup_top(frame: pd.DataFrame, top: int) -> list[float]:
    selectors, _ = build_selectors(
        frame,
        ["industry", "channel", "employees"],
        min_support=1,
        value_pairs=False,
        intervals="bins",
    )
    space = []
    for s in selectors:
        c = s.as_dict()
        if c["op"] == "in":
            space.append(ps.EqualitySelector(c["column"], c["values"][0]))
        else:
            lo = -np.inf if c["low"] is None else c["low"]
            hi = np.inf if c["high"] is None else c["high"] + 1  # integer column: [lo, hi + 1)
            space.append(ps.IntervalSelector(c["column"], lo, hi))
    task = ps.SubgroupDiscoveryTask(
        frame, ps.BinaryTarget("y", True), space, result_set_size=top, depth=2, qf=ps.WRAccQF()
    )
    # pysubgroup divides 0/0 for empty same-column conjunctions; numpy only warns
    with np.errstate(invalid="ignore", divide="ignore"):
        result = ps.SimpleDFS().execute(task)
    return sorted((float(q) for q, _sg, *_ in result.results), reverse=True)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_exhaustive_depth_two_matches_pysubgroup(seed: int) -> None:
    frame = _small(seed)
    ours = discover_subgroups(
        frame,
        "y",
        a=1.0,
        columns=["industry", "channel", "employees"],
        max_conditions=2,
        beam_width=10_000,
        min_support=1,
        top=15,
        value_pairs=False,
        intervals="bins",
        prune=False,
    )
    oracle = _pysubgroup_top(frame, 15)
    assert np.allclose(ours.rules["wracc"].to_numpy(), oracle, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_rule_counts_equal_naive_masks(seed: int) -> None:
    frame = _small(seed, 300)
    res = discover_subgroups(
        frame, "y", columns=["industry", "channel", "employees"], min_support=5, top=8
    )
    y = frame["y"].to_numpy()
    for r in res.rules.itertuples():
        m = conditions_mask(frame, r.conditions)
        assert int(m.sum()) == r.support
        assert int((m & y).sum()) == r.positives
        assert np.isclose(r.wracc, m.mean() * (y[m].mean() - y.mean()))
        assert np.isclose(r.quality, np.sqrt(m.mean()) * (y[m].mean() - y.mean()))
        assert len({c["column"] for c in r.conditions}) == len(r.conditions) <= 3


def test_nice_cuts_are_round_numbers() -> None:
    cuts = nice_cuts(np.random.default_rng(0).lognormal(4.5, 1.2, 5000))
    for c in cuts:
        mantissa = c / 10 ** np.floor(np.log10(c))
        assert round(mantissa, 9) in (1.0, 2.0, 3.0, 5.0)


def test_pruning_drops_rules_no_better_than_their_generalisation() -> None:
    frame = _small(5, 1000)
    res = discover_subgroups(
        frame, "y", columns=["industry", "channel", "employees"], min_support=10, top=10
    )
    texts = [frozenset((c["column"], str(c)) for c in conds) for conds in res.rules["conditions"]]
    for i, a in enumerate(texts):
        for j, b in enumerate(texts):
            if i != j and a < b:  # b extends a: it must be strictly better
                assert res.rules["quality"].iloc[j] > res.rules["quality"].iloc[i]


def test_binomial_quality_matches_pysubgroup_standard_qf() -> None:
    frame = _small(4)
    ours = discover_subgroups(
        frame,
        "y",
        columns=["industry", "channel", "employees"],
        max_conditions=1,
        min_support=1,
        top=10,
        value_pairs=False,
        intervals="bins",
        prune=False,
        a=0.5,
    )
    selectors, _ = build_selectors(
        frame,
        ["industry", "channel", "employees"],
        min_support=1,
        value_pairs=False,
        intervals="bins",
    )
    qf = ps.StandardQF(0.5)
    target = ps.BinaryTarget("y", True)
    qf.calculate_constant_statistics(frame, target)
    want = []
    for s in selectors:
        c = s.as_dict()
        if c["op"] == "in":
            sel = ps.EqualitySelector(c["column"], c["values"][0])
        else:
            lo = -np.inf if c["low"] is None else c["low"]
            hi = np.inf if c["high"] is None else c["high"] + 1
            sel = ps.IntervalSelector(c["column"], lo, hi)
        want.append(float(qf.evaluate(ps.Conjunction([sel]), target, frame, None)))
    want = sorted((q for q in want if q > 0), reverse=True)[:10]
    assert np.allclose(ours.rules["quality"].to_numpy(), want, atol=1e-12)


def test_the_planted_ideal_segment_is_among_the_top_icp_rules(facts_before) -> None:
    """Before the event, a top-3 rule names the planted industries and size (≥ 100 employees)."""
    y = outcome_vector(facts_before, "ideal")
    res = discover_subgroups(facts_before, y, outcome="ideal")
    print("\nICP rules before the event (outcome: ideal):")
    for r in res.rules.head(5).itertuples():
        print(f"  {r.description_ja}  support={r.support} lift={r.lift:.2f} q={r.quality:.4f}")
    ideal = conditions_mask(facts_before, IDEAL)
    matches = []
    for r in res.rules.head(3).itertuples():
        conds = {c["column"]: c for c in r.conditions}
        ind = conds.get("industry")
        emp = conds.get("employees")
        m = conditions_mask(facts_before, r.conditions)
        jaccard = (m & ideal).sum() / (m | ideal).sum()
        matches.append(
            ind is not None
            and set(ind["values"]) == set(PLANTED.ideal.industries)
            and emp is not None
            and emp["low"] == PLANTED.ideal.employees_low
            and (emp["high"] is None or emp["high"] >= PLANTED.ideal.employees_high)
            and jaccard > 0.8
        )
    assert any(matches), res.rules.head(3)[["description_ja", "support", "lift"]]
    # and every top-3 rule keeps the planted industries
    for conds in res.rules["conditions"].head(3):
        ind = {c["column"]: c for c in conds}.get("industry")
        assert ind is not None and set(ind["values"]) == set(PLANTED.ideal.industries)

"""Reviews: Beta-posterior verdicts against an independent computation, and proposals."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy import stats

from rashinban.segments import parse_rule
from rashinban.targets import adjacent_segments, eb_prior, judge_rate, more_to_decide


def test_judge_rate_matches_scipy_beta() -> None:
    j = judge_rate(30, 100, ">=", 0.25)
    p = 1 - stats.beta.cdf(0.25, 30.5, 70.5)
    assert j["probability"] == pytest.approx(p)
    assert j["verdict"] == ("supported" if p >= 0.9 else "not_enough_data")
    assert judge_rate(10, 100, ">=", 0.25)["verdict"] == "refuted"
    assert judge_rate(10, 100, "<=", 0.25)["verdict"] == "supported"
    small = judge_rate(2, 6, ">=", 0.25)
    assert small["verdict"] == "not_enough_data" and small["more_needed"] > 0


def test_more_to_decide_is_the_smallest_deciding_sample() -> None:
    k, n = 4, 12
    extra = more_to_decide(k, n, ">=", 0.2)
    assert extra is not None
    mean = (k + 0.5) / (n + 1)

    def prob(e: int) -> float:
        return 1 - stats.beta.cdf(0.2, k + mean * e + 0.5, n + e - k - mean * e + 0.5)

    assert prob(extra) >= 0.9 and prob(extra - 1) < 0.9
    # A rate sitting exactly on the bar never decides.
    assert more_to_decide(50, 100, ">=", 0.5, limit=1000) is None


def test_shrinkage_ranks_small_perfect_groups_below_large_good_ones() -> None:
    """3 of 3 never ranks above 300 of 1,000 on the conservative (10 % quantile) rate."""
    # Pools whose average is below 30 %: there 300 of 1,000 is a good record.
    for pool_k, pool_n in ((20, 100), (25, 100), (5, 100)):
        prior = eb_prior([3, 300, pool_k, pool_k], [3, 1000, pool_n, pool_n])

        def q10(k: int, n: int, prior: tuple[float, float] = prior) -> float:
            return float(stats.beta.ppf(0.1, prior[0] + k, prior[1] + n - k))

        assert q10(3, 3) < q10(300, 1000)


def test_adjacent_segments_finds_a_planted_cell() -> None:
    rows = []
    for industry in ("A", "B", "C", "D"):
        for emp, rate, n in ((20, 0.15, 60), (50, 0.15, 60), (200, 0.15, 60), (500, 0.15, 60)):
            if industry == "C" and emp in (50, 200):
                rate = 0.45
            k = round(rate * n)
            rows += [{"industry": industry, "employees": emp, "won": int(i < k)} for i in range(n)]
    deals = pd.DataFrame(rows)
    target = parse_rule("industry = A and employees between 100 and 999")
    found = adjacent_segments(deals, target, 0.25)
    assert found[0]["rule"] == "industry in [C] and employees between 30 and 299"
    assert all("[C]" in f["rule"] for f in found)

"""Wilson intervals, the beta-binomial prior and shrinkage, against naive references."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from rashinban.targeting import fit_beta_prior, segment_attractiveness, shrink, wilson_interval


def _wilson_naive(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    # Wilson (1927) written out term by term
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = (z / (1 + z * z / n)) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    lo = 0.0 if k == 0 else max(0.0, centre - half)
    hi = 1.0 if k == n else min(1.0, centre + half)
    return lo, hi


@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_matches_the_formula(kn: tuple[int, int]) -> None:
    k, n = kn
    lo, hi = wilson_interval(k, n)
    nlo, nhi = _wilson_naive(k, n)
    assert math.isclose(float(lo), nlo, abs_tol=1e-12)
    assert math.isclose(float(hi), nhi, abs_tol=1e-12)
    assert float(lo) <= k / n <= float(hi)


def test_prior_strength_maximises_the_marginal_likelihood() -> None:
    rng = np.random.default_rng(3)
    p = rng.beta(4, 12, size=40)
    n = rng.integers(20, 200, size=40).astype(float)
    k = rng.binomial(n.astype(int), p).astype(float)
    prior = fit_beta_prior(k, n)
    mean = k.sum() / n.sum()

    def ll(s: float) -> float:
        a, b = mean * s, (1 - mean) * s
        return float((special.betaln(k + a, n - k + b) - special.betaln(a, b)).sum())

    grid = np.exp(np.linspace(math.log(20), math.log(1e4), 2000))
    best = grid[np.argmax([ll(s) for s in grid])]
    assert math.isclose(prior.mean, mean, rel_tol=1e-12)
    assert abs(math.log(prior.strength) - math.log(best)) < 0.01
    # the true prior strength is 16; the estimate is floored at 20 by design
    assert prior.strength < 60


def test_posterior_is_the_conjugate_beta() -> None:
    k, n = np.array([3.0, 300.0, 0.0]), np.array([3.0, 1000.0, 0.0])
    out = shrink(k, n)
    prior = fit_beta_prior(k, n)
    a, b = k + prior.alpha, n - k + prior.beta
    assert np.allclose(out["rate"], a / (a + b))
    assert np.allclose(out["low"], stats.beta.ppf(0.025, a, b))
    assert np.isnan(out["raw"][2]) and math.isclose(out["rate"][2], prior.mean)


@settings(max_examples=50, deadline=None)
@given(st.floats(0.05, 0.3), st.integers(1, 5))
def test_a_tiny_perfect_segment_ranks_below_a_large_strong_one(base: float, tiny: int) -> None:
    """3-of-3 never tops 400-of-1,000 when the whole converts at 5–30%."""
    rng = np.random.default_rng(0)
    rows = []
    for seg in range(12):
        n = 150
        won = rng.binomial(n, base)
        rows.append((f"s{seg}", n, won))
    rows.append(("strong", 1000, 400))
    rows.append(("tiny", tiny, tiny))
    facts = []
    for name, n, won in rows:
        # one account per deal keeps the arithmetic visible
        for i in range(n):
            facts.append({"seg": name, "deals_won": int(i < won), "deals_lost": int(i >= won)})
    f = pd.DataFrame(facts)
    for col in (
        "sqls",
        "mqls",
        "won_amount",
        "cycle_days_sum",
        "acquisition_cost",
        "revenue",
        "nps_n",
        "deals_open",
    ):
        f[col] = 0.0
    f["is_customer"] = f["deals_won"] > 0
    f["churned"] = False
    f["status_asof"] = np.where(f["is_customer"], "customer", "prospect")
    f["first_won_at"] = pd.NaT
    f["nps_mean"] = np.nan
    segs = {name: [{"column": "seg", "op": "in", "values": [name]}] for name, _, _ in rows}
    table = segment_attractiveness(f, segs, dt.date(2025, 1, 1), weights={"win_rate": 1.0})
    order = list(table["name"])
    assert order.index("strong") < order.index("tiny")
    tiny_row = table.set_index("name").loc["tiny"]
    strong_row = table.set_index("name").loc["strong"]
    assert tiny_row["win_rate_raw"] == 1.0 and tiny_row["win_rate"] < 0.6
    assert tiny_row["win_rate_low"] < strong_row["win_rate_low"]
    assert table.attrs["weights"] == {"win_rate": 1.0}

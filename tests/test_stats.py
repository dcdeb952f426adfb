"""The clustered AUC interval against a naive reimplementation and a Monte Carlo reference;
the distribution functions taken from scipy.special against scipy.stats."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from rashinban._stats import (
    auc_interval,
    beta_ppf,
    beta_sf,
    clustered_auc_interval,
    norm_ppf,
    t_ppf,
    t_sf,
)

Z95 = 1.959963984540054


def _naive_variance(y, x, c) -> tuple[float, float]:
    """Obuchowski (1997) written out pair by pair and cluster by cluster, in plain Python."""

    def psi(a: float, b: float) -> float:
        return 1.0 if a > b else 0.5 if a == b else 0.0

    pos = [(ci, xi) for yi, xi, ci in zip(y, x, c, strict=True) if yi]
    neg = [(ci, xi) for yi, xi, ci in zip(y, x, c, strict=True) if not yi]
    m, n = len(pos), len(neg)
    auc = sum(psi(a, b) for _, a in pos for _, b in neg) / (m * n)
    clusters = sorted(set(c))
    k = len(clusters)
    s10 = s01 = s11 = 0.0
    for cl in clusters:
        v10 = sum(sum(psi(a, b) for _, b in neg) / n for ca, a in pos if ca == cl)
        v01 = sum(sum(psi(a, b) for _, a in pos) / m for cb, b in neg if cb == cl)
        m_i = sum(1 for ca, _ in pos if ca == cl)
        n_i = sum(1 for cb, _ in neg if cb == cl)
        s10 += (v10 - m_i * auc) ** 2
        s01 += (v01 - n_i * auc) ** 2
        s11 += (v10 - m_i * auc) * (v01 - n_i * auc)
    s10 *= k / ((k - 1) * m)
    s01 *= k / ((k - 1) * n)
    s11 *= k / (k - 1)
    return auc, s10 / m + s01 / n + 2 * s11 / (m * n)


def test_equals_the_formula_written_out_pair_by_pair() -> None:
    rng = np.random.default_rng(11)
    c = rng.integers(0, 25, 140)
    y = rng.random(140) < 0.2 + 0.5 * (c % 3 == 0)
    x = np.round(rng.normal(size=140) + y, 1)  # rounded: ties between and within groups
    auc, low, high = clustered_auc_interval(y, x, c)
    ref_auc, ref_var = _naive_variance(y.tolist(), x.tolist(), c.tolist())
    assert auc == pytest.approx(ref_auc, rel=1e-12)
    assert auc == pytest.approx(roc_auc_score(y, x), rel=1e-12)
    se = (high - low) / (2 * Z95)
    assert se == pytest.approx(np.sqrt(ref_var), rel=1e-9)


def test_one_observation_per_cluster_is_delong() -> None:
    # DeLong, DeLong & Clarke-Pearson (1988): Var = S10/M + S01/N with the placement
    # values' sample variances; Obuchowski's clustered form divides by M and N where
    # DeLong divides by M-1 and N-1, and multiplies by I/(I-1).
    rng = np.random.default_rng(5)
    y = rng.random(300) < 0.3
    x = rng.normal(size=300) + 0.8 * y
    _, low, high = clustered_auc_interval(y, x, np.arange(300))
    pos, neg = x[y], x[~y]
    v10 = np.array([((p > neg) + 0.5 * (p == neg)).mean() for p in pos])
    v01 = np.array([((pos > q) + 0.5 * (pos == q)).mean() for q in neg])
    delong = v10.var(ddof=1) / len(pos) + v01.var(ddof=1) / len(neg)
    se = (high - low) / (2 * Z95)
    assert se == pytest.approx(np.sqrt(delong), rel=0.01)


def _clustered_sample(rng: np.random.Generator, accounts: int, snapshots: int):
    """Accounts seen ``snapshots`` times; an account's label and level persist across them."""
    level = rng.normal(size=accounts)
    churner = rng.random(accounts) < 0.25
    c = np.repeat(np.arange(accounts), snapshots)
    # A churner's early snapshots are still negatives, its last ones positive.
    late = np.tile(np.arange(snapshots) >= snapshots - 3, accounts)
    y = churner[c] & late
    x = level[c] + 0.9 * y + 0.3 * rng.normal(size=len(c))
    return y, x, c


def test_matches_the_spread_of_auc_over_repeated_clustered_samples() -> None:
    # Reference: the standard deviation of the AUC over 1,500 independent samples of
    # 300 accounts (about 75 churners) seen 8 times each (Monte Carlo), and the share of
    # intervals covering the population's AUC. Hanley & McNeil, which treats the 2,400
    # snapshots as independent, falls well short of both. (With 120 accounts, about 30
    # churners, the clustered interval covers 91%: few clusters make it a little narrow.)
    rng = np.random.default_rng(2026)
    reps = 1500
    results, naive = [], []
    for _ in range(reps):
        y, x, c = _clustered_sample(rng, 300, 8)
        results.append(clustered_auc_interval(y, x, c))
        naive.append(auc_interval(results[-1][0], int(y.sum()), int((~y).sum())))
    r, h = np.array(results), np.array(naive)
    big_y, big_x, _ = _clustered_sample(np.random.default_rng(1), 60_000, 8)
    true_auc = roc_auc_score(big_y, big_x)
    mc_sd = r[:, 0].std()
    se = np.median((r[:, 2] - r[:, 1]) / (2 * Z95))
    naive_se = np.median((h[:, 1] - h[:, 0]) / (2 * Z95))
    coverage = np.mean((r[:, 1] <= true_auc) & (true_auc <= r[:, 2]))
    naive_coverage = np.mean((h[:, 0] <= true_auc) & (true_auc <= h[:, 1]))
    print(
        f"\nAUC {true_auc:.3f}: Monte Carlo SD {mc_sd:.4f}, clustered SE {se:.4f} "
        f"(coverage {coverage:.3f}), Hanley–McNeil SE {naive_se:.4f} "
        f"(coverage {naive_coverage:.3f})"
    )
    assert abs(se / mc_sd - 1) < 0.05
    assert 0.93 < coverage < 0.97
    assert naive_se < 0.8 * mc_sd and naive_coverage < 0.88


def test_undefined_without_both_classes_or_with_one_cluster() -> None:
    assert np.isnan(clustered_auc_interval([1, 1], [0.2, 0.3], ["a", "b"])[1])
    auc, low, high = clustered_auc_interval([1, 0, 0], [0.9, 0.3, 0.1], ["a", "a", "b"])
    assert auc == 1.0 and np.isnan(low) and np.isnan(high)  # every positive in one account


def _same(ours: object, theirs: object) -> None:
    """Equal to 1e-12 (relative), and nan exactly where scipy.stats gives nan."""
    a, b = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    assert a.shape == b.shape
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-300)


def test_beta_quantiles_and_tails_are_scipy_stats_numbers() -> None:
    from scipy import stats

    rng = np.random.default_rng(3)
    # Jeffreys (k + ½, n − k + ½) up to 100,000 trials, and shrunk priors far from ½.
    n = rng.integers(0, 100_000, 20_000).astype(float)
    k = np.floor(rng.random(20_000) * (n + 1))
    shapes = [(k + 0.5, n - k + 0.5), (10 ** rng.uniform(-2, 4, 20_000),) * 2]
    for a, b in shapes:
        for q in (0.0, 0.05, 0.1, 0.5, 0.9, 0.95, 1.0):
            _same(beta_ppf(q, a, b), stats.beta.ppf(q, a, b))
        x = rng.random(len(a))
        _same(beta_sf(x, a, b), stats.beta.sf(x, a, b))
    # Outside the support scipy.stats says 1 and 0 (scipy.special alone would say nan);
    # nan arguments and shapes that are not positive stay nan.
    for x in (-0.5, 0.0, 0.3, 1.0, 1.5, float("nan")):
        _same(beta_sf(x, 2.5, 7.5), stats.beta.sf(x, 2.5, 7.5))
    for q in (-0.1, 1.1, float("nan")):
        _same(beta_ppf(q, 2.5, 7.5), stats.beta.ppf(q, 2.5, 7.5))
    _same(beta_ppf(0.1, 0.0, 2.0), stats.beta.ppf(0.1, 0.0, 2.0))
    _same(beta_ppf([0.05, 0.95], 3.5, 8.5), stats.beta.ppf([0.05, 0.95], 3.5, 8.5))


def test_normal_and_t_functions_are_scipy_stats_numbers() -> None:
    from scipy import stats

    rng = np.random.default_rng(4)
    q = np.concatenate([rng.random(10_000), [0.0, 0.5, 0.975, 1.0, float("nan")]])
    _same(norm_ppf(q), stats.norm.ppf(q))
    for df in (2, 5, 30, 400):
        loc, scale = rng.normal(), 10 ** rng.uniform(-12, 3)
        x = loc + scale * rng.normal(size=2_000) * 3
        dist = stats.t(df=df, loc=loc, scale=scale)
        _same(t_sf(x, df, loc, scale), dist.sf(x))
        for p in (0.05, 0.5, 0.95):
            _same(t_ppf(p, df, loc, scale), dist.ppf(p))

"""Honest rates: Wilson intervals and empirical-Bayes beta-binomial shrinkage.

A segment's rate ``k / n`` is shrunk toward the whole with a Beta(α, β) prior
fitted to all segments at once (empirical Bayes; Efron & Morris 1975, "Data
analysis using Stein's estimator and its generalizations"; the beta-binomial
form as in Casella 1985, "An introduction to empirical Bayes data analysis").
The prior's mean is the pooled rate and its strength ``α + β`` is estimated by
maximising the beta-binomial marginal likelihood

    L(α, β) = Π_s B(k_s + α, n_s - k_s + β) / B(α, β)

so the data say how much segments truly differ. The shrunk rate is the
posterior mean ``(k + α) / (n + α + β)``, and its interval the central Beta
posterior interval: a 3-of-3 segment with a prior of strength 20 and mean 0.3
gets (3 + 6) / (3 + 20) = 0.39, and ranked on its cautious lower bound it stays below a
300-of-1,000 one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# scipy is imported where it is used: the CLI's read commands that only need a Wilson
# interval should not pay for loading scipy.stats and scipy.optimize.

__all__ = ["BetaPrior", "fit_beta_prior", "shrink", "wilson_interval"]

#: Bounds on the prior strength α + β: at least 20 pseudo-observations (a
#: deliberate floor: when segments differ a lot the marginal likelihood alone
#: would trust a 3-deal segment almost fully; ranking wants the conservative
#: side), at most 10,000 (segments may be truly identical).
_MIN_STRENGTH = 20.0
_MAX_STRENGTH = 1e4


@dataclass(frozen=True)
class BetaPrior:
    """A Beta(alpha, beta) prior on a rate."""

    alpha: float
    beta: float

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    @property
    def strength(self) -> float:
        return self.alpha + self.beta


def wilson_interval(
    k: np.ndarray | float, n: np.ndarray | float, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``k`` successes of ``n`` (Wilson 1927, eq. for p±).

    Rows with ``n == 0`` give ``(0, 1)``.

    Examples
    --------
    >>> lo, hi = wilson_interval(3, 3)
    >>> round(float(lo), 3), round(float(hi), 3)
    (0.439, 1.0)
    """
    k_arr = np.asarray(k, dtype=float)
    n_arr = np.asarray(n, dtype=float)
    from rashinban._stats import norm_ppf

    z = norm_ppf(0.5 + level / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(n_arr > 0, k_arr / n_arr, 0.0)
        denom = 1 + z**2 / n_arr
        centre = (p + z**2 / (2 * n_arr)) / denom
        half = z * np.sqrt(p * (1 - p) / n_arr + z**2 / (4 * n_arr**2)) / denom
        # exact ends at k = 0 and k = n (the closed form leaves rounding dust there)
        lo = np.where((n_arr > 0) & (k_arr > 0), np.clip(centre - half, 0, 1), 0.0)
        hi = np.where((n_arr > 0) & (k_arr < n_arr), np.clip(centre + half, 0, 1), 1.0)
    return lo, hi


def fit_beta_prior(k: np.ndarray, n: np.ndarray) -> BetaPrior:
    """Fit the Beta prior of a beta-binomial by marginal maximum likelihood.

    The mean is fixed at the pooled rate ``Σk / Σn`` (which keeps the shrunk
    rates centred on the whole) and only the strength is optimised.

    Examples
    --------
    >>> prior = fit_beta_prior(np.array([30, 10, 20]), np.array([100, 100, 100]))
    >>> round(prior.mean, 3)
    0.2
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    keep = n > 0
    k, n = k[keep], n[keep]
    total = float(n.sum())
    if total == 0:
        return BetaPrior(1.0, 1.0)
    mean = float(np.clip(k.sum() / total, 1e-4, 1 - 1e-4))
    if len(n) < 2:
        return BetaPrior(mean * _MIN_STRENGTH, (1 - mean) * _MIN_STRENGTH)

    from scipy import optimize, special

    def nll(log_s: float) -> float:
        s = math.exp(log_s)
        a, b = mean * s, (1 - mean) * s
        ll = special.betaln(k + a, n - k + b) - special.betaln(a, b)
        return -float(ll.sum())

    res = optimize.minimize_scalar(
        nll, bounds=(math.log(_MIN_STRENGTH), math.log(_MAX_STRENGTH)), method="bounded"
    )
    s = math.exp(float(res.x))
    return BetaPrior(mean * s, (1 - mean) * s)


def shrink(
    k: np.ndarray, n: np.ndarray, prior: BetaPrior | None = None, level: float = 0.95
) -> dict[str, np.ndarray]:
    """Posterior mean and central interval of each rate under an empirical-Bayes prior.

    Returns a dict of arrays: ``raw`` (k/n, NaN when n = 0), ``rate`` (posterior
    mean), ``low``/``high`` (Beta posterior interval), ``wilson_low``/``wilson_high``.

    Examples
    --------
    A 3-of-3 segment is pulled far below 1 and, ranked on its cautious (lower)
    posterior bound, stays below a 300-of-1,000 one:

    >>> out = shrink(np.array([3, 300]), np.array([3, 1000]))
    >>> round(float(out["rate"][0]), 2), bool(out["low"][0] < out["low"][1])
    (0.3, True)
    """
    from rashinban._stats import beta_ppf

    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    prior = prior or fit_beta_prior(k, n)
    a = k + prior.alpha
    b = n - k + prior.beta
    tail = (1 - level) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = np.where(n > 0, k / n, np.nan)
    wlo, whi = wilson_interval(k, n, level)
    return {
        "raw": raw,
        "rate": a / (a + b),
        "low": beta_ppf(tail, a, b),
        "high": beta_ppf(1 - tail, a, b),
        "wilson_low": wlo,
        "wilson_high": whi,
    }

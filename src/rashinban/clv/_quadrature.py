"""log ∫_t^∞ (α+τ)^(−p) (β+τ)^(−q) dτ by quadrature in log space.

The Pareto/NBD's A₀ is a difference of two such integrals (each a Gaussian
hypergeometric function times a power). scipy's ``hyp2f1`` returns NaN for some
of them (argument near 1 with large parameters: thousands of purchases, α or β
tiny or huge); this module evaluates them directly, for any p, q > 0 with
p + q > 1, α, β > 0 and t ≥ 0, to about 1e-13 relative.

With m = min(α, β), M = max(α, β), k = m + t and the substitution
m + τ = k·e^y the integral becomes

    k^(1−Q) (M − m + k)^(−P) ∫_0^∞ exp(χ(y)) dy,
    χ(y) = −(Q − 1)·y − P·log(1 − ρ + ρ·e^y),   ρ = k / (M − m + k),

where P is the exponent of M + τ and Q that of m + τ. χ is concave (a linear term
minus P times a softplus), so the integrand is unimodal and, past its peak,
decays at least exponentially; its only singularities are at y_c ± iπ with
y_c = log((1 − ρ)/ρ). The integral is summed panel by panel with 20-point
Gauss-Legendre: each panel is at most max(1, |y − y_c|/2) wide (well inside the
region where χ is analytic) and χ changes by at most 3 across it, so every panel
is integrated to rounding error. The march stops once the rest, bounded by
e^χ/|χ'| because χ is concave, is below e^−40 of the sum so far.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from rashinban.clv._inputs import FloatArray

_N_NODES = 12
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(_N_NODES)
_NODES = (_NODES + 1.0) / 2.0  # on [0, 1]
_WEIGHTS_01 = _WEIGHTS / 2.0
_MAX_CHANGE = 4.0  # largest change of χ across one panel
_REST = 40.0  # stop when the rest is below e^-40 of the sum
_MAX_PANELS = 5_000  # far above what any input needs (a few hundred at most)


def log_power_tail(
    p: FloatArray | float,
    alpha: float,
    q: FloatArray | float,
    beta: float,
    t: FloatArray,
) -> FloatArray:
    """log ∫_t^∞ (α+τ)^(−p) (β+τ)^(−q) dτ, elementwise over the broadcast arrays.

    Requires p, q > 0 and p + q > 1 (the integral converges). A row the march
    does not finish (none is known) comes back NaN, for the caller to refuse.
    """
    p_b, q_b, t_b = np.broadcast_arrays(
        np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64), np.asarray(t)
    )
    if alpha >= beta:
        big_exp, small_exp, big, small = p_b, q_b, alpha, beta
    else:
        big_exp, small_exp, big, small = q_b, p_b, beta, alpha
    out = np.full(t_b.shape, np.nan)
    # A runaway optimiser step (a parameter at infinity) has no integral to march over.
    ok = np.isfinite(big_exp) & np.isfinite(small_exp) & np.isfinite(t_b)
    if not (np.isfinite(big) and small > 0 and ok.any()):
        return out
    big_exp, small_exp, t_b = big_exp[ok], small_exp[ok], t_b[ok]
    k = small + t_b.astype(np.float64)
    gap = big - small
    log_rho = np.log(k) - np.log(gap + k)
    # log((1 − ρ)/ρ) = log(gap/k): the real part of χ's singularities
    with np.errstate(divide="ignore"):
        centre = np.log(gap) - np.log(k)
    log_k = _panels(big_exp, small_exp - 1.0, log_rho, centre)
    head = (1.0 - small_exp) * np.log(k) - big_exp * np.log(gap + k)
    out[ok] = head + log_k
    return out


def _chi(y: FloatArray, big_exp: FloatArray, lin: FloatArray, log_rho: FloatArray) -> FloatArray:
    """χ(y) = −lin·y − P·log(1 − ρ + ρe^y), accurate for tiny y and without overflow."""
    rho = np.exp(log_rho)
    soft = np.log1p(rho * np.expm1(np.minimum(y, 700.0)))
    far = y > 700.0  # e^y would overflow: log(1 − ρ + ρe^y) = log(ρ) + y + log1p(…)
    if far.any():
        y_far, rho_far = np.broadcast_arrays(y, rho)
        with np.errstate(divide="ignore"):  # ρ = 1 (α = β): log(0) drops out
            soft[far] = np.logaddexp(
                np.log1p(-rho_far[far]), np.broadcast_to(log_rho, y.shape)[far] + y_far[far]
            )
    return np.asarray(-lin * y - big_exp * soft, dtype=np.float64)


def _slope(
    y: FloatArray, big_exp: FloatArray, lin: FloatArray, log_rho: FloatArray, centre: FloatArray
) -> FloatArray:
    """χ'(y) = −lin − P·σ(y − y_c), with σ the logistic function."""
    return np.asarray(-lin - big_exp * expit(y - centre), dtype=np.float64)


def _panels(
    big_exp: FloatArray, lin: FloatArray, log_rho: FloatArray, centre: FloatArray
) -> FloatArray:
    """log ∫_0^∞ exp(χ(y)) dy for every row (see the module docstring)."""
    n = big_exp.size
    y = np.zeros(n)
    total = np.full(n, -np.inf)  # log of the sum so far
    active = np.ones(n, dtype=bool)
    for _ in range(_MAX_PANELS):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        yi, pi, li, ri, ci = y[idx], big_exp[idx], lin[idx], log_rho[idx], centre[idx]
        start = np.abs(_slope(yi, pi, li, ri, ci))
        with np.errstate(divide="ignore"):
            width = np.minimum(np.maximum(1.0, 0.5 * np.abs(yi - ci)), _MAX_CHANGE / start)
        # Halve until χ changes by at most _MAX_CHANGE: χ' is monotone, so its
        # largest size on the panel is at one of the two ends.
        for _ in range(60):
            end = np.abs(_slope(yi + width, pi, li, ri, ci))
            wide = np.maximum(start, end) * width > _MAX_CHANGE
            if not wide.any():
                break
            width = np.where(wide, width / 2.0, width)
        points = yi[:, None] + width[:, None] * _NODES[None, :]
        values = _chi(points, pi[:, None], li[:, None], ri[:, None])
        # χ changes by at most _MAX_CHANGE across the panel: relative to its start
        # the values cannot overflow.
        base = _chi(yi, pi, li, ri)
        panel = base + np.log((np.exp(values - base[:, None]) * _WEIGHTS_01).sum(axis=1) * width)
        total[idx] = np.logaddexp(total[idx], panel)
        y[idx] = yi + width
        chi_end = _chi(y[idx], pi, li, ri)
        slope_end = _slope(y[idx], pi, li, ri, ci)
        with np.errstate(divide="ignore"):
            rest = chi_end - np.log(np.maximum(-slope_end, 0.0))
        finished = (slope_end < 0) & (rest < total[idx] - _REST)
        active[idx] = ~finished & np.isfinite(total[idx])
    total[active | ~np.isfinite(total)] = np.nan
    return total

"""Pareto/NBD on data that push the likelihood to its numerical limits: quiet and honest."""

from __future__ import annotations

import math
import warnings

import mpmath
import numpy as np
import pytest
from scipy.special import hyp2f1

from rashinban import ConvergenceError
from rashinban.clv import ParetoNBDModel
from rashinban.clv._paretonbd import _log_alive_dead, _log_hyp2f1
from rashinban.clv._quadrature import log_power_tail


def _log_series(a: float, b: float, c: float, z: float) -> float:
    """log 2F1(a, b; c; z) by summing its series term by term in log space (naive reference)."""
    log_term, logs = 0.0, [0.0]
    for k in range(20_000):
        log_term += math.log((a + k) * (b + k) / ((c + k) * (k + 1))) + math.log(z)
        logs.append(log_term)
    top = max(logs)
    return top + math.log(sum(math.exp(v - top) for v in logs))


def test_log_hyp2f1_past_the_largest_double_matches_the_series() -> None:
    # A runaway r (many purchases each) makes 2F1 itself larger than any double.
    a, b, z = 1200.0, 1200.0, 0.46
    assert math.isinf(hyp2f1(a, b, a + 1.0, z))
    out = _log_hyp2f1(np.array([a, 1000.0]), np.array([b, 1000.0]), np.array([z, z]))
    assert out[0] == pytest.approx(_log_series(a, b, a + 1.0, z), rel=1e-12)
    # Where the direct value is finite it is kept as is.
    assert out[1] == math.log(hyp2f1(1000.0, 1000.0, 1001.0, z))
    assert out[1] == pytest.approx(_log_series(1000.0, 1000.0, 1001.0, z), rel=1e-12)


@pytest.mark.parametrize(
    ("frequency", "recency", "T"),
    [
        # Everyone buys right up to the end of the window: no sign of dropout.
        ([5, 6, 7, 8], [39, 39, 39, 39], [39, 39, 39, 39]),
        # Extreme rows: thousands of purchases over a very long history.
        (
            [0, 0, 5, 5000, 5000, 1, 3],
            [0, 0, 999e3, 999e3, 999e3, 999e3, 999e3],
            [1e6] * 7,
        ),
    ],
)
def test_a_fit_that_cannot_converge_is_reported_without_runtime_warnings(
    frequency: list[float], recency: list[float], T: list[float]
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any RuntimeWarning fails the test
        with pytest.raises(ConvergenceError, match="dropout rate runs to zero"):
            ParetoNBDModel().fit(frequency, recency, T)
        m = ParetoNBDModel(raise_on_failure=False).fit(frequency, recency, T)
        alive = m.p_alive(frequency, recency, T)
        later = m.expected_purchases(10, frequency, recency, T)
        new = m.expected_purchases_new([10.0])
    assert m.converged_ is False
    assert m.params_["s"] / m.params_["beta"] * max(T) < 1e-6  # the dropout rate ran to zero
    # Nobody is seen leaving, so the estimate says everyone is alive: finite, not NaN.
    assert np.all(np.isfinite(alive)) and np.all(alive > 0.999)
    assert np.all(np.isfinite(later)) and np.all(later > 0)
    assert np.isfinite(new[0]) and new[0] > 0


# ---------------------------------------------------------------- against mpmath
# Rows and parameter sets where scipy's 2F1 gave NaN (p_alive NaN before) or a
# value off by up to 3e-7: α or β tiny or huge, r or s large, thousands of purchases.
_EXTREME = [
    # (r, alpha, s, beta), (x, t_x, T)
    ((0.05, 1000.0, 50.0, 0.001), (100, 1.0, 1.0)),
    ((0.05, 1000.0, 50.0, 0.001), (1000, 19.5, 39.0)),
    ((0.553, 1e4, 0.606, 11.669), (1000, 0.0, 1.0)),
    ((0.553, 1e4, 0.606, 11.669), (10_000, 0.0, 39.0)),
    ((0.553, 10.578, 0.606, 1e-4), (1000, 0.0, 39.0)),
    ((50.0, 0.001, 0.05, 1000.0), (100, 38.999961, 39.0)),
    ((50.0, 0.001, 0.05, 1000.0), (1000, 0.999999, 1.0)),
    ((20.0, 1000.0, 20.0, 0.01), (1000, 0.039, 39.0)),
    ((20.0, 1000.0, 20.0, 0.01), (10_000, 38.999961, 39.0)),
    ((0.05, 1e-4, 50.0, 1e4), (10, 0.0, 0.5)),  # scipy finite but 5e-8 off
    ((50.0, 1e-4, 0.05, 1e4), (0, 0.0, 0.5)),  # scipy finite but 3e-7 off
    ((0.001, 1000.0, 0.05, 1e4), (10_000, 9999.99, 1e4)),
    ((0.553, 10.578, 0.606, 11.669), (10_000, 10.0, 1e4)),  # CDNOW estimate
    ((0.553, 10.578, 0.606, 11.669), (10_000, 1e4, 1e4)),
    ((0.553, 10.578, 0.606, 11.669), (0, 0.0, 1e4)),
    ((1e3, 1.0, 1e3, 1.0), (3, 20.0, 39.0)),
    ((0.001, 0.001, 0.001, 0.001), (1, 0.5, 1e4)),
]


def _mp_log_parts(
    r: float, alpha: float, s: float, beta: float, x: float, t_x: float, t_cal: float
) -> tuple[mpmath.mpf, mpmath.mpf]:
    """log of eq. 22's two parts at 40 digits; the dead part as its integral (no 2F1).

    dead = s·∫_{t_x}^T (α+τ)^−(r+x) (β+τ)^−(s+1) dτ, by mpmath.quad on panels that
    grow geometrically from the integrand's own scale at t_x. (mpmath.hyp2f1 itself
    is off by whole units of the log for a = 10⁴ and an argument near 1.)
    """
    with mpmath.workdps(40):
        r, alpha, s, beta, x, t_x, t_cal = map(mpmath.mpf, (r, alpha, s, beta, x, t_x, t_cal))
        alive = -(r + x) * mpmath.log(alpha + t_cal) - s * mpmath.log(beta + t_cal)
        if t_cal <= t_x:
            return alive, mpmath.mpf("-inf")
        p, q = r + x, s + 1

        def log_f(tau: mpmath.mpf) -> mpmath.mpf:
            return -p * mpmath.log(alpha + tau) - q * mpmath.log(beta + tau)

        top = log_f(t_x)
        scale = 1 / (p / (alpha + t_x) + q / (beta + t_x))
        points = [t_x]
        k = -20
        while t_x + scale * mpmath.mpf(2) ** (k / 4) < t_cal:
            points.append(t_x + scale * mpmath.mpf(2) ** (k / 4))
            k += 1
        points.append(t_cal)
        area = mpmath.quad(lambda tau: mpmath.exp(log_f(tau) - top), points)
        return alive, mpmath.log(s) + top + mpmath.log(area)


def test_scipy_hyp2f1_is_nan_where_the_quadrature_takes_over() -> None:
    # The reason for the quadrature: α = 10⁴ ≫ β, 1000 purchases, t_x = 0.
    a, b, z = 1001.159, 1.606, (1e4 - 11.669) / 1e4
    assert math.isnan(hyp2f1(a, b, a + 1.0, z))
    assert math.isnan(hyp2f1(1.0, a + 1.0 - b, a + 1.0, z))  # and its Euler form


@pytest.mark.parametrize(("params", "row"), _EXTREME)
def test_p_alive_and_likelihood_match_mpmath_on_extreme_rows(
    params: tuple[float, float, float, float], row: tuple[float, float, float]
) -> None:
    x, t_x, t_cal = (np.array([v], dtype=float) for v in row)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        alive, dead, total = _log_alive_dead(*params, x, t_x, t_cal)
    ref_alive, ref_dead = _mp_log_parts(*params, *row)
    ref_total = mpmath.log(mpmath.exp(ref_alive) + mpmath.exp(ref_dead))
    assert np.isfinite(total[0])
    # log P(alive) to 1e-9 absolute is P(alive) to 1e-9 relative, also where it
    # is below the smallest double.
    assert alive[0] - total[0] == pytest.approx(float(ref_alive - ref_total), abs=1e-9)
    assert total[0] == pytest.approx(float(ref_total), rel=1e-11)
    if ref_dead > -np.inf and ref_dead - ref_alive > -30:  # the dead part shows
        assert dead[0] == pytest.approx(float(ref_dead), rel=1e-10)


@pytest.mark.parametrize(
    ("p", "alpha", "q", "beta", "t"),
    [
        (1000.553, 1e4, 1.606, 11.669, 0.0),
        (10_000.553, 10.578, 1.606, 1e-4, 39.0),
        (1e-3, 1e-4, 1.001, 1e4, 0.0),
        (50.0, 1e-3, 1051.0, 1e-3, 1e4),  # α = β: closed form 1/((p+q−1)(α+t)^(p+q−1))
        (0.05, 1e4, 2.0, 1e-4, 1e-3),
    ],
)
def test_log_power_tail_matches_mpmath(
    p: float, alpha: float, q: float, beta: float, t: float
) -> None:
    # Reference: mpmath.quad at 40 digits in u = log(c + τ), c = min(α, β), where
    # the slow power-law tail (p + q − 1 = 0.002 in one case) becomes an exponential
    # decay that mpmath's rule for [u, ∞) integrates exactly.
    with mpmath.workdps(40):
        c = mpmath.mpf(min(alpha, beta))
        u0 = mpmath.log(c + t)

        def log_f(u: mpmath.mpf) -> mpmath.mpf:
            tau = mpmath.exp(u) - c
            return u - p * mpmath.log(alpha + tau) - q * mpmath.log(beta + tau)

        top = log_f(u0)
        scale = 1 / abs(p / (alpha + t) + q / (beta + t) - 1 / (c + t)) / (c + t) + 1e-30
        points = [u0 + min(scale, 1) * mpmath.mpf(2) ** (k / 2) for k in range(-10, 24)]
        area = mpmath.quad(lambda u: mpmath.exp(log_f(u) - top), [u0, *sorted(points), mpmath.inf])
        ref = float(top + mpmath.log(area))
    got = log_power_tail(p, alpha, q, beta, np.array([t]))[0]
    assert got == pytest.approx(ref, rel=1e-13, abs=1e-13)


def test_cdnow_fit_predicts_finite_values_for_extreme_customers(cdnow_summary) -> None:
    m = ParetoNBDModel().fit(
        cdnow_summary["frequency"], cdnow_summary["recency"], cdnow_summary["T"]
    )
    x = np.array([10_000.0, 10_000.0, 10_000.0, 0.0, 1.0, 5000.0])
    t_x = np.array([1e4, 10.0, 0.0, 0.0, 1e4 * (1 - 1e-9), 39.0])
    t_cal = np.array([1e4, 1e4, 1e4, 1e4, 1e4, 39.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        alive = m.p_alive(x, t_x, t_cal)
        later = m.expected_purchases(52, x, t_x, t_cal)
    assert np.all(np.isfinite(alive)) and np.all(np.isfinite(later))
    p = m.params_
    for i in range(x.size):
        ref_alive, ref_dead = _mp_log_parts(
            p["r"], p["alpha"], p["s"], p["beta"], x[i], t_x[i], t_cal[i]
        )
        ref = float(1 / (1 + mpmath.exp(ref_dead - ref_alive)))
        assert alive[i] == pytest.approx(ref, rel=1e-9, abs=1e-300)
    # 10,000 purchases up to T: alive, and buying at about (r + x)/(α + T) a week.
    assert alive[0] == pytest.approx(1.0, abs=1e-6)
    assert later[0] == pytest.approx(52 * (p["r"] + 1e4) / (p["alpha"] + 1e4), rel=0.01)


def test_p_alive_beyond_double_precision_is_refused_not_nan(cdnow_summary) -> None:
    m = ParetoNBDModel().fit(
        cdnow_summary["frequency"], cdnow_summary["recency"], cdnow_summary["T"]
    )
    # What a non-converged fit can leave behind: s and β run off to 1e300.
    m.params_ = {"r": 1e-300, "alpha": 1e-300, "s": 1e300, "beta": 1e300}
    with pytest.raises(ConvergenceError, match="beyond double precision") as info:
        m.p_alive([0, 2], [0, 30], [39, 39])
    assert "倍精度" in str(info.value) and "refit" in str(info.value)

"""The Pareto/NBD model.

Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987). Counting Your
Customers: Who Are They and What Will They Do Next? *Management Science* 33(1).
The likelihood and its numerically stable form follow Fader, P. S. & Hardie,
B. G. S. (2005), "A Note on Deriving the Pareto/NBD Model and Related
Expressions": while alive a customer buys at rate λ ~ Gamma(r, α) and her
lifetime is exponential with rate μ ~ Gamma(s, β).
"""

from __future__ import annotations

import numpy as np
from scipy import optimize
from scipy.special import gammaln, hyp2f1

from rashinban._errors import ConvergenceError
from rashinban.clv._base import WARM_START_ROWS, TransactionModel, numerical_hessian, pd_inverse
from rashinban.clv._betageo import _check_horizon
from rashinban.clv._inputs import (
    ArrayLike,
    FloatArray,
    as_float_array,
    check_rft,
    same_length,
    wsum,
)
from rashinban.clv._quadrature import log_power_tail

__all__ = ["ParetoNBDModel"]


# Largest hypergeometric argument left to scipy: below it scipy's 2F1 agrees with the
# quadrature to 2e-12 relative on a grid of r, s in [1e-3, 1e3], α, β in [1e-4, 1e4],
# x up to 1e4; above it scipy was measured off by up to 3e-7, or NaN.
_SCIPY_Z = 0.9


def _log_a0_terms(
    r: float, alpha: float, s: float, beta: float, x: FloatArray, t_x: FloatArray, t_cal: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """log of the two terms whose difference is A0 in Fader & Hardie (2005, eq. 19-20).

    Whichever of α and β is larger goes in the denominator so the argument
    of the Gaussian hypergeometric function stays in [0, 1), where the series
    converges (the note's footnote on computing A0).
    """
    rsx = r + s + x
    second: FloatArray | float
    if alpha >= beta:
        big, second, diff = alpha, s + 1.0, alpha - beta
    else:
        big, second, diff = beta, r + x, beta - alpha
    terms = []
    for t in (t_x, t_cal):
        z = diff / (big + t)
        term = _log_hyp2f1(rsx, second, z) - rsx * np.log(big + t)
        # Past _SCIPY_Z scipy's 2F1 is off by up to 1e-7 relative, or NaN.
        bad = ~np.isfinite(term) | (z > _SCIPY_Z)
        if bad.any():
            # scipy's 2F1 gives NaN here (argument near 1 with large parameters):
            # the term is rsx times ∫_t^∞ (α+τ)^−(r+x) (β+τ)^−(s+1) dτ, done by quadrature.
            rsx_b, x_b, t_b = np.broadcast_arrays(rsx, x, t)
            term[bad] = np.log(rsx_b[bad]) + log_power_tail(
                r + x_b[bad], alpha, s + 1.0, beta, t_b[bad]
            )
        terms.append(term)
    return terms[0], terms[1]


def _log_hyp2f1(a: FloatArray, b: FloatArray | float, z: FloatArray) -> FloatArray:
    """log 2F1(a, b; a + 1; z) for z in [0, 1), finite where the series itself overflows.

    With a large ``a`` (many purchases, or a runaway ``r`` while the optimiser
    searches) and ``z`` near 1 the value passes the largest double. There the
    Euler transformation (Abramowitz & Stegun 15.3.3)
    2F1(a, b; a+1; z) = (1 − z)^(1−b) · 2F1(1, a+1−b; a+1; z) is used in log space:
    its series is at most 1/(1 − z), so it stays finite. Elsewhere the direct value
    is kept, so ordinary fits give the same numbers to the last bit.
    """
    a, b, z = np.broadcast_arrays(
        np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64), z
    )
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        out = np.log(hyp2f1(a, b, a + 1.0, z))
    bad = ~np.isfinite(out)
    if bad.any():
        ab, bb, zb = a[bad], b[bad], z[bad]
        out[bad] = (1.0 - bb) * np.log1p(-zb) + np.log(hyp2f1(1.0, ab + 1.0 - bb, ab + 1.0, zb))
    return np.asarray(out, dtype=np.float64)


def _log_a0(
    r: float, alpha: float, s: float, beta: float, x: FloatArray, t_x: FloatArray, t_cal: FloatArray
) -> FloatArray:
    log_at_x, log_at_t = _log_a0_terms(r, alpha, s, beta, x, t_x, t_cal)
    # log(e^u - e^v) = u + log(1 - e^(v-u)); u >= v because A0 is an integral of a positive density.
    with np.errstate(divide="ignore"):
        return log_at_x + np.log(-np.expm1(np.minimum(log_at_t - log_at_x, 0.0)))


def _log_alive_dead(
    r: float, alpha: float, s: float, beta: float, x: FloatArray, t_x: FloatArray, t_cal: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``alive, dead, log(e^alive + e^dead)``: the two parts of eq. 22 of the note, in logs.

    Every row with finite parameters gets a finite value (the hypergeometric terms
    past scipy's reach come from :func:`log_power_tail`). Only a line-search step to
    a parameter at infinity gives NaN, which sends the optimiser back (``_maximise``);
    a non-converged fit is reported by ``converged_`` or ``ConvergenceError``.
    """
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        alive = -(r + x) * np.log(alpha + t_cal) - s * np.log(beta + t_cal)
        dead = np.log(s) - np.log(r + s + x) + _log_a0(r, alpha, s, beta, x, t_x, t_cal)
        return alive, dead, np.logaddexp(alive, dead)


def _loglik_terms(
    theta: FloatArray, x: FloatArray, t_x: FloatArray, t_cal: FloatArray
) -> FloatArray:
    """Per-row log-likelihood (Fader & Hardie 2005 note, eq. 22) in log space."""
    with np.errstate(over="ignore", invalid="ignore"):  # exp(theta) of a runaway step
        r, alpha, s, beta = np.exp(theta)
        head = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
        return head + _log_alive_dead(r, alpha, s, beta, x, t_x, t_cal)[2]


class ParetoNBDModel(TransactionModel):
    """Pareto/NBD model of repeat purchasing in a non-contractual setting.

    Parameters
    ----------
    maxiter : int
        Iteration limit of the optimiser.
    raise_on_failure : bool
        Raise :class:`~rashinban.ConvergenceError` when the fit does not converge
        (default). With ``False`` the estimate is kept and ``converged_`` is False.
    compress : bool
        Fit on the unique (frequency, recency, T) rows weighted by their counts.

    Attributes
    ----------
    params_ : dict
        ``r``, ``alpha`` (Gamma purchase-rate heterogeneity) and ``s``, ``beta``
        (Gamma dropout-rate heterogeneity).
    log_likelihood_, standard_errors_, n_obs_, converged_
        As for every rashinban CLV model.

    Examples
    --------
    >>> from rashinban.clv import ParetoNBDModel
    >>> m = ParetoNBDModel().fit([0, 1, 3, 2, 0, 5, 1], [0, 4, 20, 30, 0, 33, 38], [39] * 7)
    >>> sorted(m.params_)
    ['alpha', 'beta', 'r', 's']
    """

    _param_names = ("r", "alpha", "s", "beta")
    _shape_names = ("r", "s")
    _span: float  # longest customer history T of the fit
    _descriptions = {  # noqa: RUF012 - read-only class data
        "r": ("購買頻度のばらつき (ガンマ分布の形状)", "purchase-rate heterogeneity (Gamma shape)"),
        "alpha": ("購買頻度の尺度 (ガンマ分布のレート)", "purchase-rate scale (Gamma rate)"),
        "s": ("離脱率のばらつき (ガンマ分布の形状)", "dropout-rate heterogeneity (Gamma shape)"),
        "beta": ("離脱率の尺度 (ガンマ分布のレート)", "dropout-rate scale (Gamma rate)"),
    }

    def fit(
        self,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
        weights: ArrayLike | None = None,
    ) -> ParetoNBDModel:
        """Fit by maximum likelihood.

        Parameters
        ----------
        frequency, recency, T : array-like
            Repeat purchases x, time of the last purchase t_x and age T of each
            customer, all in the same time unit.
        weights : array-like, optional
            How many customers each row stands for.

        Returns
        -------
        ParetoNBDModel
            ``self``, fitted.
        """
        x, t_x, t_cal, w = self._prepare(frequency, recency, T, weights)
        rate = max(float(np.average(x / t_cal, weights=w)), 1e-3)
        mean_t = float(np.average(t_cal, weights=w))
        theta0 = np.log([1.0, 1.0 / rate, 1.0, mean_t])
        hess_inv0 = None
        if x.size > WARM_START_ROWS:
            theta0, hess_inv0 = _warm_start(x, t_x, t_cal, w, theta0)
        self._maximise(
            lambda th: -wsum(w, _loglik_terms(th, x, t_x, t_cal)),
            theta0,
            total_weight=float(w.sum()),
            hess_inv0=hess_inv0,
            maxiter=self.maxiter,
            raise_on_failure=self.raise_on_failure,
        )
        self._span = float(t_cal.max())
        self._check_identified()
        return self

    def _degenerate_reason(self) -> tuple[str, str, str, str] | None:
        """A dropout rate run off to zero: nobody would ever leave (P(alive) = 1)."""
        s, beta = self.params_["s"], self.params_["beta"]
        # Expected dropouts per customer over the longest history observed.
        leaving = s / beta * self._span
        if leaving < 1e-6:
            return (
                f"離脱率が0に張り付きました (s={s:.3g}, beta={beta:.3g})。データに顧客離脱の"
                "兆しがなく、全員の生存確率が1になってしまいます",
                f"the dropout rate runs to zero (s={s:.3g}, beta={beta:.3g}): the data show no "
                "sign of customers dropping out, so P(alive) would be 1 for everyone",
                "より長い期間か多くの顧客のデータを使うか",
                "use a longer history or more customers",
            )
        return None

    # ------------------------------------------------------------------ predictions
    def p_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> FloatArray:
        """Probability each customer is alive at T (Fader & Hardie 2005 note, eq. 18).

        Examples
        --------
        >>> from rashinban.clv import ParetoNBDModel
        >>> m = ParetoNBDModel().fit([0, 1, 3, 2, 0, 5, 1], [0, 4, 20, 30, 0, 33, 38], [39] * 7)
        >>> bool(0 < m.p_alive([2], [30], [39])[0] <= 1)
        True
        """
        r, alpha, s, beta = self._param_values(self._param_names)
        x, t_x, t_cal = check_rft(frequency, recency, T)
        alive, _, total = _log_alive_dead(r, alpha, s, beta, x, t_x, t_cal)
        with np.errstate(invalid="ignore"):
            out = np.exp(alive - total)
        bad = ~np.isfinite(out)
        if bad.any():
            # Only parameters beyond double precision (e.g. s and β both near 1e300)
            # get here; every input with r, α, s, β within 1e-30..1e30 is finite.
            shown = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
            first = int(np.flatnonzero(bad)[0])
            raise ConvergenceError(
                f"ParetoNBDModel の推定値 ({shown}) では{int(bad.sum())}社の生存確率を"
                f"計算できません (最初は位置 {first}): パラメータが倍精度で扱える範囲を"
                "超えています / "
                f"ParetoNBDModel: P(alive) cannot be computed for {int(bad.sum())} customers "
                f"(first at position {first}) with the estimate ({shown}): the parameters are "
                "beyond double precision",
                fix="converged_ を確かめ、より長い期間か多くの顧客のデータで推定し直してください / "
                "check converged_ and refit on a longer history or more customers",
            )
        return np.asarray(out, dtype=np.float64)

    def expected_purchases(
        self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """Expected purchases in the next ``t`` periods (Schmittlein et al. 1987, eq. 22).

        Examples
        --------
        >>> from rashinban.clv import ParetoNBDModel
        >>> m = ParetoNBDModel().fit([0, 1, 3, 2, 0, 5, 1], [0, 4, 20, 30, 0, 33, 38], [39] * 7)
        >>> bool(m.expected_purchases(10, [3], [30], [39])[0] > 0)
        True
        """
        r, alpha, s, beta = self._param_values(self._param_names)
        x, t_x, t_cal = check_rft(frequency, recency, T)
        x, t_x, t_cal, horizon = same_length(
            ("frequency", x), ("recency", t_x), ("T", t_cal), ("t", as_float_array(t, "t"))
        )
        _check_horizon(horizon)
        scale = (r + x) / (alpha + t_cal)
        survive = _integrated_survival(s, beta + t_cal, horizon)
        return scale * survive * self.p_alive(x, t_x, t_cal)

    def expected_purchases_new(self, t: ArrayLike) -> FloatArray:
        """Unconditional expected purchases E[X(t)] of a new customer.

        Fader & Hardie (2005 note, eq. 17): E[X(t)] = rβ/(α(s−1)) [1 − (β/(β+t))^(s−1)].

        Examples
        --------
        >>> from rashinban.clv import ParetoNBDModel
        >>> m = ParetoNBDModel().fit([0, 1, 3, 2, 0, 5, 1], [0, 4, 20, 30, 0, 33, 38], [39] * 7)
        >>> m.expected_purchases_new([0.0]).tolist()
        [0.0]
        """
        r, alpha, s, beta = self._param_values(self._param_names)
        horizon = as_float_array(t, "t")
        _check_horizon(horizon)
        return r / alpha * _integrated_survival(s, beta, horizon)


def _warm_start(
    x: FloatArray, t_x: FloatArray, t_cal: FloatArray, w: FloatArray, theta0: FloatArray
) -> tuple[FloatArray, FloatArray | None]:
    """Estimate and inverse-Hessian approximation from a systematic subsample of rows."""
    step = x.size // (WARM_START_ROWS // 2)
    xs, ts, Ts, ws = x[::step], t_x[::step], t_cal[::step], w[::step]
    total = float(ws.sum())

    def mean(theta: FloatArray) -> float:
        value = -wsum(ws, _loglik_terms(theta, xs, ts, Ts)) / total
        return value if np.isfinite(value) else 1e300

    result = optimize.minimize(mean, theta0, jac="3-point", method="BFGS", options={"gtol": 1e-6})
    theta = np.asarray(result.x, dtype=np.float64)
    if not np.all(np.isfinite(theta)):
        return theta0, None
    # Only a starting point: the full-data fit decides convergence.
    return theta, pd_inverse(numerical_hessian(mean, theta))


def _integrated_survival(s: float, base: FloatArray | float, horizon: FloatArray) -> FloatArray:
    """∫_0^t (base/(base+u))^s du = base/(s−1)·[1 − (base/(base+t))^(s−1)].

    The expected time alive in the next ``t`` periods; at s = 1 the limit is
    base·log(1 + t/base), which ``expm1`` reaches smoothly.
    """
    log_ratio = np.log1p(horizon / base)
    if abs(s - 1.0) < 1e-10:
        return np.asarray(base * log_ratio, dtype=np.float64)
    return np.asarray(-base * np.expm1(-(s - 1.0) * log_ratio) / (s - 1.0), dtype=np.float64)

"""The BG/NBD ("beta-geometric / negative binomial distribution") model.

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting Your Customers"
the Easy Way: An Alternative to the Pareto/NBD Model. *Marketing Science*
24(2), 275-284. While alive a customer buys as a Poisson process with rate
λ ~ Gamma(r, α); after each repeat purchase she drops out with probability
p ~ Beta(a, b).
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1, polygamma

from rashinban._errors import InvalidValueError
from rashinban.clv._base import WARM_START_ROWS, TransactionModel
from rashinban.clv._inputs import (
    ArrayLike,
    FloatArray,
    as_float_array,
    check_rft,
    same_length,
    wsum,
)
from rashinban.clv._newton import newton_minimise

__all__ = ["BetaGeoModel"]

# Customers in the sample whose fit starts a fit on more than WARM_START_ROWS rows.
SUBSAMPLE_CUSTOMERS = 4_000
# Iteration limit of the Newton fit before BFGS takes over.
_NEWTON_MAXITER = 100


class BetaGeoModel(TransactionModel):
    """BG/NBD model of repeat purchasing in a non-contractual setting.

    Parameters
    ----------
    maxiter : int
        Iteration limit of the optimiser.
    raise_on_failure : bool
        Raise :class:`~rashinban.ConvergenceError` when the fit does not converge
        (default). With ``False`` the estimate is kept and ``converged_`` is False.
    compress : bool
        Fit on the unique (frequency, recency, T) rows weighted by their counts
        (default; same estimate, much faster on large data).

    Attributes
    ----------
    params_ : dict
        ``r`` and ``alpha`` (shape and rate of the Gamma purchase-rate
        heterogeneity), ``a`` and ``b`` (Beta dropout-probability heterogeneity).
    log_likelihood_, standard_errors_, n_obs_, converged_
        Log-likelihood at the optimum, standard errors, number of customers,
        whether the optimiser converged.

    Examples
    --------
    >>> from rashinban.clv import BetaGeoModel
    >>> m = BetaGeoModel().fit([0, 1, 3, 2, 0, 5], [0, 4, 20, 30, 0, 33], [39] * 6)
    >>> sorted(m.params_)
    ['a', 'alpha', 'b', 'r']
    """

    _param_names = ("r", "alpha", "a", "b")
    _shape_names = ("r", "a", "b")
    _descriptions = {  # noqa: RUF012 - read-only class data
        "r": ("購買頻度のばらつき (ガンマ分布の形状)", "purchase-rate heterogeneity (Gamma shape)"),
        "alpha": ("購買頻度の尺度 (ガンマ分布のレート)", "purchase-rate scale (Gamma rate)"),
        "a": ("離脱確率の分布 (ベータ分布 a)", "dropout probability (Beta a)"),
        "b": ("離脱確率の分布 (ベータ分布 b)", "dropout probability (Beta b)"),
    }

    def fit(
        self,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
        weights: ArrayLike | None = None,
    ) -> BetaGeoModel:
        """Fit by maximum likelihood (FHL 2005, eq. 6).

        Damped Newton with the analytic Hessian, started (above
        ``WARM_START_ROWS`` distinct rows) from a fit on a systematic sample of
        customers; BFGS takes over if Newton stalls. Standard errors come from
        the same analytic Hessian at the optimum.

        Parameters
        ----------
        frequency, recency, T : array-like
            Repeat purchases x, time of the last purchase t_x and age T of each
            customer, all in the same time unit (e.g. weeks).
        weights : array-like, optional
            How many customers each row stands for.

        Returns
        -------
        BetaGeoModel
            ``self``, fitted.
        """
        x, t_x, t_cal, w = self._prepare(frequency, recency, T, weights)
        # Starting values: a moderate dropout and the observed mean purchase rate.
        rate = max(float(np.average(x / t_cal, weights=w)), 1e-3)
        theta0 = np.log([1.0, 1.0 / rate, 1.0, 1.0])
        objective = _Objective(x, t_x, t_cal, w)
        if x.size > WARM_START_ROWS:
            theta0 = _subsample_start(x, t_x, t_cal, w, theta0)
        total = float(w.sum())

        def mean_objective(theta: FloatArray) -> tuple[float, FloatArray, FloatArray]:
            value, grad, hess = objective.with_hessian(theta)
            return value / total, grad / total, hess / total

        # Newton needs a handful of iterations when it works at all: more than
        # _NEWTON_MAXITER means a degenerate fit, which BFGS then judges.
        with np.errstate(all="ignore"):
            result = newton_minimise(
                mean_objective,
                theta0,
                gtol=1e-10,
                maxiter=min(self.maxiter, _NEWTON_MAXITER),
                polish=True,
            )
        if result.success:
            self._store_newton(result, total)
        else:
            # Newton's method stalled (e.g. a degenerate data set): quasi-Newton from
            # the same start decides, and raises when it does not converge either. A
            # line-search step to a parameter at 0 or infinity gives a non-finite value
            # that only sends it back: no numpy warning for it.
            with np.errstate(all="ignore"):
                self._maximise(
                    lambda th: objective(th)[0],
                    theta0,
                    total_weight=total,
                    value_and_grad=objective,
                    maxiter=self.maxiter,
                    raise_on_failure=self.raise_on_failure,
                )
        self._check_identified()
        return self

    def _degenerate_reason(self) -> tuple[str, str, str, str] | None:
        """A dropout probability run off to 0 or to 1.

        When the data hold no sign of customers leaving (few buyers, a short
        history), the likelihood keeps rising as a/(a + b) → 0: P(alive) = 1 for
        everyone, which would read as "nobody is at risk". The other end,
        a/(a + b) → 1, has every customer leave right after each purchase
        (P(alive) ≈ 0 for a customer who bought last week).
        """
        a, b = self.params_["a"], self.params_["b"]
        mean_dropout = a / (a + b)
        if mean_dropout < 1e-6:
            return (
                f"離脱確率が0に張り付きました (a={a:.3g}, b={b:.3g}、平均 {mean_dropout:.2g})。"
                "データに顧客離脱の兆しがなく、全員の生存確率が1になってしまいます",
                f"the dropout probability runs to zero (a={a:.3g}, b={b:.3g}, mean "
                f"{mean_dropout:.2g}): the data show no sign of customers dropping out, so "
                "P(alive) would be 1 for everyone",
                "より長い期間か多くの顧客のデータを使うか",
                "use a longer history or more customers",
            )
        if mean_dropout > 1 - 1e-6:
            return (
                f"離脱確率が1に張り付きました (a={a:.3g}, b={b:.3g})。全員が購入の直後に離脱する"
                "ことになり、最近購入した顧客の生存確率も0になってしまいます",
                f"the dropout probability runs to one (a={a:.3g}, b={b:.3g}): every customer "
                "would leave right after each purchase, so even a recent buyer would get "
                "P(alive) near 0",
                "より多くの顧客 (リピート購入のある顧客) のデータを使うか",
                "use more customers (with repeat purchases)",
            )
        return None

    # ------------------------------------------------------------------ predictions
    def p_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> FloatArray:
        """Probability that each customer is still alive at T (FHL 2005, eq. 11).

        Examples
        --------
        >>> from rashinban.clv import BetaGeoModel
        >>> m = BetaGeoModel().fit([0, 1, 3, 2, 0, 5], [0, 4, 20, 30, 0, 33], [39] * 6)
        >>> bool(m.p_alive([0], [0], [39])[0] == 1.0)
        True
        """
        r, alpha, a, b = self._param_values(self._param_names)
        x, t_x, t_cal = check_rft(frequency, recency, T)
        log_ratio = (
            np.log(a)
            - np.log(np.maximum(b + x - 1, 1e-300))
            + (r + x) * (np.log(alpha + t_cal) - np.log(alpha + t_x))
        )
        # P(alive) = 1 / (1 + δ(x>0) · exp(log_ratio)), computed without overflow.
        return np.where(x > 0, np.exp(-np.logaddexp(0.0, log_ratio)), 1.0)

    def expected_purchases(
        self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """Expected purchases in the next ``t`` periods given each history (FHL 2005, eq. 10).

        Examples
        --------
        >>> from rashinban.clv import BetaGeoModel
        >>> m = BetaGeoModel().fit([0, 1, 3, 2, 0, 5], [0, 4, 20, 30, 0, 33], [39] * 6)
        >>> bool(m.expected_purchases(10, [3], [30], [39])[0] > 0)
        True
        """
        alive = self.expected_purchases_alive(t, frequency, recency, T)
        return alive * self.p_alive(frequency, recency, T)

    def expected_purchases_alive(
        self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """Expected purchases in the next ``t`` periods of a customer known to be alive at T.

        :meth:`expected_purchases` is this times :meth:`p_alive` (FHL 2005, eq. 10);
        use this one where something outside the purchases (a running contract) says
        the customer is still there. Later dropout within ``t`` is still modelled.

        Examples
        --------
        >>> from rashinban.clv import BetaGeoModel
        >>> m = BetaGeoModel().fit([0, 1, 3, 2, 0, 5], [0, 4, 20, 30, 0, 33], [39] * 6)
        >>> alive = m.expected_purchases_alive(10, [3], [5], [39])[0]
        >>> bool(alive > m.expected_purchases(10, [3], [5], [39])[0])
        True
        """
        r, alpha, a, b = self._param_values(self._param_names)
        x, t_x, t_cal = check_rft(frequency, recency, T)
        x, t_x, t_cal, horizon = same_length(
            ("frequency", x), ("recency", t_x), ("T", t_cal), ("t", as_float_array(t, "t"))
        )
        _check_horizon(horizon)
        z = horizon / (alpha + t_cal + horizon)
        log_tail = -(r + x) * np.log1p(horizon / (alpha + t_cal))
        return _scaled_gap(
            (a + b + x - 1) / (a - 1), log_tail, _hyp2f1m1(r + x, b + x, a + b + x - 1, z)
        )

    def expected_purchases_new(self, t: ArrayLike) -> FloatArray:
        """Unconditional expected purchases E[X(t)] of a new customer (FHL 2005, eq. 9).

        Examples
        --------
        >>> from rashinban.clv import BetaGeoModel
        >>> m = BetaGeoModel().fit([0, 1, 3, 2, 0, 5], [0, 4, 20, 30, 0, 33], [39] * 6)
        >>> m.expected_purchases_new([0.0]).tolist()
        [0.0]
        """
        r, alpha, a, b = self._param_values(self._param_names)
        horizon = as_float_array(t, "t")
        _check_horizon(horizon)
        z = horizon / (alpha + horizon)
        log_tail = -r * np.log1p(horizon / alpha)
        return _scaled_gap((a + b - 1) / (a - 1), log_tail, _hyp2f1m1(r, b, a + b - 1, z))


def _scaled_gap(scale: FloatArray | float, log_tail: FloatArray, f_m1: FloatArray) -> FloatArray:
    """``scale · (1 − exp(log_tail) · (1 + f_m1))``, an expected count (FHL 2005, eqs. 9, 10).

    Over a short horizon both factors are within rounding of 1 and the count is their
    product's small gap to 1: it is taken as ``-expm1`` of the summed logs, from the
    hypergeometric function's own gap to 1 (:func:`_hyp2f1m1`), so that it keeps its
    digits down to horizons of 1e-15 periods; a count that rounding would leave a hair
    below 0 is 0. Where ₂F₁ is not positive (its third argument a + b + x − 1 below 0,
    a fit with a + b < 1) the product is far from 1 and is taken as written.
    """
    f_m1 = np.asarray(f_m1, dtype=float)
    positive = f_m1 > -1.0
    with np.errstate(invalid="ignore"):  # log1p of the rows the direct form takes
        logged = -np.expm1(log_tail + np.log1p(np.where(positive, f_m1, 0.0)))
    gap = np.where(positive, logged, 1.0 - np.exp(log_tail) * (1.0 + f_m1))
    return np.asarray(np.maximum(scale * gap, 0.0), dtype=float)


def _hyp2f1m1(
    a: FloatArray | float, b: FloatArray | float, c: FloatArray | float, z: FloatArray
) -> FloatArray:
    """Gauss' ₂F₁(a, b; c; z) − 1, exact to rounding where z is small.

    Each term of the series is the one before times ``(a+k)(b+k) / ((c+k)(k+1)) · z``,
    at most ``max(1, a) · max(1, b/c) · z`` when ``c > 0``. Where that bound is below 0.05 (short
    horizons) the 40 terms after the leading 1 are summed (what is left is below
    0.05⁴⁰ of the sum); elsewhere SciPy's ``hyp2f1`` less 1 loses nothing.
    """
    a, b, c, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, c, z)))
    out = hyp2f1(a, b, c, z) - 1.0
    near = (c > 0) & (np.maximum(1.0, a) * np.maximum(1.0, b / c) * np.abs(z) < 0.05)
    if near.any():
        an, bn, cn, zn = a[near], b[near], c[near], z[near]
        term = np.ones_like(zn)
        total = np.zeros_like(zn)
        for k in range(40):
            term = term * (an + k) * (bn + k) / ((cn + k) * (k + 1)) * zn
            total += term
        out[near] = total
    return out


def _check_horizon(horizon: FloatArray) -> None:
    if (horizon < 0).any():
        raise InvalidValueError(
            "予測期間 t に負の値は使えません / t (the prediction horizon) cannot be negative",
            column="t",
            fix="t >= 0 を渡してください / pass t >= 0",
        )


def _subsample_start(
    x: FloatArray, t_x: FloatArray, t_cal: FloatArray, w: FloatArray, theta0: FloatArray
) -> FloatArray:
    """Newton fit on a systematic sample of the customers: a start a few per cent off.

    The rows are weighted, and a few rows (customers without repeat purchases)
    carry much of the weight, so the sample is drawn from the customers, not
    the rows: customer positions 0.5·k, 1.5·k, … on the cumulative weights,
    with k chosen for about ``SUBSAMPLE_CUSTOMERS`` of them (a systematic
    sample, Cochran 1977, *Sampling Techniques*, ch. 8). From there the full
    data need two or three Newton steps; if the sample fit fails, the crude
    start is kept.
    """
    spacing = max(float(w.sum()) / SUBSAMPLE_CUSTOMERS, 2.0)
    picks = np.floor(np.cumsum(w) / spacing + 0.5)
    sub_w = np.diff(picks, prepend=0.0)
    keep = sub_w > 0
    if np.count_nonzero(keep) < 2 * theta0.size:  # fractional weights summing to little
        return theta0
    sub = _Objective(x[keep], t_x[keep], t_cal[keep], sub_w[keep])

    def mean(theta: FloatArray) -> tuple[float, FloatArray, FloatArray]:
        value, grad, hess = sub.with_hessian(theta)
        return value / sub.total, grad / sub.total, hess / sub.total

    with np.errstate(all="ignore"):
        result = newton_minimise(mean, theta0, gtol=1e-6, maxiter=100)
    # Only a starting point: the full-data fit decides convergence.
    return result.x if result.success and np.all(np.isfinite(result.x)) else theta0


class _Objective:
    """Weighted negative log-likelihood and its analytic gradient in one pass.

    Terms that depend on the frequency alone (the Gamma and Beta functions of
    FHL 2005, eq. 6) are summed over the distinct frequencies with aggregated
    weights, and the row arrays are split once into customers with and without
    repeat purchases, so an evaluation costs a few vector operations per row.
    """

    def __init__(self, x: FloatArray, t_x: FloatArray, t_cal: FloatArray, w: FloatArray) -> None:
        self.ux, inverse = np.unique(x, return_inverse=True)
        self.uw = np.bincount(inverse, weights=w).astype(np.float64)
        self.total = float(w.sum())
        repeat = x > 0
        # Customers without repeat purchases: only A3 = −r·ln(α+T) varies by row.
        self.w0 = np.ascontiguousarray(w[~repeat])
        self.t0 = np.ascontiguousarray(t_cal[~repeat])
        self.wr = np.ascontiguousarray(w[repeat])
        self.xr = np.ascontiguousarray(x[repeat])
        self.t_xr = np.ascontiguousarray(t_x[repeat])
        self.t_calr = np.ascontiguousarray(t_cal[repeat])

    def __call__(self, theta: FloatArray) -> tuple[float, FloatArray]:
        """Negative log-likelihood and its gradient in θ = ln(r, α, a, b)."""
        value, grad, _ = self._evaluate(theta, hessian=False)
        return value, grad

    def with_hessian(self, theta: FloatArray) -> tuple[float, FloatArray, FloatArray]:
        """Value, gradient and analytic Hessian of the negative log-likelihood.

        Second derivatives of FHL (2005, eq. 6): the frequency-only terms give
        trigamma functions; each repeat buyer's ln(e^A3 + e^A4) contributes
        w3·∇²A3 + w4·∇²A4 + w3·w4·(∇A3 − ∇A4)(∇A3 − ∇A4)ᵀ, the Hessian of a
        log-sum-exp. The chain rule to θ = ln p adds diag(p ⊙ g) to
        diag(p)·H·diag(p).
        """
        value, grad, hess = self._evaluate(theta, hessian=True)
        assert hess is not None  # noqa: S101 - asked for above
        return value, grad, hess

    def _evaluate(
        self, theta: FloatArray, *, hessian: bool
    ) -> tuple[float, FloatArray, FloatArray | None]:
        r, alpha, a, b = np.exp(theta)
        ux, uw, total = self.ux, self.uw, self.total
        log_alpha = np.log(alpha)
        # Frequency-only parts: ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b).
        ll = float(
            wsum(uw, gammaln(r + ux) + betaln(a, b + ux))
            + total * (r * log_alpha - gammaln(r) - betaln(a, b))
        )
        g = np.empty(4)  # gradient of the log-likelihood in (r, α, a, b)
        h = np.zeros((4, 4))  # its Hessian, upper triangle
        g[0] = wsum(uw, digamma(r + ux)) + total * (log_alpha - digamma(r))
        g[1] = total * r / alpha
        dig_ab = digamma(a + b)
        dig_abx = digamma(a + b + ux)
        g[2] = wsum(uw, dig_ab - dig_abx)
        g[3] = wsum(uw, dig_ab + digamma(b + ux) - digamma(b) - dig_abx)
        if hessian:
            h[0, 0] = wsum(uw, polygamma(1, r + ux)) - total * float(polygamma(1, r))
            h[0, 1] = total / alpha
            h[1, 1] = -total * r / alpha**2
            trig_ab = total * float(polygamma(1, a + b)) - wsum(uw, polygamma(1, a + b + ux))
            h[2, 2] = h[2, 3] = trig_ab
            h[3, 3] = trig_ab + wsum(uw, polygamma(1, b + ux)) - total * float(polygamma(1, b))
        # No repeat purchases: the bracket of eq. 6 is (α+T)^−r alone.
        inv0 = 1.0 / (alpha + self.t0)
        w_inv0 = self.w0 * inv0
        sum_w_log_at0 = wsum(self.w0, np.log(alpha + self.t0))
        ll -= r * sum_w_log_at0
        g[0] -= sum_w_log_at0
        g[1] -= r * float(w_inv0.sum())
        if hessian:
            h[0, 1] -= float(w_inv0.sum())
            h[1, 1] += r * wsum(w_inv0, inv0)
        # Repeat buyers: ln(e^A3 + e^A4).
        rx = r + self.xr
        log_at = np.log(alpha + self.t_calr)
        log_ax = np.log(alpha + self.t_xr)
        inv_b = 1.0 / (b + self.xr - 1.0)
        a3 = -rx * log_at
        a4 = np.log(a * inv_b) - rx * log_ax
        ll += wsum(self.wr, np.logaddexp(a3, a4))
        # w3: share of the likelihood in the "still alive at T" term.
        p3 = expit(a3 - a4)
        ww3 = self.wr * p3
        ww4 = self.wr - ww3
        inv_T = 1.0 / (alpha + self.t_calr)
        inv_t = 1.0 / (alpha + self.t_xr)
        rx_ww3, rx_ww4 = rx * ww3, rx * ww4
        sum_ww4 = float(ww4.sum())
        g[0] -= wsum(ww3, log_at) + wsum(ww4, log_ax)
        g[1] -= wsum(rx_ww3, inv_T) + wsum(rx_ww4, inv_t)
        g[2] += sum_ww4 / a
        g[3] -= wsum(ww4, inv_b)
        if hessian:
            h[0, 1] -= wsum(ww3, inv_T) + wsum(ww4, inv_t)
            h[1, 1] += wsum(rx_ww3, inv_T * inv_T) + wsum(rx_ww4, inv_t * inv_t)
            h[2, 2] -= sum_ww4 / a**2
            h[3, 3] += wsum(ww4, inv_b * inv_b)
            # Outer product of D = ∇A3 − ∇A4 = (d0, d1, −1/a, 1/(b+x−1)), weight w·w3·w4.
            v = ww3 * (1.0 - p3)
            d0 = log_ax - log_at
            d1 = rx * (inv_t - inv_T)
            v0, v1, vb = v * d0, v * d1, v * inv_b
            s_v, s_v0, s_v1, s_vb = (
                float(v.sum()),
                float(v0.sum()),
                float(v1.sum()),
                float(vb.sum()),
            )
            h[0, 0] += wsum(v0, d0)
            h[0, 1] += wsum(v0, d1)
            h[0, 2] -= s_v0 / a
            h[0, 3] += wsum(v0, inv_b)
            h[1, 1] += wsum(v1, d1)
            h[1, 2] -= s_v1 / a
            h[1, 3] += wsum(v1, inv_b)
            h[2, 2] += s_v / a**2
            h[2, 3] -= s_vb / a
            h[3, 3] += wsum(vb, inv_b)
        p = np.array([r, alpha, a, b])
        grad_theta = -(g * p)
        if not hessian:
            return -ll, grad_theta, None
        h = np.triu(h) + np.triu(h, 1).T
        # To θ = ln p: H_θ = diag(p)·H·diag(p) + diag(p ⊙ g); negated for the NLL.
        return -ll, grad_theta, -(h * np.outer(p, p)) + np.diag(grad_theta)

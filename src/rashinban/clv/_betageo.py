"""The BG/NBD ("beta-geometric / negative binomial distribution") model.

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting Your Customers"
the Easy Way: An Alternative to the Pareto/NBD Model. *Marketing Science*
24(2), 275-284. While alive a customer buys as a Poisson process with rate
λ ~ Gamma(r, α); after each repeat purchase she drops out with probability
p ~ Beta(a, b).
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, digamma, gammaln, hyp2f1

from rashinban._errors import InvalidValueError
from rashinban.clv._base import (
    ArrayLike,
    BaseModel,
    FloatArray,
    as_float_array,
    check_rft,
    check_weights,
    compress,
)

__all__ = ["BetaGeoModel"]


class BetaGeoModel(BaseModel):
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

    def __init__(
        self, *, maxiter: int = 1000, raise_on_failure: bool = True, compress: bool = True
    ) -> None:
        self.maxiter = maxiter
        self.raise_on_failure = raise_on_failure
        self.compress = compress

    def fit(
        self,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
        weights: ArrayLike | None = None,
    ) -> BetaGeoModel:
        """Fit by maximum likelihood (FHL 2005, eq. 6).

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
        x, t_x, t_cal = check_rft(frequency, recency, T)
        w = check_weights(weights, x.size)
        self.n_obs_ = round(float(w.sum()))
        if self.compress and weights is None:
            x, t_x, t_cal, w = compress(x, t_x, t_cal)
        keep = w > 0
        x, t_x, t_cal, w = x[keep], t_x[keep], t_cal[keep], w[keep]
        # Starting values: a moderate dropout and the observed mean purchase rate.
        rate = max(float(np.average(x / t_cal, weights=w)), 1e-3)
        theta0 = np.log([1.0, 1.0 / rate, 1.0, 1.0])
        data = (x, t_x, t_cal, w)
        self._maximise(
            lambda th: -float(np.dot(w, _loglik_terms(th, *data[:3]))),
            theta0,
            total_weight=float(w.sum()),
            jac=lambda th: -_loglik_gradient(th, *data),
            maxiter=self.maxiter,
            raise_on_failure=self.raise_on_failure,
        )
        return self

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
        r, alpha, a, b = self._param_values(self._param_names)
        x, t_x, t_cal = check_rft(frequency, recency, T)
        horizon = np.broadcast_to(as_float_array(t, "t"), x.shape)
        _check_horizon(horizon)
        z = horizon / (alpha + t_cal + horizon)
        tail = np.exp((r + x) * (np.log(alpha + t_cal) - np.log(alpha + t_cal + horizon)))
        numer = (a + b + x - 1) / (a - 1) * (1 - tail * hyp2f1(r + x, b + x, a + b + x - 1, z))
        return numer * self.p_alive(x, t_x, t_cal)

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
        tail = np.exp(r * (np.log(alpha) - np.log(alpha + horizon)))
        z = horizon / (alpha + horizon)
        return (a + b - 1) / (a - 1) * (1 - tail * hyp2f1(r, b, a + b - 1, z))


def _check_horizon(horizon: FloatArray) -> None:
    if (horizon < 0).any():
        raise InvalidValueError(
            "t (the prediction horizon) cannot be negative", column="t", fix="pass t >= 0"
        )


def _loglik_terms(
    theta: FloatArray, x: FloatArray, t_x: FloatArray, t_cal: FloatArray
) -> FloatArray:
    """Per-row log-likelihood (FHL 2005, eq. 6), in log space to avoid overflow."""
    r, alpha, a, b = np.exp(theta)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + t_cal)
    a4 = np.where(
        x > 0,
        np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + t_x),
        -np.inf,
    )
    return a1 + a2 + np.logaddexp(a3, a4)


def _loglik_gradient(
    theta: FloatArray, x: FloatArray, t_x: FloatArray, t_cal: FloatArray, w: FloatArray
) -> FloatArray:
    """Analytic gradient of the weighted log-likelihood with respect to log-parameters."""
    r, alpha, a, b = np.exp(theta)
    log_at = np.log(alpha + t_cal)
    log_ax = np.log(alpha + t_x)
    a3 = -(r + x) * log_at
    a4 = np.where(
        x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * log_ax, -np.inf
    )
    # Share of the likelihood carried by the "still alive at T" term.
    w3 = np.exp(a3 - np.logaddexp(a3, a4))
    w4 = 1.0 - w3
    d_r = digamma(r + x) - digamma(r) + np.log(alpha) - w3 * log_at - w4 * log_ax
    d_alpha = r / alpha - w3 * (r + x) / (alpha + t_cal) - w4 * (r + x) / (alpha + t_x)
    d_a = digamma(a + b) - digamma(a + b + x) + w4 / a
    d_b = (
        digamma(a + b)
        + digamma(b + x)
        - digamma(b)
        - digamma(a + b + x)
        - w4 / np.maximum(b + x - 1, 1e-300)
    )
    grad = np.array([w @ d_r, w @ d_alpha, w @ d_a, w @ d_b])
    return grad * np.array([r, alpha, a, b])

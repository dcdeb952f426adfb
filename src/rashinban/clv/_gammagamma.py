"""The Gamma-Gamma model of spend per transaction.

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: Using
Iso-Value Curves for Customer Base Analysis. *Journal of Marketing Research*
42(4), 415-430; and Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary
Value". Each transaction's value is Gamma(p, ν) with ν ~ Gamma(q, γ) across
customers (``v`` here is the paper's γ), so a customer's mean spend z̄ over x
transactions has the density of eq. (3) of the note, and the expected spend
given (x, z̄) is a weighted average of the population mean and z̄ (eq. 5).
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln

from rashinban._errors import InvalidValueError, NotEnoughDataError
from rashinban.clv._base import BaseModel
from rashinban.clv._inputs import (
    ArrayLike,
    FloatArray,
    as_float_array,
    as_number,
    check_weights,
    require_repeat_counts,
    same_length,
    wsum,
)

__all__ = ["GammaGammaModel"]


def _check_fm(frequency: ArrayLike, monetary_value: ArrayLike) -> tuple[FloatArray, FloatArray]:
    x, m = same_length(
        ("frequency", as_float_array(frequency, "frequency")),
        ("monetary_value", as_float_array(monetary_value, "monetary_value")),
    )
    require_repeat_counts(x)
    bad = (x > 0) & (m <= 0)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise InvalidValueError(
            f"リピート顧客の monetary_value は正の値でなければなりませんが、{int(bad.sum())}行が"
            f"違います (最初は位置 {first}) / "
            f"monetary_value must be positive for repeat buyers: {int(bad.sum())} rows are not "
            f"(first at position {first})",
            column="monetary_value",
            value=m[first],
            fix="返品・0円の注文か、平均購買額が0以下の顧客を除いてください / "
            "drop refunds/zero-value orders or customers with non-positive mean spend",
        )
    return x, m


class GammaGammaModel(BaseModel):
    """Gamma-Gamma model of average transaction value.

    Only customers with at least one repeat purchase (frequency > 0) enter the
    fit; ``monetary_value`` is their mean value per repeat transaction.

    Parameters
    ----------
    q_min : float, optional
        Lower bound for ``q``. The expected spend p·v/(q−1) exists only for
        q > 1, so ``q_min=1.0`` (or a little above) keeps the population mean
        finite when the data would push q below it.
    q : float, optional
        Hold ``q`` fixed at this value and estimate ``p`` and ``v`` only.
    maxiter : int
        Iteration limit of the optimiser.
    raise_on_failure : bool
        Raise :class:`~rashinban.ConvergenceError` when the fit does not converge.

    Attributes
    ----------
    params_ : dict
        ``p`` (shape of the per-transaction Gamma), ``q`` and ``v`` (shape and
        scale of the heterogeneity in the customers' rate ν; ``v`` is γ in FHL 2005).
    log_likelihood_, standard_errors_, n_obs_, converged_
        As for every rashinban CLV model; ``n_obs_`` counts repeat buyers.

    Examples
    --------
    >>> from rashinban.clv import GammaGammaModel
    >>> freq = [1, 2, 5, 3, 1, 4, 2, 6, 1, 3]
    >>> spend = [5.0, 80.0, 30.0, 12.0, 150.0, 22.0, 45.0, 9.0, 60.0, 18.0]
    >>> m = GammaGammaModel().fit(freq, spend)
    >>> sorted(m.params_)
    ['p', 'q', 'v']
    """

    _param_names = ("p", "q", "v")
    _shape_names = ("p", "q")
    _data_advice = (
        "frequency (リピート購入の回数) と monetary_value (リピート購入1回あたりの平均金額、"
        "1つの通貨で) を確かめるか",
        "check frequency (repeat purchases) and monetary_value (mean value per repeat "
        "purchase, in one currency)",
    )
    _descriptions = {  # noqa: RUF012 - read-only class data
        "p": ("1回の購買金額の形状", "shape of the value of one transaction"),
        "q": (
            "顧客間の購買金額のばらつき (形状)",
            "heterogeneity of spend across customers (shape)",
        ),
        "v": ("顧客間の購買金額の尺度 (γ)", "scale of spend across customers (gamma)"),
    }

    def __init__(
        self,
        *,
        q_min: float | None = None,
        q: float | None = None,
        maxiter: int = 1000,
        raise_on_failure: bool = True,
    ) -> None:
        self.q_min = q_min
        self.q = q
        self.maxiter = maxiter
        self.raise_on_failure = raise_on_failure

    def _free_names(self) -> tuple[str, ...]:
        return ("p", "v") if self.q is not None else self._param_names

    def _q_floor(self) -> float:
        return 0.0 if self.q_min is None else float(self.q_min)

    def _unpack(self, theta: FloatArray) -> dict[str, float]:
        if self.q is not None:
            return {"p": float(np.exp(theta[0])), "v": float(np.exp(theta[1]))}
        return {
            "p": float(np.exp(theta[0])),
            "q": self._q_floor() + float(np.exp(theta[1])),
            "v": float(np.exp(theta[2])),
        }

    def _full_params(self, free: dict[str, float]) -> dict[str, float]:
        q = float(self.q) if self.q is not None else free["q"]
        return {"p": free["p"], "q": q, "v": free["v"]}

    def _theta_jacobian(self, theta: FloatArray) -> FloatArray:
        # d q / d theta for q = q_min + exp(theta) is exp(theta), as for the log scale.
        return np.exp(theta)

    def fit(
        self,
        frequency: ArrayLike,
        monetary_value: ArrayLike,
        weights: ArrayLike | None = None,
    ) -> GammaGammaModel:
        """Fit by maximum likelihood on the repeat buyers (FHL 2005 Gamma-Gamma, eq. 3).

        Parameters
        ----------
        frequency : array-like
            Repeat purchases x of each customer.
        monetary_value : array-like
            Mean value of those repeat purchases (ignored where x = 0).
        weights : array-like, optional
            How many customers each row stands for.

        Returns
        -------
        GammaGammaModel
            ``self``, fitted.
        """
        if self.q is not None:
            self.q = as_number(
                self.q,
                "q",
                "q=3.0 のような正の数か q=None を指定してください / "
                "pass a positive number such as q=3.0, or q=None",
            )
        if self.q_min is not None:
            self.q_min = as_number(
                self.q_min,
                "q_min",
                "q_min=1.0 のような数を指定してください / pass a number such as q_min=1.0",
            )
        if self.q is not None and self.q <= 0:
            raise InvalidValueError(
                f"q={self.q} は正の値にしてください / q={self.q} must be positive",
                fix="q > 0 か q=None を指定してください / pass q > 0 or q=None",
            )
        if self.q_min is not None and self.q_min < 0:
            raise InvalidValueError(
                f"q_min={self.q_min} に負の値は使えません / q_min={self.q_min} cannot be negative",
                fix="q_min >= 0 を指定してください / pass q_min >= 0",
            )
        x, m = _check_fm(frequency, monetary_value)
        w = check_weights(weights, x.size)
        keep = (x > 0) & (w > 0)
        if int(keep.sum()) < 2:
            raise NotEnoughDataError(
                "Gamma-Gammaモデルにはリピート購入のある顧客が必要です "
                f"(現在{int(keep.sum())}社) / "
                f"the Gamma-Gamma model needs customers with repeat purchases; {int(keep.sum())} "
                "found",
                column="frequency",
                fix="学習期間を長くするか顧客を増やしてください / "
                "fit on a longer calibration period or more customers",
            )
        x, m, w = x[keep], m[keep], w[keep]
        self.n_obs_ = round(float(w.sum()))
        # Method-of-moments-like start: p·x̄ spending shape, q a little above 1.
        mean_m = float(np.average(m, weights=w))
        if self.q is not None:
            theta0 = np.log([2.0, mean_m])
        else:
            theta0 = np.array(
                [np.log(2.0), np.log(max(3.0 - self._q_floor(), 0.5)), np.log(mean_m)]
            )
        self._maximise(
            lambda th: -wsum(w, self._loglik_terms(th, x, m)),
            theta0,
            total_weight=float(w.sum()),
            maxiter=self.maxiter,
            raise_on_failure=self.raise_on_failure,
        )
        self._check_identified()
        return self

    def _loglik_terms(self, theta: FloatArray, x: FloatArray, m: FloatArray) -> FloatArray:
        params = self._full_params(self._unpack(theta))
        p, q, v = params["p"], params["q"], params["v"]
        px = p * x
        return (
            gammaln(px + q)
            - gammaln(px)
            - gammaln(q)
            + q * np.log(v)
            + (px - 1) * np.log(m)
            + px * np.log(x)
            - (px + q) * np.log(px / p * m + v)
        )

    def conditional_expected_value(
        self, frequency: ArrayLike, monetary_value: ArrayLike
    ) -> FloatArray:
        """Expected value per transaction given each customer's history (FHL 2005 eq. 5).

            E[Z | x, z̄] = p(v + x·z̄) / (p·x + q − 1); customers with x = 0 get the
            population mean p·v/(q − 1).

            Examples
            --------
            >>> from rashinban.clv import GammaGammaModel
            >>> freq = [1, 2, 5, 3, 1, 4, 2, 6, 1, 3]
        >>> spend = [5.0, 80.0, 30.0, 12.0, 150.0, 22.0, 45.0, 9.0, 60.0, 18.0]
        >>> m = GammaGammaModel().fit(freq, spend)
            >>> bool(m.conditional_expected_value([3], [25.0])[0] > 0)
            True
        """
        p, q, v = self._param_values(self._param_names)
        if q <= 1:
            raise InvalidValueError(
                f"q={q:.4g} <= 1 のため、Gamma-Gammaの平均購買額が無限大になります / "
                f"q={q:.4g} <= 1: the Gamma-Gamma mean spend is infinite",
                fix="q_min=1.0 (か1より大きい固定の q) で学習し直してください / "
                "refit with q_min=1.0 (or a fixed q above 1)",
            )
        x, m = _check_fm(frequency, monetary_value)
        m = np.where(x > 0, m, 0.0)
        return p * (v + x * m) / (p * x + q - 1)

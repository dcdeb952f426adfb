"""The shifted-beta-geometric (sBG) model of contract retention.

Fader, P. S. & Hardie, B. G. S. (2007). How to Project Customer Retention.
*Journal of Interactive Marketing* 21(1), 76-90. Each customer renews each
period with a constant probability 1 − θ until she cancels; θ ~ Beta(α, β)
across customers, so the cohort's retention rate rises over time.
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, hyp2f1

from rashinban._errors import InvalidValueError, NotEnoughDataError
from rashinban.clv._base import BaseModel
from rashinban.clv._inputs import ArrayLike, FloatArray, as_float_array, wsum

__all__ = ["ShiftedBetaGeoModel"]


class ShiftedBetaGeoModel(BaseModel):
    """Shifted-beta-geometric model of a cohort's survival.

    Parameters
    ----------
    maxiter : int
        Iteration limit of the optimiser.
    raise_on_failure : bool
        Raise :class:`~rashinban.ConvergenceError` when the fit does not converge.

    Attributes
    ----------
    params_ : dict
        ``alpha`` and ``beta`` of the Beta distribution of the churn probability θ.
    n_periods_ : int
        Number of observed periods after period 0.
    n0_ : float
        Cohort size at period 0 (the scale of :meth:`project`).
    log_likelihood_, standard_errors_, n_obs_, converged_
        As for every rashinban CLV model; ``n_obs_`` is the cohort size.

    Examples
    --------
    >>> from rashinban.clv import ShiftedBetaGeoModel
    >>> m = ShiftedBetaGeoModel().fit([1000, 631, 468, 382, 326, 289, 262, 241])
    >>> round(m.params_["alpha"], 3), round(m.params_["beta"], 3)
    (0.704, 1.182)
    """

    _param_names = ("alpha", "beta")
    _shape_names = ("alpha", "beta")
    _cohort: tuple[str, str]  # what may be wrong with the cohort fitted (ja, en)
    _descriptions = {  # noqa: RUF012 - read-only class data
        "alpha": ("解約確率の分布 (ベータ分布 α)", "churn probability (Beta alpha)"),
        "beta": ("解約確率の分布 (ベータ分布 β)", "churn probability (Beta beta)"),
    }

    def __init__(self, *, maxiter: int = 1000, raise_on_failure: bool = True) -> None:
        self.maxiter = maxiter
        self.raise_on_failure = raise_on_failure

    def fit(self, survivors: ArrayLike) -> ShiftedBetaGeoModel:
        """Fit by maximum likelihood (Fader & Hardie 2007, eq. 5-7 and appendix).

        Parameters
        ----------
        survivors : array-like
            Customers still active at the end of period 0, 1, …, n; period 0 is
            the whole cohort.

        Returns
        -------
        ShiftedBetaGeoModel
            ``self``, fitted.
        """
        n = as_float_array(survivors, "survivors")
        if n.size < 3:
            raise NotEnoughDataError(
                f"survivors の値が{n.size}個です。sBGモデルには期0とその後の2期以上が必要です / "
                f"survivors has {n.size} values; the sBG model needs period 0 and at least "
                "two more periods",
                column="survivors",
                fix="期0のコホートの人数に続けて各期の継続数を渡してください / "
                "pass the cohort size at period 0 followed by the survivors of each period",
            )
        if (np.diff(n) > 0).any() or (n < 0).any() or n[0] <= 0:
            raise InvalidValueError(
                "survivors は正の値から始まり、増えてはいけません (コホートは減るだけです) / "
                "survivors must start positive and never increase (a cohort only loses customers)",
                column="survivors",
                fix="同じコホートの人数を期0から順に渡してください / "
                "pass counts of the same cohort, period 0 first",
            )
        lost = -np.diff(n)
        periods = np.arange(1, n.size, dtype=np.float64)
        last = float(periods[-1])
        self.n_periods_ = int(last)
        self.n0_ = float(n[0])
        self.n_obs_ = round(float(n[0]))

        def negll(theta: FloatArray) -> float:
            alpha, beta = np.exp(theta)
            # P(T = t) = B(α+1, β+t−1)/B(α, β); S(t) = B(α, β+t)/B(α, β)  (eq. 5, 6).
            log_pt = betaln(alpha + 1.0, beta + periods - 1.0) - betaln(alpha, beta)
            log_st = betaln(alpha, beta + last) - betaln(alpha, beta)
            return -(wsum(lost, log_pt) + float(n[-1] * log_st))

        self._cohort = _cohort_problems(n)
        self._maximise(
            negll,
            np.zeros(2),
            total_weight=self.n0_,
            maxiter=self.maxiter,
            raise_on_failure=self.raise_on_failure,
        )
        self._check_identified()
        return self

    def _convergence_fix(self) -> str:
        ja, en = self._cohort
        return (
            f"{ja}。または maxiter を増やすか、raise_on_failure=False で推定値を確認してください / "
            f"{en}; or raise maxiter, or pass raise_on_failure=False to inspect the estimate"
        )

    def _degenerate_reason(self) -> tuple[str, str, str, str] | None:
        """No churn at all, or α and β run off together (retention that does not rise).

        α/(α+β) → 0 says nobody ever cancels. α, β → ∞ together is a churn
        probability the same for every customer: retention flat or falling,
        which the sBG (retention rising as the likeliest to cancel leave first)
        reaches only in the limit; the optimiser then stops wherever the
        likelihood is flat enough, so the projection is not an estimate.
        """
        alpha, beta = self.params_["alpha"], self.params_["beta"]
        ja, en = self._cohort
        if alpha / (alpha + beta) < 1e-6:
            return (
                f"解約確率が0に張り付きました (alpha={alpha:.3g}, beta={beta:.3g})。"
                "コホートに解約がほとんどなく、全員が永久に継続することになってしまいます",
                f"the churn probability runs to zero (alpha={alpha:.3g}, beta={beta:.3g}): the "
                "cohort shows (almost) no cancellations, so everyone would stay forever",
                "解約が起きるまでの長い期間の継続数を渡すか",
                "pass survivors over a longer span, with cancellations in it",
            )
        if min(alpha, beta) > _RUNAWAY:
            return (
                f"alpha={alpha:.3g} と beta={beta:.3g} が際限なく大きくなりました。{ja}",
                f"alpha={alpha:.3g} and beta={beta:.3g} run off together. {en}",
                "sBGモデルではなく一定の解約率 (1 − 継続数/前期の継続数) で見るか",
                "read a constant churn rate (1 − survivors / previous survivors) instead of "
                "the sBG model",
            )
        return None

    def survival(self, t: ArrayLike) -> FloatArray:
        """Share of the cohort still active after ``t`` periods, S(t) (eq. 6).

        Examples
        --------
        >>> from rashinban.clv import ShiftedBetaGeoModel
        >>> m = ShiftedBetaGeoModel().fit([1000, 631, 468, 382, 326, 289, 262, 241])
        >>> float(m.survival([0])[0])
        1.0
        """
        alpha, beta = self._param_values(self._param_names)
        periods = _check_periods(t)
        return np.exp(betaln(alpha, beta + periods) - betaln(alpha, beta))

    def retention(self, t: ArrayLike) -> FloatArray:
        """Retention rate in period ``t`` (t ≥ 1): r_t = (β + t − 1)/(α + β + t − 1) (eq. 8).

        Examples
        --------
        >>> from rashinban.clv import ShiftedBetaGeoModel
        >>> m = ShiftedBetaGeoModel().fit([1000, 631, 468, 382, 326, 289, 262, 241])
        >>> r = m.retention([1, 2, 3])
        >>> bool(r[0] < r[1] < r[2])
        True
        """
        alpha, beta = self._param_values(self._param_names)
        periods = _check_periods(t)
        if (periods < 1).any():
            raise InvalidValueError(
                "継続率は期1から定義されます / retention is defined from period 1 on",
                column="t",
                fix="t >= 1 を渡してください / pass t >= 1",
            )
        return (beta + periods - 1.0) / (alpha + beta + periods - 1.0)

    def project(self, n_periods: int) -> FloatArray:
        """Expected survivors of the fitted cohort at periods 0, 1, …, n_periods.

        Examples
        --------
        >>> from rashinban.clv import ShiftedBetaGeoModel
        >>> m = ShiftedBetaGeoModel().fit([1000, 631, 468, 382, 326, 289, 262, 241])
        >>> len(m.project(12))
        13
        """
        self._check_fitted()
        if int(n_periods) != n_periods or n_periods < 0:
            raise InvalidValueError(
                f"n_periods={n_periods} は0以上の整数ではありません / "
                f"n_periods={n_periods} is not a whole number >= 0",
                fix="12 のように指定してください / pass e.g. 12",
            )
        return self.n0_ * self.survival(np.arange(int(n_periods) + 1))

    def discounted_expected_residual_lifetime(
        self, discount_rate: float, renewals: int = 0
    ) -> float:
        """DERL of a customer about to make renewal ``renewals + 1`` (Fader & Hardie 2010, eq. 6).

        Fader, P. S. & Hardie, B. G. S. (2010). Customer-Base Valuation in a
        Contractual Setting: The Perils of Ignoring Heterogeneity. *Marketing
        Science* 29(1). With n = renewals + 1,
        DERL = (β+n−1)/(α+β+n−1) · ₂F₁(1, β+n; α+β+n; 1/(1+d)), the expected
        number of further periods paid for, each discounted at rate d per period
        (multiply by the margin per period to get the residual value).

        Examples
        --------
        >>> from rashinban.clv import ShiftedBetaGeoModel
        >>> m = ShiftedBetaGeoModel().fit([1000, 631, 468, 382, 326, 289, 262, 241])
        >>> bool(m.discounted_expected_residual_lifetime(0.1) > 0)
        True
        """
        alpha, beta = self._param_values(self._param_names)
        if discount_rate <= 0:
            raise InvalidValueError(
                f"discount_rate={discount_rate} は正の値にしてください (0では発散します) / "
                f"discount_rate={discount_rate} must be positive (the series diverges at 0)",
                fix="1期10%なら 0.1 のように指定してください / pass e.g. 0.1 for 10% per period",
            )
        if int(renewals) != renewals or renewals < 0:
            raise InvalidValueError(
                f"renewals={renewals} は0以上の整数ではありません / "
                f"renewals={renewals} is not a whole number >= 0",
                fix="これまでの更新回数を 0, 1, 2 … で渡してください / "
                "pass the number of renewals so far: 0, 1, 2 …",
            )
        n = float(renewals) + 1.0
        lead = (beta + n - 1.0) / (alpha + beta + n - 1.0)
        return float(lead * hyp2f1(1.0, beta + n, alpha + beta + n, 1.0 / (1.0 + discount_rate)))


# α and β both above this: the Beta distribution of the churn probability has
# collapsed to a point (its sd is below 2%), the no-heterogeneity limit of the sBG.
_RUNAWAY = 1e3


def _cohort_problems(n: FloatArray) -> tuple[str, str]:
    """What in a survivor series keeps the sBG from fitting it (Japanese, English)."""
    problems: list[tuple[str, str]] = []
    fractional = n != np.round(n)
    if fractional.any():
        first = int(np.flatnonzero(fractional)[0])
        problems.append(
            (
                f"survivors に整数でない値があります (位置 {first}: {n[first]:g})。"
                "割合や平均ではなく顧客数を渡してください",
                f"survivors holds values that are not whole numbers (position {first}: "
                f"{n[first]:g}); pass counts of customers, not shares or averages",
            )
        )
    if (n == 0).any():
        period = int(np.flatnonzero(n == 0)[0])
        problems.append(
            (
                f"期{period}でコホート全員が解約しています (継続数0)。"
                "0になる前の期までを渡してください",
                f"the whole cohort has cancelled by period {period} (0 survivors); pass the "
                "periods before it reached 0",
            )
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        kept = n[1:] / n[:-1]
    kept = kept[np.isfinite(kept)]
    if kept.size >= 2 and kept[-1] <= kept[0]:
        problems.append(
            (
                f"継続率が上がっていません ({kept[0]:.0%} → {kept[-1]:.0%})。sBGモデルは"
                "解約しやすい顧客から抜けて継続率が上がっていくことを前提にしています",
                f"the retention rate does not rise ({kept[0]:.0%} → {kept[-1]:.0%}); the sBG "
                "model assumes it rises as the customers likeliest to cancel leave first",
            )
        )
    if not problems:
        problems.append(
            (
                "survivors が1つのコホートの期0からの継続数か確かめてください",
                "check that survivors are one cohort's counts, period 0 first",
            )
        )
    return "。".join(p[0].rstrip("。") for p in problems), "; ".join(p[1] for p in problems)


def _check_periods(t: ArrayLike) -> FloatArray:
    periods = as_float_array(t, "t")
    if (periods < 0).any():
        raise InvalidValueError(
            "t に負の値は使えません / t cannot be negative",
            column="t",
            fix="0以上の期を渡してください / pass periods >= 0",
        )
    return periods

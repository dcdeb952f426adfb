"""The shifted-beta-geometric (sBG) model of contract retention.

Fader, P. S. & Hardie, B. G. S. (2007). How to Project Customer Retention.
*Journal of Interactive Marketing* 21(1), 76-90. Each customer renews each
period with a constant probability 1 − θ until she cancels; θ ~ Beta(α, β)
across customers, so the cohort's retention rate rises over time.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.special import betaln, hyp2f1

from rashinban._errors import InvalidValueError, NotEnoughDataError
from rashinban.clv._base import BaseModel
from rashinban.clv._inputs import (
    ArrayLike,
    FloatArray,
    as_float_array,
    check_weights,
    same_length,
    wsum,
)

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

        return self._fit_negll(negll, _cohort_problems(n))

    def fit_durations(
        self, durations: ArrayLike, ended: ArrayLike, weights: ArrayLike | None = None
    ) -> ShiftedBetaGeoModel:
        """Fit on contracts one by one, those still running censored (FH 2007, eq. 5, 6).

        A company's contracts start on different dates, so they are not one cohort
        whose survivors could be counted period by period. Each contract tells how
        many periods it has paid (``durations``, 1 for the first) and whether it has
        ended: one that ended after t paid periods contributes P(T = t), one still
        running after t paid periods contributes P(T ≥ t) = S(t − 1). A cohort's
        survivors written out contract by contract give the same fit as
        :meth:`fit`.

        Parameters
        ----------
        durations : array-like
            Periods paid by each contract (whole numbers ≥ 1).
        ended : array-like
            True (1) where the contract has ended, False (0) where it still runs.
        weights : array-like, optional
            How many contracts each row stands for (default 1 each).

        Returns
        -------
        ShiftedBetaGeoModel
            ``self``, fitted; ``n0_`` is the number of contracts and ``n_periods_``
            the longest duration.

        Examples
        --------
        >>> from rashinban.clv import ShiftedBetaGeoModel
        >>> lost = [369, 163, 86, 56, 37, 27, 21]  # the "regular" cohort, years 1-7
        >>> m = ShiftedBetaGeoModel().fit_durations(
        ...     [1, 2, 3, 4, 5, 6, 7, 8], [1] * 7 + [0], weights=[*lost, 241])
        >>> round(m.params_["alpha"], 3), round(m.params_["beta"], 3)
        (0.704, 1.182)
        """
        t, e = _check_durations(durations, ended)
        w = check_weights(weights, t.size)
        keys = t * 2.0 + e
        unique, codes = np.unique(keys, return_inverse=True)
        counts = np.bincount(codes, weights=w)
        t_u, e_u = np.floor(unique / 2.0), unique % 2.0
        n_ended = float(counts[e_u == 1].sum())
        if counts.sum() < 10 or n_ended < 1:
            raise NotEnoughDataError(
                f"sBGモデルには契約10件以上、うち終了した契約1件以上が必要です (現在 "
                f"{counts.sum():g}件、終了 {n_ended:g}件) / the sBG model needs at least 10 "
                f"contracts, one of them ended ({counts.sum():g} given, {n_ended:g} ended)",
                column="ended",
                fix="解約の起きた期間を含む契約の記録を渡してください / "
                "pass contracts over a span in which some ended",
            )
        self.n_periods_ = int(t_u.max())
        self.n0_ = float(counts.sum())
        self.n_obs_ = round(self.n0_)
        ended_w, running_w = counts * e_u, counts * (1.0 - e_u)

        def negll(theta: FloatArray) -> float:
            alpha, beta = np.exp(theta)
            base = betaln(alpha, beta)
            log_pt = betaln(alpha + 1.0, beta + t_u - 1.0) - base
            log_st = betaln(alpha, beta + t_u - 1.0) - base
            return -(wsum(ended_w, log_pt) + wsum(running_w, log_st))

        problems = (
            "解約率が契約によらず同じに見えるか、支払済み期数と終了の記録に誤りがあります",
            "the churn rate looks the same for every contract, or the periods paid and the "
            "ended flags are wrong",
        )
        return self._fit_negll(negll, problems)

    def _fit_negll(
        self, negll: Callable[[FloatArray], float], problems: tuple[str, str]
    ) -> ShiftedBetaGeoModel:
        """Maximise the likelihood from α = β = 1; ``problems`` says what to check if it fails."""
        self._cohort = problems
        self._maximise(
            negll,
            np.zeros(2),
            total_weight=self.n0_,
            maxiter=self.maxiter,
            raise_on_failure=self.raise_on_failure,
        )
        self._check_identified()
        return self

    def expected_payments(
        self, periods: ArrayLike, paid: ArrayLike, discount_rate: float = 0.0
    ) -> FloatArray:
        """Expected number of the next ``periods`` periods a running contract pays for.

        For a contract that has paid ``paid`` periods (so T ≥ paid), period k ahead
        is paid with probability S(paid + k − 1) / S(paid − 1); each is discounted
        by (1 + d)^k. Over an endless horizon this is DERL / (1 + d)
        (:meth:`discounted_expected_residual_lifetime` counts the period about to
        be paid undiscounted).

        Parameters
        ----------
        periods : int or array-like
            Horizon in periods, one for all or one per contract.
        paid : array-like
            Periods each contract has paid so far (≥ 1).
        discount_rate : float
            Discount rate per period (0 for undiscounted counts).

        Examples
        --------
        >>> from rashinban.clv import ShiftedBetaGeoModel
        >>> m = ShiftedBetaGeoModel().fit([1000, 631, 468, 382, 326, 289, 262, 241])
        >>> [round(float(v), 3) for v in m.expected_payments(1, [1, 7])]
        [0.627, 0.911]
        """
        alpha, beta = self._param_values(self._param_names)
        n = _check_periods(paid)
        if (n < 1).any() or (n != np.round(n)).any():
            raise InvalidValueError(
                "paid は支払済みの期数 (1以上の整数) です / paid counts periods paid "
                "(whole numbers >= 1)",
                column="paid",
                fix="1期目を払った契約は 1 を渡してください / pass 1 for a contract that "
                "has paid its first period",
            )
        h = np.broadcast_to(_check_periods(periods), n.shape)
        if not discount_rate > -1:
            raise InvalidValueError(
                f"discount_rate={discount_rate} は-1より大きくしてください / "
                f"discount_rate={discount_rate} must be above -1",
                fix="1期1%なら 0.01 のように指定してください / pass e.g. 0.01 for 1% per period",
            )
        base = betaln(alpha, beta + n - 1.0)
        total = np.zeros(n.shape)
        for k in range(1, int(h.max(initial=0.0)) + 1):
            term = np.exp(betaln(alpha, beta + n + k - 1.0) - base) / (1.0 + discount_rate) ** k
            total += np.where(k <= h, term, 0.0)
        return total

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


def _check_durations(durations: ArrayLike, ended: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Periods paid (whole numbers ≥ 1) and ended flags (0/1) of each contract."""
    t, e = same_length(
        ("durations", as_float_array(durations, "durations")),
        ("ended", as_float_array(ended, "ended")),
    )
    bad = (t < 1) | (t != np.round(t))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise InvalidValueError(
            f"durations は支払済みの期数 (1以上の整数) です: {int(bad.sum())}件が違います "
            f"(最初は位置 {first}) / durations counts periods paid (whole numbers >= 1): "
            f"{int(bad.sum())} values are not (first at position {first})",
            column="durations",
            value=t[first],
            fix="1期目も払っていない契約は除いてください / leave out contracts that have not "
            "paid their first period",
        )
    if not np.isin(e, (0.0, 1.0)).all():
        first = int(np.flatnonzero(~np.isin(e, (0.0, 1.0)))[0])
        raise InvalidValueError(
            f"ended は終了した契約が 1 (True)、継続中が 0 (False) です (位置 {first}) / "
            f"ended is 1 (True) for a contract that ended, 0 (False) for one still running "
            f"(position {first})",
            column="ended",
            value=e[first],
            fix="True/False か 1/0 を渡してください / pass True/False or 1/0",
        )
    return np.ascontiguousarray(t), np.ascontiguousarray(e)

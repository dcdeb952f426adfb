"""The sBG fitted contract by contract (running contracts censored) and its expected payments.

Fader, P. S. & Hardie, B. G. S. (2007). How to Project Customer Retention. Journal of
Interactive Marketing 21(1), 76-90, Table 1 (the "regular" and "high end" cohorts):
written out one contract per customer, a cohort gives the same likelihood as its
survivor counts, so ``fit_durations`` must land on the published α and β.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import betaln

from rashinban._errors import InvalidValueError, NotEnoughDataError
from rashinban.clv import ShiftedBetaGeoModel

REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]


def _contracts(survivors: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(durations, ended, counts): those lost in year t paid t years; the rest still run."""
    lost = -np.diff(survivors)
    n = len(survivors)
    durations = np.arange(1, n + 1, dtype=float)
    ended = np.r_[np.ones(n - 1), 0.0]
    return durations, ended, np.r_[lost, survivors[-1]].astype(float)


@pytest.mark.parametrize(
    ("survivors", "alpha", "beta"), [(REGULAR, 0.704, 1.182), (HIGH_END, 0.668, 3.806)]
)
def test_contract_by_contract_fit_lands_on_the_published_cohort_estimates(
    survivors: list[int], alpha: float, beta: float
) -> None:
    t, e, w = _contracts(survivors)
    by_counts = ShiftedBetaGeoModel().fit_durations(t, e, weights=w)
    one_by_one = ShiftedBetaGeoModel().fit_durations(
        np.repeat(t, w.astype(int)), np.repeat(e, w.astype(int))
    )
    cohort = ShiftedBetaGeoModel().fit(survivors)
    for m in (by_counts, one_by_one):
        assert round(m.params_["alpha"], 3) == alpha and round(m.params_["beta"], 3) == beta
        assert m.log_likelihood_ == pytest.approx(cohort.log_likelihood_, rel=1e-9)
        for k in ("alpha", "beta"):
            assert m.params_[k] == pytest.approx(cohort.params_[k], rel=1e-5)
            assert m.standard_errors_[k] == pytest.approx(cohort.standard_errors_[k], rel=1e-3)
    assert by_counts.n_obs_ == one_by_one.n_obs_ == 1000


def test_staggered_censored_contracts_recover_the_planted_churn_distribution() -> None:
    # 20,000 contracts started over 36 months, churn probability θ ~ Beta(0.9, 6), each
    # observed up to the same day: the later ones are censored early.
    rng = np.random.default_rng(7)
    theta = rng.beta(0.9, 6.0, 20000)
    lifetime = rng.geometric(theta)  # periods paid before cancelling
    observed = rng.integers(1, 37, theta.size)  # periods paid by the as-of day if still running
    ended = lifetime <= observed
    m = ShiftedBetaGeoModel().fit_durations(np.minimum(lifetime, observed), ended)
    print(f"\nplanted α 0.9 β 6.0 → {m.params_}, se {m.standard_errors_}")
    for k, truth in (("alpha", 0.9), ("beta", 6.0)):
        assert abs(m.params_[k] - truth) < 3 * m.standard_errors_[k]
    # The fitted survival follows the planted one; ignoring the censoring (every
    # contract read as ended) would lose two thirds of the customers still there at 24.
    periods = np.array([6, 12, 24])
    planted = np.exp(betaln(0.9, 6.0 + periods) - betaln(0.9, 6.0))
    assert np.allclose(m.survival(periods), planted, atol=0.02)
    durations = np.minimum(lifetime, observed)
    naive = ShiftedBetaGeoModel().fit_durations(durations, np.ones(theta.size))
    assert naive.survival([24])[0] < 0.4 * planted[-1]


def test_expected_payments_agree_with_retention_and_the_discounted_residual_lifetime() -> None:
    m = ShiftedBetaGeoModel().fit(REGULAR)
    paid = np.arange(1, 9)
    # One period ahead: the retention rate of the next renewal, r = (β+n−1)/(α+β+n−1).
    assert np.allclose(m.expected_payments(1, paid), m.retention(paid), rtol=1e-12)
    # Summed by hand from the survival function.
    s = m.survival(np.arange(0, 40))
    by_hand = [sum(s[n + k - 1] / s[n - 1] / 1.1**k for k in range(1, 13)) for n in paid]
    assert np.allclose(m.expected_payments(12, paid, 0.1), by_hand, rtol=1e-12)
    # An endless horizon: DERL (Fader & Hardie 2010), whose first period is undiscounted.
    for n in (1, 3, 7):
        derl = m.discounted_expected_residual_lifetime(0.1, renewals=n - 1)
        far = float(m.expected_payments(2000, [n], 0.1)[0])
        assert far == pytest.approx(derl / 1.1, rel=1e-9)
    # One horizon per contract; zero periods pay nothing.
    assert m.expected_payments([0, 2], [3, 3]).tolist() == pytest.approx(
        [0.0, float(m.expected_payments(2, [3])[0])]
    )


def test_contract_durations_that_cannot_be_read_are_refused() -> None:
    with pytest.raises(InvalidValueError, match="durations counts periods paid") as info:
        ShiftedBetaGeoModel().fit_durations([1, 0, 3], [1, 0, 0])
    assert info.value.column == "durations"
    with pytest.raises(InvalidValueError, match="durations counts periods paid"):
        ShiftedBetaGeoModel().fit_durations([1, 2.5], [1, 0])
    with pytest.raises(InvalidValueError, match="ended is 1"):
        ShiftedBetaGeoModel().fit_durations([1, 2], [1, 2])
    with pytest.raises(InvalidValueError, match="differ in length"):
        ShiftedBetaGeoModel().fit_durations([1, 2, 3], [1, 0])
    with pytest.raises(NotEnoughDataError, match="at least 10 contracts, one of them ended"):
        ShiftedBetaGeoModel().fit_durations([1, 2, 3] * 5, [0] * 15)
    m = ShiftedBetaGeoModel().fit(REGULAR)
    with pytest.raises(InvalidValueError, match="paid counts periods paid"):
        m.expected_payments(3, [0, 1])

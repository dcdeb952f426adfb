"""Common mistakes get a rashinban error naming the input; degenerate fits are refused."""

from __future__ import annotations

import numpy as np
import pytest

from rashinban import ConvergenceError, InvalidValueError, NotEnoughDataError
from rashinban.clv import (
    BetaGeoModel,
    GammaGammaModel,
    ParetoNBDModel,
    ShiftedBetaGeoModel,
    customer_lifetime_value,
    simulate_bgnbd,
)

FREQ = [0, 1, 3, 2, 0, 5, 1]
REC = [0, 4, 20, 30, 0, 33, 38]
AGE = [39] * 7


@pytest.mark.parametrize("model_cls", [BetaGeoModel, ParetoNBDModel])
def test_columns_of_different_lengths_name_each_length(model_cls) -> None:
    with pytest.raises(InvalidValueError) as info:
        model_cls().fit(FREQ[:4], REC, AGE)
    assert info.value.column == "frequency"
    assert "frequency=4, recency=7, T=7" in info.value.message
    assert info.value.message.startswith("配列の長さが揃っていません")
    # One value for every customer (a common age) is still read as that.
    assert model_cls().fit(FREQ, REC, 39).n_obs_ == 7


def test_gamma_gamma_and_clv_lengths_are_checked() -> None:
    with pytest.raises(InvalidValueError, match="frequency=3, monetary_value=2"):
        GammaGammaModel().fit([1, 2, 3], [1.0, 2.0])
    bg = BetaGeoModel().fit(FREQ, REC, AGE)
    with pytest.raises(InvalidValueError, match="monetary_value=2"):
        customer_lifetime_value(bg, None, [1, 2, 3], [4, 5, 6], [39] * 3, [10.0, 20.0])
    with pytest.raises(InvalidValueError, match="t=2"):
        bg.expected_purchases([1.0, 2.0], [1, 2, 3], [4, 5, 6], [39] * 3)


@pytest.mark.parametrize("model_cls", [BetaGeoModel, ParetoNBDModel])
def test_too_little_data_is_not_enough_data(model_cls) -> None:
    # Empty input, one customer, and customers without any repeat purchase: the
    # likelihood has no maximum to find (it used to report start values or 2e11).
    for args in (([], [], []), (1, 1, 2), (np.zeros(50), np.zeros(50), np.full(50, 10.0))):
        with pytest.raises(NotEnoughDataError) as info:
            model_cls().fit(*args)
        assert info.value.column == "frequency"
        assert "needs at least 4 customers, 2 of them with repeat purchases" in str(info.value)
    with pytest.raises(NotEnoughDataError, match=r"\(50 given, 0 with repeat purchases\)"):
        model_cls().fit(np.zeros(50), np.zeros(50), np.full(50, 10.0))
    with pytest.raises(NotEnoughDataError, match="4社以上、うちリピート購入のある顧客が2社以上"):
        model_cls().fit([1, 0, 2], [3, 0, 4], [5, 6, 7])


def test_gamma_gamma_settings_must_be_numbers() -> None:
    with pytest.raises(InvalidValueError) as info:
        GammaGammaModel(q="x").fit([1, 2, 3], [10.0, 20.0, 30.0])  # type: ignore[arg-type]
    assert info.value.message == "q='x' は数値ではありません / q='x' is not a number"
    with pytest.raises(InvalidValueError, match=r"q_min=1\.0"):
        GammaGammaModel(q_min="none").fit([1, 2, 3], [10.0, 20.0, 30.0])  # type: ignore[arg-type]


def test_clv_refuses_a_model_without_the_needed_prediction() -> None:
    sbg = ShiftedBetaGeoModel().fit([1000, 631, 468, 382, 326, 289, 262, 241])
    with pytest.raises(InvalidValueError) as info:
        customer_lifetime_value(sbg, None, [1], [4], [39], [10.0])  # type: ignore[arg-type]
    assert "ShiftedBetaGeoModel (it has no expected_purchases)" in info.value.message
    assert "discounted_expected_residual_lifetime" in (info.value.fix or "")
    bg = BetaGeoModel().fit(FREQ, REC, AGE)
    with pytest.raises(InvalidValueError, match="value_model cannot be a BetaGeoModel"):
        customer_lifetime_value(bg, bg, [1], [4], [39], [10.0])  # type: ignore[arg-type]


def test_a_fit_where_nobody_leaves_is_refused_whichever_way_it_runs_off() -> None:
    # All ten customers still buying at the end of the window: a/(a+b) → 0 (here with
    # a → 0 rather than b → ∞), and P(alive) would be 1 for everyone.
    x = np.array([3, 5, 2, 4, 6, 3, 2, 5, 4, 3], dtype=float)
    rec = np.full(10, 51.5)
    T = np.full(10, 52.0)
    with pytest.raises(ConvergenceError, match="runs to zero"):
        BetaGeoModel().fit(x, rec, T)
    # Pareto/NBD the same way: on this simulated sample s/β runs to ~1e-13 per week.
    d = simulate_bgnbd(20, {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, 39.0, seed=2)
    args = (d["frequency"], d["recency"], d["T"])
    with np.errstate(all="ignore"), pytest.raises(ConvergenceError, match="rate runs to zero"):
        ParetoNBDModel().fit(*args)
    with np.errstate(all="ignore"):
        kept = ParetoNBDModel(raise_on_failure=False).fit(*args)
    assert kept.converged_ is False
    assert kept.params_["s"] / kept.params_["beta"] * 39 < 1e-6


def test_sbg_convergence_error_says_what_is_wrong_with_the_cohort() -> None:
    with pytest.raises(ConvergenceError) as zero:
        ShiftedBetaGeoModel().fit([100, 50, 0])
    fix = zero.value.fix or ""
    assert "期2でコホート全員が解約しています" in fix
    assert "the whole cohort has cancelled by period 2 (0 survivors)" in fix
    assert "the retention rate does not rise (50% → 0%)" in fix
    assert "frequency" not in fix
    with pytest.raises(ConvergenceError) as frac:
        ShiftedBetaGeoModel().fit([100.5, 80, 60])
    fix = frac.value.fix or ""
    assert "not whole numbers (position 0: 100.5)" in fix
    assert "(80% → 75%)" in fix
    # The same falling retention in whole counts converges numerically, far out: refused too.
    with pytest.raises(ConvergenceError, match=r"alpha=.* and beta=.* run off together"):
        ShiftedBetaGeoModel().fit([100, 80, 60])
    with pytest.raises(ConvergenceError, match="churn probability runs to zero"):
        ShiftedBetaGeoModel().fit([100, 100, 100])
    # The published cohorts are untouched.
    m = ShiftedBetaGeoModel().fit([1000, 631, 468, 382, 326, 289, 262, 241])
    assert m.converged_ and round(m.params_["alpha"], 3) == 0.704


def test_gamma_gamma_convergence_advice_names_its_own_inputs() -> None:
    with pytest.raises(ConvergenceError) as info:
        GammaGammaModel(maxiter=1).fit([1, 2, 5, 3, 1, 4], [5.0, 80.0, 30.0, 12.0, 150.0, 22.0])
    fix = info.value.fix or ""
    assert "monetary_value (mean value per repeat purchase, in one currency)" in fix
    assert "recency" not in fix

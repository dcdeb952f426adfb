"""Common mistakes get a rashinban error naming the input; degenerate fits are refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rashinban import ConvergenceError, InvalidValueError, NotEnoughDataError, NotFittedError
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


@pytest.mark.parametrize(
    ("args", "column", "fix"),
    [
        # A weekly rfm_summary gives T = 0 to a customer first seen in the as-of week.
        (([0, 1, 2], [0, 3, 5], [0, 6, 9]), "T", "rfm['T'].clip(lower=1/7)"),
        (([1, 2], [7, 5], [6, 9]), "recency", "one as-of date and one time unit"),
        (([0, 2], [3, 5], [6, 9]), "recency", "pass frequency and recency from one summary"),
        (([1, -1], [3, 0], [5, 5]), "frequency", "the number of repeat purchases"),
        (([1.5, 2], [3, 4], [5, 5]), "frequency", "the number of repeat purchases"),
        (([1, 2], [-1, 4], [5, 5]), "recency", "from the first to the last purchase"),
    ],
)
def test_each_broken_summary_rule_names_its_own_fix(args, column, fix) -> None:
    # Not "check how the summary table was computed" for everything: the fix says what
    # to do about this rule, in Japanese and English.
    with pytest.raises(InvalidValueError) as info:
        BetaGeoModel().fit(*args)
    assert info.value.column == column
    assert fix in (info.value.fix or "")
    assert " / " in (info.value.fix or "")


def test_weights_nan_and_gamma_gamma_frequency_fixes_fit_the_argument() -> None:
    with pytest.raises(InvalidValueError) as weights:
        BetaGeoModel().fit(FREQ, REC, AGE, weights=[-1] * 7)
    assert "number of customers each row stands for" in (weights.value.fix or "")
    bg = BetaGeoModel().fit(FREQ, REC, AGE)
    with pytest.raises(InvalidValueError) as missing:
        bg.p_alive([np.nan], [0], [5])
    assert "before fitting" not in str(missing.value)  # a prediction, not a fit
    with pytest.raises(InvalidValueError) as negative:
        GammaGammaModel().fit([1, -2, 3], [10.0, 20.0, 30.0])
    assert negative.value.column == "frequency"
    assert "1 rows fail (first at position 1)" in negative.value.message
    assert "the number of repeat purchases" in (negative.value.fix or "")


def test_not_fitted_error_is_bilingual_with_a_fix() -> None:
    for call in (lambda: BetaGeoModel().p_alive([1], [1], [2]), lambda: GammaGammaModel().params_):
        with pytest.raises(NotFittedError) as info:
            call()
        assert info.value.message.split(" / ")[0].count("学習") >= 1
        assert "not fitted" in info.value.message
        assert info.value.fix is not None and "().fit(...) first" in info.value.fix
        assert str(info.value) == f"{info.value.message} — fix: {info.value.fix}"
    assert not hasattr(BetaGeoModel(), "params_")  # still an AttributeError


def test_a_bgnbd_fit_that_runs_off_raises_without_numpy_warnings() -> None:
    # Every buyer with at most one repeat purchase: the dropout probability runs to one,
    # and a line-search step to b = 0 used to print "divide by zero" (an error under
    # pytest) before the ConvergenceError.
    d = simulate_bgnbd(500, {"r": 0.24, "alpha": 4.4, "a": 0.79, "b": 2.4}, 39.0, seed=1)
    args = (np.minimum(d["frequency"], 1), d["recency"], d["T"])
    with pytest.raises(ConvergenceError, match="runs to one"):
        BetaGeoModel().fit(*args)
    assert BetaGeoModel(raise_on_failure=False).fit(*args).converged_ is False


@pytest.mark.parametrize("form", ["list", "numpy", "series", "frame", "nullable"])
def test_models_read_lists_arrays_series_and_frame_columns(form) -> None:
    frame = pd.DataFrame({"frequency": FREQ, "recency": REC, "T": AGE})
    frame["monetary_value"] = [0.0, 12.0, 30.0, 25.0, 0.0, 18.0, 40.0]
    survivors = [1000, 631, 468, 382, 326, 289, 262, 241]

    def cast(values: pd.Series) -> object:
        return {
            "list": values.tolist(),
            "numpy": values.to_numpy(),
            "series": pd.Series(values.to_numpy(), index=values.index + 100),
            "frame": values,
            "nullable": values.astype("Float64"),
        }[form]

    f, r, t, m = (cast(frame[c]) for c in ("frequency", "recency", "T", "monetary_value"))
    for model_cls in (BetaGeoModel, ParetoNBDModel):
        fitted = model_cls().fit(f, r, t, weights=None)
        assert fitted.params_ == model_cls().fit(FREQ, REC, AGE).params_
    gg = GammaGammaModel().fit(f, m, weights=None)
    assert gg.params_ == GammaGammaModel().fit(FREQ, frame["monetary_value"].tolist()).params_
    sbg = ShiftedBetaGeoModel().fit(cast(pd.Series(survivors)))
    assert sbg.params_ == ShiftedBetaGeoModel().fit(survivors).params_
    assert repr(sbg).startswith("<ShiftedBetaGeoModel fitted: alpha=0.7041, beta=1.182")

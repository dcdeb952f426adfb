"""Fitting contract: compression, fitted state, errors, planted truth, naive re-computations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from rashinban import ConvergenceError, InvalidValueError, NotEnoughDataError, NotFittedError
from rashinban.clv import (
    BetaGeoModel,
    GammaGammaModel,
    ParetoNBDModel,
    ShiftedBetaGeoModel,
    compress,
    customer_lifetime_value,
    simulate_bgnbd,
)

CDNOW_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


@pytest.fixture(scope="module")
def simulated() -> pd.DataFrame:
    # Weekly cohorts aged 20-52 weeks, recency recorded in days: many repeated rows.
    ages = np.repeat(np.arange(20.0, 53.0), 600)
    return simulate_bgnbd(ages.size, CDNOW_BGNBD, ages, seed=7, resolution=1 / 7)


def test_compress_counts_every_customer_once(simulated) -> None:
    x, t_x, T, w = compress(simulated["frequency"], simulated["recency"], simulated["T"])
    assert w.sum() == len(simulated)
    assert len(t_x) == len(T) == len(x)
    assert len(x) < len(simulated) / 2
    # Each unique row's weight is its count in the raw data (naive pandas count).
    counts = simulated.groupby(["frequency", "recency", "T"]).size()
    np.testing.assert_array_equal(w, counts.to_numpy())
    np.testing.assert_array_equal(x, counts.index.get_level_values(0).to_numpy())


@pytest.mark.parametrize("model_cls", [BetaGeoModel, ParetoNBDModel])
def test_weighted_unique_rows_equal_row_per_customer(model_cls, simulated) -> None:
    sub = simulated.iloc[::4]
    rows = model_cls(compress=False).fit(sub["frequency"], sub["recency"], sub["T"])
    x, t_x, T, w = compress(sub["frequency"], sub["recency"], sub["T"])
    weighted = model_cls().fit(x, t_x, T, weights=w)
    for name, value in rows.params_.items():
        assert weighted.params_[name] == pytest.approx(value, rel=1e-6), name
    assert weighted.log_likelihood_ == pytest.approx(rows.log_likelihood_, rel=1e-9)
    assert weighted.n_obs_ == rows.n_obs_ == len(sub)


def test_gamma_gamma_weights_equal_repeated_rows(cdnow_monetary) -> None:
    d = cdnow_monetary[cdnow_monetary["frequency"] > 0].iloc[:300]
    reps = np.arange(len(d)) % 3 + 1
    repeated = d.loc[d.index.repeat(reps)]
    a = GammaGammaModel().fit(repeated["frequency"], repeated["monetary_value"])
    b = GammaGammaModel().fit(d["frequency"], d["monetary_value"], weights=reps)
    for name in ("p", "q", "v"):
        assert b.params_[name] == pytest.approx(a.params_[name], rel=1e-5)


def test_bgnbd_recovers_planted_parameters(simulated) -> None:
    m = BetaGeoModel().fit(simulated["frequency"], simulated["recency"], simulated["T"])
    table = m.summary()
    for name, truth in CDNOW_BGNBD.items():
        # The 99.9% interval must cover the value the data were drawn from.
        lo, hi = m.summary(level=0.999).loc[name, ["ci_lower", "ci_upper"]]
        assert lo < truth < hi, (name, lo, truth, hi)
    assert list(table.columns) == ["estimate", "se", "ci_lower", "ci_upper", "description"]
    assert (table["ci_lower"] < table["estimate"]).all()
    assert (table["estimate"] < table["ci_upper"]).all()
    # p_alive separates the customers who are truly alive from the dead ones.
    pa = m.p_alive(simulated["frequency"], simulated["recency"], simulated["T"])
    alive = simulated["alive"].to_numpy()
    assert pa[alive].mean() > pa[~alive].mean() + 0.2


@pytest.mark.parametrize(
    ("model", "call"),
    [
        (BetaGeoModel(), lambda m: m.p_alive([1], [2], [3])),
        (BetaGeoModel(), lambda m: m.expected_purchases(1, [1], [2], [3])),
        (ParetoNBDModel(), lambda m: m.expected_purchases_new([1.0])),
        (ParetoNBDModel(), lambda m: m.summary()),
        (GammaGammaModel(), lambda m: m.conditional_expected_value([1], [2.0])),
        (ShiftedBetaGeoModel(), lambda m: m.project(5)),
        (ShiftedBetaGeoModel(), lambda m: m.params_),
    ],
)
def test_not_fitted_error_before_fit(model, call) -> None:
    with pytest.raises(NotFittedError):
        call(model)
    assert "not fitted" in repr(model)


def test_convergence_error_says_why(cdnow_summary) -> None:
    args = (cdnow_summary["frequency"], cdnow_summary["recency"], cdnow_summary["T"])
    with pytest.raises(ConvergenceError, match=r"did not converge after 1 iterations.*gradient"):
        BetaGeoModel(maxiter=1).fit(*args)
    # It reaches users through the CLI, so it reads Japanese first, with the fix.
    with pytest.raises(ConvergenceError) as info:
        BetaGeoModel(maxiter=1).fit(*args)
    assert info.value.message.startswith("BetaGeoModel の推定が1回の反復で収束しませんでした")
    assert info.value.fix is not None and info.value.fix.startswith("maxiter を増やすか")
    assert str(info.value) == f"{info.value.message} — fix: {info.value.fix}"
    with pytest.raises(ConvergenceError, match="maxiter"):
        ParetoNBDModel(maxiter=2).fit(*args)
    m = BetaGeoModel(maxiter=1, raise_on_failure=False).fit(*args)
    assert m.converged_ is False
    assert set(m.params_) == {"r", "alpha", "a", "b"}
    with pytest.raises(ConvergenceError):
        ShiftedBetaGeoModel(maxiter=1).fit([1000, 631, 468, 382, 326, 289, 262, 241])


def test_a_fit_without_any_sign_of_dropout_is_refused() -> None:
    # Everyone keeps buying up to the end of the window: the likelihood keeps rising as
    # b → ∞, and an "optimum" with P(alive) = 1 for all would read as "nobody at risk".
    rng = np.random.default_rng(1)
    T = np.full(200, 52.0)
    x = rng.poisson(5, 200).astype(float)
    recency = np.where(x > 0, T - rng.uniform(0, 1, 200), 0.0)
    with pytest.raises(ConvergenceError, match="dropout probability runs to zero"):
        BetaGeoModel().fit(x, recency, T)
    m = BetaGeoModel(raise_on_failure=False).fit(x, recency, T)
    assert m.params_["a"] / (m.params_["a"] + m.params_["b"]) < 1e-6


@pytest.mark.parametrize(
    ("frequency", "recency", "T", "column"),
    [
        ([1, -1], [1, 0], [5, 5], "frequency"),
        ([1.5], [1], [5], "frequency"),
        ([2], [6], [5], "recency"),
        ([0], [2], [5], "recency"),
        ([0], [0], [0], "T"),
        ([1, np.nan], [1, 1], [5, 5], "frequency"),
    ],
)
def test_bad_summary_rows_are_rejected_with_the_column(frequency, recency, T, column) -> None:
    with pytest.raises(InvalidValueError) as info:
        BetaGeoModel().fit(frequency, recency, T)
    assert info.value.column == column
    assert "fix" in str(info.value)


def test_gamma_gamma_input_errors() -> None:
    with pytest.raises(InvalidValueError, match="positive"):
        GammaGammaModel().fit([1, 2], [10.0, -3.0])
    with pytest.raises(NotEnoughDataError):
        GammaGammaModel().fit([0, 0, 1], [0.0, 0.0, 5.0])


def test_gamma_gamma_refuses_an_infinite_mean(cdnow_monetary) -> None:
    m = GammaGammaModel(q=0.9).fit(cdnow_monetary["frequency"], cdnow_monetary["monetary_value"])
    with pytest.raises(InvalidValueError, match="q_min"):
        m.conditional_expected_value([1], [10.0])


def test_gamma_gamma_conditional_value_is_the_credibility_average(cdnow_monetary) -> None:
    # FHL (2005, RFM and CLV, eq. 5): a weighted average of the population mean
    # p·v/(q−1) and the customer's own mean, with weight p·x/(p·x+q−1) on the latter.
    m = GammaGammaModel().fit(cdnow_monetary["frequency"], cdnow_monetary["monetary_value"])
    p, q, v = m.params_["p"], m.params_["q"], m.params_["v"]
    for x, zbar in [(1, 10.0), (4, 35.0), (20, 80.0), (0, 50.0)]:
        weight = p * x / (p * x + q - 1)
        expected = (1 - weight) * p * v / (q - 1) + weight * zbar
        assert m.conditional_expected_value([x], [zbar])[0] == pytest.approx(expected, rel=1e-12)


def test_sbg_against_the_papers_recursion() -> None:
    # Fader & Hardie (2007, eq. 7): P(T=1) = α/(α+β), P(T=t) = (β+t−2)/(α+β+t−1)·P(T=t−1);
    # S(t) = 1 − Σ P(T=τ). The naive recursion must give our closed-form survival.
    m = ShiftedBetaGeoModel().fit([1000, 869, 743, 653, 593, 551, 517, 491])
    alpha, beta = m.params_["alpha"], m.params_["beta"]
    probs = [alpha / (alpha + beta)]
    for t in range(2, 21):
        probs.append((beta + t - 2) / (alpha + beta + t - 1) * probs[-1])
    survival = 1 - np.cumsum(probs)
    np.testing.assert_allclose(m.survival(np.arange(1, 21)), survival, rtol=1e-10)
    retention = survival[1:] / survival[:-1]
    np.testing.assert_allclose(m.retention(np.arange(2, 21)), retention, rtol=1e-10)
    assert m.project(3)[0] == 1000


@pytest.mark.parametrize(("d", "renewals"), [(0.1, 0), (0.1, 4), (0.25, 1)])
def test_sbg_derl_against_brute_force_sum(d, renewals) -> None:
    # DERL = Σ_{t≥n} S(t)/S(n−1) (1+d)^-(t−n), n = renewals + 1 (Fader & Hardie 2010).
    m = ShiftedBetaGeoModel().fit([1000, 631, 468, 382, 326, 289, 262, 241])
    n = renewals + 1
    t = np.arange(n, n + 4000)
    s = m.survival(t) / m.survival([n - 1])[0]
    brute = float(np.sum(s * np.exp(-(t - n) * np.log1p(d))))
    assert m.discounted_expected_residual_lifetime(d, renewals) == pytest.approx(brute, rel=1e-9)


def test_sbg_rejects_bad_survivors() -> None:
    with pytest.raises(InvalidValueError):
        ShiftedBetaGeoModel().fit([1000, 1100, 900])
    with pytest.raises(NotEnoughDataError):
        ShiftedBetaGeoModel().fit([1000, 900])


def test_clv_is_a_discounted_sum_of_monthly_increments(cdnow_summary) -> None:
    d = cdnow_summary.iloc[:50]
    bg = BetaGeoModel().fit(
        cdnow_summary["frequency"], cdnow_summary["recency"], cdnow_summary["T"]
    )
    value = np.full(len(d), 30.0)
    clv = customer_lifetime_value(
        bg, None, d["frequency"], d["recency"], d["T"], value, time=6, discount_rate=0.02
    )
    # Naive loop: month k's purchases, valued at 30, discounted by 1.02^k.
    for i in range(len(d)):
        row = d.iloc[i]
        total, before = 0.0, 0.0
        for k in range(1, 7):
            cum = bg.expected_purchases(k * 4.345, [row["frequency"]], [row["recency"]], [row["T"]])
            total += 30.0 * (cum[0] - before) / 1.02**k
            before = cum[0]
        assert clv[i] == pytest.approx(total, rel=1e-12)
    with pytest.raises(InvalidValueError, match="freq"):
        customer_lifetime_value(bg, None, [1], [1], [2], [1.0], freq="Y")


def test_simulation_is_seeded_and_has_the_bgnbd_mean() -> None:
    a = simulate_bgnbd(2000, CDNOW_BGNBD, 39.0, seed=3)
    b = simulate_bgnbd(2000, CDNOW_BGNBD, 39.0, seed=3)
    pd.testing.assert_frame_equal(a, b)
    big = simulate_bgnbd(200_000, CDNOW_BGNBD, 39.0, seed=4)
    # E[X(39)] of the BG/NBD (FHL 2005, eq. 9), computed here from its series form.
    r, alpha, aa, bb = CDNOW_BGNBD.values()
    z = 39 / (alpha + 39)
    term, total = 1.0, 0.0
    for j in range(400):
        total += term * z**j
        term *= (r + j) * (bb + j) / (aa + bb - 1 + j) / (j + 1)
    mean = (aa + bb - 1) / (aa - 1) * (1 - (alpha / (alpha + 39)) ** r * total)
    assert big["frequency"].mean() == pytest.approx(mean, rel=0.03)
    assert math.isclose(float(mean), 1.0, rel_tol=0.6)
    assert (big["recency"] <= big["T"]).all()
    assert (big.loc[big["frequency"] == 0, "recency"] == 0).all()


def test_bgnbd_objective_against_naive_likelihood_and_finite_differences() -> None:
    # FHL (2005, eq. 6) written out per customer with math.lgamma: the vectorised,
    # frequency-aggregated objective must give the same value, and its analytic
    # gradient must match central differences of that value.
    from rashinban.clv._betageo import _Objective

    df = simulate_bgnbd(400, CDNOW_BGNBD, 39.0, seed=11, resolution=1 / 7)
    x, t_x, T = (df[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    w = np.arange(len(x)) % 3 + 1.0
    r, alpha, a, b = 0.3, 5.0, 0.6, 1.7
    naive = 0.0
    for xi, ti, Ti, wi in zip(x, t_x, T, w, strict=True):
        lbeta = math.lgamma(a) + math.lgamma(b + xi) - math.lgamma(a + b + xi)
        lbeta -= math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
        head = math.lgamma(r + xi) - math.lgamma(r) + r * math.log(alpha) + lbeta
        like = (alpha + Ti) ** -(r + xi)
        if xi > 0:
            like += a / (b + xi - 1) * (alpha + ti) ** -(r + xi)
        naive += wi * (head + math.log(like))
    objective = _Objective(x, t_x, T, w)
    theta = np.log([r, alpha, a, b])
    value, grad = objective(theta)
    assert -value == pytest.approx(naive, rel=1e-12)
    for i in range(4):
        e = np.zeros(4)
        e[i] = 1e-6
        numeric = (objective(theta + e)[0] - objective(theta - e)[0]) / 2e-6
        assert grad[i] == pytest.approx(numeric, rel=1e-5, abs=1e-4)


def test_large_fit_with_warm_start_matches_lifetimes() -> None:
    # Above 20,000 unique rows the BG/NBD fit starts from a subsample fit; the
    # final estimate must still be the full-data MLE, which lifetimes (given the
    # same unique rows and weights) finds independently.
    from lifetimes import BetaGeoFitter

    ages = np.repeat(np.arange(13.0, 79.0), 1200)
    df = simulate_bgnbd(ages.size, CDNOW_BGNBD, ages, seed=5, resolution=1 / 7)
    x, t_x, T, w = compress(df["frequency"], df["recency"], df["T"])
    assert len(x) > 20_000
    ours = BetaGeoModel().fit(df["frequency"], df["recency"], df["T"])
    assert ours.converged_
    peer = BetaGeoFitter().fit(x, t_x, T, weights=w.astype(int))
    for name in ("r", "alpha", "a", "b"):
        assert ours.params_[name] == pytest.approx(peer.params_[name], rel=1e-5)


@pytest.mark.parametrize("module", ["_betageo", "_paretonbd"])
def test_warm_start_does_not_move_the_optimum(module, simulated, monkeypatch) -> None:
    # Lower the threshold so that a small data set takes the warm-start path;
    # the estimate must equal the cold start's.
    import importlib

    mod = importlib.import_module(f"rashinban.clv.{module}")
    model_cls = BetaGeoModel if module == "_betageo" else ParetoNBDModel
    sub = simulated.iloc[::3]
    args = (sub["frequency"], sub["recency"], sub["T"])
    cold = model_cls().fit(*args)
    monkeypatch.setattr(mod, "WARM_START_ROWS", 1_000)
    warm = model_cls().fit(*args)
    for name, value in cold.params_.items():
        assert warm.params_[name] == pytest.approx(value, rel=1e-6), name
    assert warm.optimizer_result_.nit < cold.optimizer_result_.nit


def test_summary_in_japanese_and_english_with_bounded_q(cdnow_monetary) -> None:
    d = cdnow_monetary
    fixed = GammaGammaModel(q=3.74).fit(d["frequency"], d["monetary_value"]).summary()
    # A fixed q has no uncertainty: its interval collapses on the value.
    assert fixed.loc["q", ["estimate", "ci_lower", "ci_upper"]].tolist() == [3.74] * 3
    assert fixed.loc["q", "se"] == 0.0
    bounded = GammaGammaModel(q_min=3.0).fit(d["frequency"], d["monetary_value"])
    table = bounded.summary(level=0.9)
    # The interval of a bounded q stays above the bound.
    assert 3.0 < table.loc["q", "ci_lower"] < table.loc["q", "estimate"]
    assert "購買金額" in table.loc["q", "description"]
    assert "spend" in bounded.summary(lang="en").loc["q", "description"]
    with pytest.raises(InvalidValueError):
        bounded.summary(lang="fr")
    with pytest.raises(InvalidValueError):
        bounded.summary(level=1.5)


def test_input_errors_read_japanese_first_with_english_alongside() -> None:
    with pytest.raises(InvalidValueError) as q:
        GammaGammaModel(q=-1.0).fit([1, 2], [10.0, 20.0])
    assert q.value.message == "q=-1.0 は正の値にしてください / q=-1.0 must be positive"
    assert q.value.fix == "q > 0 か q=None を指定してください / pass q > 0 or q=None"
    with pytest.raises(InvalidValueError) as rows:
        BetaGeoModel().fit([1, -1], [3, 0], [5, 5])
    assert rows.value.message == (
        "frequency はリピート購入の回数で、負の値は使えません: 1行が違います (最初は位置 1) / "
        "frequency counts repeat purchases and cannot be negative: 1 rows fail "
        "(first at position 1)"
    )
    assert rows.value.fix == (
        "frequency にはリピート購入の回数 (購入回数 − 1、0以上の整数) を渡してください "
        "(例: rfm_summary の frequency) / pass the number of repeat purchases (purchases − 1, "
        "a whole number from 0) as frequency (e.g. rfm_summary's frequency)"
    )

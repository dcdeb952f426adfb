"""Our maximum-likelihood estimates against the values published for the same data."""

from __future__ import annotations

import numpy as np
import pytest

from rashinban.clv import BetaGeoModel, GammaGammaModel, ParetoNBDModel, ShiftedBetaGeoModel
from rashinban.clv._paretonbd import _loglik_terms

# Survivors per year, Fader & Hardie (2007), "How to Project Customer Retention",
# J. Interactive Marketing 21(1), Table 1 (data of Berry & Linoff 2004): years 0-7
# are the calibration data, years 8-12 the published actuals the fit must project.
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]


def test_bgnbd_matches_fader_hardie_lee_2005(cdnow_summary) -> None:
    # Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way",
    # Marketing Science 24(2), section 4: r=0.243, α=4.414, a=0.793, b=2.426, LL=-9582.4.
    m = BetaGeoModel().fit(cdnow_summary["frequency"], cdnow_summary["recency"], cdnow_summary["T"])
    p = m.params_
    assert round(p["r"], 3) == 0.243
    assert round(p["alpha"], 3) == 4.414
    assert round(p["a"], 3) == 0.793
    assert round(p["b"], 3) == 2.426
    assert round(m.log_likelihood_, 1) == -9582.4
    assert m.converged_
    assert m.n_obs_ == 2357


def test_pareto_nbd_matches_fader_hardie_lee_2005_matlab_note(cdnow_summary) -> None:
    # Fader, Hardie & Lee (2005), "A Note on Implementing the Pareto/NBD Model in
    # MATLAB": r=0.553, α=10.578, s=0.606, β=11.669, LL=-9595.0.
    m = ParetoNBDModel().fit(
        cdnow_summary["frequency"], cdnow_summary["recency"], cdnow_summary["T"]
    )
    p = m.params_
    assert round(p["r"], 3) == 0.553
    assert round(p["alpha"], 3) == 10.578
    assert round(p["s"], 3) == 0.606
    # β is weakly identified (se ≈ 6): the likelihood is flat to 1e-4 between our
    # 11.6679 and the note's 11.669, and ours is the higher one, so we hold β to
    # 0.002 and check that we are at least as good an optimum as the note.
    assert p["beta"] == pytest.approx(11.669, abs=0.002)
    assert round(m.log_likelihood_, 1) == -9595.0
    published = [0.553, 10.578, 0.606, 11.669]
    at_published = _loglik_terms(
        np.log(published),
        *(cdnow_summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T")),
    ).sum()
    assert m.log_likelihood_ >= at_published
    assert m.converged_


def test_gamma_gamma_matches_fader_hardie_lee_2005_rfm_clv(cdnow_monetary) -> None:
    # Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value Curves", JMR 42(4),
    # and Fader & Hardie (2013) "The Gamma-Gamma Model of Monetary Value":
    # p=6.25, q=3.74, γ=15.44 on the 946 repeat buyers.
    m = GammaGammaModel().fit(cdnow_monetary["frequency"], cdnow_monetary["monetary_value"])
    p = m.params_
    assert m.n_obs_ == 946
    assert round(p["p"], 2) == 6.25
    assert round(p["q"], 2) == 3.74
    # Our optimum is γ=15.447 (lifetimes finds the same); the note prints 15.44,
    # so the published figure is matched to 0.01, not rounded equality.
    assert p["v"] == pytest.approx(15.44, abs=0.01)
    buyers = cdnow_monetary[cdnow_monetary["frequency"] > 0]
    at_published = m._loglik_terms(
        np.log([6.25, 3.74, 15.44]),
        buyers["frequency"].to_numpy(dtype=float),
        buyers["monetary_value"].to_numpy(dtype=float),
    ).sum()
    assert m.log_likelihood_ >= at_published


def test_gamma_gamma_with_fixed_q_estimates_p_and_v_only(cdnow_monetary) -> None:
    m = GammaGammaModel(q=3.74).fit(cdnow_monetary["frequency"], cdnow_monetary["monetary_value"])
    assert m.params_["q"] == 3.74
    assert m.standard_errors_["q"] == 0.0
    # Fixing q at (nearly) its MLE must leave p and v (nearly) where the free fit puts them.
    assert m.params_["p"] == pytest.approx(6.25, abs=0.02)
    assert m.params_["v"] == pytest.approx(15.44, abs=0.1)


def test_gamma_gamma_q_min_binds(cdnow_monetary) -> None:
    m = GammaGammaModel(q_min=5.0).fit(
        cdnow_monetary["frequency"], cdnow_monetary["monetary_value"]
    )
    assert m.params_["q"] > 5.0
    # The constrained optimum lies on (next to) the bound, with a lower likelihood.
    assert m.params_["q"] < 5.01
    free = GammaGammaModel().fit(cdnow_monetary["frequency"], cdnow_monetary["monetary_value"])
    assert m.log_likelihood_ < free.log_likelihood_


@pytest.mark.parametrize(
    ("name", "survivors", "alpha", "beta"),
    [("regular", REGULAR, 0.704, 1.182), ("high end", HIGH_END, 0.668, 3.806)],
)
def test_sbg_matches_fader_hardie_2007(name, survivors, alpha, beta) -> None:
    # Fader & Hardie (2007), "How to Project Customer Retention", section "Model
    # estimation": regular α=0.704, β=1.182; high end α=0.668, β=3.806 (years 0-7).
    m = ShiftedBetaGeoModel().fit(survivors[:8])
    assert round(m.params_["alpha"], 3) == alpha
    assert round(m.params_["beta"], 3) == beta
    projected = m.project(12)
    print(f"\nsBG {name}: year, actual, projected, error")
    for year in range(8, 13):
        err = projected[year] / survivors[year] - 1
        print(f"  {year:2d} {survivors[year]:4d} {projected[year]:7.1f} {err:+.1%}")
    # The paper's Figure 4 shows the sBG tracking years 8-12 closely; we hold it to
    # 5% of the actual count in every projected year (measured: at most 4.1%).
    for year in range(8, 13):
        assert projected[year] == pytest.approx(survivors[year], rel=0.05)
    # Retention rates rise with tenure (the paper's point about heterogeneity).
    rates = m.retention(range(1, 13))
    assert (rates[1:] > rates[:-1]).all()

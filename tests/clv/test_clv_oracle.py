"""Predictions against lifetimes (the peer library) with the same parameters on CDNOW.

lifetimes (Davidson-Pilon, 0.11) implements the same closed forms with autograd;
we set its fitted parameters to ours and compare every customer's prediction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rashinban.clv import (
    BetaGeoModel,
    GammaGammaModel,
    ParetoNBDModel,
    customer_lifetime_value,
)


@pytest.fixture(scope="module")
def bgnbd(cdnow_summary):
    return BetaGeoModel().fit(
        cdnow_summary["frequency"], cdnow_summary["recency"], cdnow_summary["T"]
    )


@pytest.fixture(scope="module")
def pnbd(cdnow_summary):
    return ParetoNBDModel().fit(
        cdnow_summary["frequency"], cdnow_summary["recency"], cdnow_summary["T"]
    )


def _lifetimes_twin(fitter_cls, model):
    twin = fitter_cls()
    twin.params_ = pd.Series(model.params_)
    # lifetimes binds its ``predict`` alias in fit(); the twin is never fitted.
    if hasattr(twin, "conditional_expected_number_of_purchases_up_to_time"):
        twin.predict = twin.conditional_expected_number_of_purchases_up_to_time
    return twin


@pytest.mark.parametrize("which", ["bgnbd", "pnbd"])
def test_conditional_predictions_match_lifetimes(which, request, cdnow_summary) -> None:
    from lifetimes import BetaGeoFitter, ParetoNBDFitter

    model = request.getfixturevalue(which)
    twin = _lifetimes_twin(BetaGeoFitter if which == "bgnbd" else ParetoNBDFitter, model)
    x, t_x, T = (cdnow_summary[c] for c in ("frequency", "recency", "T"))
    for horizon in (1.0, 10.0, 39.0, 52.0):
        ours = model.expected_purchases(horizon, x, t_x, T)
        theirs = twin.conditional_expected_number_of_purchases_up_to_time(horizon, x, t_x, T)
        np.testing.assert_allclose(ours, np.asarray(theirs, dtype=float), rtol=1e-7)
    np.testing.assert_allclose(
        model.p_alive(x, t_x, T),
        np.asarray(twin.conditional_probability_alive(x, t_x, T), dtype=float),
        rtol=1e-7,
    )
    horizons = np.array([0.5, 13.0, 39.0, 78.0])
    np.testing.assert_allclose(
        model.expected_purchases_new(horizons),
        np.asarray(twin.expected_number_of_purchases_up_to_time(horizons), dtype=float),
        rtol=1e-7,
    )


def test_gamma_gamma_value_and_clv_match_lifetimes(cdnow_monetary, bgnbd, pnbd) -> None:
    from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter

    d = cdnow_monetary
    gg = GammaGammaModel().fit(d["frequency"], d["monetary_value"])
    gg_twin = _lifetimes_twin(GammaGammaFitter, gg)
    buyers = d[d["frequency"] > 0]
    np.testing.assert_allclose(
        gg.conditional_expected_value(buyers["frequency"], buyers["monetary_value"]),
        np.asarray(
            gg_twin.conditional_expected_average_profit(
                buyers["frequency"], buyers["monetary_value"]
            ),
            dtype=float,
        ),
        rtol=1e-10,
    )
    for model, cls in ((bgnbd, BetaGeoFitter), (pnbd, ParetoNBDFitter)):
        ours = customer_lifetime_value(
            model,
            gg,
            d["frequency"],
            d["recency"],
            d["T"],
            d["monetary_value"],
            time=12,
            discount_rate=0.01,
            freq="W",
        )
        # lifetimes' Pareto/NBD takes log(0) for the horizon 0 of the first month.
        with np.errstate(divide="ignore"):
            theirs = gg_twin.customer_lifetime_value(
                _lifetimes_twin(cls, model),
                d["frequency"],
                d["recency"],
                d["T"],
                d["monetary_value"],
                time=12,
                discount_rate=0.01,
                freq="W",
            )
        np.testing.assert_allclose(ours, np.asarray(theirs, dtype=float), rtol=1e-7)
        assert ours.shape == (2357,)
        assert (ours >= 0).all()


def test_standard_errors_match_lifetimes_summary(cdnow_summary, bgnbd) -> None:
    # lifetimes takes the exact Hessian with autograd; our central differences must agree.
    from lifetimes import BetaGeoFitter

    peer = BetaGeoFitter().fit(
        cdnow_summary["frequency"], cdnow_summary["recency"], cdnow_summary["T"]
    )
    theirs = peer.summary["se(coef)"]
    for name in ("r", "alpha", "a", "b"):
        assert bgnbd.standard_errors_[name] == pytest.approx(theirs[name], rel=1e-2)

"""Invariants of the predictions over arbitrary customer histories (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rashinban.clv import (
    BetaGeoModel,
    GammaGammaModel,
    ParetoNBDModel,
    customer_lifetime_value,
)


@pytest.fixture(scope="module")
def models(cdnow_monetary):
    d = cdnow_monetary
    args = (d["frequency"], d["recency"], d["T"])
    return {
        "bgnbd": BetaGeoModel().fit(*args),
        "pnbd": ParetoNBDModel().fit(*args),
        "gg": GammaGammaModel().fit(d["frequency"], d["monetary_value"]),
    }


@st.composite
def histories(draw):
    """(frequency, recency, T) rows that a real summary table can hold."""
    n = draw(st.integers(1, 20))
    T = np.array(draw(st.lists(st.floats(0.5, 150.0), min_size=n, max_size=n)))
    x = np.array(draw(st.lists(st.integers(0, 60), min_size=n, max_size=n)), dtype=float)
    share = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n)))
    t_x = np.where(x > 0, share * T, 0.0)
    return x, t_x, T


@settings(max_examples=60, deadline=None)
@given(h=histories())
@pytest.mark.parametrize("name", ["bgnbd", "pnbd"])
def test_p_alive_is_a_probability(models, name, h) -> None:
    pa = models[name].p_alive(*h)
    assert np.all((pa >= 0) & (pa <= 1))
    # In the BG/NBD a customer can drop out only right after a repeat purchase,
    # so one without repeat purchases is alive for sure (FHL 2005, eq. 11).
    if name == "bgnbd":
        assert np.all(pa[h[0] == 0] == 1.0)


@settings(max_examples=60, deadline=None)
@given(h=histories(), t1=st.floats(0.0, 100.0), dt=st.floats(0.01, 100.0))
@pytest.mark.parametrize("name", ["bgnbd", "pnbd"])
def test_expected_purchases_non_negative_and_increasing(models, name, h, t1, dt) -> None:
    model = models[name]
    early = model.expected_purchases(t1, *h)
    late = model.expected_purchases(t1 + dt, *h)
    assert np.all(np.isfinite(late))
    assert np.all(early >= -1e-12)
    assert np.all(late >= early - 1e-9 * np.maximum(1.0, np.abs(early)))
    new = model.expected_purchases_new(np.array([t1, t1 + dt]))
    assert 0 <= new[0] <= new[1] + 1e-12


def test_hyp2f1_minus_one_matches_mpmath_at_every_scale() -> None:
    mpmath = pytest.importorskip("mpmath")
    from rashinban.clv._betageo import _hyp2f1m1

    cases = [
        (a, b, c, z)
        for a, b, c in [(0.24, 2.43, 2.22), (43.2, 45.4, 45.2), (0.55, 0.3, 0.1), (3.0, 5.0, 0.5)]
        for z in [1e-15, 1e-9, 1e-4, 1e-2, 0.3, 0.9]
    ]
    got = _hyp2f1m1(*(np.array(v) for v in zip(*cases, strict=True)))
    mpmath.mp.dps = 40
    want = [float(mpmath.hyp2f1(a, b, c, z) - 1) for a, b, c, z in cases]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_bgnbd_counts_where_the_hypergeometric_function_is_negative_match_mpmath() -> None:
    """A fit with a + b < 1 (seen on the demo's calibration period as of 2025-09-30) makes
    the third argument of ₂F₁ in FHL (2005) eq. 10 negative for x = 0, and ₂F₁ itself
    negative: the counts are still eq. 10 written out, evaluated here in mpmath."""
    mpmath = pytest.importorskip("mpmath")
    model = BetaGeoModel()
    model.params_ = {"r": 2.7695, "alpha": 60.0, "a": 0.45, "b": 0.3921}
    x, t_x, T = np.array([0.0, 0.0, 3.0]), np.array([0.0, 0.0, 20.0]), np.array([30.0, 80.0, 40.0])
    t = 26.0
    with np.errstate(all="raise"):
        got = model.expected_purchases_alive(t, x, t_x, T)
    mpmath.mp.dps = 40
    r, alpha, a, b = (mpmath.mpf(model.params_[k]) for k in ("r", "alpha", "a", "b"))
    want = []
    for xi, Ti in zip(x, T, strict=True):
        xi, Ti = mpmath.mpf(xi), mpmath.mpf(Ti)
        z = t / (alpha + Ti + t)
        tail = ((alpha + Ti) / (alpha + Ti + t)) ** (r + xi)
        f = mpmath.hyp2f1(r + xi, b + xi, a + b + xi - 1, z)
        want.append(float((a + b + xi - 1) / (a - 1) * (1 - tail * f)))
    assert mpmath.hyp2f1(r, b, a + b - 1, t / (alpha + 30 + t)) < 0  # the case in point
    np.testing.assert_allclose(got, want, rtol=1e-10)
    assert np.all(np.isfinite(got)) and np.all(got >= 0)


@pytest.mark.parametrize("t", [4.3e-15, 1e-12, 1e-9])
def test_bgnbd_expected_purchases_over_a_vanishing_horizon_are_the_rate_times_it(models, t) -> None:
    """Over a horizon of 1e-15 weeks the two factors of FHL (2005) eqs. 9-10 round to 1:
    the counts stay >= 0 and equal the purchase rate at T times the horizon."""
    model = models["bgnbd"]
    x, t_x, T = (
        np.array([43.0, 0.0, 2.0]),
        np.array([0.875, 0.0, 30.0]),
        np.array([0.875, 1.0, 39.0]),
    )
    got = model.expected_purchases(t, x, t_x, T)
    # d/dt E[X(t) | x, t_x, T] at t = 0: the rate E[λ | …] = (r + x) / (α + T) while alive.
    r, alpha = model.params_["r"], model.params_["alpha"]
    rate = (r + x) / (alpha + T) * model.p_alive(x, t_x, T)
    np.testing.assert_allclose(got, rate * t, rtol=1e-3)
    new = model.expected_purchases_new([t])[0]
    assert new == pytest.approx(r / alpha * t, rel=1e-3)


@settings(max_examples=40, deadline=None)
@given(
    h=histories(),
    spend=st.floats(0.01, 1e6),
    months=st.integers(1, 36),
    rate=st.floats(0.0, 0.2),
)
@pytest.mark.parametrize("name", ["bgnbd", "pnbd"])
def test_clv_is_non_negative(models, name, h, spend, months, rate) -> None:
    value = np.full(h[0].shape, spend)
    clv = customer_lifetime_value(
        models[name], models["gg"], *h, value, time=months, discount_rate=rate
    )
    assert np.all(np.isfinite(clv))
    assert np.all(clv >= 0)
    # A longer horizon never lowers the value.
    longer = customer_lifetime_value(
        models[name], models["gg"], *h, value, time=months + 1, discount_rate=rate
    )
    assert np.all(longer >= clv - 1e-9 * np.maximum(1.0, clv))


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 5), st.sampled_from([0.0, 0.5, 1.0, 2.5]), st.integers(3, 6)),
        min_size=1,
        max_size=80,
    )
)
def test_compress_is_an_exact_count_of_rows(rows) -> None:
    from collections import Counter

    from rashinban.clv import compress

    # Rows a summary could hold: recency 0 exactly when there is no repeat purchase.
    fixed = [(x, t if x > 0 else 0.0, float(T)) for x, t, T in rows]
    x, t_x, T = (np.array(col, dtype=float) for col in zip(*fixed, strict=True))
    ux, ut, uT, w = compress(x, t_x, T)
    expected = Counter(fixed)
    got = {(int(a), float(b), float(c)): float(n) for a, b, c, n in zip(ux, ut, uT, w, strict=True)}
    assert got == {key: float(n) for key, n in expected.items()}
    # Sorted by (x, t_x, T), each row once.
    keys = list(zip(ux, ut, uT, strict=True))
    assert keys == sorted(set(keys))

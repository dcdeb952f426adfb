"""Analytic BG/NBD Hessian, the damped Newton solver and exact compression paths."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rashinban.clv import BetaGeoModel, compress, simulate_bgnbd
from rashinban.clv import _compress as compress_module
from rashinban.clv._betageo import _Objective
from rashinban.clv._newton import newton_minimise

CDNOW_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


@pytest.mark.parametrize("point", [(0.3, 5.0, 0.6, 1.7), (2.0, 0.5, 3.0, 0.4)])
def test_bgnbd_hessian_matches_differences_of_the_gradient(point) -> None:
    df = simulate_bgnbd(500, CDNOW_BGNBD, 39.0, seed=3, resolution=1 / 7)
    x, t_x, T = (df[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    w = np.arange(len(x)) % 4 + 1.0
    objective = _Objective(x, t_x, T, w)
    theta = np.log(point)
    value, grad, hess = objective.with_hessian(theta)
    assert (value, grad.tolist()) == (objective(theta)[0], objective(theta)[1].tolist())
    h = 1e-6
    numeric = np.column_stack(
        [(objective(theta + e)[1] - objective(theta - e)[1]) / (2 * h) for e in np.eye(4) * h]
    )
    np.testing.assert_allclose(hess, numeric, rtol=1e-6, atol=1e-4)
    assert np.array_equal(hess, hess.T)


def test_newton_minimises_rosenbrock_from_a_far_start() -> None:
    # Indefinite Hessian at the start: the shifted step and backtracking must still
    # reach the known minimum (1, 1).
    def rosenbrock(t: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        a, b = t
        value = (1 - a) ** 2 + 100 * (b - a * a) ** 2
        grad = np.array([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)])
        hess = np.array([[2 - 400 * (b - 3 * a * a), -400 * a], [-400 * a, 200.0]])
        return float(value), grad, hess

    res = newton_minimise(rosenbrock, np.array([-1.2, 1.0]), gtol=1e-10, maxiter=200)
    assert res.success
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-8)
    limited = newton_minimise(rosenbrock, np.array([-1.2, 1.0]), gtol=1e-10, maxiter=2)
    assert not limited.success and limited.message == "iteration limit"


def test_newton_fit_equals_the_quasi_newton_fit(monkeypatch) -> None:
    # The BFGS path (taken when Newton stalls) is an independent optimiser on the
    # same likelihood: both must land on the same MLE, with matching standard errors.
    import rashinban.clv._betageo as mod

    df = simulate_bgnbd(3000, CDNOW_BGNBD, 52.0, seed=8, resolution=1 / 7)
    args = (df["frequency"], df["recency"], df["T"])
    newton = BetaGeoModel().fit(*args)

    def stalled(*_a: object, **_k: object) -> object:
        res = newton_minimise(
            lambda t: (0.0, np.ones(4), np.eye(4)), np.zeros(4), gtol=0, maxiter=0
        )
        return res

    monkeypatch.setattr(mod, "newton_minimise", stalled)
    bfgs = BetaGeoModel().fit(*args)
    assert newton.converged_ and bfgs.converged_
    for name, value in bfgs.params_.items():
        assert newton.params_[name] == pytest.approx(value, rel=1e-6), name
        assert newton.standard_errors_[name] == pytest.approx(bfgs.standard_errors_[name], rel=1e-4)
    assert newton.log_likelihood_ == pytest.approx(bfgs.log_likelihood_, rel=1e-12)


def _hash_path(monkeypatch, x, t_x, T):
    monkeypatch.setattr(compress_module, "_packed_codes", lambda *_a: None)
    return compress(x, t_x, T)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(0, 6),
            st.sampled_from([0.0, -0.0, 0.5, 1 / 7, 2.25, 3.0]),
            st.sampled_from([3.0, 10.0, 52 / 7, 4.5]),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_packed_compression_equals_naive_counting(rows) -> None:
    # −0.0 equals 0.0: both must fall in one row (as they do in the dict below).
    rows = [(x, t if x > 0 else 0.0, T) for x, t, T in rows]
    x, t_x, T = (np.array(col, dtype=float) for col in zip(*rows, strict=True))
    cx, ct, cT, w = compress(x, t_x, T)
    counted: dict[tuple[float, float, float], int] = {}
    for row in rows:
        counted[row] = counted.get(row, 0) + 1
    expected = sorted(counted.items())
    assert list(zip(cx, ct, cT, strict=True)) == [k for k, _ in expected]
    assert w.tolist() == [float(v) for _, v in expected]


def test_packed_and_hash_compression_agree_on_large_data(monkeypatch) -> None:
    df = simulate_bgnbd(
        20_000, CDNOW_BGNBD, np.arange(20_000) % 60 + 13.5, seed=2, resolution=1 / 7
    )
    args = (df["frequency"], df["recency"], df["T"])
    packed = compress(*args)
    hashed = _hash_path(monkeypatch, *args)
    for p, h in zip(packed, hashed, strict=True):
        assert np.array_equal(p, h)


def test_dense_count_gives_way_to_hashing_when_the_key_range_is_large(monkeypatch) -> None:
    # 30 rows of distinct x, t_x and T make 27,000 possible keys (> 4 per row): the
    # keys are sorted, not counted densely; with the key limit lowered the hash
    # path must answer, with the same result.
    x = np.arange(1.0, 31.0)
    t_x = x * 0.5
    T = x + 40.25
    assert compress_module._packed_codes(x, t_x, T) is not None
    sorted_keys = compress(x[::-1], t_x[::-1], T[::-1])
    monkeypatch.setattr(compress_module, "_KEY_LIMIT", 1)
    assert compress_module._packed_codes(x, t_x, T) is None
    cx, ct, cT, w = compress(x[::-1], t_x[::-1], T[::-1])
    assert cx.tolist() == x.tolist() and ct.tolist() == t_x.tolist()
    assert cT.tolist() == T.tolist() and w.tolist() == [1.0] * 30
    for a, b in zip(sorted_keys, (cx, ct, cT, w), strict=True):
        assert np.array_equal(a, b)


def test_final_unevaluated_step_lands_on_the_evaluated_optimum() -> None:
    df = simulate_bgnbd(30_000, CDNOW_BGNBD, np.arange(30_000) % 66 + 13.0, seed=4)
    x, t_x, T, w = compress(df["frequency"], df["recency"], df["T"])
    objective = _Objective(x, t_x, T, w)

    def mean(theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        value, grad, hess = objective.with_hessian(theta)
        return value / objective.total, grad / objective.total, hess / objective.total

    start = np.log([0.3, 5.0, 0.7, 2.0])
    full = newton_minimise(mean, start, gtol=1e-13, maxiter=50)
    quick = newton_minimise(mean, start, gtol=1e-13, maxiter=50, polish=True)
    assert full.success and quick.success and quick.nfev < full.nfev
    np.testing.assert_allclose(quick.x, full.x, rtol=0, atol=1e-9)
    assert quick.fun == pytest.approx(full.fun, rel=1e-13)
    assert np.max(np.abs(mean(quick.x)[1])) < 1e-9


def test_tiny_fractional_weights_fit_like_counts(monkeypatch) -> None:
    # Weights scaled down so far that a systematic sample of customers would be
    # empty: the start falls back to the crude one and the estimate must still
    # be the one of the unscaled counts (the likelihood only changes scale).
    import rashinban.clv._betageo as mod

    monkeypatch.setattr(mod, "WARM_START_ROWS", 500)
    df = simulate_bgnbd(4000, CDNOW_BGNBD, np.arange(4000) % 40 + 20.0, seed=9, resolution=1 / 7)
    x, t_x, T, w = compress(df["frequency"], df["recency"], df["T"])
    assert len(x) > 500
    counts = BetaGeoModel().fit(x, t_x, T, weights=w)
    scaled = BetaGeoModel().fit(x, t_x, T, weights=w * 1e-6)
    for name, value in counts.params_.items():
        assert scaled.params_[name] == pytest.approx(value, rel=1e-6), name

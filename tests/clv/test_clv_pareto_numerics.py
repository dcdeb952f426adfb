"""Pareto/NBD on data that push the likelihood to its numerical limits: quiet and honest."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy.special import hyp2f1

from rashinban import ConvergenceError
from rashinban.clv import ParetoNBDModel
from rashinban.clv._paretonbd import _log_hyp2f1


def _log_series(a: float, b: float, c: float, z: float) -> float:
    """log 2F1(a, b; c; z) by summing its series term by term in log space (naive reference)."""
    log_term, logs = 0.0, [0.0]
    for k in range(20_000):
        log_term += math.log((a + k) * (b + k) / ((c + k) * (k + 1))) + math.log(z)
        logs.append(log_term)
    top = max(logs)
    return top + math.log(sum(math.exp(v - top) for v in logs))


def test_log_hyp2f1_past_the_largest_double_matches_the_series() -> None:
    # A runaway r (many purchases each) makes 2F1 itself larger than any double.
    a, b, z = 1200.0, 1200.0, 0.46
    assert math.isinf(hyp2f1(a, b, a + 1.0, z))
    out = _log_hyp2f1(np.array([a, 1000.0]), np.array([b, 1000.0]), np.array([z, z]))
    assert out[0] == pytest.approx(_log_series(a, b, a + 1.0, z), rel=1e-12)
    # Where the direct value is finite it is kept as is.
    assert out[1] == math.log(hyp2f1(1000.0, 1000.0, 1001.0, z))
    assert out[1] == pytest.approx(_log_series(1000.0, 1000.0, 1001.0, z), rel=1e-12)


@pytest.mark.parametrize(
    ("frequency", "recency", "T"),
    [
        # Everyone buys right up to the end of the window: no sign of dropout.
        ([5, 6, 7, 8], [39, 39, 39, 39], [39, 39, 39, 39]),
        # Extreme rows: thousands of purchases over a very long history.
        (
            [0, 0, 5, 5000, 5000, 1, 3],
            [0, 0, 999e3, 999e3, 999e3, 999e3, 999e3],
            [1e6] * 7,
        ),
    ],
)
def test_a_fit_that_cannot_converge_is_reported_without_runtime_warnings(
    frequency: list[float], recency: list[float], T: list[float]
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any RuntimeWarning fails the test
        with pytest.raises(ConvergenceError, match="dropout rate runs to zero"):
            ParetoNBDModel().fit(frequency, recency, T)
        m = ParetoNBDModel(raise_on_failure=False).fit(frequency, recency, T)
        alive = m.p_alive(frequency, recency, T)
        later = m.expected_purchases(10, frequency, recency, T)
        new = m.expected_purchases_new([10.0])
    assert m.converged_ is False
    assert m.params_["s"] / m.params_["beta"] * max(T) < 1e-6  # the dropout rate ran to zero
    # Nobody is seen leaving, so the estimate says everyone is alive: finite, not NaN.
    assert np.all(np.isfinite(alive)) and np.all(alive > 0.999)
    assert np.all(np.isfinite(later)) and np.all(later > 0)
    assert np.isfinite(new[0]) and new[0] > 0

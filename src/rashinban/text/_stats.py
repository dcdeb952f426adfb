"""Interval and shrinkage helpers for the shares reported by the text analyses."""

from __future__ import annotations

import numpy as np

from rashinban.targeting._shrinkage import wilson_interval

# One Wilson interval for the whole package: the one the targeting rates use.
wilson = wilson_interval


def shrink(
    k: np.ndarray, n: np.ndarray, prior: np.ndarray | float, strength: float = 20.0
) -> np.ndarray:
    """Beta-binomial posterior mean: ``(k + m·p0) / (n + m)`` with ``m = strength``.

    The empirical-Bayes prior ``p0`` is the share over all groups, so a 3-of-3
    group is pulled toward it and never tops a 300-of-1,000 one
    (Efron & Morris, 1975, JASA 70:311).

    Examples
    --------
    >>> shrink([3, 300], [3, 1000], 0.1).round(3).tolist()
    [0.217, 0.296]
    """
    k_arr = np.asarray(k, dtype=float)
    n_arr = np.asarray(n, dtype=float)
    out: np.ndarray = (k_arr + strength * np.asarray(prior, dtype=float)) / (n_arr + strength)
    return out

"""Interval and shrinkage helpers for the shares reported by the text analyses."""

from __future__ import annotations

import numpy as np

Z95 = 1.959963984540054


def wilson(
    k: np.ndarray | int, n: np.ndarray | int, z: float = Z95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial share (Wilson, 1927, JASA 22:209, eq. for p±).

    Examples
    --------
    >>> lo, hi = wilson(3, 3)
    >>> round(float(lo), 3), round(float(hi), 3)
    (0.439, 1.0)
    """
    k_arr = np.asarray(k, dtype=float)
    n_arr = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(n_arr > 0, k_arr / n_arr, 0.0)
        denom = 1 + z**2 / n_arr
        centre = (p + z**2 / (2 * n_arr)) / denom
        half = z * np.sqrt(p * (1 - p) / n_arr + z**2 / (4 * n_arr**2)) / denom
    lo = np.where(n_arr > 0, np.clip(centre - half, 0, 1), 0.0)
    hi = np.where(n_arr > 0, np.clip(centre + half, 0, 1), 1.0)
    return lo, hi


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

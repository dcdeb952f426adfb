"""Sequential change detection for rates, and the population stability index.

:func:`bernoulli_cusum` is Page's (1954) CUSUM on the log-likelihood ratio of a
Bernoulli stream (Reynolds & Stoumbos 1999, eq. 2): with in-control rate p₀ and
the shifted rate p₁ it is designed to detect,

    Sₜ = max(0, Sₜ₋₁ + xₜ·log(p₁/p₀) + (1 − xₜ)·log((1 − p₁)/(1 − p₀))),

and it signals at the first t ≥ ``min_obs`` with Sₜ ≥ h. The threshold h is not
taken from a table: :func:`cusum_threshold` calibrates it by Monte Carlo (fixed
seed, so it is deterministic) so that a stable stream of the same length signals
with probability at most ``alpha`` — the stated false-alarm rate, which a test
checks by an independent simulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rashinban._errors import InvalidValueError

__all__ = ["CusumResult", "bernoulli_cusum", "cusum_threshold", "psi"]

#: Monte Carlo runs used to calibrate a threshold.
CALIBRATION_RUNS = 4000


def _steps(p0: float, p1: float) -> tuple[float, float]:
    if not (0 < p0 < 1 and 0 < p1 < 1) or p0 == p1:
        raise InvalidValueError(
            f"CUSUMの率 p0={p0!r}, p1={p1!r} は互いに異なり、0と1の間になければなりません / "
            f"CUSUM rates p0={p0!r}, p1={p1!r} must be distinct and strictly between 0 and 1",
            fix="監視の前に基準の率を0と1から離してください / "
            "shrink the reference rate away from 0 and 1 before monitoring",
        )
    return float(np.log(p1 / p0)), float(np.log((1 - p1) / (1 - p0)))


def _paths(x: np.ndarray, up: float, down: float) -> np.ndarray:
    """CUSUM paths for a (runs × n) 0/1 matrix (row-wise recursion, vectorised over runs)."""
    w = np.where(x > 0, up, down)
    s = np.zeros(x.shape[0])
    out = np.empty(x.shape, dtype=float)
    for t in range(x.shape[1]):
        s = np.maximum(0.0, s + w[:, t])
        out[:, t] = s
    return out


@lru_cache(maxsize=512)
def cusum_threshold(
    p0: float, p1: float, n: int, alpha: float = 0.05, min_obs: int = 20, seed: int = 0
) -> float:
    """Smallest h with P(false alarm within ``n`` stable observations) ≤ ``alpha``.

    Parameters
    ----------
    p0, p1
        In-control rate and the rate the detector is tuned to.
    n
        Length of the stream to be monitored.
    alpha
        Allowed probability that a stream with rate p₀ throughout signals.
    min_obs
        Signals before this many observations are suppressed (and so not counted).

    Examples
    --------
    >>> h = cusum_threshold(0.2, 0.4, 200, alpha=0.05)
    >>> 1.0 < h < 10.0
    True
    """
    up, down = _steps(p0, p1)
    if n < min_obs:
        return float("inf")
    rng = np.random.default_rng(seed)
    x = rng.random((CALIBRATION_RUNS, n)) < p0
    peaks = _paths(x, up, down)[:, min_obs - 1 :].max(axis=1)
    # The (1 − alpha) quantile of the peak statistic: exceeded by ≤ alpha of stable runs.
    return float(np.quantile(peaks, 1 - alpha, method="higher")) + 1e-9


@dataclass(frozen=True)
class CusumResult:
    """Outcome of :func:`bernoulli_cusum`: the path, the threshold and the first signal."""

    statistic: np.ndarray
    threshold: float
    signal_index: int | None

    @property
    def signalled(self) -> bool:
        return self.signal_index is not None


def bernoulli_cusum(
    x: np.ndarray | list[int],
    p0: float,
    p1: float,
    *,
    alpha: float = 0.05,
    min_obs: int = 20,
) -> CusumResult:
    """Monitor a 0/1 stream for a shift from rate ``p0`` towards ``p1``.

    ``p1 > p0`` watches for a rise, ``p1 < p0`` for a fall. The threshold is
    calibrated for this stream's length (see :func:`cusum_threshold`), and no
    signal is given before ``min_obs`` observations (the minimum-sample guard).

    Examples
    --------
    >>> stable = bernoulli_cusum([0, 1, 0, 0, 1] * 20, 0.4, 0.6)
    >>> stable.signalled
    False
    >>> shifted = bernoulli_cusum([0, 1, 0, 0, 1] * 10 + [1, 1, 1, 0] * 15, 0.4, 0.7)
    >>> shifted.signal_index is not None and shifted.signal_index >= 50
    True
    """
    arr = np.asarray(x, dtype=float).reshape(1, -1)
    up, down = _steps(p0, p1)
    path = _paths(arr, up, down)[0]
    h = cusum_threshold(round(p0, 4), round(p1, 4), arr.shape[1], alpha, min_obs)
    hits: np.ndarray = (
        np.nonzero(path[min_obs - 1 :] >= h)[0] if arr.shape[1] >= min_obs else np.array([])
    )
    first = int(hits[0]) + min_obs - 1 if len(hits) else None
    return CusumResult(path, h, first)


def psi(expected: np.ndarray | list[float], actual: np.ndarray | list[float]) -> float:
    """Population stability index between two count (or share) vectors over the same bins.

    PSI = Σ (aᵢ − eᵢ)·ln(aᵢ / eᵢ) over bin shares (Siddiqi 2006, ch. 8: below 0.1
    stable, 0.1–0.25 a moderate shift, above 0.25 a major one). Empty bins get
    half a count so the logarithm stays finite.

    Examples
    --------
    >>> psi([50, 50], [50, 50])
    0.0
    >>> round(psi([50, 50], [80, 20]), 3)
    0.416
    """
    e = np.asarray(expected, dtype=float) + 0.0
    a = np.asarray(actual, dtype=float) + 0.0
    if e.shape != a.shape or e.sum() <= 0 or a.sum() <= 0:
        raise InvalidValueError(
            "PSIには同じ区分で空でない分布が2つ必要です / "
            "PSI needs two non-empty distributions over the same bins",
            fix="基準期間と直近期間の区分ごとの件数を渡してください / "
            "pass counts per bin for the reference and the recent period",
        )
    e = np.where(e == 0, 0.5, e)
    a = np.where(a == 0, 0.5, a)
    e, a = e / e.sum(), a / a.sum()
    return float(np.sum((a - e) * np.log(a / e)))

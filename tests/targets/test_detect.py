"""The change detector: its stated false-alarm rate on stable series, its power, and PSI."""

from __future__ import annotations

import numpy as np
import pytest

from rashinban._errors import InvalidValueError
from rashinban.targets import bernoulli_cusum, cusum_threshold, psi


def _naive_cusum(x: list[int], p0: float, p1: float) -> list[float]:
    """Page's recursion written out plainly (Reynolds & Stoumbos 1999, eq. 2)."""
    s, out = 0.0, []
    for xi in x:
        llr = np.log(p1 / p0) if xi else np.log((1 - p1) / (1 - p0))
        s = max(0.0, s + llr)
        out.append(s)
    return out


def test_statistic_equals_the_plain_recursion() -> None:
    rng = np.random.default_rng(3)
    x = (rng.random(300) < 0.3).astype(int).tolist()
    for p0, p1 in ((0.3, 0.5), (0.3, 0.15)):
        res = bernoulli_cusum(x, p0, p1)
        assert np.allclose(res.statistic, _naive_cusum(x, p0, p1))


@pytest.mark.parametrize(
    ("p0", "odds", "n", "alpha"),
    [(0.15, 2.5, 200, 0.05), (0.45, 0.5, 300, 0.05), (0.3, 2.0, 120, 0.01)],
)
def test_false_alarm_rate_on_stable_series(p0: float, odds: float, n: int, alpha: float) -> None:
    """Independent simulation (another seed than the calibration): rate ≤ alpha + 3 SE."""
    p1 = p0 * odds / (1 - p0 + p0 * odds)
    rng = np.random.default_rng(12345)
    runs = 600
    alarms = sum(
        bernoulli_cusum((rng.random(n) < p0).astype(int), p0, p1, alpha=alpha).signalled
        for _ in range(runs)
    )
    rate = alarms / runs
    se = np.sqrt(alpha * (1 - alpha) / runs)
    print(f"\nCUSUM p0={p0} odds={odds} n={n}: false-alarm rate {rate:.3f} (stated {alpha})")
    assert rate <= alpha + 3 * se


def test_detects_a_planted_shift_quickly() -> None:
    rng = np.random.default_rng(5)
    delays = []
    for _ in range(200):
        before = (rng.random(100) < 0.12).astype(int)
        after = (rng.random(200) < 0.37).astype(int)
        res = bernoulli_cusum(np.r_[before, after], 0.12, 0.25)
        if res.signal_index is not None and res.signal_index >= 100:
            delays.append(res.signal_index - 100)
    power = len(delays) / 200
    print(f"\nCUSUM 12% -> 37%: detected {power:.0%}, median delay {np.median(delays):.0f} deals")
    assert power > 0.9 and np.median(delays) < 40


def test_minimum_sample_guard() -> None:
    # Ten straight wins against p0 = 10 % would cross any threshold, but the guard holds.
    assert not bernoulli_cusum([1] * 10, 0.1, 0.3, min_obs=20).signalled
    assert cusum_threshold(0.1, 0.3, 10, min_obs=20) == float("inf")
    with pytest.raises(InvalidValueError):
        bernoulli_cusum([0, 1], 0.0, 0.3)


def test_psi_against_the_formula() -> None:
    e, a = np.array([10, 30, 60]), np.array([20, 30, 50])
    pe, pa = e / e.sum(), a / a.sum()
    assert psi(e, a) == pytest.approx(float(np.sum((pa - pe) * np.log(pa / pe))))
    assert psi(e, e * 3) == pytest.approx(0.0)
    with pytest.raises(InvalidValueError):
        psi([1, 2], [1, 2, 3])


def test_psi_error_reads_japanese_first_with_english_alongside() -> None:
    with pytest.raises(InvalidValueError) as err:
        psi([0, 0], [5, 5])
    assert err.value.message == (
        "PSIには同じ区分で空でない分布が2つ必要です / "
        "PSI needs two non-empty distributions over the same bins"
    )
    assert err.value.fix == (
        "基準期間と直近期間の区分ごとの件数を渡してください / "
        "pass counts per bin for the reference and the recent period"
    )

"""Naive pure-Python RFM definitions: a second oracle, written from the definitions.

Loops and dicts only, no pandas and no SQL, so a mistake in the Ibis expression
cannot hide in a shared helper.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any


def start_of(day: dt.date, unit: str) -> dt.date:
    if unit == "D":
        return day
    if unit == "W":
        while day.weekday() != 0:  # walk back to Monday
            day -= dt.timedelta(days=1)
        return day
    return dt.date(day.year, day.month, 1)


def periods_between(a: dt.date, b: dt.date, unit: str) -> int:
    """Whole periods from the period holding ``a`` to the one holding ``b``."""
    a, b = start_of(a, unit), start_of(b, unit)
    if unit == "M":
        return (b.year - a.year) * 12 + (b.month - a.month)
    days = (b - a).days
    return days // 7 if unit == "W" else days


def _day(x: Any) -> dt.date:
    return x.date() if isinstance(x, dt.datetime) else x


def _moment(x: Any) -> dt.datetime:
    return x if isinstance(x, dt.datetime) else dt.datetime(x.year, x.month, x.day)


def summary(
    rows: Iterable[tuple[str, Any, float]],
    end: dt.date,
    unit: str = "D",
    scaler: float = 1.0,
    include_first: bool = False,
) -> dict[str, dict[str, float]]:
    """frequency, recency, T, monetary_value per customer (lifetimes' definitions)."""
    end_start = start_of(end, unit)
    totals: dict[str, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    for cid, when, amount in rows:
        p = start_of(_day(when), unit)
        if p <= end_start:
            totals[cid][p] += amount
    out = {}
    for cid, per in totals.items():
        ps = sorted(per)
        repeat = [per[p] for p in ps[1:]]
        amounts = [per[p] for p in ps] if include_first else repeat
        out[cid] = {
            "frequency": len(ps) - (0 if include_first else 1),
            "recency": periods_between(ps[0], ps[-1], unit) / scaler,
            "T": periods_between(ps[0], end_start, unit) / scaler,
            "monetary_value": sum(amounts) / len(amounts) if amounts else 0.0,
        }
    return out


def calibration_holdout(
    rows: Sequence[tuple[str, Any, float]],
    cal_end: dt.date,
    end: dt.date,
    unit: str = "D",
    scaler: float = 1.0,
) -> dict[str, dict[str, float]]:
    """The calibration/holdout split; holdout money is the mean period total."""
    cal_rows = [r for r in rows if _moment(r[1]) <= _moment(cal_end)]
    cal = summary(cal_rows, cal_end, unit, scaler)
    hold: dict[str, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    for cid, when, amount in rows:
        if _moment(cal_end) < _moment(when) <= _moment(end):
            hold[cid][start_of(_day(when), unit)] += amount
    out = {}
    for cid, s in cal.items():
        per = hold.get(cid, {})
        out[cid] = {f"{k}_cal": v for k, v in s.items()}
        out[cid]["frequency_holdout"] = len(per)
        out[cid]["monetary_value_holdout"] = sum(per.values()) / len(per) if per else 0.0
        out[cid]["duration_holdout"] = periods_between(cal_end, end, unit) / scaler
    return out


def add_months(day: dt.date, k: int) -> dt.date:
    """``day`` plus ``k`` months, clipped to the month's last day."""
    month0 = day.month - 1 + k
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def billings(
    subs: Iterable[tuple[str, float, dt.date, dt.date | None]], end: dt.date
) -> list[tuple[str, dt.date, float]]:
    out = []
    for cid, mrr, start, stop in subs:
        k = 0
        while True:
            day = add_months(start, k)
            if day > end or (stop is not None and day >= stop):
                break
            out.append((cid, day, mrr))
            k += 1
    return out


def quantile_scores(values: Sequence[float], bins: int, higher_is_better: bool) -> list[int]:
    n = len(values)
    out = []
    for v in values:
        worse = sum(1 for w in values if (w < v if higher_is_better else w > v))
        out.append(1 + (worse * bins) // n)
    return out

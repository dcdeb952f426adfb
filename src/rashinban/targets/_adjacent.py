"""Proposals for a target's boundary: adjacent segments to add, sub-segments to exclude.

Both work on cells of industry × employee band (:data:`SIZE_BANDS`) built from
closed new deals of a recent window. Cell win rates are shrunk towards their
pool with an empirical-Bayes Beta prior, so a 3-of-3 cell never outranks a
300-of-1,000 one; a proposal needs its posterior probability of clearing the bar
to be at least ``confidence``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from rashinban.segments import Rule, parse_rule
from rashinban.targets._data import SIZE_BANDS, band_of, eb_prior, prob_at_least

__all__ = ["adjacent_segments", "jaccard", "weak_subsegments"]


def _run_rule(industry: str, lo_band: int, hi_band: int) -> Rule:
    lo = SIZE_BANDS[lo_band][0]
    hi = SIZE_BANDS[hi_band][1]
    size = f"従業員数 >= {lo}" if hi is None else f"従業員数 between {lo} and {hi}"
    return parse_rule(f'業種 in ["{industry}"] and {size}')


def _cells(deals: pd.DataFrame) -> pd.DataFrame:
    d = deals.assign(band=band_of(deals["employees"]))
    d = d[d["band"] >= 0]
    return d.groupby(["industry", "band"])["won"].agg(k="sum", n="count").reset_index()


def adjacent_segments(
    deals: pd.DataFrame,
    target: Rule,
    bar: float,
    *,
    confidence: float = 0.9,
    min_deals: int = 15,
    top: int = 3,
) -> list[dict[str, Any]]:
    """Segments outside ``target`` whose win rate clears ``bar``: candidates to widen with.

    For each industry, every run of consecutive employee bands is a candidate
    (``業種 = X and 従業員数 between lo and hi``, minus the target itself). A
    candidate qualifies when P(win rate ≥ bar) ≥ ``confidence`` under the
    shrunk posterior and it has ``min_deals`` closed deals; per industry the run
    with the highest conservative rate (the posterior's 10 % quantile) is kept,
    among runs whose every band clears the bar on its own.

    Returns
    -------
    list of dict
        Best first: ``rule`` (canonical text), ``k``, ``n``, ``rate`` (shrunk),
        ``probability``, ``score``.
    """
    from rashinban._stats import beta_ppf  # scipy.special: most target commands never need it

    outside = deals[~target.mask(deals)]
    cells = _cells(outside)
    if cells.empty:
        return []
    prior = eb_prior(cells["k"].to_numpy(), cells["n"].to_numpy())
    found = []
    for industry, grp in cells.groupby("industry"):
        by_band = grp.set_index("band")[["k", "n"]]
        best: dict[str, Any] | None = None
        for lo in range(len(SIZE_BANDS)):
            for hi in range(lo, len(SIZE_BANDS)):
                part = by_band.reindex(range(lo, hi + 1)).fillna(0)
                k, n = float(part["k"].sum()), float(part["n"].sum())
                if n < min_deals:
                    continue
                # Every band of the run must clear the bar on its own (shrunk mean), so a
                # run is not stretched over weak bands just to gain volume.
                own = (prior[0] + part["k"]) / (prior[0] + prior[1] + part["n"])
                if (own < bar).any():
                    continue
                rate = (prior[0] + k) / (prior[0] + prior[1] + n)
                p = prob_at_least(k, n, bar, prior)
                # A conservative rate (the posterior's 10 % quantile): adding a weak band
                # lowers it, adding a band like the others narrows the interval.
                score = float(beta_ppf(0.1, prior[0] + k, prior[1] + n - k))
                if p >= confidence and (best is None or score > best["score"]):
                    best = {
                        "lo": lo,
                        "hi": hi,
                        "k": int(k),
                        "n": int(n),
                        "rate": rate,
                        "probability": p,
                        "score": score,
                    }
        if best is not None:
            rule = _run_rule(str(industry), int(best.pop("lo")), int(best.pop("hi")))
            found.append({"rule": rule.to_text(), **best})
    found.sort(key=lambda c: -float(c["score"]))
    return found[:top]


def weak_subsegments(
    deals: pd.DataFrame,
    target: Rule,
    bar: float,
    *,
    confidence: float = 0.9,
    min_deals: int = 15,
) -> list[dict[str, Any]]:
    """Cells inside ``target`` whose shrunk win rate is below ``bar``.

    A cell qualifies when P(rate < bar) ≥ ``confidence`` and it has ``min_deals`` deals.
    """
    inside = deals[target.mask(deals)]
    cells = _cells(inside)
    if cells.empty:
        return []
    prior = eb_prior(cells["k"].to_numpy(), cells["n"].to_numpy())
    out: list[dict[str, Any]] = []
    for row in cells.itertuples():
        if row.n < min_deals:
            continue
        p_below = 1 - prob_at_least(row.k, row.n, bar, prior)
        if p_below >= confidence:
            rate = (prior[0] + row.k) / (prior[0] + prior[1] + row.n)
            rule = _run_rule(str(row.industry), int(row.band), int(row.band))
            out.append(
                {
                    "rule": rule.to_text(),
                    "k": int(row.k),
                    "n": int(row.n),
                    "rate": float(rate),
                    "probability": float(p_below),
                    "score": float(row.n * (bar - rate)),
                }
            )
    out.sort(key=lambda c: -float(c["score"]))
    return out


def jaccard(a: pd.Series, b: pd.Series) -> float:
    """Overlap of two boolean masks (|a ∧ b| / |a ∨ b|)."""
    union = int((a | b).sum())
    return float((a & b).sum()) / union if union else 1.0

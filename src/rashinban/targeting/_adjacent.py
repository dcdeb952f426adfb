"""Adjacent opportunities (the seed's failure case A, 絞りすぎ: targeting too narrowly).

Candidates are segments outside the current target: every industry × size cell
of the default grid, and the target's *one-condition-away* variants (one
condition dropped, one categorical value swapped for another, or one numeric
range moved to the neighbouring size band). A candidate is flagged when it
mostly lies outside the target (overlap below ``max_overlap``), has at least
``min_deals`` closed deals, its shrunk win rate is clearly above the whole's
(× ``min_lift_vs_all``) and "close to or above" the target's: at least
``min_ratio_vs_target`` × the target's shrunk rate, with the two intervals
overlapping. The evidence is the rates with their intervals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from rashinban.targeting._attractiveness import segment_attractiveness
from rashinban.targeting._conditions import Cond, conditions_mask
from rashinban.targeting._grid import SIZE_BANDS, grid_segments

__all__ = ["TARGET_NAME", "adjacent_opportunities", "one_condition_away"]

TARGET_NAME = "現在のターゲット"


def one_condition_away(
    target: Sequence[Cond], facts: pd.DataFrame, *, max_values: int = 12
) -> dict[str, list[Cond]]:
    """Variants of ``target`` that differ in exactly one condition."""
    out: dict[str, list[Cond]] = {}
    for i, cond in enumerate(target):
        rest: list[Cond] = [dict(c) for j, c in enumerate(target) if j != i]
        if rest:
            out[f"条件外し: {cond['column']}"] = rest
        if cond["op"] == "in":
            common = facts[cond["column"]].value_counts().index[:max_values]
            for v in common:
                if v in cond["values"]:
                    continue
                out[f"{cond['column']}→{v}"] = [
                    *rest[:i],
                    {"column": cond["column"], "op": "in", "values": [v]},
                    *rest[i:],
                ]
        elif cond["column"] == "employees":
            for lo, hi in SIZE_BANDS:
                low, high = cond.get("low"), cond.get("high")
                inside = (low is None or lo >= low) and (
                    high is None or (hi is not None and hi <= high)
                )
                if inside:
                    continue
                out[f"employees→{lo}〜{hi or ''}"] = [
                    *rest[:i],
                    {"column": "employees", "op": "between", "low": lo, "high": hi},
                    *rest[i:],
                ]
    return out


def _pct(rate: float, lang: str) -> str:
    """A rate in words; a missing one (no closed deal) says so instead of 'nan%'."""
    if np.isfinite(rate):
        return f"{rate:.0%}"
    return "not enough data" if lang == "en" else "データ不足"


def adjacent_opportunities(
    facts: pd.DataFrame,
    target: Sequence[Cond],
    as_of: dt.date,
    *,
    candidates: Mapping[str, Sequence[Cond]] | None = None,
    max_overlap: float = 0.5,
    min_lift_vs_all: float = 1.25,
    min_ratio_vs_target: float = 0.7,
    min_deals: int = 20,
    since: dt.date | None = None,
) -> pd.DataFrame:
    """Segments outside ``target`` performing close to or above it, with the evidence.

    ``since`` is the first day of the deals ``facts`` counts (its ``since=``), named in
    the evidence so that a recent-window rate is not read as the all-time one.

    Returns the attractiveness table of the target and every candidate with
    ``overlap`` (share of the candidate's accounts inside the target),
    ``flagged`` and ``evidence_ja``/``evidence_en``; flagged rows first, the
    target row (named :data:`TARGET_NAME`) included for reference.

    Examples
    --------
    >>> adj = adjacent_opportunities(facts, ideal_conditions, as_of)  # doctest: +SKIP
    >>> adj[adj.flagged][["name", "win_rate", "evidence_ja"]]  # doctest: +SKIP
    """
    cands: dict[str, Sequence[Cond]] = dict(candidates or {})
    if candidates is None:
        cands.update(grid_segments(facts, spans=2))
        cands.update(one_condition_away(target, facts))
    segs: dict[str, Sequence[Cond]] = {TARGET_NAME: list(target), **cands}
    table = segment_attractiveness(facts, segs, as_of)
    in_target = conditions_mask(facts, target)
    overlap = []
    for conds in table["conditions"]:
        m = conditions_mask(facts, conds)
        overlap.append(float((m & in_target).sum()) / max(int(m.sum()), 1))
    table["overlap"] = overlap
    t = table[table["name"] == TARGET_NAME].iloc[0]
    overall = table.attrs["overall"]["win_rate"]
    table["flagged"] = (
        (table["name"] != TARGET_NAME)
        & (table["overlap"] < max_overlap)
        & (table["win_rate"] >= min_lift_vs_all * overall)
        & (table["win_rate"] >= min_ratio_vs_target * t["win_rate"])
        & (table["win_rate_high"] >= t["win_rate_low"])
        & (table["win_rate_n"] >= min_deals)
    )
    window_ja = f"{since.isoformat()}以降に完了した" if since else ""
    window_en = f" closed since {since.isoformat()}" if since else ""
    same_ja = "同期間の" if since else ""
    same_en = " over the same period" if since else ""
    table["evidence_ja"] = [
        (
            f"受注率{r.win_rate:.0%}(縮小推定、95%区間{r.win_rate_low:.0%}〜"
            f"{r.win_rate_high:.0%}、{window_ja}{r.win_rate_n}件中"
            f"{r.win_rate_raw * r.win_rate_n:.0f}件受注)"
            if r.win_rate_n
            else f"受注率 データ不足({window_ja}成約・失注 {r.win_rate_n}件)"
        )
        + f"／{same_ja}ターゲット{_pct(t.win_rate, 'ja')}・全体{overall:.0%}"
        for r in table.itertuples()
    ]
    table["evidence_en"] = [
        (
            f"win rate {r.win_rate:.0%} (shrunk; 95% {r.win_rate_low:.0%}–{r.win_rate_high:.0%}; "
            f"{r.win_rate_raw * r.win_rate_n:.0f} won of {r.win_rate_n} deals{window_en})"
            if r.win_rate_n
            else f"win rate: not enough data ({r.win_rate_n} deals{window_en})"
        )
        + f" vs target {_pct(t.win_rate, 'en')}, all {overall:.0%}{same_en}"
        for r in table.itertuples()
    ]
    table["_t"] = np.where(table["name"] == TARGET_NAME, 0, 1)
    table = table.sort_values(["flagged", "_t", "win_rate"], ascending=[False, True, False])
    return table.drop(columns="_t").reset_index(drop=True)

"""Positioning evidence: win rate against each competitor, overall and by segment.

Closed new deals are grouped by (segment, competitor); each win rate is shrunk
toward the competitor's overall rate with an empirical-Bayes beta-binomial
prior fitted across the segments, with a Beta posterior interval, and the most
frequent loss reason against that competitor is named.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from rashinban.targeting._conditions import Cond, conditions_mask
from rashinban.targeting._shrinkage import fit_beta_prior, shrink

__all__ = ["competitor_table"]

ALL = "全体"


def competitor_table(
    deals: pd.DataFrame, segments: Mapping[str, Sequence[Cond]] | None = None
) -> pd.DataFrame:
    """Win rate against each competitor (``なし`` = no competitor), overall and per segment.

    Parameters
    ----------
    deals
        Closed new deals with ``competitor`` and ``outcome`` (and the columns
        the segment conditions use), e.g. :func:`rashinban.icp.deal_features`.
    segments
        Optional segment name → conditions; the whole is always included as ``全体``.

    Examples
    --------
    >>> d = pd.DataFrame({"competitor": ["A", "A", "なし"], "outcome": ["won", "lost", "won"]})
    >>> competitor_table(d)[["segment", "competitor", "deals", "won"]].values.tolist()
    [['全体', 'A', 2, 1], ['全体', 'なし', 1, 1]]
    """
    closed = deals[deals["outcome"].isin(["won", "lost"])].copy()
    closed["competitor"] = closed["competitor"].fillna("なし").astype(str)
    groups: dict[str, np.ndarray] = {ALL: np.ones(len(closed), dtype=bool)}
    for name, conds in (segments or {}).items():
        groups[name] = conditions_mask(closed, conds)
    rows = []
    for comp, sub_all in closed.groupby("competitor", sort=True):
        reason = (
            sub_all.loc[sub_all["outcome"] == "lost", "loss_reason"].mode()
            if "loss_reason" in sub_all
            else pd.Series(dtype=object)
        )
        idx = closed.index.get_indexer(sub_all.index)
        ks, ns, names = [], [], []
        for name, mask in groups.items():
            m = mask[idx]
            ks.append(float((sub_all["outcome"].to_numpy()[m] == "won").sum()))
            ns.append(float(m.sum()))
            names.append(name)
        k, n = np.array(ks), np.array(ns)
        res = shrink(k, n, fit_beta_prior(k[1:], n[1:]) if len(k) > 2 else None)
        for i, name in enumerate(names):
            if n[i] == 0:
                continue
            rows.append(
                {
                    "segment": name,
                    "competitor": comp,
                    "deals": int(n[i]),
                    "won": int(k[i]),
                    "win_rate_raw": res["raw"][i],
                    "win_rate": res["rate"][i] if name != ALL else res["raw"][i],
                    "win_rate_low": res["low"][i] if name != ALL else res["wilson_low"][i],
                    "win_rate_high": res["high"][i] if name != ALL else res["wilson_high"][i],
                    "main_loss_reason": str(reason.iloc[0]) if len(reason) else "",
                }
            )
    out = pd.DataFrame(
        rows,
        columns=[
            "segment",
            "competitor",
            "deals",
            "won",
            "win_rate_raw",
            "win_rate",
            "win_rate_low",
            "win_rate_high",
            "main_loss_reason",
        ],
    )
    order = {name: i for i, name in enumerate(groups)}
    out["_o"] = out["segment"].map(order)
    return out.sort_values(["_o", "competitor"]).drop(columns="_o").reset_index(drop=True)

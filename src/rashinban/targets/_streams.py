"""KPI-shift monitoring of a target and its neighbourhood with Bernoulli CUSUMs.

Two kinds of stream are watched, each a 0/1 sequence of new deals in order of
closing (won = 1):

* the target's own win rate, for a *fall* (its hypothesis is at risk);
* each *neighbour* — the target's rule with one condition changed (another
  value of an ``in`` condition, the next employee band below or above a range) —
  for a *rise* (a segment next door has become as good as the core: the cue
  to widen, 失敗事例A 絞りすぎ).

In-control rates come from the reference year before monitoring starts; a
neighbour's is shrunk towards the outside-target pool (empirical Bayes). The
false-alarm budget ``alpha`` is split evenly over the streams (Bonferroni), so
the whole target raises a false KPI-shift trigger with probability ≤ ``alpha``
over the monitored span. Minimum-sample guards: a stream needs ``min_reference``
reference deals (``min_reference // 2`` for a shrunk neighbour) and signals no
earlier than its ``min_obs``-th monitored deal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from rashinban.segments import And, Cond, Rule
from rashinban.targets._data import SIZE_BANDS, eb_prior
from rashinban.targets._detect import bernoulli_cusum

__all__ = ["kpi_shift_streams", "neighbours"]

UP_ODDS = 2.5
DOWN_ODDS = 0.5


def _shift(p0: float, odds: float) -> float:
    return p0 * odds / (1 - p0 + p0 * odds)


def neighbours(rule: Rule, accounts: pd.DataFrame, *, max_values: int = 12) -> list[Rule]:
    """Rules next to ``rule`` (an ``and`` of conditions), outside it.

    Two families: the rule with one condition changed (another value of an
    ``in`` condition; the employee band just below or above a range), and, when
    the rule has both an industry and an employee condition, each other industry
    in each employee band that overlaps or touches the rule's range — the cells
    a shift next door shows up in first.
    """
    root = rule.root
    items = list(root.items) if isinstance(root, And) else [root]
    out: list[Rule] = []
    for i, node in enumerate(items):
        if not isinstance(node, Cond):
            continue
        swaps: list[Cond] = []
        if node.op == "in" and node.column in accounts.columns:
            common = accounts[node.column].value_counts().index[:max_values]
            swaps = [Cond(node.column, "in", (v,)) for v in common if v not in node.values]
        elif node.op == "between" and node.column == "employees":
            lo = float(node.low) if isinstance(node.low, int | float) else 0.0
            hi = float(node.high) if isinstance(node.high, int | float) else None
            below = [b for b in SIZE_BANDS if b[1] is not None and b[1] < lo]
            above = [b for b in SIZE_BANDS if hi is not None and b[0] > hi]
            if below:
                swaps.append(Cond("employees", "between", low=below[-1][0], high=below[-1][1]))
            if above:
                swaps.append(Cond("employees", "between", low=above[0][0], high=above[0][1]))
        for swap in swaps:
            rest = [*items[:i], swap, *items[i + 1 :]]
            out.append(Rule(rest[0] if len(rest) == 1 else And(tuple(rest)), rule.table))
    ind = [c for c in items if isinstance(c, Cond) and c.column == "industry" and c.op == "in"]
    emp = [
        c for c in items if isinstance(c, Cond) and c.column == "employees" and c.op == "between"
    ]
    if ind and emp and "industry" in accounts.columns:
        e_lo, e_hi = emp[0].low, emp[0].high
        lo = float(e_lo) if isinstance(e_lo, int | float) else 0.0
        hi = float(e_hi) if isinstance(e_hi, int | float) else None
        idx = [
            i
            for i, (b_lo, b_hi) in enumerate(SIZE_BANDS)
            if (b_hi is None or b_hi >= lo) and (hi is None or b_lo <= hi)
        ]
        near = range(max(min(idx) - 1, 0), min(max(idx) + 2, len(SIZE_BANDS))) if idx else []
        common = accounts["industry"].value_counts().index[:max_values]
        for v in common:
            if v in ind[0].values:
                continue
            for b in near:
                b_lo, b_hi = SIZE_BANDS[b]
                out.append(
                    Rule(
                        And(
                            (
                                Cond("industry", "in", (v,)),
                                Cond("employees", "between", low=b_lo, high=b_hi),
                            )
                        ),
                        rule.table,
                    )
                )
    return list(dict.fromkeys(out))


def _stream_result(
    name: str,
    kind: str,
    rule: Rule,
    mon: pd.DataFrame,
    p0: float,
    odds: float,
    alpha: float,
    min_obs: int,
    n_ref: int,
) -> dict[str, Any]:
    p0 = float(np.clip(p0, 0.01, 0.99))
    p1 = _shift(p0, odds)
    res = bernoulli_cusum(mon["won"].to_numpy(), p0, p1, alpha=alpha, min_obs=min_obs)
    row: dict[str, Any] = {
        "stream": name,
        "kind": kind,
        "rule": rule.to_text(),
        "p0": p0,
        "p1": p1,
        "n_reference": n_ref,
        "n_monitored": len(mon),
        "threshold": res.threshold,
        "detected_at": None,
        "rate_after": None,
        "n_after": 0,
    }
    if res.signal_index is not None:
        at = mon["closed_at"].iloc[res.signal_index]
        # The rate since the CUSUM last left zero: where the shift started.
        path = res.statistic[: res.signal_index + 1]
        zeros = np.nonzero(path == 0)[0]
        start = int(zeros[-1]) + 1 if len(zeros) else 0
        seg = mon["won"].iloc[start : res.signal_index + 1]
        row.update(
            detected_at=pd.Timestamp(at).date(), rate_after=float(seg.mean()), n_after=len(seg)
        )
    return row


def kpi_shift_streams(
    deals: pd.DataFrame,
    accounts: pd.DataFrame,
    rule: Rule,
    *,
    monitor_from: dt.date,
    as_of: dt.date,
    alpha: float = 0.05,
    min_obs: int = 20,
    min_reference: int = 30,
) -> pd.DataFrame:
    """Run the target's and its neighbours' CUSUMs; one row per stream (signalled or not).

    ``deals`` are closed new deals with account columns (:func:`closed_deals`),
    covering at least the reference year before ``monitor_from``.
    """
    t0 = pd.Timestamp(monitor_from)
    ref_start = t0 - pd.Timedelta(days=365)
    d = deals[(deals["closed_at"] >= ref_start) & (deals["closed_at"] <= pd.Timestamp(as_of))]
    ref, mon = d[d["closed_at"] < t0], d[d["closed_at"] >= t0]
    inside_ref, inside_mon = rule.mask(ref), rule.mask(mon)
    plans: list[tuple[str, str, Rule, pd.DataFrame, float, float, int]] = []
    if inside_ref.sum() >= min_reference:
        plans.append(
            (
                "target",
                "kpi_shift",
                rule,
                mon[inside_mon],
                float(ref[inside_ref]["won"].mean()),
                DOWN_ODDS,
                int(inside_ref.sum()),
            )
        )
    out_ref = ref[~inside_ref]
    nbrs = neighbours(rule, accounts)
    masks = [(nb, nb.mask(out_ref), nb.mask(mon) & ~inside_mon) for nb in nbrs]
    ks = np.array([float(out_ref[m]["won"].sum()) for _, m, _ in masks])
    ns = np.array([float(m.sum()) for _, m, _ in masks])
    prior = eb_prior(ks, ns) if len(ns) else (1.0, 1.0)
    for (nb, _m_ref, m_mon), k, n in zip(masks, ks, ns, strict=True):
        if n < min_reference // 2:
            continue
        p0 = (prior[0] + k) / (prior[0] + prior[1] + n)
        plans.append(("neighbour", "kpi_shift", nb, mon[m_mon], p0, UP_ODDS, int(n)))
    if not plans:
        return pd.DataFrame()
    per_stream = alpha / len(plans)
    rows = [
        _stream_result(name, kind, r, m, p0, odds, per_stream, min_obs, n_ref)
        for name, kind, r, m, p0, odds, n_ref in plans
    ]
    return pd.DataFrame(rows)

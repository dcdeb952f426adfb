"""One view, three motions: new (prospects), expand (cross-/up-sell) and defend (at-risk).

For any segment of accounts (a filter on the ``accounts`` table) the three
motions are counted side by side with the revenue each stands for:

* **new**: prospects in the segment (no subscription running, no order in the
  year) x the segment's shrunk new-deal win rate x its median won new-deal
  amount: the expected revenue of working the whole list;
* **expand**: customers with a cross-sell recommendation scoring at least
  ``expand_min_score`` (or an up-sell signal), and the sum of score x the
  product's median annual value;
* **defend**: customers on the churn watchlist at or above the alert threshold,
  and their revenue at risk (risk x annual revenue).

The new-deal win rate of a small segment is shrunk toward the company's
(beta prior of strength ``prior_strength`` deals; Casella 1985) so a 3-of-3
segment does not promise a 100 % win rate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from rashinban._errors import InvalidValueError, NotEnoughDataError

__all__ = ["MOTIONS", "Condition", "segment_filter", "three_motions"]

#: (motion, Japanese label, English label)
MOTIONS: tuple[tuple[str, str, str], ...] = (
    ("new", "新規開拓（見込み客）", "New (prospects)"),
    ("expand", "深耕（クロスセル・アップセル）", "Expand (cross-/up-sell)"),
    ("defend", "防衛（解約リスク）", "Defend (churn risk)"),
)

Condition = Mapping[str, Any]
SegmentSpec = Callable[[ir.Table], ir.BooleanValue] | Sequence[Condition] | str | Any | None


def _date(value: dt.date | str) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def segment_filter(accounts: ir.Table, segment: SegmentSpec) -> ir.BooleanValue:
    """A boolean expression on ``accounts`` from a rule, a callable or a list of conditions.

    A rule is segment-rule text (``"業種 = 製造業 and 従業員数 between 100 and 999"``, see
    ``docs/rules.md``) or a parsed :class:`rashinban.segments.Rule`. Conditions
    follow the ICP rule format of the public contract:
    ``{"column": c, "op": "in", "values": [...]}`` or
    ``{"column": c, "op": "between", "low": x|None, "high": y|None}``, all ANDed.

    Examples
    --------
    >>> import ibis
    >>> t = ibis.table({"industry": "string", "employees": "int64"}, name="accounts")
    >>> cond = [{"column": "industry", "op": "in", "values": ["製造業"]},
    ...         {"column": "employees", "op": "between", "low": 100, "high": 999}]
    >>> segment_filter(t, cond).type().is_boolean()
    True
    >>> segment_filter(t, "業種 = 製造業 and 従業員数 >= 100").type().is_boolean()
    True
    """
    if segment is None:
        return ibis.literal(True)
    if isinstance(segment, str):
        from rashinban.segments import parse_rule

        segment = parse_rule(segment)
    if hasattr(segment, "to_ibis"):
        expr_rule: ir.BooleanValue = segment.to_ibis(accounts)
        return expr_rule
    if callable(segment):
        return segment(accounts)
    expr: ir.BooleanValue = ibis.literal(True)
    for cond in segment:
        col = str(cond.get("column", ""))
        if col not in accounts.columns:
            raise InvalidValueError(
                f"セグメント条件の列 {col!r} は取引先にありません / "
                f"segment condition names column {col!r}, which accounts does not have",
                column=col,
                fix=f"次のいずれかを使ってください / use one of: {', '.join(accounts.columns)}",
            )
        c = accounts[col]
        op = cond.get("op")
        if op == "in":
            expr &= c.isin(list(cond.get("values", [])))
        elif op == "between":
            if cond.get("low") is not None:
                expr &= c >= cond["low"]
            if cond.get("high") is not None:
                expr &= c <= cond["high"]
        else:
            raise InvalidValueError(
                f"セグメント条件の演算子 {op!r} には対応していません / "
                f"segment condition op {op!r} is not supported",
                fix='"in" (values と) か "between" (low/high と) を使ってください / '
                'use "in" (with values) or "between" (with low/high)',
            )
    return expr


def _segment_accounts(backend: Any, segment: SegmentSpec) -> ir.Table:
    acc = backend.table("accounts")
    return acc.filter(segment_filter(acc, segment)).select("account_id")


def _new(backend: Any, day: dt.date, members: ir.Table, prior_strength: float) -> tuple[int, float]:
    a = ibis.date(day)
    acc = backend.table("accounts")
    subs = backend.table("subscriptions")
    orders = backend.table("orders")
    running = subs.filter((subs.started_at <= a) & (subs.ended_at.isnull() | (subs.ended_at > a)))
    recent = orders.filter(
        (orders.ordered_at <= a) & (orders.ordered_at > a - ibis.interval(days=365))
    )
    buyers = running.select("account_id").union(recent.select("account_id")).distinct()
    prospects = (
        acc.filter(acc.created_at.isnull() | (acc.created_at <= a))
        .select("account_id")
        .semi_join(members, "account_id")
        .anti_join(buyers, "account_id")
    )
    n = int(prospects.count().execute())
    d = backend.table("deals")
    closed = d.filter((d.kind == "new") & d.outcome.isin(["won", "lost"]) & (d.closed_at <= a))
    overall = closed.aggregate(
        won=(closed.outcome == "won").cast("int64").sum(), n=closed.count()
    ).execute()
    seg = closed.semi_join(members, "account_id")
    stats = seg.aggregate(
        won=(seg.outcome == "won").cast("int64").sum(),
        n=seg.count(),
        amount=seg.amount.median(where=seg.outcome == "won"),
    ).execute()
    won_all, n_all = float(overall["won"].iloc[0] or 0), float(overall["n"].iloc[0] or 0)
    p0 = won_all / n_all if n_all else 0.0
    won, m = float(stats["won"].iloc[0] or 0), float(stats["n"].iloc[0] or 0)
    rate = (won + prior_strength * p0) / (m + prior_strength)
    amount = stats["amount"].iloc[0]
    if amount is None or pd.isna(amount):
        all_amt = closed.filter(closed.outcome == "won").amount.median().execute()
        amount = 0.0 if all_amt is None or pd.isna(all_amt) else float(all_amt)
    return n, n * rate * float(amount)


def _product_value(backend: Any, day: dt.date) -> pd.DataFrame:
    """Median annual value of each product among its owners (orders + MRR x 12)."""
    a = ibis.date(day)
    o = backend.table("orders")
    s = backend.table("subscriptions")
    yo = o.filter((o.ordered_at <= a) & (o.ordered_at > a - ibis.interval(days=365)))
    ov = yo.group_by(["account_id", "product_id"]).aggregate(value=yo.amount.sum())
    rs = s.filter((s.started_at <= a) & (s.ended_at.isnull() | (s.ended_at > a)))
    sv = rs.group_by(["account_id", "product_id"]).aggregate(value=rs.mrr.sum() * 12)
    both = ov.union(sv)
    per = both.group_by(["account_id", "product_id"]).aggregate(value=both.value.sum())
    return per.group_by("product_id").aggregate(value=per.value.median()).execute()


def three_motions(
    backend: Any,
    as_of: dt.date | str,
    *,
    segment: SegmentSpec = None,
    watchlist: pd.DataFrame | None = None,
    recommendations: pd.DataFrame | None = None,
    upsell: pd.DataFrame | None = None,
    expand_min_score: float = 0.3,
    prior_strength: float = 20.0,
) -> pd.DataFrame:
    """New, expand and defend for one segment: accounts and revenue side by side.

    Parameters
    ----------
    backend
        Ibis backend with the canonical tables.
    as_of
        The as-of date.
    segment
        ``None`` (every account), segment-rule text or a ``Rule``, a callable
        ``accounts -> boolean expression`` or a list of ICP-style conditions
        (see :func:`segment_filter`).
    watchlist, recommendations, upsell
        Results of :func:`rashinban.churn.churn_watchlist`,
        :func:`rashinban.crosssell.recommend` and
        :func:`rashinban.crosssell.upsell_signals`; computed when None.
    expand_min_score
        A recommendation counts as an expansion candidate from this score.
    prior_strength
        Deals' worth of company-wide win rate added to the segment's.

    Returns
    -------
    pandas.DataFrame
        Three rows (``new``, ``expand``, ``defend``): ``motion``, ``label_ja``,
        ``label_en``, ``accounts`` and ``revenue`` (JPY per year).

    Examples
    --------
    >>> from rashinban.motions import three_motions
    >>> seg = [{"column": "industry", "op": "in", "values": ["製造業"]}]
    >>> three_motions(ws.backend(), "2025-12-29", segment=seg)  # doctest: +SKIP
    """
    day = _date(as_of)
    members = _segment_accounts(backend, segment)
    ids = set(members.execute()["account_id"])
    if watchlist is None:
        from rashinban.churn import WATCHLIST_COLUMNS, churn_watchlist

        try:
            watchlist = churn_watchlist(backend, day)
        except NotEnoughDataError:
            # Too little churn history for a watchlist: the other two motions still stand.
            watchlist = pd.DataFrame(columns=list(WATCHLIST_COLUMNS))
    if recommendations is None:
        from rashinban.crosssell import recommend

        recommendations = recommend(backend, day)
    if upsell is None:
        from rashinban.crosssell import upsell_signals

        upsell = upsell_signals(backend, day)

    n_new, rev_new = _new(backend, day, members, prior_strength)

    values = _product_value(backend, day).set_index("product_id")["value"]
    recs = recommendations[recommendations["account_id"].isin(ids)]
    recs = recs[recs["score"] >= expand_min_score].copy()
    recs["value"] = recs["score"] * recs["product_id"].map(values).fillna(0.0)
    up = upsell[upsell["account_id"].isin(ids)] if len(upsell) else upsell
    expand_ids = set(recs["account_id"]) | set(up["account_id"] if len(up) else [])
    rev_expand = float(recs["value"].sum())

    w = watchlist[watchlist["account_id"].isin(ids) & watchlist["alert"].astype(bool)]
    rows = [
        (n_new, rev_new),
        (len(expand_ids), rev_expand),
        (int(w["account_id"].nunique()), float(w["revenue_at_risk"].sum())),
    ]
    return pd.DataFrame(
        [
            {"motion": m, "label_ja": ja, "label_en": en, "accounts": int(n), "revenue": float(r)}
            for (m, ja, en), (n, r) in zip(MOTIONS, rows, strict=True)
        ]
    )

"""One view, three motions: new (prospects), expand (cross-/up-sell) and defend (at-risk).

For any segment of accounts (a filter on the ``accounts`` table) the three
motions are counted side by side, each with the amount it stands for, named
for what it is:

* **new**: prospects in the segment, accounts that have never been customers
  (:func:`rashinban.crosssell.prospects`: no subscription, order or won new deal
  by the as-of date; churned customers are not prospects). Amount: *expected
  revenue*, the sum over the prospects of their cell's shrunk new-deal win rate
  x its median won new-deal amount, a cell being industry x employee band;
* **expand**: current customers with a cross-sell offer scoring at least
  ``expand_min_score`` or an up-sell signal. Amount: *expansion potential*, the
  sum of offer score x the product's median annual value (cross-sell offers);
* **defend**: customers on the churn watchlist at or above the alert threshold.
  Amount: *revenue at risk*, the sum of risk x annual revenue. When the
  watchlist cannot be built the row says so and why instead of showing 0.

Each prospect's value depends on its own cell only, so the amounts add up: a
segment's expected revenue is the sum of its prospects', and the segments of a
partition sum to the whole. A cell's win rate is shrunk toward the company's
(beta prior of strength ``prior_strength`` deals; Casella 1985) so a 3-of-3 cell
does not promise a 100 % win rate; a cell with fewer than
:data:`rashinban.crosssell.MIN_EVIDENCE` won deals takes the company's median
won amount.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import ibis
import ibis.expr.types as ir
import pandas as pd

from rashinban._errors import InvalidValueError, NotEnoughDataError, UserError, language_halves
from rashinban.engine._periods import as_date

__all__ = [
    "EXPAND_MIN_SCORE",
    "MOTIONS",
    "MOTION_COLUMNS",
    "Condition",
    "segment_filter",
    "three_motions",
]

#: An offer counts as an expansion candidate from this score (:func:`three_motions`).
EXPAND_MIN_SCORE = 0.3

#: (motion, Japanese label, English label)
MOTIONS: tuple[tuple[str, str, str], ...] = (
    ("new", "新規開拓（見込み客）", "New (prospects)"),
    ("expand", "深耕（クロスセル・アップセル）", "Expand (cross-/up-sell)"),
    ("defend", "防衛（解約リスク）", "Defend (churn risk)"),
)

#: What each motion's amount is (ja, en): three different quantities, never one "revenue".
AMOUNT_LABELS: dict[str, tuple[str, str]] = {
    "new": ("期待売上", "expected revenue"),
    "expand": ("想定拡大額", "expansion potential"),
    "defend": ("リスク金額", "revenue at risk"),
}

#: The columns of :func:`three_motions`.
MOTION_COLUMNS = (
    "motion",
    "label_ja",
    "label_en",
    "accounts",
    "revenue",
    "computed",
    "revenue_label_ja",
    "revenue_label_en",
    "definition_ja",
    "definition_en",
    "reason_ja",
    "reason_en",
)

Condition = Mapping[str, Any]
SegmentSpec = Callable[[ir.Table], ir.BooleanValue] | Sequence[Condition] | str | Any | None


def _date(value: dt.date | str) -> dt.date:
    return as_date(value, "as_of")  # a date, datetime, Timestamp or ISO text


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


def _require_members(backend: Any, segment: SegmentSpec) -> None:
    """The segment selects no account: say which value matches nothing, or why."""
    from rashinban.segments import Rule, parse_rule, require_accounts

    text = segment if isinstance(segment, str) else None
    rule: Rule
    if isinstance(segment, str):
        rule = parse_rule(segment)
    elif isinstance(segment, Rule):
        rule = segment
    elif isinstance(segment, Sequence):
        rule = Rule.from_conditions(cast("Sequence[Condition]", segment))
    else:
        raise NotEnoughDataError(
            "セグメントに該当する取引先が0社です / the segment matches no account",
            fix="セグメントの条件を見直してください / check the segment's conditions",
        )
    require_accounts(backend, rule, text=text)


def _new(
    backend: Any, day: dt.date, members: ir.Table, prior_strength: float
) -> tuple[int, float, int]:
    """Prospects among ``members``, their expected revenue (see the module docstring) and
    the won new deals the win rates and amounts rest on."""
    from rashinban.crosssell import MIN_EVIDENCE, prospects, size_band

    a = ibis.date(day)
    acc = backend.table("accounts")
    cells = acc.select(
        "account_id", industry=acc.industry.fill_null("不明"), band=size_band(acc.employees)
    )
    d = backend.table("deals")
    closed = d.filter((d.kind == "new") & d.outcome.isin(["won", "lost"]) & (d.closed_at <= a))
    won = closed.outcome == "won"
    overall = closed.aggregate(
        won=won.cast("int64").sum(), n=closed.count(), amount=closed.amount.median(where=won)
    ).execute()
    won_all, n_all = float(overall["won"].iloc[0] or 0), float(overall["n"].iloc[0] or 0)
    p0 = won_all / n_all if n_all else 0.0
    amount_all = overall["amount"].iloc[0]
    amount_all = 0.0 if amount_all is None or pd.isna(amount_all) else float(amount_all)
    c = closed.join(cells, "account_id")
    cw = c.outcome == "won"
    stats = c.group_by(["industry", "band"]).aggregate(
        won=cw.cast("int64").sum(), n=c.count(), amount=c.amount.median(where=cw)
    )
    pros = prospects(backend, day).semi_join(members, "account_id").join(cells, "account_id")
    j = pros.left_join(stats, ["industry", "band"])
    won_c, n_c = j.won.fill_null(0).cast("float64"), j.n.fill_null(0).cast("float64")
    rate = (won_c + prior_strength * p0) / (n_c + prior_strength)
    amount = ibis.ifelse(won_c >= MIN_EVIDENCE, j.amount, amount_all).fill_null(amount_all)
    out = j.aggregate(n=j.count(), value=(rate * amount).sum()).execute()
    n = int(out["n"].iloc[0] or 0)
    value = out["value"].iloc[0]
    return n, 0.0 if value is None or pd.isna(value) else float(value), int(won_all)


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
    expand_min_score: float = EXPAND_MIN_SCORE,
    prior_strength: float = 20.0,
    watchlist_error: UserError | None = None,
    horizon_days: int = 90,
) -> pd.DataFrame:
    """New, expand and defend for one segment: accounts and amounts side by side.

    Parameters
    ----------
    backend
        Ibis backend with the canonical tables.
    as_of
        The as-of date.
    segment
        ``None`` (every account), segment-rule text or a ``Rule``, a callable
        ``accounts -> boolean expression`` or a list of ICP-style conditions
        (see :func:`segment_filter`). A rule or conditions that select no account
        are an error naming the value that matches nothing (with candidates).
    watchlist, recommendations, upsell
        Results of :func:`rashinban.churn.churn_watchlist`,
        :func:`rashinban.crosssell.recommend` and
        :func:`rashinban.crosssell.upsell_signals`; computed when None.
    expand_min_score
        A recommendation counts as an expansion candidate from this score.
    prior_strength
        Deals' worth of company-wide win rate added to each cell's.
    watchlist_error
        Why the watchlist could not be built, when the caller already tried: the
        defend row is then not computed and gives this reason. The expand row is
        not computed either when no customer has any offer or up-sell signal
        (:func:`rashinban.crosssell.no_offer_error` says why).
    horizon_days
        How far ahead churn risk looks when the watchlist is computed here (the
        workspace's ``[analysis] churn_horizon_days``; default 90).

    Returns
    -------
    pandas.DataFrame
        Three rows (``new``, ``expand``, ``defend``) with :data:`MOTION_COLUMNS`:
        ``accounts`` and ``revenue`` (JPY per year; what it is in
        ``revenue_label_ja``/``_en``: expected revenue, expansion potential, revenue
        at risk), who is counted in ``definition_ja``/``_en``, and ``computed``:
        False (with ``accounts`` and ``revenue`` missing and the reason in
        ``reason_ja``/``_en``) when the motion could not be computed.

    Examples
    --------
    >>> from rashinban.motions import three_motions
    >>> seg = [{"column": "industry", "op": "in", "values": ["製造業"]}]
    >>> three_motions(ws.backend(), "2025-12-29", segment=seg)  # doctest: +SKIP
    """
    day = _date(as_of)
    members = _segment_accounts(backend, segment)
    ids = set(members.execute()["account_id"])
    if not ids and segment is not None:
        _require_members(backend, segment)
    if watchlist is None and watchlist_error is None:
        from rashinban.churn import churn_watchlist

        try:
            watchlist = churn_watchlist(backend, day, horizon_days=horizon_days)
        except NotEnoughDataError as exc:
            # Too little churn history for a watchlist: the other two motions still stand,
            # and the defend row says why it has no number.
            watchlist_error = exc
    if recommendations is None:
        from rashinban.crosssell import recommend

        recommendations = recommend(backend, day)
    if upsell is None:
        from rashinban.crosssell import upsell_signals

        upsell = upsell_signals(backend, day)

    n_new, rev_new, won_new = _new(backend, day, members, prior_strength)

    values = _product_value(backend, day).set_index("product_id")["value"]
    recs = recommendations[recommendations["account_id"].isin(ids)]
    recs = recs[recs["score"] >= expand_min_score].copy()
    recs["value"] = recs["score"] * recs["product_id"].map(values).fillna(0.0)
    up = upsell[upsell["account_id"].isin(ids)] if len(upsell) else upsell
    expand_ids = set(recs["account_id"]) | set(up["account_id"] if len(up) else [])
    rev_expand = float(recs["value"].sum())

    rows: list[tuple[int | None, float | None, tuple[str, str] | None]] = [(n_new, rev_new, None)]
    if not won_new:
        # No won new deal by the date: no win rate or deal size to expect revenue from
        # (a company selling by order alone), not "prospects worth nothing".
        rows[0] = (None, None, NO_WON_NEW)
    if recommendations.empty and not len(upsell):
        # No offer anywhere: too little evidence (or no customer), not "nothing to expand".
        from rashinban.crosssell import no_offer_error

        rows.append((None, None, _halves(no_offer_error(backend, day))))
    else:
        rows.append((len(expand_ids), rev_expand, None))
    if watchlist_error is not None or watchlist is None:
        rows.append((None, None, _halves(watchlist_error)))
    else:
        w = watchlist[watchlist["account_id"].isin(ids) & watchlist["alert"].astype(bool)]
        rows.append((int(w["account_id"].nunique()), float(w["revenue_at_risk"].sum()), None))
    defs = _definitions(expand_min_score)
    out = pd.DataFrame(
        [
            {
                "motion": m,
                "label_ja": ja,
                "label_en": en,
                "accounts": n,
                "revenue": r,
                "computed": why is None,
                "revenue_label_ja": AMOUNT_LABELS[m][0],
                "revenue_label_en": AMOUNT_LABELS[m][1],
                "definition_ja": defs[m][0],
                "definition_en": defs[m][1],
                "reason_ja": None if why is None else why[0],
                "reason_en": None if why is None else why[1],
            }
            for (m, ja, en), (n, r, why) in zip(MOTIONS, rows, strict=True)
        ],
        columns=list(MOTION_COLUMNS),
    )
    return out.astype({"accounts": "Int64", "revenue": "float64"})


def _definitions(expand_min_score: float) -> dict[str, tuple[str, str]]:
    """Who each motion counts, as the table and the report say it (ja, en)."""
    score = f"{expand_min_score:g}"
    return {
        "new": (
            "注文・契約・受注の履歴がない取引先（解約した顧客は含まない）",
            "no order, subscription or won deal yet (churned customers excluded)",
        ),
        "expand": (
            f"提案スコア{score}以上のクロスセルかアップセルのシグナルがある現在の顧客",
            f"current customers with an offer scoring {score}+ or an up-sell signal",
        ),
        "defend": ("解約警戒中の顧客", "customers on churn alert"),
    }


#: Why the new row has no number when no new deal was won by the date.
NO_WON_NEW = (
    "受注した新規商談がまだなく、受注率と受注額から見込み売上を出せません",
    "no new deal won yet: no win rate or deal size to expect revenue from",
)


def _halves(error: UserError | None) -> tuple[str, str]:
    """An error's message as (Japanese, English), without the fix."""
    if error is None:
        return "解約リスクが未算出です", "churn risk was not computed"
    return language_halves(error.message)

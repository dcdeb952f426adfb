"""RFM segments at an as-of date, and how customers move between two dates.

Quantile scores only rank customers against each other. With a
:class:`Lifecycle`, the names also respect what the scores cannot see
(:func:`rfm_analysis` lists the rules): a customer whose subscription runs at
the as-of date, who first bought only recently, or who bought within the usual
interval between purchases is not called lapsed, and a customer whose
subscriptions have all ended is ``churned`` (解約済み), not "at risk".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from rashinban._errors import InvalidValueError
from rashinban.engine._periods import as_date, day_expr
from rashinban.engine._rfm import _check_columns, is_purchase, rfm_summary
from rashinban.engine._scores import ScoreMethod, rfm_scores
from rashinban.engine._segments import DEFAULT_SEGMENTS, SegmentRule, rfm_segments

__all__ = [
    "CHURNED_SEGMENT",
    "NOT_YET_SEGMENT",
    "SEGMENT_BASES",
    "Lifecycle",
    "rfm_analysis",
    "rfm_transitions",
]

NOT_YET_SEGMENT = SegmentRule("not_yet", "未獲得", "Not yet a customer")
"""The "from" segment of customers who had not bought yet at the first date."""

CHURNED_SEGMENT = SegmentRule(
    "churned",
    "解約済み",
    "Churned",
    description_ja="契約がすべて終了し、その後の購入もない。解約理由を聞き、再契約の余地を探る",
    description_en="Every subscription has ended and nothing was bought since: "
    "learn why, look for a way back",
)
"""The segment of customers whose subscriptions have all ended (with a :class:`Lifecycle`)."""

#: Why a customer has its segment name (the ``basis`` column), code → (ja, en).
SEGMENT_BASES: dict[str, tuple[str, str]] = {
    "ended": ("契約がすべて終了", "every subscription ended"),
    "subscribed": ("契約継続中 (購入中とみなす)", "subscription running (counted as buying)"),
    "first_purchase": ("初回購入から猶予期間内", "first purchase within the grace period"),
    "recent": ("最終購入が通常の購買間隔以内", "last purchase within the usual interval"),
    "scores": ("RFMスコア", "RFM scores"),
}

#: Days after a first purchase in which a customer is never called lapsed (at least).
DEFAULT_GRACE_DAYS = 90


@dataclass(frozen=True, eq=False)
class Lifecycle:
    """What the names must respect beyond the scores: subscriptions and newness.

    Parameters
    ----------
    subscriptions
        A table like the canonical ``subscriptions`` (customer key, start, and an
        exclusive end that is empty while the subscription runs), or ``None`` for a
        log of orders only.
    grace_days
        A customer whose first purchase is at most ``max(grace_days, usual
        interval)`` days before the as-of date is not called lapsed.
    started_col, ended_col
        The subscription's start and end columns.
    """

    subscriptions: ir.Table | None = None
    grace_days: int = DEFAULT_GRACE_DAYS
    started_col: str = "started_at"
    ended_col: str = "ended_at"


def rfm_analysis(
    transactions: ir.Table,
    *,
    observation_period_end: dt.date | dt.datetime | str,
    customer_id_col: str = "account_id",
    datetime_col: str = "ordered_at",
    monetary_value_col: str = "amount",
    time_unit: str = "D",
    method: ScoreMethod = "quantile",
    bins: int = 5,
    thresholds: Mapping[str, Sequence[float]] | None = None,
    segments: Sequence[SegmentRule] = DEFAULT_SEGMENTS,
    lifecycle: Lifecycle | None = None,
    net_returns: bool = False,
) -> ir.Table:
    """Transactions to named RFM segments at one as-of date, in one expression.

    :func:`rfm_summary` with ``include_first_transaction=True`` (every purchase
    period counts in F and M), then :func:`rfm_scores`, then :func:`rfm_segments`.
    ``net_returns=True`` counts only periods that net to a positive total as
    purchases (:func:`rfm_summary`); the lifecycle's first and last purchase are then
    days that net positive, so a return or a refund does not make a customer recent.

    With a ``lifecycle``, each customer is first given a ``basis``, the first that
    applies of:

    ``ended``
        every subscription started by the as-of date has ended by it and nothing
        was bought on or after the last end: the segment is ``churned``
        (解約済み / Churned), whatever the scores say;
    ``subscribed``
        a subscription runs at the as-of date;
    ``first_purchase``
        the first purchase is at most ``grace_days`` before the as-of date, where
        ``grace_days`` is the larger of ``lifecycle.grace_days`` and the usual
        interval;
    ``recent``
        the last purchase is at most the usual interval before the as-of date;
    ``scores``
        anything else.

    The usual interval (``interval_days``) is the median over repeat customers of
    their mean days between purchases, (last − first) / (F − 1). Customers of
    ``subscribed``, ``first_purchase`` and ``recent`` are named with the top R
    score: they are buying or cannot have lapsed yet, so a name that says they
    stopped buying (離反, 休眠, 離反予備軍, 失いたくない, 要注意) is never theirs.
    ``R`` keeps its quantile score. Added columns: ``basis``, ``basis_ja``,
    ``basis_en`` and the thresholds of the date, ``grace_days`` and
    ``interval_days`` (whole days, the same on every row).

    Examples
    --------
    >>> import datetime as dt, ibis, pandas as pd
    >>> tx = ibis.memtable(pd.DataFrame({"account_id": ["a", "a", "b"],
    ...     "ordered_at": pd.to_datetime(["2024-01-05", "2024-03-01", "2023-06-01"]),
    ...     "amount": [100.0, 200.0, 50.0]}))
    >>> seg = rfm_analysis(tx, observation_period_end=dt.date(2024, 3, 31), bins=2,
    ...     segments=[SegmentRule("best", "最良", "Best", r=(2, 2), f=(2, 2))])
    >>> seg.order_by("account_id").to_pandas()["segment"].tolist()
    ['best', 'other']
    """
    summary = rfm_summary(
        transactions,
        customer_id_col=customer_id_col,
        datetime_col=datetime_col,
        monetary_value_col=monetary_value_col,
        observation_period_end=observation_period_end,
        time_unit=time_unit,
        include_first_transaction=True,
        net_returns=net_returns,
    )
    scores = rfm_scores(summary, method=method, bins=bins, thresholds=thresholds)
    if lifecycle is None:
        return rfm_segments(scores, segments)
    return _lifecycle_segments(
        scores,
        transactions,
        lifecycle,
        as_date(observation_period_end, "observation_period_end"),
        customer_id_col=customer_id_col,
        datetime_col=datetime_col,
        bins=bins,
        segments=segments,
        monetary_value_col=monetary_value_col if net_returns else None,
    )


def _labelled(codes: ir.StringValue, labels: Mapping[str, tuple[str, str]], i: int) -> ir.Value:
    return codes.cases(*[(k, v[i]) for k, v in labels.items()], else_=codes)


def _lifecycle_segments(
    scores: ir.Table,
    transactions: ir.Table,
    lifecycle: Lifecycle,
    end: dt.date,
    *,
    customer_id_col: str,
    datetime_col: str,
    bins: int,
    segments: Sequence[SegmentRule],
    monetary_value_col: str | None = None,
) -> ir.Table:
    """Name scored customers with the lifecycle rules of :func:`rfm_analysis`.

    With ``monetary_value_col`` (``net_returns``) only days that are purchases
    (:func:`~rashinban.engine._rfm.is_purchase`) give the first and last purchase.
    """
    if not isinstance(lifecycle.grace_days, int) or lifecycle.grace_days < 0:
        raise InvalidValueError(
            f"grace_days は0以上の整数にしてください ({lifecycle.grace_days!r}) / "
            f"grace_days must be a whole number of days, 0 or more, got {lifecycle.grace_days!r}",
            value=lifecycle.grace_days,
            fix="Lifecycle(grace_days=90) のように日数を指定してください / "
            "pass a number of days, e.g. Lifecycle(grace_days=90)",
        )
    end_lit = ibis.literal(end, type="date")
    tx = transactions.mutate(_rb_day=day_expr(transactions[datetime_col]))
    tx = tx.filter(tx["_rb_day"] <= end_lit)
    if monetary_value_col is not None:
        amount = tx[monetary_value_col].cast("float64")
        days = tx.group_by([customer_id_col, "_rb_day"]).aggregate(
            _rb_net=amount.fill_null(0.0).sum(), _rb_unknown=amount.isnull().any()
        )
        tx = days.filter(is_purchase(days["_rb_net"], days["_rb_unknown"]))
    dates = tx.group_by(_rb_id=tx[customer_id_col]).aggregate(
        _rb_first=tx["_rb_day"].min(), _rb_last=tx["_rb_day"].max()
    )
    t = scores.left_join(dates, scores[customer_id_col] == dates["_rb_id"]).drop("_rb_id")
    subs = lifecycle.subscriptions
    if subs is not None:
        _check_columns(subs, customer_id_col, lifecycle.started_col, lifecycle.ended_col)
        s = subs.mutate(
            _rb_start=day_expr(subs[lifecycle.started_col]),
            _rb_stop=day_expr(subs[lifecycle.ended_col]),
        )
        s = s.filter(s["_rb_start"] <= end_lit, s[customer_id_col].notnull())
        running = s["_rb_stop"].isnull() | (s["_rb_stop"] > end_lit)
        per = s.group_by(_rb_id=s[customer_id_col]).aggregate(
            _rb_running=running.cast("int64").sum(), _rb_last_end=s["_rb_stop"].max()
        )
        t = t.left_join(per, t[customer_id_col] == per["_rb_id"]).drop("_rb_id")
        ended = (t["_rb_running"] == 0) & (t["_rb_last"] < t["_rb_last_end"])
        subscribed = t["_rb_running"] > 0
    else:
        ended = subscribed = ibis.literal(False)
    span = t["_rb_last"].delta(t["_rb_first"], unit="day").cast("float64")
    gap = ibis.ifelse(t["frequency"] >= 2, span / (t["frequency"] - 1), ibis.null("float64"))
    usual = t.aggregate(_rb_interval=gap.median())
    t = t.cross_join(usual)
    interval = t["_rb_interval"].fill_null(0.0).ceil().cast("int64")
    grace = ibis.greatest(ibis.literal(int(lifecycle.grace_days), "int64"), interval)
    age = end_lit.delta(t["_rb_first"], unit="day").cast("int64")
    since_last = end_lit.delta(t["_rb_last"], unit="day").cast("int64")
    basis = ibis.cases(
        (ended.fill_null(False), "ended"),
        (subscribed.fill_null(False), "subscribed"),
        (age <= grace, "first_purchase"),
        ((interval > 0) & (since_last <= interval), "recent"),
        else_="scores",
    )
    t = t.mutate(
        grace_days=grace,
        interval_days=interval,
        basis=basis,
        _rb_R=t["R"],
    )
    current = t["basis"].isin(["subscribed", "first_purchase", "recent"])
    named = rfm_segments(t.mutate(R=ibis.ifelse(current, bins, t["R"]).cast("int8")), segments)
    churned = named["basis"] == "ended"
    return named.select(
        *[named["_rb_R"].name("R") if c == "R" else named[c] for c in scores.columns],
        segment=ibis.ifelse(churned, CHURNED_SEGMENT.key, named["segment"]),
        segment_ja=ibis.ifelse(churned, CHURNED_SEGMENT.ja, named["segment_ja"]),
        segment_en=ibis.ifelse(churned, CHURNED_SEGMENT.en, named["segment_en"]),
        basis=named["basis"],
        basis_ja=_labelled(named["basis"], SEGMENT_BASES, 0),
        basis_en=_labelled(named["basis"], SEGMENT_BASES, 1),
        grace_days=named["grace_days"],
        interval_days=named["interval_days"],
    )


def rfm_transitions(
    transactions: ir.Table,
    date_a: dt.date | dt.datetime | str,
    date_b: dt.date | dt.datetime | str,
    *,
    customer_id_col: str = "account_id",
    datetime_col: str = "ordered_at",
    monetary_value_col: str = "amount",
    time_unit: str = "D",
    method: ScoreMethod = "quantile",
    bins: int = 5,
    thresholds: Mapping[str, Sequence[float]] | None = None,
    segments: Sequence[SegmentRule] = DEFAULT_SEGMENTS,
    lifecycle: Lifecycle | None = None,
    net_returns: bool = False,
) -> ir.Table:
    """How many customers moved from each RFM segment at ``date_a`` to each at ``date_b``.

    Both dates are scored and named the same way (:func:`rfm_analysis`, with the
    same ``lifecycle`` rules if given); quantile scores are relative to the
    customers of each date. Customers whose first purchase is after ``date_a``
    come from ``not_yet`` (未獲得 / Not yet a customer).

    Returns
    -------
    ibis.Table
        A long matrix: ``segment_a, segment_a_ja, segment_a_en, segment_b,
        segment_b_ja, segment_b_en, customers`` — one row per pair that occurs.
        Summing ``customers`` per ``segment_a`` gives the segment sizes at
        ``date_a`` (plus the ``not_yet`` row).

    Raises
    ------
    InvalidValueError
        ``date_b`` is not after ``date_a``.

    Examples
    --------
    >>> import datetime as dt, ibis, pandas as pd
    >>> tx = ibis.memtable(pd.DataFrame({"account_id": ["a", "a", "b"],
    ...     "ordered_at": pd.to_datetime(["2024-01-05", "2024-03-01", "2024-02-20"]),
    ...     "amount": [100.0, 200.0, 50.0]}))
    >>> m = rfm_transitions(tx, dt.date(2024, 1, 31), dt.date(2024, 3, 31))
    >>> m.order_by("segment_a").to_pandas()[["segment_a", "segment_b", "customers"]].values.tolist()
    [['lost', 'loyal', 1], ['not_yet', 'lost', 1]]
    """
    a, b = as_date(date_a, "date_a"), as_date(date_b, "date_b")
    if b <= a:
        raise InvalidValueError(
            f"date_b {b} が date_a {a} より後ではありません / date_b {b} is not after date_a {a}",
            value=str(b),
            fix="前の日付を先に渡してください: rfm_transitions(tx, 前, 後) / "
            "pass the earlier date first: rfm_transitions(tx, earlier, later)",
        )
    common: dict[str, Any] = {
        "customer_id_col": customer_id_col,
        "datetime_col": datetime_col,
        "monetary_value_col": monetary_value_col,
        "time_unit": time_unit,
        "method": method,
        "bins": bins,
        "thresholds": thresholds,
        "segments": segments,
        "lifecycle": lifecycle,
        "net_returns": net_returns,
    }
    cols = [customer_id_col, "segment", "segment_ja", "segment_en"]
    seg_a = rfm_analysis(transactions, observation_period_end=a, **common).select(*cols)
    seg_b = rfm_analysis(transactions, observation_period_end=b, **common).select(*cols)
    seg_a = seg_a.rename(
        _rb_id=customer_id_col,
        segment_a="segment",
        segment_a_ja="segment_ja",
        segment_a_en="segment_en",
    )
    seg_b = seg_b.rename(segment_b="segment", segment_b_ja="segment_ja", segment_b_en="segment_en")
    # Everyone known at date_a has bought by date_b as well, so date_b's customers are
    # the full population and a left join from them finds every pair.
    j = seg_b.left_join(seg_a, seg_b[customer_id_col] == seg_a["_rb_id"])
    pairs = j.select(
        j["segment_a"].fill_null(NOT_YET_SEGMENT.key).name("segment_a"),
        j["segment_a_ja"].fill_null(NOT_YET_SEGMENT.ja).name("segment_a_ja"),
        j["segment_a_en"].fill_null(NOT_YET_SEGMENT.en).name("segment_a_en"),
        "segment_b",
        "segment_b_ja",
        "segment_b_en",
    )
    return pairs.group_by(list(pairs.columns)).aggregate(customers=ibis._.count())

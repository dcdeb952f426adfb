"""Churn early-warning features, as Ibis expressions evaluated as of a date.

Every feature of an account sees only rows dated on or before the as-of date
(usage weeks, tickets opened, surveys answered, meeting notes written, orders
placed, contacts created). Facts that lie after the date enter only as "not
yet" (a ticket not closed by the date is open on it; a subscription that ends
later is running), so moving future rows about cannot change a feature. The
test suite checks exactly that.

Windows (days before the as-of date ``A``):

========================  ==========================  ===========================
signal                    recent window               reference window
========================  ==========================  ===========================
usage (3 metrics)         (A-42, A]                   (A-168, A-42]
meetings (notes)          (A-90, A]                   (A-270, A-90], per 90 days
orders                    (A-180, A]                  (A-360, A-180]
tickets                   opened in (A-90, A]         -
low satisfaction (<=2)    closed in (A-180, A]        -
NPS                       latest answer in (A-180, A] previous answer
========================  ==========================  ===========================

The usage trend compares an account with its own earlier level, so a small
customer and a large one are judged on the same scale (the "usage fell by
half" rule of customer-success teams is ``usage_ratio_active_users <= 0.5``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir

from rashinban.churn._labels import _date

__all__ = ["FEATURE_COLUMNS", "USAGE_METRICS", "churn_features"]

USAGE_METRICS = ("active_users", "logins", "records_created")

#: Model inputs derived from the raw feature table (see :func:`model_matrix`).
FEATURE_COLUMNS = (
    "usage_drop_active_users",
    "usage_drop_logins",
    "usage_drop_records_created",
    "meeting_drop",
    "tickets_90d",
    "open_high_tickets",
    "low_satisfaction_180d",
    "detractor",
    "nps_drop",
    "orders_drop",
    "renewal_soon",
    "no_decision_maker",
    "log_tenure",
)

_RECENT_USAGE = 42
_REF_USAGE = 168
_HIGH = "高"


def _within(table: ir.Table, col: str, dates: ir.Table, days: int) -> ir.Table:
    """Rows of ``table`` dated in (as_of - days, as_of], one copy per as-of date."""
    return table.join(
        dates,
        [table[col] <= dates.as_of, table[col] > dates.as_of - ibis.interval(days=days)],
    )


def _usage(usage: ir.Table, dates: ir.Table) -> ir.Table:
    u = _within(usage, "date", dates, _REF_USAGE)
    recent = u.date > u.as_of - ibis.interval(days=_RECENT_USAGE)
    aggs: dict[str, ir.Value] = {}
    for m in USAGE_METRICS:
        is_m = u.metric == m
        aggs[f"{m}_recent"] = u.value.mean(where=is_m & recent)
        aggs[f"{m}_before"] = u.value.mean(where=is_m & ~recent)
    # The latest week alone, for the "usage fell by half" rule baseline.
    aggs["active_users_last"] = u.value.argmax(u.date, where=u.metric == "active_users")
    return u.group_by(["account_id", "as_of"]).aggregate(**aggs)


def _meetings(notes: ir.Table, dates: ir.Table) -> ir.Table:
    n = _within(notes.filter(notes.kind == "meeting"), "written_at", dates, 270)
    recent = n.written_at > n.as_of - ibis.interval(days=90)
    return n.group_by(["account_id", "as_of"]).aggregate(
        meetings_90d=n.count(where=recent),
        meetings_before=n.count(where=~recent),
    )


def _tickets(tickets: ir.Table, dates: ir.Table) -> ir.Table:
    t = tickets.join(dates, tickets.opened_at <= dates.as_of)
    a = t.as_of
    open_on_day = t.closed_at.isnull() | (t.closed_at > a)
    high_open = open_on_day & (t.priority == _HIGH)
    closed = t.closed_at.notnull() & (t.closed_at <= a)
    low_sat = closed & (t.closed_at > a - ibis.interval(days=180)) & (t.satisfaction <= 2)
    return t.group_by(["account_id", "as_of"]).aggregate(
        tickets_90d=t.count(where=t.opened_at > a - ibis.interval(days=90)),
        open_high_tickets=t.count(where=high_open),
        open_high_ids=t.ticket_id.group_concat(", ", where=high_open),
        low_satisfaction_180d=t.count(where=low_sat),
        low_satisfaction_ids=t.ticket_id.group_concat(", ", where=low_sat),
    )


def _surveys(surveys: ir.Table, dates: ir.Table) -> ir.Table:
    s = surveys.join(dates, surveys.answered_at <= dates.as_of)
    w = ibis.window(
        group_by=["account_id", "as_of"],
        order_by=[ibis.desc("answered_at"), ibis.desc("response_id")],
    )
    ranked = s.mutate(_rn=ibis.row_number().over(w))
    ranked = ranked.filter(ranked._rn <= 1)
    latest = ranked._rn == 0
    return ranked.group_by(["account_id", "as_of"]).aggregate(
        nps_latest=ranked.nps.max(where=latest),
        nps_latest_at=ranked.answered_at.max(where=latest),
        nps_latest_id=ranked.response_id.max(where=latest),
        nps_previous=ranked.nps.max(where=ranked._rn == 1),
    )


def _orders(orders: ir.Table, dates: ir.Table) -> ir.Table:
    o = _within(orders, "ordered_at", dates, 360)
    recent = o.ordered_at > o.as_of - ibis.interval(days=180)
    return o.group_by(["account_id", "as_of"]).aggregate(
        orders_recent=o.amount.sum(where=recent),
        orders_before=o.amount.sum(where=~recent),
    )


def _decision_makers(contacts: ir.Table, dates: ir.Table) -> ir.Table:
    c = contacts.filter(contacts.role == "decision_maker")
    c = c.join(dates, c.created_at <= dates.as_of)
    return c.group_by(["account_id", "as_of"]).aggregate(decision_makers=c.count())


def _active(subscriptions: ir.Table, dates: ir.Table) -> ir.Table:
    s = subscriptions.join(dates, subscriptions.started_at <= dates.as_of)
    s = s.filter(s.ended_at.isnull() | (s.ended_at > s.as_of))
    core = s.product_id == "P01"
    return s.group_by(["account_id", "as_of"]).aggregate(
        mrr=s.mrr.sum().cast("float64"),
        plan=s.plan.max(where=core),
        core_start=s.started_at.min(where=core),
        products=s.product_id.nunique(),
    )


def churn_features(
    backend: Any,
    as_of: dt.date | str | list[dt.date] | tuple[dt.date, ...],
    horizon_days: int = 90,
) -> ir.Table:
    """Churn-warning features of every customer active on ``as_of`` (an Ibis expression).

    Parameters
    ----------
    backend
        An Ibis backend holding the canonical tables (``ws.backend()``).
    as_of
        The as-of date (or several: one row per customer and date, computed in
        one query); no row dated after an as-of date is read for it.
    horizon_days
        The warning horizon: ``renewal_soon`` flags a contract anniversary within it.

    Returns
    -------
    ibis.Table
        One row per active customer: ``account_id``, ``mrr``, ``plan``, raw
        signal columns (usage means per metric and window, meeting, ticket,
        NPS and order counts, ticket/survey ids as evidence) and the model
        inputs named in :data:`FEATURE_COLUMNS`.

    Examples
    --------
    >>> from rashinban.churn import churn_features
    >>> churn_features(ws.backend(), "2025-06-30").execute()  # doctest: +SKIP
    """
    if isinstance(as_of, list | tuple):
        days = [_date(d) for d in as_of]
    else:
        days = [_date(as_of)]
    dates = ibis.memtable({"as_of": days}, schema={"as_of": "date"})
    t = backend.table
    parts = [
        _usage(t("usage"), dates),
        _meetings(t("notes"), dates),
        _tickets(t("tickets"), dates),
        _surveys(t("surveys"), dates),
        _orders(t("orders"), dates),
        _decision_makers(t("contacts"), dates),
    ]
    j = _active(t("subscriptions"), dates)
    for part in parts:
        j = j.left_join(part, ["account_id", "as_of"]).drop("account_id_right", "as_of_right")
    a = j.as_of

    def ratio(m: str) -> ir.FloatingValue:
        before = j[f"{m}_before"]
        r = j[f"{m}_recent"] / ibis.ifelse(before > 0, before, ibis.null("float64"))
        return r.fill_null(1.0)

    def drop(m: str) -> ir.FloatingValue:
        return (1.0 - ratio(m)).clip(lower=0.0, upper=1.0)

    since_start = a.delta(j.core_start.fill_null(a), unit="day").cast("int64")
    days_to_renewal = 365 - since_start % 365
    meet_before = j.meetings_before.fill_null(0).cast("float64") / 2.0
    meet_recent = j.meetings_90d.fill_null(0).cast("float64")
    ord_before = j.orders_before.fill_null(0.0)
    ord_recent = j.orders_recent.fill_null(0.0)
    nps_recent = j.nps_latest_at > a - ibis.interval(days=180)
    detractor = (nps_recent & (j.nps_latest <= 6)).fill_null(False)
    nps_drop = ibis.ifelse(
        nps_recent & j.nps_previous.notnull(),
        (j.nps_previous - j.nps_latest).cast("float64").clip(lower=0.0),
        0.0,
    ).fill_null(0.0)
    return j.mutate(
        usage_ratio_active_users=ratio("active_users"),
        usage_ratio_logins=ratio("logins"),
        usage_ratio_records_created=ratio("records_created"),
        usage_ratio_last_week=(
            j.active_users_last
            / ibis.ifelse(j.active_users_before > 0, j.active_users_before, ibis.null("float64"))
        ).fill_null(1.0),
        usage_drop_active_users=drop("active_users"),
        usage_drop_logins=drop("logins"),
        usage_drop_records_created=drop("records_created"),
        meeting_drop=(meet_before - meet_recent).clip(lower=0.0),
        tickets_90d=j.tickets_90d.fill_null(0),
        open_high_tickets=j.open_high_tickets.fill_null(0),
        low_satisfaction_180d=j.low_satisfaction_180d.fill_null(0),
        detractor=detractor.cast("int64"),
        nps_drop=nps_drop,
        orders_drop=ibis.ifelse(
            ord_before > 0, ((ord_before - ord_recent) / ord_before).clip(lower=0.0), 0.0
        ),
        renewal_soon=(days_to_renewal <= horizon_days).cast("int64"),
        days_to_renewal=days_to_renewal,
        no_decision_maker=(j.decision_makers.fill_null(0) == 0).cast("int64"),
        tenure_days=since_start,
        log_tenure=(since_start.cast("float64") + 1.0).ln(),
    )

"""Churn labels: when did each contractual customer leave?

A customer has churned on the day its last subscription ended, provided no
subscription is still running (an upgrade ends one plan and starts the next on
the same day, so it is no churn). The label of an as-of date is "active on the
date and churned within the following ``horizon_days``"; it is known only once
the horizon has passed, which :func:`churn_labels` makes explicit with
``resolved``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir

__all__ = ["active_customers", "churn_dates", "churn_labels"]


def _date(value: dt.date | str) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def churn_dates(subscriptions: ir.Table, known_on: dt.date | str | None = None) -> ir.Table:
    """One row per subscriber: ``account_id``, ``first_start``, ``churn_date`` (null if running).

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> subs = ibis.memtable(pd.DataFrame({
    ...     "account_id": ["A", "A", "B"],
    ...     "started_at": pd.to_datetime(["2024-01-01", "2024-06-01", "2024-01-01"]).date,
    ...     "ended_at": pd.to_datetime(["2024-06-01", None, "2024-09-30"]).date}))
    >>> out = churn_dates(subs).order_by("account_id").execute()
    >>> [None if pd.isna(d) else str(d)[:10] for d in out["churn_date"]]
    [None, '2024-09-30']

    With ``known_on`` the dates are those known on that day: later subscriptions
    are ignored and an end after it is "still running" (a customer who left and
    came back later still churned, as far as that day knows).
    """
    s = subscriptions
    ended = s.ended_at
    if known_on is not None:
        day = ibis.date(_date(known_on))
        s = s.filter(s.started_at <= day)
        ended = ibis.ifelse(s.ended_at <= day, s.ended_at, ibis.null("date"))
    return (
        s.group_by("account_id")
        .aggregate(
            first_start=s.started_at.min(),
            n_open=ended.isnull().cast("int64").sum(),
            last_end=ended.max(),
        )
        .mutate(churn_date=ibis.ifelse(ibis._.n_open > 0, ibis.null("date"), ibis._.last_end))
        .select("account_id", "first_start", "churn_date")
    )


def active_customers(subscriptions: ir.Table, as_of: dt.date | str) -> ir.Table:
    """Accounts with a subscription running on ``as_of``, with their MRR and core plan.

    Only facts known on the date are used: a subscription counts when it started
    on or before the date and had not ended by then.
    """
    day = ibis.date(_date(as_of))
    s = subscriptions
    running = s.filter((s.started_at <= day) & (s.ended_at.isnull() | (s.ended_at > day)))
    core = running.product_id == "P01"
    return running.group_by("account_id").aggregate(
        mrr=running.mrr.sum(),
        plan=running.plan.max(where=core),
        core_start=running.started_at.min(where=core),
        products=running.product_id.nunique(),
    )


def churn_labels(
    backend: Any, as_of: dt.date | str, horizon_days: int = 90, *, data_end: dt.date | None = None
) -> ir.Table:
    """Customers active on ``as_of`` with ``churned`` (within the horizon) and ``churn_date``.

    ``resolved`` is true when the horizon ended on or before ``data_end`` (the
    label can be trusted); rows are returned either way.
    """
    day = _date(as_of)
    subs = backend.table("subscriptions")
    active = active_customers(subs, day)
    dates = churn_dates(subs)
    end = ibis.date(day + dt.timedelta(days=horizon_days))
    j = active.join(dates, "account_id")
    churned = j.churn_date.notnull() & (j.churn_date <= end)
    resolved = ibis.literal(data_end is None or day + dt.timedelta(days=horizon_days) <= data_end)
    return j.select(
        "account_id",
        "mrr",
        churn_date=j.churn_date,
        churned=churned.fill_null(False),
        resolved=resolved,
    )

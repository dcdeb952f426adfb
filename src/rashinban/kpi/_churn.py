"""Annual customer churn of a scope: the basis of a churn-rate hypothesis.

The ``churn_rate`` KPI of the funnel is per period (subscriptions ended in a month
over those active at its start); a hypothesis such as 「解約率 ≤ 10%」 is read as a
yearly share of customers, so a review judges it on :func:`customer_churn` over its
window instead: the customers (accounts with a subscription active on the window's
first day) and how many of them have no subscription running on the as-of date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rashinban.kpi._funnel import _in_scope, _scope_accounts
from rashinban.segments import Rule

__all__ = ["customer_churn"]


def customer_churn(
    backend: Any, rule: Rule | None, *, start: dt.date, as_of: dt.date
) -> tuple[int, int]:
    """``(churned, customers)`` of the scope ``rule`` (None: the company) over ``start``–``as_of``.

    A customer is an account with a subscription active on ``start`` (started before
    it and not ended by it, as the funnel counts a period's start); it has churned when
    none of its subscriptions is running on ``as_of``. A customer who ends one
    subscription and keeps or starts another is retained. Nothing after ``as_of`` is read.
    """
    s = backend.table("subscriptions")
    s = s.filter((s.started_at <= as_of) & s.account_id.notnull())
    s = _in_scope(s, _scope_accounts(backend, rule))
    ended = s.ended_at.notnull() & (s.ended_at <= as_of)
    active = (s.started_at < start) & (~ended | (s.ended_at >= start))
    per = s.group_by("account_id").aggregate(
        active=active.cast("int64").max(), running=(~ended).cast("int64").max()
    )
    per = per.filter(per.active == 1)
    row = per.aggregate(n=per.count(), k=(per.running == 0).cast("int64").sum()).execute()
    n = int(row["n"].iloc[0])
    return (int(row["k"].fillna(0).iloc[0]) if n else 0), n

"""Per-customer MRR over a window: the basis of an NRR (売上継続率) hypothesis.

The ``nrr`` KPI of the funnel is per period (a month's end MRR of the accounts active at
its start over their start MRR, about 1.00 a month); a hypothesis such as
「NRR ≥ 110%」 is read the way SaaS reports it, as a yearly figure: what the customers
of a year ago pay now against what they paid then. A review judges it on
:func:`customer_mrr` over its window instead, counted exactly as the funnel counts one
period that runs from the window's first day to the as-of date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from rashinban.kpi._funnel import _scope_accounts, _subscription_flags
from rashinban.segments import Rule

__all__ = ["customer_mrr"]


def customer_mrr(
    backend: Any, rule: Rule | None, *, start: dt.date, as_of: dt.date
) -> pd.DataFrame:
    """MRR of each customer of the scope ``rule`` (None: the company) at ``start`` and ``as_of``.

    A customer is an account with a subscription active on ``start`` (started before it
    and not ended by it); ``mrr_start`` is the MRR of its subscriptions active then and
    ``mrr_end`` that of its subscriptions running at the end of ``as_of`` (new plans of
    the same customer count: expansion; ended ones do not: contraction and churn).
    Accounts that became customers after ``start`` are not in the frame. Nothing after
    ``as_of`` is read.

    Returns
    -------
    pandas.DataFrame
        ``account_id``, ``mrr_start``, ``mrr_end`` (float, a missing MRR counted as 0),
        sorted by ``account_id``. NRR is ``mrr_end.sum() / mrr_start.sum()``.
    """
    end = as_of + dt.timedelta(days=1)  # the as-of day itself counts, as in the funnel
    x = _subscription_flags(backend, _scope_accounts(backend, rule), as_of, [start], [end])
    per = x.group_by("account_id").aggregate(
        customer=x.a0.cast("int64").max(),
        mrr_start=x.a0.ifelse(x.mrr, 0).sum(),
        mrr_end=x.a1.ifelse(x.mrr, 0).sum(),
    )
    out = per.filter(per.customer == 1).drop("customer").execute()
    out[["mrr_start", "mrr_end"]] = out[["mrr_start", "mrr_end"]].astype(float).fillna(0.0)
    return out.sort_values("account_id").reset_index(drop=True)

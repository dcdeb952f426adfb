"""Subscriptions as purchases: monthly billings turned into an RFM summary.

Customers who pay a subscription have no ``orders`` rows, yet they buy every
month. :func:`subscription_billings` writes their billing history out as a
transaction log, and :func:`rfm_summary_from_subscriptions` summarises it like
orders. Assumptions (the ``subscriptions`` table has no invoice lines):

* a subscription bills its ``mrr`` once a month, in advance, on the day of the
  month it started (``started_at``, ``started_at`` + 1 month, …); a start on the
  29th–31st bills on the last day of shorter months, as SQL month arithmetic does;
* ``ended_at`` is the first day without service: a billing date on or after it
  is not billed; ``ended_at`` empty means the subscription still runs;
* billings after the observation end are not billed yet;
* several subscriptions of one customer billed in the same period add up (the
  RFM summary sums a period's transactions anyway).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir

from rashinban.engine._periods import as_date, day_expr
from rashinban.engine._rfm import _check_columns, rfm_summary

__all__ = ["rfm_summary_from_subscriptions", "subscription_billings"]


def subscription_billings(
    subscriptions: ir.Table,
    *,
    customer_id_col: str = "account_id",
    mrr_col: str = "mrr",
    started_col: str = "started_at",
    ended_col: str = "ended_at",
    observation_period_end: dt.date | dt.datetime | str,
) -> ir.Table:
    """Monthly billings of subscriptions up to the as-of date, as a transaction log.

    Parameters
    ----------
    subscriptions
        An Ibis table like the canonical ``subscriptions`` table.
    customer_id_col, mrr_col, started_col, ended_col
        The customer key, the monthly amount, the start and the (exclusive) end.
    observation_period_end
        The as-of date; no billing after it.

    Returns
    -------
    ibis.Table
        ``customer_id_col, billed_at (DATE), amount`` — one row per billing, the
        shape :func:`rfm_summary` reads with ``datetime_col="billed_at"``.

    Examples
    --------
    >>> import datetime as dt, ibis, pandas as pd
    >>> subs = ibis.memtable(pd.DataFrame({
    ...     "account_id": ["a"], "mrr": [10000.0],
    ...     "started_at": [dt.date(2024, 1, 31)], "ended_at": [dt.date(2024, 4, 15)]}))
    >>> b = subscription_billings(subs, observation_period_end=dt.date(2024, 12, 31))
    >>> b.order_by("billed_at").to_pandas()["billed_at"].astype(str).tolist()
    ['2024-01-31', '2024-02-29', '2024-03-31']
    """
    _check_columns(subscriptions, customer_id_col, mrr_col, started_col, ended_col)
    end = as_date(observation_period_end, "observation_period_end")
    end_lit = ibis.literal(end, type="date")
    start = day_expr(subscriptions[started_col])
    stop = day_expr(subscriptions[ended_col])
    # Billing stops at the (exclusive) end of service, or the day after the as-of date.
    stop_at = ibis.ifelse(stop.isnull() | (stop > end_lit), end_lit + ibis.interval(days=1), stop)
    months = (stop_at.year() - start.year()) * 12 + (stop_at.month() - start.month())
    base = subscriptions.filter(start <= end_lit).select(
        subscriptions[customer_id_col],
        start.name("_rb_start"),
        stop_at.name("_rb_stop"),
        subscriptions[mrr_col].cast("float64").name("amount"),
        ibis.range(0, months.cast("int64") + 1).unnest().name("_rb_k"),
    )
    billed = (base["_rb_start"] + base["_rb_k"].as_interval("M")).cast("date")
    # Month arithmetic clips the 31st to shorter months' ends, so the count of months
    # above can include one too many: keep only billing days before the stop.
    return base.filter(billed < base["_rb_stop"]).select(
        base[customer_id_col], billed.name("billed_at"), base["amount"]
    )


def rfm_summary_from_subscriptions(
    subscriptions: ir.Table,
    *,
    customer_id_col: str = "account_id",
    mrr_col: str = "mrr",
    started_col: str = "started_at",
    ended_col: str = "ended_at",
    observation_period_end: dt.date | dt.datetime | str,
    time_unit: str = "M",
    time_scaler: float = 1.0,
    calibration_period_end: dt.date | dt.datetime | str | None = None,
    include_first_transaction: bool = False,
) -> ir.Table:
    """The RFM summary of subscription customers, from their monthly billings.

    Same output as :func:`rfm_summary` (see there), computed on
    :func:`subscription_billings`. The default unit is a calendar month, so a
    customer billed every month for a year has ``frequency`` 11, ``recency`` 11
    and ``monetary_value`` equal to the monthly amount.

    Examples
    --------
    >>> import datetime as dt, ibis, pandas as pd
    >>> subs = ibis.memtable(pd.DataFrame({
    ...     "account_id": ["a"], "mrr": [5000.0],
    ...     "started_at": [dt.date(2024, 1, 10)], "ended_at": [None]}))
    >>> s = rfm_summary_from_subscriptions(subs, observation_period_end=dt.date(2024, 12, 31))
    >>> s.to_pandas().to_dict("records")
    [{'account_id': 'a', 'frequency': 11, 'recency': 11.0, 'T': 11.0, 'monetary_value': 5000.0}]
    """
    billings = subscription_billings(
        subscriptions,
        customer_id_col=customer_id_col,
        mrr_col=mrr_col,
        started_col=started_col,
        ended_col=ended_col,
        observation_period_end=observation_period_end,
    )
    kwargs: dict[str, Any] = {
        "customer_id_col": customer_id_col,
        "datetime_col": "billed_at",
        "monetary_value_col": "amount",
        "observation_period_end": observation_period_end,
        "time_unit": time_unit,
        "time_scaler": time_scaler,
        "calibration_period_end": calibration_period_end,
        "include_first_transaction": include_first_transaction,
    }
    return rfm_summary(billings, **kwargs)

"""Revenue events: the transaction log that RFM and CLV read.

A B2B SaaS company earns from one-off orders *and* from subscriptions. The
revenue log is ``orders`` plus one billing per subscription month (see
:func:`rashinban.engine.subscription_billings`), so a customer who only
subscribes is not invisible to RFM and CLV, and a customer whose subscription
ends stops "purchasing" on the date it ended.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir

from rashinban.engine import check_as_of, first_date, subscription_billings

#: Where revenue events start: the first order and the first subscription.
REVENUE_DATES = (("orders", "ordered_at"), ("subscriptions", "started_at"))


def order_events(backend: Any, as_of: dt.date) -> ir.Table:
    """``account_id, ordered_at (DATE), amount`` for every order on or before ``as_of``.

    A missing amount stays missing: the summaries read with ``net_returns=True``
    take an order of unknown amount as a purchase whose spend counts as 0, and a
    zero-amount row (a free sample) as no purchase.
    """
    orders = backend.table("orders")
    return orders.filter(orders.ordered_at <= as_of, orders.account_id.notnull()).select(
        account_id=orders.account_id,
        ordered_at=orders.ordered_at.cast("date"),
        amount=orders.amount.cast("float64"),
    )


def revenue_events(backend: Any, as_of: dt.date) -> ir.Table:
    """``account_id, ordered_at (DATE), amount`` for every order and subscription month.

    Rows dated after ``as_of`` are left out (no look-ahead).
    """
    orders = order_events(backend, as_of)
    subs = backend.table("subscriptions")
    subs = subs.filter(subs.started_at.notnull(), subs.account_id.notnull())
    bills = subscription_billings(subs, observation_period_end=as_of)
    bills = bills.select(
        account_id=bills.account_id,
        ordered_at=bills.billed_at.cast("date"),
        amount=bills.amount.cast("float64"),
    )
    return ibis.union(orders, bills)


def check_revenue_start(backend: Any, as_of: dt.date) -> None:
    """Refuse an ``as_of`` before the first order or subscription: there is nothing to read.

    Called when too few customers have revenue by ``as_of``, so that the message names
    the real cause (the date) rather than asking for data the workspace already holds.
    """
    check_as_of(
        as_of, first_date(backend, REVENUE_DATES), what=("注文・契約", "orders and subscriptions")
    )

"""Who owns what as of a date: account x product baskets and the segment of each customer.

A product is owned once it was ordered or subscribed to on or before the
as-of date (an ended subscription still shows the need it met).

Cross-sell and up-sell go to *current* customers only, decided as the churn
watchlist decides whom it watches:

* an account that has subscribed is a customer while a subscription runs on the
  as-of date (:func:`rashinban.churn.active_customers`; the engine's
  ``is_active``); once every subscription has ended it has churned, whatever it
  ordered since, and winning it back is another motion;
* an account that never subscribed (the watchlist's non-contractual buyer) is a
  customer while it has ordered in the :data:`BUYER_DAYS` days up to the as-of
  date, the year the watchlist reads its annual revenue from.

A *prospect* (:func:`prospects`) has never been a customer: no subscription, no
order and no won new deal on or before the as-of date (the engine's
``is_customer`` counts subscriptions and won new deals; an order makes a buyer
too). A churned customer is neither a current customer nor a prospect.

``accounts.status`` is not read: it is the CRM's status today and would leak the
future into a past as-of date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir

from rashinban.engine._periods import as_date

__all__ = [
    "BUYER_DAYS",
    "SIZE_BANDS",
    "baskets",
    "customer_standing",
    "customers",
    "prospects",
    "segment_label",
    "segment_label_en",
    "size_band",
]

#: A buyer without a subscription is a current customer while it has ordered within this
#: many days up to the as-of date.
BUYER_DAYS = 365

#: Employee bands (inclusive lower bound, label) used for "customers like this one".
SIZE_BANDS: tuple[tuple[int, str], ...] = (
    (0, "1-29"),
    (30, "30-99"),
    (100, "100-999"),
    (1000, "1000+"),
)


def _date(value: dt.date | str) -> dt.date:
    return as_date(value, "as_of")  # a date, datetime, Timestamp or ISO text


def size_band(employees: ir.IntegerValue) -> ir.StringValue:
    """The :data:`SIZE_BANDS` label of an employee count (``"不明"`` when missing)."""
    branches = [(employees >= low, label) for low, label in reversed(SIZE_BANDS)]
    return ibis.cases(*branches, else_="不明")


def _industry_known(industry: ir.StringValue) -> ir.BooleanValue:
    return industry.notnull() & (industry != "不明")


def segment_label(industry: ir.StringValue, employees: ir.IntegerValue) -> ir.StringValue:
    """``"製造業・従業員100〜999名"``: industry x size band, as the reasons say it.

    Bands read as elsewhere in Japanese (``100〜999名``, ``1000名以上``); unknowns read
    ``"業種不明"`` and ``"従業員数不明"``.
    """
    band = size_band(employees)
    shown = ibis.ifelse(
        band.endswith("+"), band.replace("+", "名以上"), band.replace("-", "〜").concat("名")
    )
    size = ibis.ifelse(band == "不明", "従業員数不明", ibis.literal("従業員").concat(shown))
    return ibis.ifelse(_industry_known(industry), industry, "業種不明").concat("・", size)


def segment_label_en(industry: ir.StringValue, band: ir.StringValue) -> ir.StringValue:
    """The same segment in English: ``"製造業, 100–999 employees"`` (an en dash, as
    the other analyses write a band).

    Industries are the company's own values and are shown as written, as in the
    rest of the English output; unknowns read ``"industry unknown"`` and
    ``"size unknown"``.
    """
    size = ibis.ifelse(band == "不明", "size unknown", band.replace("-", "–").concat(" employees"))
    return ibis.ifelse(_industry_known(industry), industry, "industry unknown").concat(", ", size)


def baskets(backend: Any, as_of: dt.date | str) -> ir.Table:
    """Distinct ``(account_id, product_id, first_at)`` owned on or before ``as_of``.

    Examples
    --------
    >>> from rashinban.crosssell import baskets
    >>> baskets(ws.backend(), "2025-06-30").execute()  # doctest: +SKIP
    """
    day = ibis.date(_date(as_of))
    o = backend.table("orders")
    s = backend.table("subscriptions")
    bought = o.filter(o.ordered_at <= day).select("account_id", "product_id", at=o.ordered_at)
    subbed = s.filter(s.started_at <= day).select("account_id", "product_id", at=s.started_at)
    both = bought.union(subbed)
    return both.group_by(["account_id", "product_id"]).aggregate(first_at=both.at.min())


def _current_ids(backend: Any, day: dt.date) -> ir.Table:
    """``account_id`` of the current customers on ``day`` (see the module docstring)."""
    from rashinban.churn import active_customers

    a = ibis.date(day)
    o = backend.table("orders")
    s = backend.table("subscriptions")
    running = active_customers(s, day).select("account_id")
    subscribers = s.filter(s.started_at <= a).select("account_id")
    recent = o.filter((o.ordered_at <= a) & (o.ordered_at > a - ibis.interval(days=BUYER_DAYS)))
    buyers = recent.select("account_id").anti_join(subscribers, "account_id")
    return running.union(buyers).distinct()


def customers(backend: Any, as_of: dt.date | str) -> ir.Table:
    """Current customers on ``as_of``: ``account_id``, ``industry``, ``band`` and ``segment``.

    Examples
    --------
    >>> from rashinban.crosssell import customers
    >>> customers(ws.backend(), "2025-12-31").count().execute()  # doctest: +SKIP
    """
    ids = _current_ids(backend, _date(as_of))
    acc = backend.table("accounts")
    j = ids.left_join(acc, "account_id")
    return j.select(
        "account_id",
        industry=j.industry.fill_null("不明"),
        band=size_band(j.employees),
        segment=segment_label(j.industry, j.employees),
    )


def _won_new_deals(backend: Any, day: ir.DateScalar) -> ir.Table:
    d = backend.table("deals")
    won = d.filter((d.kind == "new") & (d.outcome == "won") & (d.closed_at <= day))
    return won.select("account_id")


def prospects(backend: Any, as_of: dt.date | str) -> ir.Table:
    """``account_id`` of the prospects on ``as_of``: accounts created by then that have never
    been customers (no subscription, order or won new deal on or before it).

    Examples
    --------
    >>> from rashinban.crosssell import prospects
    >>> prospects(ws.backend(), "2025-12-31").count().execute()  # doctest: +SKIP
    """
    a = ibis.date(_date(as_of))
    acc = backend.table("accounts")
    s = backend.table("subscriptions")
    o = backend.table("orders")
    ids = acc.filter(acc.created_at.isnull() | (acc.created_at <= a)).select("account_id")
    ids = ids.anti_join(s.filter(s.started_at <= a).select("account_id"), "account_id")
    ids = ids.anti_join(o.filter(o.ordered_at <= a).select("account_id"), "account_id")
    return ids.anti_join(_won_new_deals(backend, a), "account_id")


def customer_standing(backend: Any, as_of: dt.date | str, account_id: str) -> dict[str, Any]:
    """Where one account stands on ``as_of``: a current customer, or why it is not one.

    Returns ``{"standing": ..., "since": date or None}``, the standing being
    ``"customer"``; ``"churned"`` (had subscriptions that all ended; ``since`` = the
    last end); ``"lapsed"`` (never subscribed and last ordered more than
    :data:`BUYER_DAYS` days before; ``since`` = that order); ``"won"`` (won a new
    deal but has no order or subscription on record); or ``"prospect"``.
    """
    day = _date(as_of)
    current = _current_ids(backend, day)
    if int(current.filter(current.account_id == account_id).count().execute()):
        return {"standing": "customer", "since": None}
    a = ibis.date(day)
    s = backend.table("subscriptions")
    mine = s.filter((s.account_id == account_id) & (s.started_at <= a))
    ended = mine.ended_at.max().execute()
    if int(mine.count().execute()):
        return {"standing": "churned", "since": _plain_date(ended)}
    o = backend.table("orders")
    last = o.filter((o.account_id == account_id) & (o.ordered_at <= a)).ordered_at.max().execute()
    if _plain_date(last) is not None:
        return {"standing": "lapsed", "since": _plain_date(last)}
    won = _won_new_deals(backend, a)
    if int(won.filter(won.account_id == account_id).count().execute()):
        return {"standing": "won", "since": None}
    return {"standing": "prospect", "since": None}


def _plain_date(value: Any) -> dt.date | None:
    if value is None or value != value:  # None or NaT
        return None
    return value.date() if isinstance(value, dt.datetime) else value

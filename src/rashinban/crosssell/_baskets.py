"""Who owns what as of a date: account x product baskets and the segment of each customer.

A product is owned once it was ordered or subscribed to on or before the
as-of date (an ended subscription still shows the need it met). Customers are
accounts with a subscription running on the date or an order in the year
before it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir

__all__ = ["SIZE_BANDS", "baskets", "customers", "segment_label", "segment_label_en", "size_band"]

#: Employee bands (inclusive lower bound, label) used for "customers like this one".
SIZE_BANDS: tuple[tuple[int, str], ...] = (
    (0, "1-29"),
    (30, "30-99"),
    (100, "100-999"),
    (1000, "1000+"),
)


def _date(value: dt.date | str) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def size_band(employees: ir.IntegerValue) -> ir.StringValue:
    """The :data:`SIZE_BANDS` label of an employee count (``"不明"`` when missing)."""
    branches = [(employees >= low, label) for low, label in reversed(SIZE_BANDS)]
    return ibis.cases(*branches, else_="不明")


def segment_label(industry: ir.StringValue, employees: ir.IntegerValue) -> ir.StringValue:
    """``"製造業・従業員100-999名"``: industry x size band, as the reasons say it."""
    return industry.fill_null("不明").concat("・従業員", size_band(employees), "名")


def segment_label_en(industry: ir.StringValue, band: ir.StringValue) -> ir.StringValue:
    """The same segment in English: ``"製造業, 100-999 employees"`` (industries are data)."""
    size = ibis.ifelse(band == "不明", "size unknown", band.concat(" employees"))
    return industry.fill_null("industry unknown").concat(", ", size)


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


def customers(backend: Any, as_of: dt.date | str) -> ir.Table:
    """Customers on ``as_of``: ``account_id``, ``industry``, ``band`` and ``segment``."""
    day = ibis.date(_date(as_of))
    o = backend.table("orders")
    s = backend.table("subscriptions")
    running = s.filter((s.started_at <= day) & (s.ended_at.isnull() | (s.ended_at > day)))
    recent = o.filter((o.ordered_at <= day) & (o.ordered_at > day - ibis.interval(days=365)))
    ids = running.select("account_id").union(recent.select("account_id")).distinct()
    acc = backend.table("accounts")
    j = ids.left_join(acc, "account_id")
    return j.select(
        "account_id",
        industry=j.industry.fill_null("不明"),
        band=size_band(j.employees),
        segment=segment_label(j.industry, j.employees),
    )

"""Up-sell signals: seats near the plan limit, seat growth, spend well below the segment median.

The core plan's seat limit is read from its name (``"Standard-50"`` -> 50).
Signals, each with a score in [0, 1] and a reason:

* ``seat_limit``: mean weekly active users over the last 4 weeks at 80 % or more
  of the limit (score = that share);
* ``seat_growth``: active users of the last 8 weeks at least 20 % above the
  26 weeks before (score = growth, capped at 1);
* ``below_median``: annual contract value (recurring revenue) under half the median
  of customers of the same industry and employee band (score = 1 - ratio).

:func:`offers` merges these with the cross-sell recommendations, one offer per account
and product.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from rashinban.crosssell._baskets import _date, customers
from rashinban.crosssell._rules import wilson_interval

__all__ = [
    "OFFER_COLUMNS",
    "SEAT_SHARE",
    "UPSELL_COLUMNS",
    "offers",
    "seat_usage",
    "upgrade_uplift",
    "upsell_signals",
]

SEAT_SHARE = 0.8
GROWTH = 1.2
BELOW_MEDIAN = 0.5

UPSELL_COLUMNS = (
    "account_id",
    "product_id",
    "signal",
    "score",
    "reason_ja",
    "reason_en",
    "plan",
    "seat_limit",
    "seat_share",
    "seat_growth",
    "annual_revenue",
    "segment_median",
)

#: One offer of :func:`offers`.
OFFER_COLUMNS = ("account_id", "product_id", "score", "reason_ja", "reason_en", "kind", "source")


def seat_usage(backend: Any, as_of: dt.date | str) -> ir.Table:
    """Per running core plan: plan, seat limit and share, seat growth, annual revenue."""
    day = ibis.date(_date(as_of))
    s = backend.table("subscriptions")
    running = s.filter((s.started_at <= day) & (s.ended_at.isnull() | (s.ended_at > day)))
    arr = running.group_by("account_id").aggregate(annual_revenue=running.mrr.sum() * 12)
    core = running.filter(running.product_id == "P01")
    core = core.group_by("account_id").aggregate(plan=core.plan.max())
    limit = core.plan.re_extract(r"(\d+)$", 1).nullif("").cast("int64")
    core = core.mutate(seat_limit=limit)
    u = backend.table("usage")
    u = u.filter(
        (u.metric == "active_users") & (u.date <= day) & (u.date > day - ibis.interval(days=238))
    )
    users = u.group_by("account_id").aggregate(
        last4=u.value.mean(where=u.date > day - ibis.interval(days=28)),
        last8=u.value.mean(where=u.date > day - ibis.interval(days=56)),
        before=u.value.mean(where=u.date <= day - ibis.interval(days=56)),
    )
    j = core.left_join(users, "account_id").drop("account_id_right")
    j = j.left_join(arr, "account_id").drop("account_id_right")
    return j.select(
        "account_id",
        "plan",
        "seat_limit",
        "annual_revenue",
        seat_share=j.last4 / j.seat_limit.cast("float64"),
        seat_growth=j.last8 / ibis.ifelse(j.before > 0, j.before, ibis.null("float64")),
    )


def upsell_signals(backend: Any, as_of: dt.date | str) -> pd.DataFrame:
    """Up-sell signals of every customer on ``as_of`` (one row per account and signal).

    Examples
    --------
    >>> from rashinban.crosssell import upsell_signals
    >>> upsell_signals(ws.backend(), "2025-12-29").head()  # doctest: +SKIP
    """
    seats = seat_usage(backend, as_of)
    cust = customers(backend, as_of)
    j = seats.join(cust.select("account_id", "segment"), "account_id")
    w = ibis.window(group_by="segment")
    j = j.mutate(segment_median=j.annual_revenue.median().over(w))
    frame = j.execute()
    rows: list[dict[str, Any]] = []
    for r in frame.to_dict("records"):
        base = {
            "account_id": r["account_id"],
            "product_id": "P01",
            "plan": r["plan"],
            "seat_limit": r["seat_limit"],
            "seat_share": r["seat_share"],
            "seat_growth": r["seat_growth"],
            "annual_revenue": r["annual_revenue"],
            "segment_median": r["segment_median"],
        }
        share, growth = r["seat_share"], r["seat_growth"]
        if pd.notna(share) and share >= SEAT_SHARE:
            pct = round(100 * share)
            rows.append(
                base
                | {
                    "signal": "seat_limit",
                    "score": float(min(share, 1.0)),
                    "reason_ja": (
                        f"アクティブユーザーがプラン上限（{r['plan']}）の{pct}%: 上位プランを提案"
                    ),
                    "reason_en": (
                        f"Active users at {pct}% of the {r['plan']} seat limit: offer the next plan"
                    ),
                }
            )
        if pd.notna(growth) and growth >= GROWTH:
            pct = round(100 * (growth - 1))
            rows.append(
                base
                | {
                    "signal": "seat_growth",
                    "score": float(min(growth - 1.0, 1.0)),
                    "reason_ja": f"利用ユーザー数が半年前より{pct}%増加",
                    "reason_en": f"Active users grew {pct}% over the previous half-year",
                }
            )
        med, arr = r["segment_median"], r["annual_revenue"]
        if pd.notna(med) and med > 0 and pd.notna(arr) and arr < BELOW_MEDIAN * med:
            ratio = arr / med
            rows.append(
                base
                | {
                    "signal": "below_median",
                    "score": float(1.0 - ratio),
                    "reason_ja": f"年間契約額が同業同規模の中央値の{round(100 * ratio)}%にとどまる",
                    "reason_en": (
                        f"Annual contract value is {round(100 * ratio)}% of the median"
                        " for the same industry and size"
                    ),
                }
            )
    out = pd.DataFrame(rows, columns=list(UPSELL_COLUMNS))
    return out.sort_values(["score", "account_id"], ascending=[False, True], ignore_index=True)


def offers(recommendations: pd.DataFrame, upsell: pd.DataFrame) -> pd.DataFrame:
    """Cross-sell recommendations and up-sell signals as one list: one offer per account
    and product, with its strongest reason.

    An account near its seat limit and spending below its segment's median has two
    signals for the same plan; it is offered that plan once, for the reason that scores
    higher. Columns :data:`OFFER_COLUMNS` (``kind`` is ``cross-sell`` or ``up-sell``,
    ``source`` the rule, segment or signal behind it), best first, then by account and
    product.
    """
    cross = recommendations.assign(kind="cross-sell")
    up = upsell.assign(kind="up-sell", source=upsell["signal"])
    frames = [f[list(OFFER_COLUMNS)] for f in (cross, up) if len(f)]
    if not frames:
        return pd.DataFrame(columns=list(OFFER_COLUMNS))
    both = pd.concat(frames, ignore_index=True)
    both["score"] = both["score"].astype(float)
    # Strongest first; the stable sort keeps a cross-sell ahead of an up-sell on a tie.
    both = both.sort_values("score", ascending=False, kind="stable")
    both = both.drop_duplicates(["account_id", "product_id"], keep="first")
    return both.sort_values(
        ["score", "account_id", "product_id"], ascending=[False, True, True], ignore_index=True
    )


def upgrade_uplift(backend: Any, as_of: dt.date | str, *, horizon_days: int = 180) -> pd.DataFrame:
    """Did flagged customers upgrade more? Upgrade rate with Wilson 95 % interval by flag.

    An upgrade is a new core (P01) subscription started within ``horizon_days``
    after ``as_of`` by an account that already had one.
    """
    day = _date(as_of)
    seats = seat_usage(backend, day)
    s = backend.table("subscriptions")
    later = s.filter(
        (s.product_id == "P01")
        & (s.started_at > ibis.date(day))
        & (s.started_at <= ibis.date(day + dt.timedelta(days=horizon_days)))
    )
    up = later.select("account_id").distinct().mutate(upgraded=ibis.literal(1))
    j = seats.left_join(up, "account_id").drop("account_id_right")
    j = j.mutate(
        flagged=(j.seat_share >= SEAT_SHARE).fill_null(False),
        upgraded=j.upgraded.fill_null(0),
    )
    g = j.group_by("flagged").aggregate(n=j.count(), upgrades=j.upgraded.sum())
    low, high = wilson_interval(g.upgrades, g.n)
    return g.mutate(rate=g.upgrades.cast("float64") / g.n, rate_low=low, rate_high=high).execute()

"""The RFM view of existing customers at an as-of date: scores, segments, transitions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from rashinban._errors import InvalidValueError, NotEnoughDataError
from rashinban.engine import (
    CHURNED_SEGMENT,
    DEFAULT_SEGMENTS,
    NOT_YET_SEGMENT,
    SEGMENT_BASES,
    Lifecycle,
    rfm_analysis,
    rfm_transitions,
    segment_summary,
    to_frame,
)
from rashinban.engine._asof import as_of_in_data
from rashinban.value._transactions import REVENUE_DATES, check_revenue_start, revenue_events


@dataclass
class RFMResult:
    """Per-customer segments, the segment summary and transitions from ``date_a``.

    ``grace_days`` and ``interval_days`` are the naming thresholds at ``as_of``
    (see :func:`rashinban.engine.rfm_analysis`); ``interval_days`` is ``None``
    when no customer has bought twice.
    """

    as_of: dt.date
    date_a: dt.date
    customers: pd.DataFrame
    segments: pd.DataFrame
    transitions: pd.DataFrame
    grace_days: int = 90
    interval_days: int | None = None

    def naming(self) -> dict[str, Any]:
        """How the names were decided: thresholds and customers per basis."""
        counts = self.customers["basis"].value_counts()
        return {
            "grace_days": self.grace_days,
            "interval_days": self.interval_days,
            "bases": [
                {
                    "basis": code,
                    "basis_ja": ja,
                    "basis_en": en,
                    "customers": int(counts.get(code, 0)),
                }
                for code, (ja, en) in SEGMENT_BASES.items()
            ],
        }

    def naming_text(self, lang: str = "ja") -> str:
        """One line under the segments: how many customers each basis named, and the rules.

        Examples
        --------
        >>> r = RFMResult(dt.date(2025, 12, 31), dt.date(2025, 10, 2),
        ...     pd.DataFrame({"basis": ["subscribed", "ended", "subscribed"]}),
        ...     pd.DataFrame(), pd.DataFrame(), 90, 23)
        >>> r.naming_text().split("。")[0]
        '命名の根拠: 契約がすべて終了 1社、契約継続中 (購入中とみなす) 2社'
        >>> r.naming_text("en").split(". ")[0]
        'Named by: every subscription ended 1, subscription running (counted as buying) 2'
        """
        en = lang == "en"
        parts = [
            f"{b['basis_en']} {b['customers']:,}" if en else f"{b['basis_ja']} {b['customers']:,}社"
            for b in self.naming()["bases"]
            if b["customers"]
        ]
        gap = self.interval_days
        if en:
            recent = f" or a last purchase within {gap} days (the usual interval)" if gap else ""
            return (
                f"Named by: {', '.join(parts)}. A running subscription, a first purchase "
                f"within {self.grace_days} days{recent} is never named lost, hibernating, "
                "at risk, can't lose or need attention."
            )
        recent = f"・最終購入から{gap}日以内 (通常の購買間隔)" if gap else ""
        return (
            f"命名の根拠: {'、'.join(parts)}。契約継続中・初回購入から{self.grace_days}日以内"
            f"{recent}の顧客は、離反・休眠・離反予備軍・失いたくない・要注意と呼びません。"
        )

    def best_customers(self) -> pd.DataFrame:
        """Customers best first: the highest R + F + M score, then the most spent
        (purchase days x spend per day), then by account id."""
        c = self.customers
        order = c.assign(
            _score=c["R"] + c["F"] + c["M"], _spend=c["frequency"] * c["monetary_value"]
        ).sort_values(["_score", "_spend", "account_id"], ascending=[False, False, True])
        return order.drop(columns=["_score", "_spend"]).reset_index(drop=True)

    def payload(self, limit: int | None = None) -> dict[str, Any]:
        """The JSON shape of ``rashinban rfm``: customers best first (:meth:`best_customers`),
        only the first ``limit`` of them if given."""
        best = self.best_customers()
        return {
            "as_of": self.as_of.isoformat(),
            "naming": self.naming(),
            "segments": self.segments.to_dict("records"),
            "transitions": {
                "from": self.date_a.isoformat(),
                "to": self.as_of.isoformat(),
                "rows": self.transitions.to_dict("records"),
            },
            "customers": (best if limit is None else best.head(limit)).to_dict("records"),
        }


def rfm_report(
    backend: Any,
    as_of: dt.date | str,
    *,
    compare_days: int = 90,
    bins: int = 5,
    grace_days: int = 90,
) -> RFMResult:
    """RFM scores and named segments of every customer as of ``as_of``.

    Names follow the lifecycle rules of :func:`rashinban.engine.rfm_analysis`
    with the workspace's ``subscriptions``: a running subscription, a first
    purchase within ``grace_days`` (or the usual interval between purchases, if
    longer) or a last purchase within that interval is never named as lapsed,
    and customers whose subscriptions have all ended are 解約済み / Churned.
    ``compare_days`` sets the earlier date of the transition matrix (default:
    one quarter back), so the dynamic view — who moved from 優良顧客 to
    離反予備軍 — comes with every run; both dates are named by the same rules.

    ``as_of`` is a ``datetime.date``, ``datetime.datetime``, ``pandas.Timestamp``
    or ISO text such as ``"2025-12-31"``.

    Raises
    ------
    InvalidValueError
        ``compare_days`` below 1, or an ``as_of`` that is not a date.
    NotEnoughDataError
        Fewer than 10 customers with revenue before ``as_of``, ``as_of`` before
        the first order or subscription or after the end of the data (as
        ``rashinban rfm --as-of`` refuses it), or a ``compare_days`` that reaches
        back before the first order or subscription (the message names the
        earliest date to compare with).
    """
    as_of = as_of_in_data(backend, as_of)
    check_compare_days(backend, as_of, compare_days)
    tx = revenue_events(backend, as_of)
    lifecycle = Lifecycle(backend.table("subscriptions"), grace_days=grace_days)
    seg = rfm_analysis(
        tx, observation_period_end=as_of, bins=bins, lifecycle=lifecycle, net_returns=True
    )
    customers = to_frame(seg.order_by("account_id"))
    if len(customers) < 10:
        check_revenue_start(backend, as_of)
        raise NotEnoughDataError(
            f"RFMには売上のある顧客が10社以上必要です(現在{len(customers)}社) / "
            f"RFM needs at least 10 customers with revenue; found {len(customers)}",
            fix="注文か契約を取り込んでください / import orders or subscriptions",
        )
    order = {r.key: i for i, r in enumerate((*DEFAULT_SEGMENTS, CHURNED_SEGMENT))}
    summary = segment_summary(seg).to_pandas()
    summary = summary.sort_values("segment", key=lambda k: k.map(order).fillna(len(order)))
    summary = summary.reset_index(drop=True)
    date_a = as_of - dt.timedelta(days=compare_days)
    moves = rfm_transitions(
        tx, date_a, as_of, bins=bins, lifecycle=lifecycle, net_returns=True
    ).to_pandas()
    # The matrix comes from a group-by, in no set order: rows follow the segments' order
    # (from, then to; 未獲得 last, a segment of custom rules by its name), so every run
    # prints the same.
    ranks = {**order, NOT_YET_SEGMENT.key: len(order) + 1}
    rank = {c: moves[c].map(ranks).fillna(len(order)) for c in ("segment_a", "segment_b")}
    moves = (
        moves.assign(_ra=rank["segment_a"], _rb=rank["segment_b"])
        .sort_values(["_ra", "segment_a", "_rb", "segment_b"], kind="stable")
        .drop(columns=["_ra", "_rb"])
        .reset_index(drop=True)
    )
    # The thresholds are the same on every row: they go to the payload, not the rows.
    grace = int(customers.pop("grace_days").iloc[0])
    interval = int(customers.pop("interval_days").iloc[0])
    repeat = bool((customers["frequency"] >= 2).any())
    return RFMResult(as_of, date_a, customers, summary, moves, grace, interval if repeat else None)


def check_compare_days(backend: Any, as_of: dt.date, compare_days: int) -> None:
    """Refuse a transition window that is not a whole day back, or that reaches back before
    the first order or subscription: every customer would then start as "not yet a
    customer" and the matrix would mean nothing.

    Raises
    ------
    InvalidValueError
        ``compare_days`` below 1.
    NotEnoughDataError
        ``as_of - compare_days`` before the first order or subscription; the message
        names that first date (the earliest date to compare with) and the most days
        the window can be.
    """
    if compare_days < 1:
        raise InvalidValueError(
            f"比較期間 {compare_days}日は1日以上にしてください / "
            f"the comparison window of {compare_days} days must be 1 day or more",
            fix="--compare-days (Python: compare_days) を 1 以上にしてください (既定 90) / "
            "set --compare-days (compare_days in Python) to 1 or more (default 90)",
        )
    from rashinban.engine import first_date

    start = first_date(backend, REVENUE_DATES)
    if start is None or compare_days <= (as_of - start).days:
        return
    if as_of < start:  # the as-of date itself is the cause: say that
        check_revenue_start(backend, as_of)
    most = (as_of - start).days
    raise NotEnoughDataError(
        f"比較期間 {compare_days}日は基準日 {as_of} から注文・契約の開始日 {start} より前に"
        f"さかのぼります (比較できるのは {start} 以降) / the comparison window of "
        f"{compare_days} days reaches back from the as-of date {as_of} to before the first "
        f"order or subscription, {start} (the earliest date to compare with)",
        fix=f"--compare-days (Python: compare_days) を {most} 以下にしてください / "
        f"set --compare-days (compare_days in Python) to {most} or less"
        if most >= 1
        else f"--as-of (Python: as_of) を {start} より後にしてください / "
        f"set --as-of (as_of in Python) to a date after {start}",
    )

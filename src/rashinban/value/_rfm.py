"""The RFM view of existing customers at an as-of date: scores, segments, transitions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from rashinban._errors import NotEnoughDataError
from rashinban.engine import rfm_analysis, rfm_transitions, segment_summary, to_frame
from rashinban.value._transactions import revenue_events


@dataclass
class RFMResult:
    """Per-customer segments, the segment summary and transitions from ``date_a``."""

    as_of: dt.date
    date_a: dt.date
    customers: pd.DataFrame
    segments: pd.DataFrame
    transitions: pd.DataFrame

    def payload(self) -> dict[str, Any]:
        """The JSON shape of ``rashinban rfm``."""
        return {
            "as_of": self.as_of.isoformat(),
            "segments": self.segments.to_dict("records"),
            "transitions": {
                "from": self.date_a.isoformat(),
                "to": self.as_of.isoformat(),
                "rows": self.transitions.to_dict("records"),
            },
            "customers": self.customers.to_dict("records"),
        }


def rfm_report(backend: Any, as_of: dt.date, *, compare_days: int = 90, bins: int = 5) -> RFMResult:
    """RFM scores and named segments of every customer as of ``as_of``.

    ``compare_days`` sets the earlier date of the transition matrix (default:
    one quarter back), so the dynamic view — who moved from 優良顧客 to
    離反予備軍 — comes with every run.

    Raises
    ------
    NotEnoughDataError
        Fewer than 10 customers with revenue before ``as_of``.
    """
    tx = revenue_events(backend, as_of)
    seg = rfm_analysis(tx, observation_period_end=as_of, bins=bins)
    customers = to_frame(seg.order_by("account_id"))
    if len(customers) < 10:
        raise NotEnoughDataError(
            f"RFMには売上のある顧客が10社以上必要です(現在{len(customers)}社) / "
            f"RFM needs at least 10 customers with revenue; found {len(customers)}",
            fix="注文か契約を取り込んでください / import orders or subscriptions",
        )
    summary = segment_summary(seg).to_pandas()
    date_a = as_of - dt.timedelta(days=compare_days)
    moves = rfm_transitions(tx, date_a, as_of, bins=bins).to_pandas()
    return RFMResult(as_of, date_a, customers, summary, moves)

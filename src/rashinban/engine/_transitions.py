"""RFM segments at an as-of date, and how customers move between two dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import ibis
import ibis.expr.types as ir

from rashinban._errors import InvalidValueError
from rashinban.engine._periods import as_date
from rashinban.engine._rfm import rfm_summary
from rashinban.engine._scores import ScoreMethod, rfm_scores
from rashinban.engine._segments import DEFAULT_SEGMENTS, SegmentRule, rfm_segments

__all__ = ["NOT_YET_SEGMENT", "rfm_analysis", "rfm_transitions"]

NOT_YET_SEGMENT = SegmentRule("not_yet", "未獲得", "Not yet a customer")
"""The "from" segment of customers who had not bought yet at the first date."""


def rfm_analysis(
    transactions: ir.Table,
    *,
    observation_period_end: dt.date | dt.datetime | str,
    customer_id_col: str = "account_id",
    datetime_col: str = "ordered_at",
    monetary_value_col: str = "amount",
    time_unit: str = "D",
    method: ScoreMethod = "quantile",
    bins: int = 5,
    thresholds: Mapping[str, Sequence[float]] | None = None,
    segments: Sequence[SegmentRule] = DEFAULT_SEGMENTS,
) -> ir.Table:
    """Transactions to named RFM segments at one as-of date, in one expression.

    :func:`rfm_summary` with ``include_first_transaction=True`` (every purchase
    period counts in F and M), then :func:`rfm_scores`, then :func:`rfm_segments`.

    Examples
    --------
    >>> import datetime as dt, ibis, pandas as pd
    >>> tx = ibis.memtable(pd.DataFrame({"account_id": ["a", "a", "b"],
    ...     "ordered_at": pd.to_datetime(["2024-01-05", "2024-03-01", "2023-06-01"]),
    ...     "amount": [100.0, 200.0, 50.0]}))
    >>> seg = rfm_analysis(tx, observation_period_end=dt.date(2024, 3, 31), bins=2,
    ...     segments=[SegmentRule("best", "最良", "Best", r=(2, 2), f=(2, 2))])
    >>> seg.order_by("account_id").to_pandas()["segment"].tolist()
    ['best', 'other']
    """
    summary = rfm_summary(
        transactions,
        customer_id_col=customer_id_col,
        datetime_col=datetime_col,
        monetary_value_col=monetary_value_col,
        observation_period_end=observation_period_end,
        time_unit=time_unit,
        include_first_transaction=True,
    )
    scores = rfm_scores(summary, method=method, bins=bins, thresholds=thresholds)
    return rfm_segments(scores, segments)


def rfm_transitions(
    transactions: ir.Table,
    date_a: dt.date | dt.datetime | str,
    date_b: dt.date | dt.datetime | str,
    *,
    customer_id_col: str = "account_id",
    datetime_col: str = "ordered_at",
    monetary_value_col: str = "amount",
    time_unit: str = "D",
    method: ScoreMethod = "quantile",
    bins: int = 5,
    thresholds: Mapping[str, Sequence[float]] | None = None,
    segments: Sequence[SegmentRule] = DEFAULT_SEGMENTS,
) -> ir.Table:
    """How many customers moved from each RFM segment at ``date_a`` to each at ``date_b``.

    Both dates are scored the same way (:func:`rfm_analysis`); quantile scores
    are relative to the customers of each date. Customers whose first purchase
    is after ``date_a`` come from ``not_yet`` (未獲得 / Not yet a customer).

    Returns
    -------
    ibis.Table
        A long matrix: ``segment_a, segment_a_ja, segment_a_en, segment_b,
        segment_b_ja, segment_b_en, customers`` — one row per pair that occurs.
        Summing ``customers`` per ``segment_a`` gives the segment sizes at
        ``date_a`` (plus the ``not_yet`` row).

    Raises
    ------
    InvalidValueError
        ``date_b`` is not after ``date_a``.

    Examples
    --------
    >>> import datetime as dt, ibis, pandas as pd
    >>> tx = ibis.memtable(pd.DataFrame({"account_id": ["a", "a", "b"],
    ...     "ordered_at": pd.to_datetime(["2024-01-05", "2024-03-01", "2024-02-20"]),
    ...     "amount": [100.0, 200.0, 50.0]}))
    >>> m = rfm_transitions(tx, dt.date(2024, 1, 31), dt.date(2024, 3, 31))
    >>> m.order_by("segment_a").to_pandas()[["segment_a", "segment_b", "customers"]].values.tolist()
    [['lost', 'loyal', 1], ['not_yet', 'lost', 1]]
    """
    a, b = as_date(date_a, "date_a"), as_date(date_b, "date_b")
    if b <= a:
        raise InvalidValueError(
            f"date_b {b} が date_a {a} より後ではありません / date_b {b} is not after date_a {a}",
            value=str(b),
            fix="前の日付を先に渡してください: rfm_transitions(tx, 前, 後) / "
            "pass the earlier date first: rfm_transitions(tx, earlier, later)",
        )
    common: dict[str, Any] = {
        "customer_id_col": customer_id_col,
        "datetime_col": datetime_col,
        "monetary_value_col": monetary_value_col,
        "time_unit": time_unit,
        "method": method,
        "bins": bins,
        "thresholds": thresholds,
        "segments": segments,
    }
    cols = [customer_id_col, "segment", "segment_ja", "segment_en"]
    seg_a = rfm_analysis(transactions, observation_period_end=a, **common).select(*cols)
    seg_b = rfm_analysis(transactions, observation_period_end=b, **common).select(*cols)
    seg_a = seg_a.rename(
        _rb_id=customer_id_col,
        segment_a="segment",
        segment_a_ja="segment_ja",
        segment_a_en="segment_en",
    )
    seg_b = seg_b.rename(segment_b="segment", segment_b_ja="segment_ja", segment_b_en="segment_en")
    # Everyone known at date_a has bought by date_b as well, so date_b's customers are
    # the full population and a left join from them finds every pair.
    j = seg_b.left_join(seg_a, seg_b[customer_id_col] == seg_a["_rb_id"])
    pairs = j.select(
        j["segment_a"].fill_null(NOT_YET_SEGMENT.key).name("segment_a"),
        j["segment_a_ja"].fill_null(NOT_YET_SEGMENT.ja).name("segment_a_ja"),
        j["segment_a_en"].fill_null(NOT_YET_SEGMENT.en).name("segment_a_en"),
        "segment_b",
        "segment_b_ja",
        "segment_b_en",
    )
    return pairs.group_by(list(pairs.columns)).aggregate(customers=ibis._.count())

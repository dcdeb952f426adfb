"""The engine: features and KPIs as Ibis expressions that run on the workspace backend.

RFM summaries (the ``(frequency, recency, T, monetary_value)`` statistics that
CLV models take), RFM scores, named RFM segments and segment transitions; the
data profile and the as-of date; the names of listed accounts and products. Every
function takes Ibis tables and returns an Ibis table (or a small frame): nothing
runs until the caller executes the result, and then it runs on the backend
(DuckDB by default).
"""

from rashinban.engine._accounts import ACCOUNT_FACT_COLUMNS, account_facts
from rashinban.engine._asof import (
    ACTIVITY_DATES,
    RECORDED_NOTES,
    check_as_of,
    data_end_date,
    data_span,
    first_date,
)
from rashinban.engine._frames import to_frame
from rashinban.engine._names import NAMED_TABLES, name_column, name_rows, names_of, values_of
from rashinban.engine._periods import TIME_UNITS, TimeUnit
from rashinban.engine._profile import profile, profile_table
from rashinban.engine._rfm import rfm_summary
from rashinban.engine._scores import ScoreMethod, rfm_scores
from rashinban.engine._segments import (
    DEFAULT_SEGMENTS,
    OTHER_SEGMENT,
    SegmentRule,
    rfm_segments,
    segment_summary,
)
from rashinban.engine._subscriptions import rfm_summary_from_subscriptions, subscription_billings
from rashinban.engine._transitions import (
    CHURNED_SEGMENT,
    NOT_YET_SEGMENT,
    SEGMENT_BASES,
    Lifecycle,
    rfm_analysis,
    rfm_transitions,
)

__all__ = [
    "ACCOUNT_FACT_COLUMNS",
    "ACTIVITY_DATES",
    "CHURNED_SEGMENT",
    "DEFAULT_SEGMENTS",
    "NAMED_TABLES",
    "NOT_YET_SEGMENT",
    "OTHER_SEGMENT",
    "RECORDED_NOTES",
    "SEGMENT_BASES",
    "TIME_UNITS",
    "Lifecycle",
    "ScoreMethod",
    "SegmentRule",
    "TimeUnit",
    "account_facts",
    "check_as_of",
    "data_end_date",
    "data_span",
    "first_date",
    "name_column",
    "name_rows",
    "names_of",
    "profile",
    "profile_table",
    "rfm_analysis",
    "rfm_scores",
    "rfm_segments",
    "rfm_summary",
    "rfm_summary_from_subscriptions",
    "rfm_transitions",
    "segment_summary",
    "subscription_billings",
    "to_frame",
    "values_of",
]

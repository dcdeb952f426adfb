"""Customer value: the RFM view and CLV of existing customers (既存顧客深耕)."""

from rashinban.value._clv import CLVResult, HoldoutCheck, clv_report, holdout_check
from rashinban.value._rfm import RFMResult, rfm_report
from rashinban.value._transactions import revenue_events

__all__ = [
    "CLVResult",
    "HoldoutCheck",
    "RFMResult",
    "clv_report",
    "holdout_check",
    "revenue_events",
    "rfm_report",
]

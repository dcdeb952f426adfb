"""Customer value: the RFM view and CLV of existing customers (既存顧客深耕).

The CLV part loads SciPy's statistics (about 0.4 s); it is imported on first use, so
that ``rashinban rfm`` and other RFM-only callers do not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rashinban.value._rfm import RFMResult, rfm_report
from rashinban.value._transactions import revenue_events

if TYPE_CHECKING:
    from rashinban.value._clv import CLVResult, HoldoutCheck, clv_report, holdout_check

__all__ = [
    "CLVResult",
    "HoldoutCheck",
    "RFMResult",
    "clv_report",
    "holdout_check",
    "revenue_events",
    "rfm_report",
]

_LAZY = {"CLVResult", "HoldoutCheck", "clv_report", "holdout_check"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from rashinban.value import _clv

        return getattr(_clv, name)
    raise AttributeError(f"module 'rashinban.value' has no attribute {name!r}")

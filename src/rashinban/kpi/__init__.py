"""KPIs per scope and period: the funnel, declared once as data.

>>> from rashinban.kpi import KPIS
>>> KPIS["win_rate"].ja
'受注率'
"""

from typing import TYPE_CHECKING, Any

from rashinban.kpi._defs import KPIS, Kpi

if TYPE_CHECKING:
    from rashinban.kpi._funnel import PERIODS, beta_interval, funnel, period_label

__all__ = ["KPIS", "PERIODS", "Kpi", "beta_interval", "funnel", "period_label"]

#: Loaded on first use: the KPI definitions (labels, units) are read by commands that
#: show a target's hypotheses (``target show``), which need neither pandas nor Ibis.
_FUNNEL = ("PERIODS", "beta_interval", "funnel", "period_label")


def __getattr__(name: str) -> Any:
    if name in _FUNNEL:
        from rashinban.kpi import _funnel

        return getattr(_funnel, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

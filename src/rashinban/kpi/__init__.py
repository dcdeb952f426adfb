"""KPIs per scope and period: the funnel, declared once as data.

>>> from rashinban.kpi import KPIS
>>> KPIS["win_rate"].ja
'受注率'
"""

from rashinban.kpi._defs import KPIS, Kpi
from rashinban.kpi._funnel import PERIODS, beta_interval, funnel, period_label

__all__ = ["KPIS", "PERIODS", "Kpi", "beta_interval", "funnel", "period_label"]

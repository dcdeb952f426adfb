"""KPI definitions, declared once as data.

Every KPI is computed from a handful of *base measures* (counts and sums per
scope and period, built as Ibis expressions in :mod:`rashinban.kpi._funnel`)
by one of four formulas: a base count, a rate (numerator / denominator, with
a Beta posterior interval), a mean (sum / count) or a ratio of two KPIs. Help
text, the docs table and the CLI columns all come from :data:`KPIS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["KPI", "KPIS", "Kpi"]

Formula = Literal["count", "rate", "mean", "ratio"]
Unit = Literal["count", "share", "yen", "days", "times"]


@dataclass(frozen=True)
class Kpi:
    """One KPI: how it is computed from base measures, its unit and which way is good.

    ``formula`` is ``count`` (``num`` is a base measure), ``rate`` (``num`` /
    ``den`` base counts, with a Jeffreys Beta interval), ``mean`` (``num`` sum /
    ``den`` count) or ``ratio`` (``num`` KPI / ``den`` KPI). ``higher_is_better``
    is what a favourable change looks like (CAC and churn: lower).
    """

    name: str
    ja: str
    en: str
    formula: Formula
    num: str
    den: str | None
    unit: Unit
    higher_is_better: bool
    help_en: str


KPI = Kpi  # short alias for declarations below

KPIS: dict[str, Kpi] = {
    k.name: k
    for k in [
        KPI(
            "leads",
            "リード数",
            "leads",
            "count",
            "leads",
            None,
            "count",
            True,
            "leads created in the period",
        ),
        KPI(
            "mql",
            "MQL数",
            "MQL",
            "count",
            "mql",
            None,
            "count",
            True,
            "leads of the period that reached MQL (or later) by the as-of date",
        ),
        KPI(
            "sql",
            "SQL数",
            "SQL",
            "count",
            "sql",
            None,
            "count",
            True,
            "leads of the period that reached SQL by the as-of date",
        ),
        KPI(
            "mql_to_sql_rate",
            "商談化率 (MQL→SQL)",
            "MQL→SQL rate",
            "rate",
            "sql",
            "mql",
            "share",
            True,
            "SQL / MQL of the period's leads",
        ),
        KPI(
            "opportunities",
            "商談数",
            "opportunities",
            "count",
            "deals",
            None,
            "count",
            True,
            "new-business deals created in the period",
        ),
        KPI(
            "won",
            "受注数",
            "won",
            "count",
            "won",
            None,
            "count",
            True,
            "the period's new deals won by the as-of date",
        ),
        KPI(
            "lost",
            "失注数",
            "lost",
            "count",
            "lost",
            None,
            "count",
            False,
            "the period's new deals lost by the as-of date",
        ),
        KPI(
            "open",
            "進行中",
            "open",
            "count",
            "open",
            None,
            "count",
            True,
            "the period's new deals still open at the as-of date",
        ),
        KPI(
            "win_rate",
            "受注率",
            "win rate",
            "rate",
            "won",
            "closed",
            "share",
            True,
            "won / (won + lost) of the period's new deals",
        ),
        KPI(
            "average_deal",
            "平均受注額",
            "average deal",
            "mean",
            "won_amount",
            "won_priced",
            "yen",
            True,
            "mean amount of the period's won new deals (those with an amount)",
        ),
        KPI(
            "sales_cycle_days",
            "商談期間 (日)",
            "sales cycle (days)",
            "mean",
            "won_days",
            "won",
            "days",
            False,
            "mean days from creation to win of won new deals",
        ),
        KPI(
            "cac",
            "顧客獲得単価 (CAC)",
            "CAC",
            "mean",
            "cost",
            "won",
            "yen",
            False,
            "campaign cost of the period (allocated by lead share) / new customers won",
        ),
        KPI(
            "clv",
            "顧客生涯価値 (CLV)",
            "CLV",
            "mean",
            "clv_sum",
            "won_priced",
            "yen",
            True,
            "revenue proxy: won amount x expected years (1 / annual churn, at most 5)",
        ),
        KPI("ltv_cac", "LTV/CAC", "LTV/CAC", "ratio", "clv", "cac", "times", True, "CLV / CAC"),
        KPI(
            "churn_rate",
            "解約率",
            "churn rate",
            "rate",
            "churned",
            "at_risk",
            "share",
            False,
            "subscriptions ended in the period / active at its start",
        ),
        KPI(
            "nrr",
            "売上継続率 (NRR)",
            "net revenue retention",
            "mean",
            "mrr_end",
            "mrr_start",
            "share",
            True,
            "MRR at period end of accounts active at its start / their start MRR",
        ),
    ]
}

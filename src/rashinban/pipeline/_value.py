"""Pipeline steps for customer value: the ``rfm`` and ``clv`` analyses."""

from __future__ import annotations

import pandas as pd

from rashinban._labels import count_en
from rashinban.pipeline._registry import AnalysisResult, Context


def run_rfm(ctx: Context) -> AnalysisResult:
    from rashinban.value import rfm_report

    result = rfm_report(ctx.backend, ctx.as_of)
    seg = result.segments.set_index("segment")
    top = seg.loc["champions"] if "champions" in seg.index else None
    headline_ja = headline_en = ""
    if top is not None:
        headline_ja = (
            f"RFM: 優良顧客 {int(top['customers']):,}社 (顧客の{top['share']:.0%}) が"
            f"売上の{top['revenue_share']:.0%}を占める"
        )
        headline_en = (
            f"RFM: {count_en(int(top['customers']), 'champion')} ({top['share']:.0%} of customers) "
            f"bring {top['revenue_share']:.0%} of revenue"
        )
    return AnalysisResult(
        {
            "customers": result.customers,
            "segments": result.segments,
            "transitions": result.transitions,
        },
        {
            "date_a": result.date_a.isoformat(),
            "customers": len(result.customers),
            "naming": result.naming(),
            "naming_ja": result.naming_text("ja"),
            "naming_en": result.naming_text("en"),
            "headline_ja": headline_ja,
            "headline_en": headline_en,
        },
    )


def run_clv(ctx: Context) -> AnalysisResult:
    from rashinban.value import clv_report

    result = clv_report(ctx.backend, ctx.as_of)
    payload = result.payload(limit=0)
    frame = result.customers.sort_values("clv", ascending=False)
    accounts = ctx.backend.table("accounts").select("account_id", "name", "industry").to_pandas()
    frame = frame.merge(accounts, on="account_id", how="left")
    top = frame.head(3)
    names = [str(n) for n in top["name"].fillna(top["account_id"])]
    # Churned customers have CLV 0 (clv_report), so the total is that of the customers
    # still buying; the headline says how many were left out.
    total = float(frame["clv"].sum())
    churned = int(frame["churned"].sum())
    model = pd.DataFrame(
        [{"parameter": k, "value": v} for k, v in payload["model"]["params"].items()]
    )
    left_ja = f" (解約済み{churned:,}社を除く)" if churned else ""
    left_en = f" (excluding {count_en(churned, 'churned customer')})" if churned else ""
    return AnalysisResult(
        {"customers": frame, "model": model},
        {
            "model": payload["model"],
            "total_clv": total,
            "churned_customers": churned,
            "headline_ja": (
                f"CLV (12か月, 割引後): 合計 ¥{total:,.0f}{left_ja}; 上位は {'、'.join(names)}"
            ),
            "headline_en": (
                f"CLV (12 months, discounted): total ¥{total:,.0f}{left_en}; "
                f"top: {', '.join(names)}"
            ),
        },
    )

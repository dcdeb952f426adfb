"""Pipeline analyses of the expand-and-defend motions: churn, crosssell, motions.

Each stores flat result tables (lists of reasons joined with " / ") for the
report and a summary with one-line headlines in Japanese and English.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from rashinban._errors import NotEnoughDataError
from rashinban._labels import count_en
from rashinban.pipeline._registry import AnalysisResult, Context

__all__ = ["run_churn", "run_crosssell", "run_motions"]

SEP = " / "
#: Validation looks back one year from the as-of date.
VALIDATION_DAYS = 365
#: Fewer churned accounts than this in the validation window: the headline calls the AUC
#: indicative.
SMALL_TEST_CHURNERS = 20


def _flat(frame: pd.DataFrame, cols: tuple[str, ...]) -> pd.DataFrame:
    out = frame.copy()
    for c in cols:
        out[c] = out[c].map(lambda v: SEP.join(v) if isinstance(v, list | tuple) else str(v))
    return out


def _yen(x: float) -> str:
    return f"{x / 1e4:,.0f}万円"


def run_churn(ctx: Context) -> AnalysisResult:
    """Watchlist as of the date; time-split validation over the year before it."""
    from rashinban.churn import churn_watchlist, validate_churn

    watch = churn_watchlist(ctx.backend, ctx.as_of)
    tables: dict[str, pd.DataFrame] = {
        "watchlist": _flat(
            watch,
            (
                "reasons_ja",
                "reasons_en",
                "evidence",
                "evidence_ja",
                "evidence_en",
                "reason_features",
            ),
        ).assign(rank=range(1, len(watch) + 1))
    }
    summary: dict[str, Any] = {
        "customers": len(watch),
        "alerts": int(watch["alert"].sum()),
        "revenue_at_risk": float(watch.loc[watch["alert"], "revenue_at_risk"].sum()),
    }
    try:
        v = validate_churn(
            ctx.backend,
            cut=ctx.as_of - dt.timedelta(days=VALIDATION_DAYS),
            end=ctx.as_of,
        )
    except NotEnoughDataError as exc:
        summary["validation"] = f"skipped: {exc}"
    else:
        numbers = v.as_dict()
        summary["validation"] = {
            k: (str(x) if isinstance(x, dt.date) else x) for k, x in numbers.items()
        }
        tables["validation"] = pd.DataFrame(
            [
                ("AUC", v.auc, v.auc_rule),
                ("precision@top10%", v.precision_top10, v.precision_top10_rule),
                ("median lead time (days)", v.lead_median_days, v.lead_median_days_rule),
                ("churners alerted", v.alerted_share, v.alerted_share_rule),
            ],
            columns=["metric", "model", "rule"],
        )
        tables["lead_times"] = v.leads.assign(
            churn_date=lambda f: pd.to_datetime(f["churn_date"]).dt.date,
            first_alert=lambda f: pd.to_datetime(f["first_alert"]).dt.date,
        )
    summary["headline_ja"] = (
        f"解約警戒 {summary['alerts']:,}社、年間売上 {_yen(summary['revenue_at_risk'])} がリスク"
    )
    summary["headline_en"] = (
        f"{count_en(summary['alerts'], 'customer')} on churn alert, "
        f"¥{summary['revenue_at_risk']:,.0f} a year at risk"
    )
    if isinstance(summary.get("validation"), dict):
        val = summary["validation"]
        few = val["n_test_churners"] < SMALL_TEST_CHURNERS
        # The interval counts accounts, not snapshots (clustered by account); with a
        # handful of churned accounts it means little, and the caveat below says so.
        span_ja = span_en = ""
        if not few:
            low, high = val["auc_low"], val["auc_high"]
            span_ja, span_en = (
                f"、95%区間 {low:.2f}〜{high:.2f}",
                f", 95% interval {low:.2f}–{high:.2f}",
            )
        summary["headline_ja"] += f"（AUC {val['auc']:.2f}{span_ja}、ルール {val['auc_rule']:.2f}）"
        summary["headline_en"] += f" (AUC {val['auc']:.2f}{span_en} vs rule {val['auc_rule']:.2f})"
        if few:
            # A handful of churners cannot pin an AUC down (and near 1 its interval reads
            # narrower than it is): say how few, and that the AUC is only indicative.
            n = val["n_test_churners"]
            summary["headline_ja"] += (
                f"。ただし検証期間に解約した顧客は{n}社のみで、AUCは参考値です"
            )
            summary["headline_en"] += (
                f"; only {count_en(n, 'churned customer')} to test on, so the AUC is indicative"
            )
    return AnalysisResult(tables, summary)


def run_crosssell(ctx: Context) -> AnalysisResult:
    """Recommendations, top rules and up-sell signals; validation over the year before."""
    from rashinban.crosssell import (
        association_rules,
        baskets,
        recommend,
        upsell_signals,
        validate_crosssell,
    )

    recs = recommend(ctx.backend, ctx.as_of)
    if recs.empty:
        raise NotEnoughDataError(
            f"{ctx.as_of} に製品を持つ顧客がいません / no customer with products on {ctx.as_of}",
            fix="注文か契約を取り込んでください / import orders or subscriptions",
        )
    rules = association_rules(baskets(ctx.backend, ctx.as_of)).execute()
    up = upsell_signals(ctx.backend, ctx.as_of)
    tables = {"recommendations": recs, "rules": rules.head(50), "upsell": up}
    summary: dict[str, Any] = {"recommendations": len(recs), "upsell_signals": len(up)}
    try:
        v = validate_crosssell(
            ctx.backend, cut=ctx.as_of - dt.timedelta(days=VALIDATION_DAYS), end=ctx.as_of
        )
    except NotEnoughDataError as exc:
        summary["validation"] = f"skipped: {exc}"
    else:
        tables["validation"] = v.scores
        summary["validation"] = {
            "cut": str(v.cut),
            "accounts": v.n_accounts,
            "hit_rate_at_3": v.get("blend"),
            "hit_rate_at_3_popularity": v.get("popularity"),
            "precision_at_3": v.get("blend", "precision"),
            "precision_at_3_popularity": v.get("popularity", "precision"),
        }
    top = rules.iloc[0] if len(rules) else None
    if top is not None:
        summary["headline_ja"] = (
            f"クロスセル提案 {recs['account_id'].nunique():,}社、最強の併売: "
            f"{top['antecedent']}→{top['consequent']}（リフト{top['lift']:.1f}）"
        )
        summary["headline_en"] = (
            f"Cross-sell offers for {count_en(recs['account_id'].nunique(), 'customer')}; "
            "strongest pair "
            f"{top['antecedent']}->{top['consequent']} (lift {top['lift']:.1f})"
        )
    return AnalysisResult(tables, summary)


def run_motions(ctx: Context) -> AnalysisResult:
    """New / expand / defend for the whole company and each of the largest industries."""
    from rashinban.motions import three_motions

    kw: dict[str, Any] = {}
    churn = ctx.results.get("churn")
    cross = ctx.results.get("crosssell")
    if churn is not None and "watchlist" in churn.tables:
        kw["watchlist"] = churn.tables["watchlist"]
    if cross is not None:
        kw["recommendations"] = cross.tables["recommendations"]
        kw["upsell"] = cross.tables["upsell"]
    if "watchlist" not in kw:
        from rashinban.churn import WATCHLIST_COLUMNS, churn_watchlist

        try:
            kw["watchlist"] = churn_watchlist(ctx.backend, ctx.as_of)
        except NotEnoughDataError:
            # Too little churn history: the other two motions still stand.
            kw["watchlist"] = pd.DataFrame(columns=list(WATCHLIST_COLUMNS))
    if "recommendations" not in kw:
        from rashinban.crosssell import recommend, upsell_signals

        kw["recommendations"] = recommend(ctx.backend, ctx.as_of)
        kw["upsell"] = upsell_signals(ctx.backend, ctx.as_of)
    acc = ctx.backend.table("accounts")
    top = acc.group_by("industry").aggregate(n=acc.count()).order_by(acc.count().desc())
    industries = [i for i in top.limit(5).execute()["industry"] if i is not None]
    frames = [three_motions(ctx.backend, ctx.as_of, **kw).assign(scope="全体")]
    for ind in industries:
        seg = [{"column": "industry", "op": "in", "values": [ind]}]
        frames.append(three_motions(ctx.backend, ctx.as_of, segment=seg, **kw).assign(scope=ind))
    table = pd.concat(frames, ignore_index=True)
    whole = table[table["scope"] == "全体"].set_index("motion")
    summary = {
        m: {"accounts": int(whole.loc[m, "accounts"]), "revenue": float(whole.loc[m, "revenue"])}
        for m in whole.index
    }
    summary_out: dict[str, Any] = dict(summary)
    summary_out["headline_ja"] = (
        f"新規 {summary['new']['accounts']:,}社 / 深耕 {summary['expand']['accounts']:,}社 / "
        f"防衛 {summary['defend']['accounts']:,}社"
    )
    summary_out["headline_en"] = (
        f"new {summary['new']['accounts']:,} / expand {summary['expand']['accounts']:,} / "
        f"defend {summary['defend']['accounts']:,} accounts"
    )
    return AnalysisResult({"motions": table}, summary_out)

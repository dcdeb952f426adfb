"""Pipeline analyses of the expand-and-defend motions: churn, crosssell, motions.

Each stores flat result tables (lists of reasons joined with " / ") for the
report and a summary with one-line headlines in Japanese and English.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pandas as pd

from rashinban._errors import NotEnoughDataError, pick_language
from rashinban._labels import count_en
from rashinban.pipeline._registry import AnalysisResult, Context

if TYPE_CHECKING:
    from rashinban.churn import ChurnValidation, SnapshotFeatures

__all__ = [
    "churn_snapshots",
    "churn_validation",
    "churn_validation_caption",
    "run_churn",
    "run_crosssell",
    "run_motions",
]

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
    from rashinban.churn import churn_watchlist

    horizon = ctx.ws.churn_horizon_days
    store = churn_snapshots(ctx.backend, ctx.as_of, horizon)
    watch = churn_watchlist(ctx.backend, ctx.as_of, horizon_days=horizon, features=store)
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
        "horizon_days": horizon,
        "customers": len(watch),
        "alerts": int(watch["alert"].sum()),
        "revenue_at_risk": float(watch.loc[watch["alert"], "revenue_at_risk"].sum()),
    }
    v, summary["validation"] = churn_validation(
        ctx.backend, ctx.as_of, horizon_days=horizon, features=store
    )
    if v is not None:
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
        f"解約警戒 {summary['alerts']:,}社（今後{horizon}日）、"
        f"年間売上 {_yen(summary['revenue_at_risk'])} がリスク"
    )
    summary["headline_en"] = (
        f"{count_en(summary['alerts'], 'customer')} on churn alert (next {horizon} days), "
        f"¥{summary['revenue_at_risk']:,.0f} a year at risk"
    )
    if isinstance(summary.get("validation"), dict):
        val = summary["validation"]
        (span_ja, span_en), (few_ja, few_en) = _auc_span(val), _few_churners(val)
        summary["headline_ja"] += f"（AUC {val['auc']:.2f}{span_ja}、ルール {val['auc_rule']:.2f}）"
        summary["headline_en"] += f" (AUC {val['auc']:.2f}{span_en} vs rule {val['auc_rule']:.2f})"
        summary["headline_ja"] += few_ja and f"。ただし{few_ja}"
        summary["headline_en"] += few_en and f"; {few_en}"
    return AnalysisResult(tables, summary)


def churn_snapshots(backend: Any, as_of: dt.date, horizon_days: int) -> SnapshotFeatures:
    """The features store the watchlist as of ``as_of`` and :func:`churn_validation` share.

    The validation's snapshot dates are announced, so that today's features, the
    model's training snapshots and the validation's all come from one query (the
    model's grid and the test grid both end ``horizon_days`` before ``as_of`` and
    share their dates).
    """
    from rashinban.churn import SnapshotFeatures, validation_dates

    store = SnapshotFeatures(backend, horizon_days)
    cut = as_of - dt.timedelta(days=VALIDATION_DAYS)
    train, test = validation_dates(cut, as_of, horizon_days=horizon_days)
    store.expect([*train, *test])
    return store


def churn_validation(
    backend: Any,
    as_of: dt.date,
    *,
    horizon_days: int = 90,
    features: SnapshotFeatures | None = None,
) -> tuple[ChurnValidation | None, dict[str, Any] | str]:
    """The churn model's time split over the year before ``as_of``, and its numbers.

    The numbers are what ``analyze`` stores (``summary["validation"]``) and what
    ``rashinban churn`` shows: a dict of :meth:`ChurnValidation.as_dict` with dates as
    text, or ``"skipped: why"`` when the year holds no churn to test on. ``features``
    is the store of :func:`churn_snapshots` when the watchlist was computed too.
    """
    from rashinban.churn import validate_churn

    try:
        v = validate_churn(
            backend,
            cut=as_of - dt.timedelta(days=VALIDATION_DAYS),
            end=as_of,
            horizon_days=horizon_days,
            features=features,
        )
    except NotEnoughDataError as exc:
        return None, f"skipped: {exc}"
    numbers = {k: (str(x) if isinstance(x, dt.date) else x) for k, x in v.as_dict().items()}
    return v, numbers


def churn_validation_caption(validation: dict[str, Any] | str, lang: str = "ja") -> str:
    """One line that says how the churn model did on its time split, against the rule.

    ``validation`` is the second value of :func:`churn_validation`. With too little churn
    to test on the line says so (データ不足 / not enough data) and why.

    Examples
    --------
    >>> val = {"cut": "2024-12-31", "n_test_churners": 59, "auc": 0.9538, "auc_low": 0.925,
    ...        "auc_high": 0.982, "auc_rule": 0.818}
    >>> churn_validation_caption(val).split("）: ")[1]
    'AUC 0.95、95%区間 0.93〜0.98、比較ルール「利用が半減」 0.82'
    >>> churn_validation_caption(val, "en").split("): ")[1]
    'AUC 0.95, 95% interval 0.93–0.98 vs the "usage halved" rule 0.82'
    >>> churn_validation_caption("skipped: 解約が足りません / too little churn — fix: 待つ / wait")
    '時系列分割での検証: データ不足（解約が足りません）'
    """
    en = lang == "en"
    if not isinstance(validation, dict):
        # the reason alone, in the line's language (the line under a Japanese table is
        # Japanese; the fix is for the analyst of the model, not for this line)
        reason = validation.removeprefix("skipped: ").partition(" — fix: ")[0]
        why = pick_language(reason, "en" if en else "ja")
        if en:
            return f"Time-split validation: not enough data ({why})"
        return f"時系列分割での検証: データ不足（{why}）"
    val = validation
    (span_ja, span_en), (few_ja, few_en) = _auc_span(val), _few_churners(val)
    n, cut = int(val["n_test_churners"]), val["cut"]
    if en:
        return (
            f"Time-split validation (trained up to {cut}, tested on "
            f"{count_en(n, 'churned customer')} after it): AUC {val['auc']:.2f}{span_en} "
            f'vs the "usage halved" rule {val["auc_rule"]:.2f}' + (few_en and f"; {few_en}")
        )
    return (
        f"時系列分割での検証（{cut} までで学習し、その後の解約{n}社で検証）: "
        f"AUC {val['auc']:.2f}{span_ja}、比較ルール「利用が半減」 {val['auc_rule']:.2f}"
        + (few_ja and f"。{few_ja}")
    )


def _auc_span(val: dict[str, Any]) -> tuple[str, str]:
    """The AUC's 95% interval as the headline and caption add it ("" with few churners).

    The interval counts accounts, not snapshots (clustered by account); with a handful
    of churned accounts it means little, and :func:`_few_churners` says so instead.
    """
    if val["n_test_churners"] < SMALL_TEST_CHURNERS:
        return "", ""
    low, high = val["auc_low"], val["auc_high"]
    return f"、95%区間 {low:.2f}〜{high:.2f}", f", 95% interval {low:.2f}–{high:.2f}"


def _few_churners(val: dict[str, Any]) -> tuple[str, str]:
    """A handful of churners cannot pin an AUC down (and near 1 its interval reads
    narrower than it is): say how few, and that the AUC is only indicative."""
    n = val["n_test_churners"]
    if n >= SMALL_TEST_CHURNERS:
        return "", ""
    return (
        f"検証期間に解約した顧客は{n}社のみで、AUCは参考値です",
        f"only {count_en(n, 'churned customer')} to test on, so the AUC is indicative",
    )


def run_crosssell(ctx: Context) -> AnalysisResult:
    """Recommendations, top rules and up-sell signals; validation over the year before."""
    from rashinban.crosssell import (
        association_rules,
        baskets,
        customers,
        no_offer_error,
        recommend,
        upsell_signals,
        validate_crosssell,
    )

    recs = recommend(ctx.backend, ctx.as_of)
    if recs.empty:
        raise no_offer_error(ctx.backend, ctx.as_of)
    rules = association_rules(baskets(ctx.backend, ctx.as_of)).execute()
    up = upsell_signals(ctx.backend, ctx.as_of)
    tables = {"recommendations": recs, "rules": rules.head(50), "upsell": up}
    n_customers = int(customers(ctx.backend, ctx.as_of).count().execute())
    n_offered = int(recs["account_id"].nunique())
    summary: dict[str, Any] = {
        "recommendations": len(recs),
        "upsell_signals": len(up),
        "customers": n_customers,
        "accounts": n_offered,
    }
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
    # Who the count is: current customers with at least one offer backed by evidence.
    summary["headline_ja"] = (
        f"クロスセル提案 {n_offered:,}社"
        f"（現在の顧客{n_customers:,}社のうち根拠のある提案がある顧客）"
    )
    summary["headline_en"] = (
        f"Cross-sell offers for {n_offered:,} of {count_en(n_customers, 'current customer')}"
    )
    top = rules.iloc[0] if len(rules) else None
    if top is not None:
        p = ctx.backend.table("products").execute()
        names = dict(zip(p["product_id"], p["name"].fillna(p["product_id"]), strict=True))
        a, c = (
            names.get(top["antecedent"], top["antecedent"]),
            names.get(top["consequent"], top["consequent"]),
        )
        summary["headline_ja"] += f"、最強の併売: {a}→{c}（リフト{top['lift']:.1f}）"
        summary["headline_en"] += f"; strongest pair {a} → {c} (lift {top['lift']:.1f})"
    return AnalysisResult(tables, summary)


def run_motions(ctx: Context) -> AnalysisResult:
    """New / expand / defend for the whole company and each of the largest industries."""
    from rashinban.motions import EXPAND_MIN_SCORE, three_motions

    kw: dict[str, Any] = {}
    churn = ctx.results.get("churn")
    cross = ctx.results.get("crosssell")
    if churn is not None and "watchlist" in churn.tables:
        kw["watchlist"] = churn.tables["watchlist"]
    if cross is not None:
        kw["recommendations"] = cross.tables["recommendations"]
        kw["upsell"] = cross.tables["upsell"]
    if "watchlist" not in kw:
        from rashinban.churn import churn_watchlist

        try:
            kw["watchlist"] = churn_watchlist(
                ctx.backend, ctx.as_of, horizon_days=ctx.ws.churn_horizon_days
            )
        except NotEnoughDataError as exc:
            # Too little churn history: the other two motions still stand, and the
            # defend row says why it has no number.
            kw["watchlist_error"] = exc
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
    summary: dict[str, Any] = {}
    for m in whole.index:
        row = whole.loc[m]
        done = bool(row["computed"])
        summary[m] = {
            "accounts": int(row["accounts"]) if done else None,
            "revenue": float(row["revenue"]) if done else None,
            "revenue_label": str(row["revenue_label_ja"]),
            "computed": done,
            "reason": None if done else str(row["reason_ja"]),
        }
    ja, en = [], []
    for m, short_ja, short_en in _MOTION_NAMES:
        n = summary[m]["accounts"]
        ja.append(f"{short_ja} {n:,}社" if n is not None else f"{short_ja} 算出できません")
        en.append(f"{short_en} {count_en(n, 'account')}" if n is not None else f"{short_en} n/a")
    # Expand counts a subset of the cross-sell customers: say which, where the count is.
    score = f"{EXPAND_MIN_SCORE:g}"
    if summary["expand"]["computed"]:
        ja[1] += f"（提案スコア{score}以上かアップセルのシグナル）"
        en[1] += f" (offer score {score}+ or up-sell signal)"
    summary["headline_ja"] = " / ".join(ja)
    summary["headline_en"] = " / ".join(en)
    return AnalysisResult({"motions": table}, summary)


#: The three motions as headlines name them (motion, ja, en).
_MOTION_NAMES = (("new", "新規", "new"), ("expand", "深耕", "expand"), ("defend", "防衛", "defend"))

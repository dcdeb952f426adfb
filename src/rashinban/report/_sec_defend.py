"""Report sections of the expand-and-defend motions: churn watchlist, risk, lead time, offers."""

from __future__ import annotations

import html

import pandas as pd

from rashinban._labels import code_label, column_label
from rashinban.report import _charts as charts
from rashinban.report._i18n import LABELS, t
from rashinban.report._sections import ReportContext, table_html

LABELS.update(
    {
        "defend_churn": ("解約予兆（守りのターゲット）", "Churn early warning"),
        "defend_churn_watchlist": (
            "ウォッチリスト（リスク金額順）",
            "Watchlist (by revenue at risk)",
        ),
        "defend_risk_distribution": ("解約リスクの分布", "Distribution of churn risk"),
        "defend_risk": ("リスク", "risk"),
        "defend_risk_axis": ("解約リスク (%)", "churn risk (%)"),
        "defend_churned": ("解約した顧客数", "churned customers"),
        "defend_lead_time": ("警告から解約までの日数", "Days from first alert to churn"),
        "defend_lead_days": ("リードタイム（日）", "lead time (days)"),
        "defend_validation": ("時系列分割での検証", "Time-split validation"),
        "defend_model": ("モデル", "model"),
        "defend_rule": ("ルール（利用半減）", "rule (usage halved)"),
        "defend_metric": ("指標", "metric"),
        "defend_account": ("取引先ID", "account id"),
        "defend_account_name": ("取引先名", "account name"),
        "defend_revenue_at_risk": ("リスク金額（年）", "revenue at risk / yr"),
        "defend_reasons": ("理由", "reasons"),
        "defend_evidence": ("根拠", "evidence"),
        "defend_crosssell": ("クロスセル・アップセル", "Cross-sell and up-sell"),
        "defend_top_recommendations": ("提案の上位", "Top recommendations"),
        "defend_top_rules": ("併売ルール（リフト順）", "Co-purchase rules (by lift)"),
        "defend_upsell": ("アップセルのシグナル", "Up-sell signals"),
        "defend_product": ("製品ID", "product id"),
        "defend_product_name": ("製品名", "product"),
        "defend_score": ("スコア", "score"),
        "defend_reason": ("理由", "reason"),
        "defend_motions": ("新規・深耕・防衛", "New, expand, defend"),
        "defend_scope": ("対象", "scope"),
        "defend_accounts": ("社数", "accounts"),
        "defend_revenue": ("金額（年）", "revenue / yr"),
        "defend_method": ("方法", "method"),
        "defend_hit_rate": ("ヒット率@3", "hit rate@3"),
        "defend_precision": ("適合率@3", "precision@3"),
        "defend_signal": ("シグナル", "signal"),
        "defend_never_alerted": ("警告なし", "never alerted"),
        "defend_not_computed": ("算出できません", "n/a"),
        "defend_motion_new": ("新規", "New"),
        "defend_motion_expand": ("深耕", "Expand"),
        "defend_motion_defend": ("防衛", "Defend"),
    }
)


def render_churn(ctx: ReportContext) -> str | None:
    watch = ctx.load("churn", "watchlist")
    if watch is None or watch.empty:
        return None
    lang = ctx.lang
    reasons = "reasons_en" if lang == "en" else "reasons_ja"
    parts = [f"<p>{html.escape(ctx.headline('churn'))}</p>"]
    # Alerted accounts first (still by revenue at risk), so a big, calm customer does not
    # push the real warnings off the page.
    alerted = watch["alert"].astype(str).str.lower().isin(["true", "1"])
    ordered = pd.concat([watch[alerted], watch[~alerted]])
    # Evidence in the report's language (results stored before it had both: as stored).
    evidence = f"evidence_{'en' if lang == 'en' else 'ja'}"
    evidence = evidence if evidence in ordered.columns else "evidence"
    top = ordered.head(20)[["account_id", "risk", "revenue_at_risk", reasons, evidence]]
    top = ctx.named(top, "accounts")
    top.columns = [
        t(k, lang)
        for k in (
            "defend_account",
            "defend_account_name",
            "defend_risk",
            "defend_revenue_at_risk",
            "defend_reasons",
            "defend_evidence",
        )
    ]
    risk, at_risk = t("defend_risk", lang), t("defend_revenue_at_risk", lang)
    parts += [
        "<h3>",
        t("defend_churn_watchlist", lang),
        "</h3>",
        table_html(top, lang=lang, percent=(risk,), yen=(at_risk,)),
    ]
    parts.append(
        charts.histogram(
            (watch["risk"].astype(float) * 100).tolist(),  # percent, as the watchlist shows it
            title=t("defend_risk_distribution", lang),
            xlabel=t("defend_risk_axis", lang),
            ylabel=t("axis_customers", lang),
            bins=25,
        )
    )
    leads = ctx.load("churn", "lead_times")
    if leads is not None and len(leads):
        days = leads["lead_days"].dropna().astype(float)
        bins = _lead_bins(_horizon(ctx))
        counts = pd.cut(days, bins, right=False).value_counts(sort=False)
        labels = [f"{int(i.left)}–{int(i.right) - 1}" for i in counts.index]
        labels.append(t("defend_never_alerted", lang))
        values = [*counts.tolist(), int(leads["lead_days"].isna().sum())]
        parts.append(
            charts.bar(
                labels,
                values,
                title=t("defend_lead_time", lang),
                xlabel=t("defend_churned", lang),
                category_label=t("defend_lead_days", lang),
            )
        )
    val = ctx.load("churn", "validation")
    if val is not None and len(val):
        val = val.copy()
        side = 1 if lang == "en" else 0
        first = val.columns[0]
        val[first] = [_CHURN_METRICS.get(str(m), (str(m), str(m)))[side] for m in val[first]]
        val.columns = [t(k, lang) for k in ("defend_metric", "defend_model", "defend_rule")]
        parts += ["<h3>", t("defend_validation", lang), "</h3>", table_html(val, lang=lang)]
    return "".join(parts)


def _horizon(ctx: ReportContext) -> int:
    """The horizon the stored churn run used (runs stored before it was kept: 90 days)."""
    summary = ctx.runs.get("churn", {}).get("summary", {}) or {}
    return int(summary.get("horizon_days", 90))


def _lead_bins(horizon: int) -> list[int]:
    """Six bins of lead time covering 0 to ``horizon`` days.

    >>> _lead_bins(90)
    [0, 15, 30, 45, 60, 75, 91]
    >>> _lead_bins(180)
    [0, 30, 60, 90, 120, 150, 181]
    """
    step = max(1, horizon // 6)
    return [*list(range(0, horizon + 1, step))[:6], horizon + 1]


def _product_names(ctx: ReportContext, ids: list[str]) -> dict[str, str]:
    """``{product_id: name}``; a product with no name keeps its id (as the CLI headline)."""
    from rashinban.engine import names_of

    backend = ctx.ws.backend(read_only=True)
    try:
        names = names_of(backend, ids, "products")
    finally:
        backend.disconnect()
    return {pid: name or pid for pid, name in names.items()}


def render_crosssell(ctx: ReportContext) -> str | None:
    recs = ctx.load("crosssell", "recommendations")
    if recs is None or recs.empty:
        return None
    lang = ctx.lang
    reason = "reason_en" if lang == "en" else "reason_ja"
    parts = [f"<p>{html.escape(ctx.headline('crosssell'))}</p>"]
    # The best three offers of each product, so one popular product does not fill the table.
    best = recs.sort_values("score", ascending=False).groupby("product_id").head(3)
    best = ctx.named(best[["account_id", "product_id", "score", reason]], "accounts", "products")
    best.columns = [
        t(f"defend_{k}", lang)
        for k in ("account", "account_name", "product", "product_name", "score", "reason")
    ]
    parts += ["<h3>", t("defend_top_recommendations", lang), "</h3>", table_html(best, lang=lang)]
    rules = ctx.load("crosssell", "rules")
    if rules is not None and len(rules):
        r = rules.head(10)
        pairs = list(zip(r["antecedent"].astype(str), r["consequent"].astype(str), strict=True))
        # ワークフロー→API連携, not P03→P05
        names = _product_names(ctx, [p for pair in pairs for p in pair])
        parts.append(
            charts.bar(
                [f"{names.get(a, a)}→{names.get(c, c)}" for a, c in pairs],
                r["lift"].astype(float).tolist(),
                title=t("defend_top_rules", lang),
                xlabel=column_label("lift", lang),
                fmt="{:.2f}",
            )
        )
    up = ctx.load("crosssell", "upsell")
    if up is not None and len(up):
        u = ctx.named(up.head(15)[["account_id", "signal", "score", reason]], "accounts")
        u["signal"] = [code_label("source", v, lang) for v in u["signal"]]  # seat_limit → 名前
        u.columns = [
            t(f"defend_{k}", lang) for k in ("account", "account_name", "signal", "score", "reason")
        ]
        parts += ["<h3>", t("defend_upsell", lang), "</h3>", table_html(u, lang=lang)]
    val = ctx.load("crosssell", "validation")
    if val is not None and len(val):
        val = val[["method", "hit_rate", "precision"]].copy()
        side = 1 if lang == "en" else 0
        val["method"] = [
            _CROSSSELL_METHODS.get(str(m), (str(m), str(m)))[side] for m in val["method"]
        ]
        val.columns = [t(f"defend_{k}", lang) for k in ("method", "hit_rate", "precision")]
        parts += ["<h3>", t("defend_validation", lang), "</h3>", table_html(val, lang=lang)]
    return "".join(parts)


def render_motions(ctx: ReportContext) -> str | None:
    frame = ctx.load("motions", "motions")
    if frame is None or frame.empty:
        return None
    lang = ctx.lang
    side = "en" if lang == "en" else "ja"
    na = t("defend_not_computed", lang)
    frame = frame.copy()
    if "computed" not in frame.columns:  # stored before motions said what they could not compute
        frame["computed"] = True
    motions = list(dict.fromkeys(frame["motion"]))
    # One row per scope; per motion its accounts and its amount, each named for what it is
    # (expected revenue, expansion potential, revenue at risk), "n/a" where not computed.
    rows: list[dict[str, object]] = []
    amounts: dict[str, None] = {}  # the amount columns, shown in yen
    for scope, part in frame.groupby("scope", sort=False):
        row: dict[str, object] = {t("defend_scope", lang): scope}
        for r in part.to_dict("records"):
            name = t(f"defend_motion_{r['motion']}", lang)
            done = _truthy(r["computed"])
            row[f"{name} {t('defend_accounts', lang)}"] = int(r["accounts"]) if done else na
            amount = f"{name} {_amount_label(r, side, lang)}"
            amounts[amount] = None
            row[amount] = float(r["revenue"]) if done else na
        rows.append(row)
    table = pd.DataFrame(rows)
    notes = []
    whole = frame.drop_duplicates("motion").set_index("motion")
    for m in motions:
        r = whole.loc[m]
        name = t(f"defend_motion_{m}", lang)
        text = str(r[f"definition_{side}"]) if f"definition_{side}" in r else ""
        if not _truthy(r["computed"]):
            text = f"{na}: {r[f'reason_{side}']}"
        if text:
            notes.append(f"<li>{html.escape(name)}: {html.escape(text)}</li>")
    listing = f'<ul class="note">{"".join(notes)}</ul>' if notes else ""
    return (
        f"<p>{html.escape(ctx.headline('motions'))}</p>"
        + table_html(table, floatfmt="{:,.0f}", lang=lang, yen=tuple(amounts))
        + listing
    )


def _truthy(value: object) -> bool:
    """A stored flag (bool, or its text after a round trip through storage)."""
    return str(value).lower() in {"true", "1"}


def _amount_label(row: dict[str, object], side: str, lang: str) -> str:
    """What a motion's amount is (期待売上 …), with the yearly unit; older results: 金額（年）."""
    label = row.get(f"revenue_label_{side}")
    if label is None or label != label:
        return t("defend_revenue", lang)
    return f"{label}（年）" if side == "ja" else f"{label} / yr"


#: The cross-sell validation's methods as the report names them (ja, en).
_CROSSSELL_METHODS = {
    "blend": ("併売ルールとセグメントの組み合わせ（採用）", "rules and segment blended (shipped)"),
    "rules": ("併売ルールのみ", "association rules only"),
    "segment": ("同じセグメントの利用率のみ", "segment adoption only"),
    "similarity": ("商品の類似度のみ", "item similarity only"),
    "popularity": ("人気順（比較の基準）", "most popular (baseline)"),
}


#: The churn validation's metrics as the report names them (ja, en).
_CHURN_METRICS = {
    "AUC": ("AUC", "AUC"),
    "precision@top10%": ("上位10%の適合率", "precision@top10%"),
    "median lead time (days)": ("警告から解約までの日数 (中央値)", "median lead time (days)"),
    "churners alerted": ("事前に警告できた解約の割合", "churners alerted"),
}

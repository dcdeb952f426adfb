"""Report sections for customer value: the RFM grid, segment transitions, CLV."""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from rashinban.report import _charts as charts
from rashinban.report._i18n import LABELS, t
from rashinban.report._sections import ReportContext, table_html, yen_cell

LABELS.update(
    {
        "rfm": ("RFM分析 (既存顧客の深耕)", "RFM analysis (existing customers)"),
        "rfm_grid": (
            "RFMグリッド: 最新性R × 頻度F の顧客数",
            "RFM grid: customers by recency R × frequency F",
        ),
        "recency_score": ("R (最新性, 5=最近)", "R (recency, 5 = recent)"),
        "frequency_score": ("F (頻度, 5=多い)", "F (frequency, 5 = often)"),
        "segment": ("セグメント", "segment"),
        "customers": ("顧客数", "customers"),
        "rfm_share": ("構成比", "share"),  # not "share": the voice sections' 割合
        "revenue_share": ("売上構成比", "revenue share"),
        "transitions": ("セグメント遷移", "Segment transitions"),
        "from": ("移動前", "from"),
        "to": ("移動後", "to"),
        "clv": ("顧客生涯価値 (CLV)", "Customer lifetime value (CLV)"),
        "clv_dist": ("CLV の分布 (12か月, 割引後)", "CLV distribution (12 months, discounted)"),
        "clv_axis": ("CLV (対数目盛)", "CLV (log scale)"),
        "clv_zero": (
            "CLV が0の顧客 {n:,}社 (解約済みなど) はグラフに含みません。",
            "{n:,} customers with a CLV of 0 (churned and the like) are left out of the chart.",
        ),
        "clv_none": ("CLV が0より大きい顧客がいません。", "No customer has a CLV above 0."),
        "top_clv": ("CLV 上位の顧客", "Top customers by CLV"),
        "p_alive": ("継続確率 P(alive)", "P(alive)"),
        "expected_purchases": (
            "今後12か月の注文週数 (期待値)",
            "expected order weeks, next 12 months",
        ),
        "contract_clv": ("契約の価値", "contract value"),
        "order_clv": ("注文の価値", "order value"),
        "mrr": ("月額 (継続中の契約)", "MRR (running contracts)"),
        "model_params": ("モデルとパラメータ", "Model and parameters"),
        "holdout": ("検証 (ホールドアウト)", "Validation (holdout)"),
        "clv_account": ("取引先ID", "account id"),
        "company": ("取引先名", "account name"),
        "industry": ("業種", "industry"),
    }
)


def _label(frame: pd.DataFrame, stem: str, lang: str) -> pd.Series:
    return frame[f"{stem}_ja" if lang == "ja" else f"{stem}_en"]


def render_rfm(ctx: ReportContext) -> str | None:
    customers = ctx.load("rfm", "customers")
    segments = ctx.load("rfm", "segments")
    moves = ctx.load("rfm", "transitions")
    if customers is None or segments is None:
        return None
    lang = ctx.lang
    grid = (
        customers.groupby(["R", "F"])
        .size()
        .unstack(fill_value=0)
        .reindex(index=[5, 4, 3, 2, 1], columns=[1, 2, 3, 4, 5], fill_value=0)
    )
    parts = [
        charts.heatmap(
            grid.to_numpy(),
            [str(r) for r in grid.index],
            [str(f) for f in grid.columns],
            title=t("rfm_grid", lang),
            xlabel=t("frequency_score", lang),
            ylabel=t("recency_score", lang),
        )
    ]
    seg = segments.sort_values("revenue_share", ascending=False)
    view = pd.DataFrame(
        {
            t("segment", lang): _label(seg, "segment", lang),
            t("customers", lang): seg["customers"].astype(int),
            t("rfm_share", lang): (seg["share"] * 100).round(1).astype(str) + "%",
            t("revenue_share", lang): (seg["revenue_share"] * 100).round(1).astype(str) + "%",
        }
    )
    parts.append(table_html(view, lang=lang))
    rfm_run = ctx.runs.get("rfm", {})
    run = rfm_run.get("summary", {})
    naming = run.get("naming_en" if lang == "en" else "naming_ja")
    if naming:  # the segment names are not all the scores' doing: say which rule named whom
        parts.append(f'<p class="note">{html.escape(naming)}</p>')
    if moves is not None and len(moves):
        a_lab, b_lab = _label(moves, "segment_a", lang), _label(moves, "segment_b", lang)
        matrix = pd.crosstab(a_lab, b_lab, values=moves["customers"], aggfunc="sum").fillna(0)
        parts.append(
            f"<h3>{t('transitions', lang)} "
            f"({run.get('date_a', '')} → {rfm_run.get('as_of', '')})</h3>"
        )
        parts.append(
            charts.heatmap(
                matrix.to_numpy(),
                list(matrix.index),
                list(matrix.columns),
                xlabel=t("to", lang),
                ylabel=t("from", lang),
            )
        )
    return "".join(parts)


def render_clv(ctx: ReportContext) -> str | None:
    customers = ctx.load("clv", "customers")
    if customers is None:
        return None
    lang = ctx.lang
    summary = ctx.runs.get("clv", {}).get("summary", {})
    clv = customers["clv"].to_numpy(dtype=float)
    positive = clv[clv > 0]  # a log axis has no place for 0: those are counted in words
    parts = [
        charts.histogram(
            positive,
            title=t("clv_dist", lang),
            xlabel=t("clv_axis", lang),
            ylabel=t("axis_customers", lang),
            log_x=lambda v: yen_cell(v, lang),
        )
        if len(positive)
        else f'<p class="note">{t("clv_none", lang)}</p>'
    ]
    if 0 < len(positive) < len(clv):
        zero = int(np.sum(~(clv > 0)))
        parts.append(f'<p class="note">{t("clv_zero", lang).format(n=zero)}</p>')
    top = customers.sort_values("clv", ascending=False).head(15)
    view = pd.DataFrame(
        {
            t("clv_account", lang): top["account_id"],
            t("company", lang): top.get("name"),
            t("industry", lang): top.get("industry"),
            "CLV": [yen_cell(v, lang) for v in top["clv"]],
            t("contract_clv", lang): [
                yen_cell(v, lang) for v in top.get("contract_clv", top["clv"])
            ],
            t("order_clv", lang): [yen_cell(v, lang) for v in top.get("order_clv", 0 * top["clv"])],
            t("mrr", lang): [yen_cell(v, lang) for v in top.get("mrr", 0 * top["clv"])],
            t("p_alive", lang): top["p_alive"].round(3),
            t("expected_purchases", lang): top["expected_purchases"].round(1),
        }
    )
    parts += [f"<h3>{t('top_clv', lang)}</h3>", table_html(view, floatfmt="{:,.4g}", lang=lang)]
    model = summary.get("model") or {}
    if model:
        params = ", ".join(f"{k} = {v:.4g}" for k, v in model.get("params", {}).items())
        parts.append(f"<h3>{t('model_params', lang)}</h3><p>{model.get('name')}: {params}</p>")
        h = model.get("holdout")
        if h:
            parts.append(f"<h3>{t('holdout', lang)}</h3>{_holdout_text(h, lang)}")
    return "".join(parts)


def _holdout_text(h: dict[str, Any], lang: str) -> str:
    """The holdout check in words: order weeks, then revenue by source (when measured)."""
    weeks = (
        f"<p>校正 {h['calibration_end']} まで → 以降 {h['holdout_weeks']:.0f} 週の"
        "リピート注文週数: "
        f"実績 {h['actual_total']:,.0f} / BG/NBD 予測 {h['predicted_total']:,.0f} / "
        f"単純平均 {h['baseline_total']:,.0f}; 顧客別 MAE BG/NBD {h['mae_model']:.2f} vs "
        f"単純平均 {h['mae_baseline']:.2f}</p>"
        if lang == "ja"
        else f"<p>calibrated to {h['calibration_end']}, next {h['holdout_weeks']:.0f} weeks, "
        f"repeat order weeks: actual {h['actual_total']:,.0f} / BG/NBD "
        f"{h['predicted_total']:,.0f} / naive {h['baseline_total']:,.0f}; per-customer MAE "
        f"BG/NBD {h['mae_model']:.2f} vs naive {h['mae_baseline']:.2f}</p>"
    )
    if h.get("actual_revenue") is None:
        return weeks
    yen = {k: yen_cell(v, lang) for k, v in h.items() if isinstance(v, float) and "revenue" in k}
    if lang == "ja":
        revenue = (
            f"<p>同じ期間の売上: 実績 {yen['actual_revenue']} (注文 {yen['order_actual_revenue']}"
            f"・継続中の契約 {yen['contract_actual_revenue']}・期間中に始まった契約 "
            f"{yen['new_contract_revenue']}) / 予測 {yen['predicted_revenue']} (注文 "
            f"{yen['order_predicted_revenue']}・契約 {yen['contract_predicted_revenue']}) / "
            f"単純予測 (契約はそのまま続き、注文は過去のペース) {yen['baseline_revenue']}; "
            f"顧客別 MAE 予測 {yen['mae_revenue_model']} vs 単純予測 "
            f"{yen['mae_revenue_baseline']}。期間中に始まった契約 (拡大) は予測に含みません</p>"
        )
    else:
        revenue = (
            f"<p>revenue in the same weeks: actual {yen['actual_revenue']} (orders "
            f"{yen['order_actual_revenue']}, running contracts {yen['contract_actual_revenue']}, "
            f"contracts started in the holdout {yen['new_contract_revenue']}) / predicted "
            f"{yen['predicted_revenue']} (orders {yen['order_predicted_revenue']}, contracts "
            f"{yen['contract_predicted_revenue']}) / naive (contracts run on, orders at the past "
            f"rate) {yen['baseline_revenue']}; per-customer MAE {yen['mae_revenue_model']} vs "
            f"naive {yen['mae_revenue_baseline']}. Contracts started in the holdout "
            "(expansion) are not predicted</p>"
        )
    return weeks + revenue

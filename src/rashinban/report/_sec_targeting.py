"""Report sections of who to target: segment bubbles, ICP rules, score lift, competitors."""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd

from rashinban._labels import WEIGHT_LABELS, table_column, value_label
from rashinban.report import _charts as charts
from rashinban.report._i18n import LABELS, column_label, t
from rashinban.report._sections import ReportContext, Section, table_html

__all__ = ["TARGETING_SECTIONS"]

LABELS.update(
    {
        "segments": ("セグメント魅力度", "Segment attractiveness"),
        "seg_bubbles": (
            "セグメント: 円の大きさ=取引先数、縦=受注率(縮小推定)、横=顧客価値",
            "Segments: size = accounts, y = win rate (shrunk), x = value per customer",
        ),
        "weights": ("魅力度の重み", "Attractiveness weights"),
        "adjacent": ("隣接機会(絞りすぎの防止)", "Adjacent opportunities (too narrow a target)"),
        "icp": ("理想顧客像(ICP)ルール", "ICP rules"),
        "outcome": ("成果指標", "Outcome"),
        "score": ("適合スコア", "Fit scores"),
        "score_lift": (
            "時系列分割での十分位リフト(1=スコア上位10%)",
            "Decile lift on the time split (1 = top 10% of scores)",
        ),
        "competitors": ("競合別の受注率", "Win rate against each competitor"),
        "no_segment_rates": (
            "受注率を出せるセグメントがまだありません（受注・失注した商談が必要です）。",
            "No segment has a win rate yet: it needs deals won or lost.",
        ),
        "no_competitor_deals": (
            "競合別に数えられる完了した商談がありません。",
            "No closed deal to count by competitor yet.",
        ),
        "decile": ("スコアの十分位 (1=上位10%)", "score decile (1 = top 10%)"),
    }
)


def _segments(ctx: ReportContext) -> str | None:
    frame = ctx.load("segments", "attractiveness")
    if frame is None:
        return None
    lang = ctx.lang
    show = frame[frame["kind"].isin(["grid", "icp"])].head(25)
    show = show[show["win_rate"].notna()]
    # Headed as `rashinban segments` heads them: shrunk rates and value per customer,
    # not the kpi KPIs of the same names. No bubble has a place without a win rate: a
    # sentence says so instead of an empty chart.
    chart = f'<p class="note">{t("no_segment_rates", lang)}</p>'
    if len(show):
        chart = charts.bubbles(
            list(show["clv"].fillna(0) / (1e6 if lang == "en" else 1e4)),
            list(show["win_rate"] * 100),
            list(show["accounts"]),
            [str(value_label(n, lang)) for n in show["name"]],
            title=t("seg_bubbles", lang),
            xlabel=_head("segments", "clv", lang) + (" (万円)" if lang != "en" else " (¥m)"),
            ylabel=_head("segments", "win_rate", lang) + " (%)",
        )
    summary = ctx.runs.get("segments", {}).get("summary", {})
    side = 1 if lang == "en" else 0
    weights = ("、" if side == 0 else ", ").join(
        f"{WEIGHT_LABELS.get(k, (k, k))[side]} {v:g}" for k, v in summary.get("weights", {}).items()
    )
    top = frame.head(30)
    view = top[["name", "kind", "definition_en" if lang == "en" else "definition"]].assign(
        accounts=top["accounts"],
        customers=top["customers"],
        win_rate=top["win_rate"],
        win_rate_interval=[
            _interval(lo, hi)
            for lo, hi in zip(top["win_rate_low"], top["win_rate_high"], strict=True)
        ],
        won_k_n=_k_n(top, "win_rate"),
        clv=top["clv"],
        churn_rate=top["churn_rate"],
        churned_k_n=_k_n(top, "churn_rate"),
        ltv_cac=top["ltv_cac"],
        attractiveness=top["attractiveness"],
    )
    view = view.rename(columns=lambda c: table_column("segments", c))
    parts = [
        chart,
        f"<p class='note'>{t('weights', lang)}: {weights}</p>",
        table_html(view, lang=lang, yen=(table_column("segments", "clv"),)),
    ]
    adjacent = ctx.load("segments", "adjacent")
    if adjacent is not None and adjacent["flagged"].any():
        ev = "evidence_en" if lang == "en" else "evidence_ja"
        parts += [
            "<h3>",
            t("adjacent", lang),
            "</h3>",
            table_html(adjacent.loc[adjacent["flagged"], ["name", ev]], lang=lang),
        ]
    return "".join(parts)


def _icp(ctx: ReportContext) -> str | None:
    frame = ctx.load("icp", "rules")
    if frame is None:
        return None
    lang = ctx.lang
    summary = ctx.runs.get("icp", {}).get("summary", {})
    outcome = summary.get("outcome_en" if lang == "en" else "outcome_ja", "")
    desc = "description_en" if lang == "en" else "description_ja"
    cols = [
        desc,
        "support",
        "coverage",
        "rate",
        "rate_low",
        "rate_high",
        "lift",
        "win_rate",
        "clv",
        "churn_rate",
    ]
    shown = frame[cols].rename(columns=lambda c: table_column("icp", c))
    yen = (table_column("icp", "clv"),)
    return f"<p>{t('outcome', lang)}: {outcome}</p>" + table_html(shown, lang=lang, yen=yen)


def _head(table: str, column: str, lang: str) -> str:
    """How ``table`` heads ``column`` on the command line and in the report."""
    return column_label(table_column(table, column), lang)


def _interval(low: float, high: float) -> str:
    """A rate's interval as a cell (49.9%–63.6%); empty where there is none."""
    return "" if pd.isna(low) or pd.isna(high) else f"{low:.1%}–{high:.1%}"


def _k_n(frame: pd.DataFrame, rate: str) -> list[str]:
    """The raw counts behind a shrunk rate as k/n (runs stored without them: k from the
    raw rate)."""
    n = frame[f"{rate}_n"].fillna(0).astype(int)
    if f"{rate}_k" in frame:
        k = frame[f"{rate}_k"].fillna(0)
    else:
        k = (frame[f"{rate}_raw"].fillna(0) * n).round()
    return [f"{int(a):,}/{int(b):,}" for a, b in zip(k, n, strict=True)]


def _score(ctx: ReportContext) -> str | None:
    lift = ctx.load("score", "lift")
    metrics = ctx.load("score", "validation")
    if lift is None or metrics is None:
        return None
    lang = ctx.lang
    en = lang == "en"

    def model_name(m: object) -> str:
        pair = _MODELS.get(str(m))
        return str(m) if pair is None else pair[1 if en else 0]

    series: dict[str, Sequence[float]] = {
        model_name(m): [float(v) for v in g.sort_values("decile")["lift"]]
        for m, g in lift.groupby("model")
    }
    ylabel = column_label("lift", lang)
    chart = charts.lines(
        list(range(1, 11)),
        series,
        title=t("score_lift", lang),
        ylabel=ylabel,
        xlabel=t("decile", lang),
    )
    shown = metrics.assign(model=metrics["model"].map(model_name))
    # The headline says when the baselines win the time split: the scores are then indicative.
    text = ctx.headline("score")
    headline = f"<p>{html.escape(text)}</p>" if text else ""
    return headline + chart + table_html(shown, lang=lang)


#: The fit score and the baselines it is validated against, as the report names them.
_MODELS = {
    "fit": ("適合スコア (本モデル)", "fit score"),
    "naive_bayes": ("ナイーブベイズ (比較)", "naive Bayes (baseline)"),
    "best_rule": ("単一ルール (比較)", "best single rule (baseline)"),
}


def _competitors(ctx: ReportContext) -> str | None:
    frame = ctx.load("segments", "competitors")
    if frame is None:
        return None
    if frame.empty:
        return f'<p class="note">{t("no_competitor_deals", ctx.lang)}</p>'
    cols = [
        "segment",
        "competitor",
        "deals",
        "won",
        "win_rate",
        "win_rate_low",
        "win_rate_high",
        "main_loss_reason",
    ]
    return table_html(frame[cols], lang=ctx.lang)


TARGETING_SECTIONS: list[Section] = [
    Section("segments", "segments", _segments),
    Section("icp", "icp", _icp),
    Section("score", "score", _score),
    Section("competitors", "competitors", _competitors),
]

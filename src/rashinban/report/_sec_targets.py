"""Report sections for living targets: each target with its version, hypotheses and
verdicts, and KPI trends with the triggers marked on the time axis."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import pandas as pd

from rashinban._labels import hypothesis_text
from rashinban.report import _charts as charts
from rashinban.report._i18n import LABELS, t
from rashinban.report._sections import ReportContext, table_html
from rashinban.targets import TRIGGER_KINDS, VERDICTS

LABELS.update(
    {
        "targets": ("ターゲット定義と仮説の検証", "Target definitions and hypotheses"),
        "kpi_trends": ("KPIの推移", "KPI trends"),
        "win_rate_trend": (
            "受注率の推移 (月次, 破線=見直しのきっかけ)",
            "Win rate by month (dashed: review triggers)",
        ),
        "leads_trend": ("リード数の推移 (月次)", "Leads by month"),
        "version": ("版", "version"),
        "active": ("有効", "active"),
        "hypothesis": ("仮説", "hypothesis"),
        "verdict": ("判定", "verdict"),
        "reason": ("理由", "reason"),
        "triggers_list": ("見直しのきっかけ", "Review triggers"),
        "detected_at": ("検知日", "detected"),
        "kind": ("種類", "kind"),
        "proposals": ("改善案", "Proposals"),
        "no_targets": (
            "ターゲットがまだ定義されていません (rashinban target create)。"
            "全社のKPIのみ表示します。",
            "No target defined yet (rashinban target create); company KPIs only.",
        ),
    }
)


def render_targets(ctx: ReportContext) -> str | None:
    targets = ctx.load("triggers", "targets")
    if targets is None:
        return None
    lang = ctx.lang
    en = lang == "en"
    if targets.empty:
        return f'<p class="note">{t("no_targets", lang)}</p>'
    verdicts = ctx.load("triggers", "verdicts")
    proposals = ctx.load("triggers", "proposals")
    trig = ctx.load("triggers", "triggers")
    parts = []
    for row in targets.to_dict("records"):
        name = str(row["target"])
        state = t("active", lang) if row["active"] else "draft"
        desc = row["include_en"] if en else row["include"]
        parts.append(
            f"<h3>{html.escape(name)} — {t('version', lang)} {row['version']} "
            f"({html.escape(str(row['version_id']))}, {state})</h3>"
        )
        parts.append(f"<p>{html.escape(str(desc))}</p>")
        if row.get("positioning"):
            parts.append(f'<p class="note">{html.escape(str(row["positioning"]))}</p>')
        if verdicts is not None and len(verdicts):
            v = verdicts[verdicts["target"] == name]
            table = pd.DataFrame(
                {
                    t("hypothesis", lang): [
                        hypothesis_text(k, o, x, lang)
                        for k, o, x in zip(v["kpi"], v["op"], v["value"], strict=True)
                    ],
                    t("verdict", lang): [VERDICTS[x][1 if en else 0] for x in v["verdict"]],
                    t("reason", lang): v["reason_en" if en else "reason_ja"],
                }
            )
            parts.append(table_html(table, lang=lang))
        if proposals is not None and len(proposals):
            p = proposals[proposals["target"] == name]
            if len(p):
                parts.append(f"<h4>{t('proposals', lang)}</h4><ul>")
                parts += [
                    f"<li>{html.escape(str(r))}</li>" for r in p["reason_en" if en else "reason_ja"]
                ]
                parts.append("</ul>")
        if trig is not None and len(trig):
            tr = trig[trig["target"] == name]
            if len(tr):
                table = pd.DataFrame(
                    {
                        t("detected_at", lang): tr["detected_at"].astype(str),
                        t("kind", lang): [TRIGGER_KINDS[k][1 if en else 0] for k in tr["kind"]],
                        t("reason", lang): tr["reason_en" if en else "reason"],
                    }
                )
                parts.append(f"<h4>{t('triggers_list', lang)}</h4>{table_html(table, lang=lang)}")
    return "".join(parts)


def render_kpi(ctx: ReportContext) -> str | None:
    funnel = ctx.load("kpi", "funnel")
    if funnel is None or funnel.empty:
        return None
    lang = ctx.lang
    trig = ctx.load("triggers", "triggers")
    f = funnel.copy()
    f["period_start"] = pd.to_datetime(f["period_start"])
    # dropna=False: a measure with no value yet (win rate before any deal closes) still
    # gets its columns, drawn as gaps.
    wide = f.pivot_table(
        index="period_start", columns="scope", values=["win_rate", "leads"], dropna=False
    )
    x = list(wide.index)
    marks = []
    if trig is not None and len(trig):
        for r in trig.drop_duplicates(["detected_at", "kind"]).to_dict("records"):
            label = TRIGGER_KINDS.get(str(r["kind"]), (str(r["kind"]),) * 2)
            marks.append((pd.Timestamp(r["detected_at"]), label[1 if lang == "en" else 0]))
    win: dict[str, Sequence[float]] = {
        _scope_label(s, lang): [float(v) for v in wide["win_rate"][s]] for s in wide["win_rate"]
    }
    leads: dict[str, Sequence[float]] = {
        _scope_label(s, lang): [float(v) for v in wide["leads"][s].fillna(0)] for s in wide["leads"]
    }
    parts = [
        charts.lines(x, series, title=t(title, lang), marks=marks if key == "win" else [])
        for key, series, title in (
            ("win", win, "win_rate_trend"),
            ("leads", leads, "leads_trend"),
        )
        if any(not all(math.isnan(v) for v in values) for values in series.values())
    ]
    last = f[f["period_start"] >= f["period_start"].max() - pd.DateOffset(months=11)]
    cols = [
        "scope",
        "period",
        "leads",
        "mql",
        "sql",
        "mql_to_sql_rate",
        "opportunities",
        "won",
        "win_rate",
        "average_deal",
        "cac",
        "ltv_cac",
        "churn_rate",
        "nrr",
    ]
    shown = last[cols].assign(scope=last["scope"].map(lambda x: _scope_label(x, lang)))
    parts.append(table_html(shown, max_rows=60, lang=lang))
    return "".join(parts)


def _scope_label(scope: object, lang: str) -> str:
    """The KPI scope as shown: the whole company is 全社 in Japanese."""
    if scope == "company":
        return "company" if lang == "en" else "全社"
    return str(scope)

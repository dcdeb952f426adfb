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
        "win_rate_axis": ("受注率 (%)", "win rate (%)"),
        "leads_axis": ("リード数 (件)", "leads"),
        "in_progress": ("進行中: 商談の多くが未完了", "in progress: most deals still open"),
        "in_progress_month": ("進行中: 月の途中", "in progress: month not over"),
        "in_progress_note": (
            "灰色の行は進行中の月です（基準日に月が終わっていないか、その月に作成された商談の"
            "半数超がまだ完了していない）。受注率は完了した商談だけで計算するため、後から"
            "大きく変わります。受注率のグラフからは除いています: {months}。"
            "率の横の括弧は90%区間です。",
            "Grey rows are months in progress (not over on the as-of date, or more than half "
            "of the deals created in them still open). Their win rate counts only the deals "
            "closed so far and will still move; the win-rate chart leaves them out: {months}. "
            "The brackets beside a rate are its 90% interval.",
        ),
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
    as_of = ctx.runs.get("kpi", {}).get("as_of")
    f["in_progress"] = in_progress(f, as_of)
    # Months still in progress would read as a collapse of the win rate: not drawn.
    f["win_rate"] = f["win_rate"].where(f["in_progress"] == "")
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
    win = {name: [v * 100 for v in values] for name, values in win.items()}  # percent
    parts = [
        charts.lines(
            x,
            series,
            title=t(title, lang),
            ylabel=t(axis, lang),
            marks=marks if key == "win" else [],
        )
        for key, series, title, axis in (
            ("win", win, "win_rate_trend", "win_rate_axis"),
            ("leads", leads, "leads_trend", "leads_axis"),
        )
        if any(not all(math.isnan(v) for v in values) for values in series.values())
    ]
    last = funnel.assign(in_progress=f["in_progress"])[
        f["period_start"] >= f["period_start"].max() - pd.DateOffset(months=11)
    ]
    cols = [
        "scope",
        "period",
        "leads",
        "mql",
        "sql",
        "mql_to_sql_rate",
        "opportunities",
        "won",
        "closed",
        "open",
        "win_rate",
        "average_deal",
        "cac",
        "ltv_cac",
        "churn_rate",
        "nrr",
    ]
    shown = last[[c for c in cols if c in last]].assign(
        scope=last["scope"].map(lambda x: _scope_label(x, lang))
    )
    for rate in ("mql_to_sql_rate", "win_rate", "churn_rate"):
        if f"{rate}_low" in last:
            shown[rate] = [
                rate_text(v, lo, hi)
                for v, lo, hi in zip(
                    last[rate], last[f"{rate}_low"], last[f"{rate}_high"], strict=True
                )
            ]
    marked = list(last["in_progress"])
    shown["notes"] = [t(m, lang) if m else "" for m in marked]
    # Each KPI in its unit, as `rashinban kpi` shows it: NRR in percent, amounts in yen.
    from rashinban.kpi import KPIS

    units = {c: KPIS[c].unit for c in shown.columns if c in KPIS}
    parts.append(
        table_html(
            shown,
            max_rows=60,
            lang=lang,
            muted=[bool(m) for m in marked],
            percent=tuple(c for c, u in units.items() if u == "share"),
            yen=tuple(c for c, u in units.items() if u == "yen"),
        )
    )
    months = sorted({str(p) for p, m in zip(last["period"], marked, strict=True) if m})
    if months:
        note = t("in_progress_note", lang).format(months=", ".join(months))
        parts.append(f'<p class="note">{html.escape(note)}</p>')
    return "".join(parts)


def in_progress(funnel: pd.DataFrame, as_of: object) -> list[str]:
    """Per KPI row, why its month is still in progress ("" when it is not): the month
    is not over on the as-of date (``in_progress_month``), or more than half of the
    deals created in it are still open (``in_progress``).

    >>> rows = pd.DataFrame({"period_start": pd.to_datetime(["2025-11-01", "2025-12-01"]),
    ...                      "open": [93, 10], "closed": [46, 90]})
    >>> in_progress(rows, pd.Timestamp("2025-12-15"))
    ['in_progress', 'in_progress_month']
    """
    ends = pd.to_datetime(funnel["period_start"]) + pd.offsets.MonthEnd(0)
    day = pd.Timestamp(as_of) if as_of is not None else None
    out = []
    for end, still_open, closed in zip(ends, funnel["open"], funnel["closed"], strict=True):
        if day is not None and end > day:
            out.append("in_progress_month")
        elif still_open == still_open and closed == closed and still_open > closed:
            out.append("in_progress")
        else:
            out.append("")
    return out


def rate_text(value: float, low: float, high: float) -> str:
    """A rate with its interval in one cell, as ``rashinban kpi`` prints it: 20.8% (14.8%–28.0%)."""
    if value != value:
        return ""
    if low != low or high != high:
        return f"{value:.1%}"
    return f"{value:.1%} ({low:.1%}–{high:.1%})"


def _scope_label(scope: object, lang: str) -> str:
    """The KPI scope as shown: the whole company is 全社 in Japanese."""
    if scope == "company":
        return "company" if lang == "en" else "全社"
    return str(scope)

"""Report sections for the voice of the customer: themes, win/loss reasons, persona cards."""

from __future__ import annotations

import html
import json

from rashinban._labels import FEATURE_LABELS, code_label, value_label
from rashinban.report._i18n import LABELS, column_label, t
from rashinban.report._sections import ReportContext, table_html
from rashinban.text import DEAL_KINDS, kinds_text

LABELS.update(
    {
        "voice_themes": (
            "顧客の声: セグメント別テーマ",
            "Voice of the customer: themes by segment",
        ),
        "voice_winloss": ("受注・失注の理由", "Why deals are won and lost"),
        "voice_personas": ("ペルソナ", "Personas"),
        "segment": ("セグメント", "segment"),
        "theme": ("テーマ", "theme"),
        "voice_docs": ("文書数", "documents"),
        "doc_share": ("言及率", "mentioned in"),
        "quote": ("顧客の声（原文）", "quote (verbatim)"),
        "source_id": ("出典ID", "source id"),
        "reason": ("理由", "reason"),
        "share": ("割合", "share"),
        "interval": ("95%区間", "95% interval"),
        "win_rate": ("受注率", "win rate"),
        "won_closed": ("受注/完了", "won/closed"),
        "shrunk_note": (
            "縮小推定: 件数の少ない区分を全体の受注率へ寄せた値（20件分の事前分布）。",
            "Shrunk: a small group's rate pulled toward the overall rate (a prior worth 20 deals).",
        ),
        "group": ("区分", "group"),
        "sentiment_acc": ("感情判定の正解率", "Sentiment accuracy"),
        "themes_method": (
            "そのセグメントが他より多く語る名詞句（文書の割合の対数オッズ比 z、"
            "Monroe ほか, 2008）。部品の語は複合語にまとめています。",
            "Noun phrases a segment says more than the others (log-odds ratio z of document "
            "shares, Monroe et al., 2008); parts of a compound are folded into it.",
        ),
    }
)


def _pct(v: float) -> str:
    return f"{v:.0%}"


def render_themes(ctx: ReportContext) -> str | None:
    table = ctx.load("themes", "themes")
    if table is None or table.empty:
        return None
    lang = ctx.lang
    quotes = ctx.load("themes", "quotes")
    top = table[table["rank"] <= 5].copy()
    wide = top.groupby("group", sort=False).agg(
        terms=("term", (", " if lang == "en" else "、").join), docs=("group_docs", "first")
    )
    wide = wide.sort_values("docs", ascending=False).reset_index()
    wide.columns = [t("segment", lang), t("theme", lang), t("voice_docs", lang)]
    parts = [
        f'<p class="note">{html.escape(t("themes_method", lang))}</p>',
        table_html(wide, lang=lang),
    ]
    if quotes is not None and len(quotes):
        q = quotes[["group", "term", "quote", "id"]].copy()
        q.columns = [t(k, lang) for k in ("segment", "theme", "quote", "source_id")]
        parts.append(table_html(q, max_rows=60, lang=lang))
    sentiment = ctx.runs.get("sentiment", {}).get("summary") or {}
    if "accuracy" in sentiment:
        acc, base = sentiment["accuracy"], sentiment["baseline_accuracy"]
        text = (
            f"NPS comments → accuracy {acc:.1%} vs majority class {base:.1%} (held out after "
            f"{sentiment.get('cut')})"
            if lang == "en"
            else f"NPSコメントから学習: 正解率 {acc:.1%}（多数派基準 {base:.1%}、"
            f"{sentiment.get('cut')} 以降で検証）"
        )
        parts.append(f"<h3>{t('sentiment_acc', lang)}</h3><p>{html.escape(text)}</p>")
    return "".join(parts)


def render_winloss(ctx: ReportContext) -> str | None:
    reasons = ctx.load("winloss", "loss_reasons")
    if reasons is None or reasons.empty:
        return None
    lang = ctx.lang
    parts = []
    rates = ctx.load("winloss", "win_rates")
    summary = ctx.runs.get("winloss", {}).get("summary") or {}
    counted = kinds_text(summary.get("kinds", list(DEAL_KINDS)), lang)
    # The groups are what the analysis grouped by (competitor, industry), headed so.
    group = _grouped_by(summary.get("by"), "group", lang)
    segment = _grouped_by(summary.get("segment_by"), "segment", lang)
    if rates is not None and len(rates):
        # An HTML bar, not a matplotlib chart: group names are Japanese and the
        # report must not depend on a CJK font being installed. The bar and the
        # percentage are the group's own won/closed; the shrunk rate has its own column.
        head = "".join(
            f"<th>{html.escape(h)}</th>"
            for h in (
                group,
                t("won_closed", lang),
                f"{t('win_rate', lang)} ({t('interval', lang)})",
                column_label("shrunk_win_rate", lang),
            )
        )
        rows = "".join(
            f"<tr><td>{html.escape(str(value_label(g, lang)))}</td><td>{w:,}/{n:,}</td>"
            f'<td><span style="display:inline-block;background:#2563eb;height:10px;'
            f'width:{200 * r:.0f}px"></span> {r:.1%} ({lo:.1%}–{hi:.1%})</td>'
            f"<td>{s:.1%}</td></tr>"
            for g, w, n, r, lo, hi, s in zip(
                rates["group"],
                rates["won"],
                rates["closed"],
                rates["win_rate"],
                rates["win_low"],
                rates["win_high"],
                rates["shrunk_win_rate"],
                strict=True,
            )
        )
        parts.append(
            f"<h3>{t('win_rate', lang)} ({html.escape(counted)})</h3>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
            f'<p class="note">{html.escape(t("shrunk_note", lang))}</p>'
        )
    top = reasons[reasons["rank"] <= 2].copy()
    top["interval"] = [
        f"{_pct(lo)}–{_pct(hi)}" for lo, hi in zip(top["share_low"], top["share_high"], strict=True)
    ]
    top["share"] = top["share"].map(_pct)
    top = top[["group", "reason", "lost", "lost_in_group", "share", "interval"]]
    top.columns = [
        group,
        t("reason", lang),
        column_label("lost", lang),
        column_label("lost_in_group", lang),
        t("share", lang),
        t("interval", lang),
    ]
    parts.append(table_html(top, lang=lang))
    seg = ctx.load("winloss", "segment_loss_reasons")
    if seg is not None and len(seg):
        s1 = seg[seg["rank"] == 1][["group", "reason", "lost", "lost_in_group", "shrunk_share"]]
        s1 = s1.assign(shrunk_share=s1["shrunk_share"].map(_pct))
        s1.columns = [
            segment,
            t("reason", lang),
            column_label("lost", lang),
            column_label("lost_in_group", lang),
            column_label("shrunk_share", lang),
        ]
        parts.append(table_html(s1, lang=lang))
    notes = ctx.load("winloss", "note_reasons")
    if notes is not None and len(notes):
        n = notes[notes["rank"] <= 2][["group", "outcome", "term", "quote", "quote_note_id"]].copy()
        n["outcome"] = [code_label("outcome", v, lang) for v in n["outcome"]]  # lost → 失注
        n.columns = [
            group,
            column_label("outcome", lang),  # 受注 / 失注, not a reason
            *(t(k, lang) for k in ("theme", "quote", "source_id")),
        ]
        parts.append(table_html(n, max_rows=40, lang=lang))
    return "".join(parts)


def _grouped_by(feature: object, default: str, lang: str) -> str:
    """The header of a column of groups: the feature grouped by (競合, 業種) when known."""
    pair = FEATURE_LABELS.get(str(feature))
    return t(default, lang) if pair is None else pair[1 if lang == "en" else 0]


def render_personas(ctx: ReportContext) -> str | None:
    frame = ctx.load("personas", "cards")
    if frame is None or frame.empty:
        return None
    from rashinban.personas import CARD_CSS, card_from_dict, card_html

    cards = "".join(
        card_html(card_from_dict(json.loads(raw)), lang=ctx.lang) for raw in frame["card_json"]
    )
    return f"<style>{CARD_CSS}</style>{cards}"

"""Voice-of-the-customer analyses for ``rashinban analyze``.

Themes, sentiment, win/loss reasons and personas; each reads the same as-of tables.
"""

from __future__ import annotations

import json

import pandas as pd

from rashinban._labels import count_en, value_label
from rashinban.pipeline._registry import AnalysisResult, Context


def _tables(ctx: Context) -> dict[str, pd.DataFrame]:
    # The four analyses read the same as-of tables; read them once per run.
    cached = ctx.params.get("_voice_tables")
    if cached is None or ctx.params.get("_voice_as_of") != ctx.as_of:
        from rashinban.text import voice_tables

        cached = voice_tables(ctx.backend, ctx.as_of)
        ctx.params["_voice_tables"] = cached
        ctx.params["_voice_as_of"] = ctx.as_of
    return cached


def run_themes(ctx: Context) -> AnalysisResult:
    from rashinban.text import voice_themes

    by = str(ctx.params.get("themes_by", "industry"))
    table, quotes = voice_themes(ctx.backend, ctx.as_of, by=by, tables=_tables(ctx))
    top = table[table["rank"] == 1].sort_values("group_docs", ascending=False).head(3)
    pairs = [f"{g}: {t}" for g, t in zip(top["group"], top["term"], strict=True)]
    return AnalysisResult(
        {"themes": table, "quotes": quotes},
        {
            "by": by,
            "groups": int(table["group"].nunique()),
            "headline_ja": "セグメント別の主なテーマ — " + " / ".join(pairs),
            "headline_en": "Top theme by segment — " + " / ".join(pairs),
        },
    )


def run_sentiment(ctx: Context) -> AnalysisResult:
    from rashinban.text import voice_sentiment

    scores, metrics = voice_sentiment(ctx.backend, ctx.as_of, tables=_tables(ctx))
    acc, base = metrics["accuracy"], metrics["baseline_accuracy"]
    return AnalysisResult(
        {"scores": scores},
        {
            **metrics,
            "headline_ja": f"NPSコメントから学習した感情判定: 正解率 {acc:.0%}"
            f"（多数派基準 {base:.0%}）",
            "headline_en": f"Sentiment learned from NPS comments: accuracy {acc:.0%} "
            f"(majority class {base:.0%})",
        },
    )


def run_winloss(ctx: Context) -> AnalysisResult:
    from rashinban.text import voice_winloss

    by = str(ctx.params.get("winloss_by", "competitor"))
    segment_by = str(ctx.params.get("winloss_segment_by", "industry"))
    tables = voice_winloss(ctx.backend, ctx.as_of, by=by, tables=_tables(ctx))
    # The same reasons by segment, stored as segment_<table>.
    by_segment = voice_winloss(ctx.backend, ctx.as_of, by=segment_by, tables=_tables(ctx))
    tables.update({f"segment_{k}": v for k, v in by_segment.items()})
    top = tables["loss_reasons"]
    top = top[top["rank"] == 1]
    pairs = [f"{g}: {r}" for g, r in zip(top["group"], top["reason"], strict=True)]
    pairs_en = [
        f"{value_label(g, 'en')}: {value_label(r, 'en')}"
        for g, r in zip(top["group"], top["reason"], strict=True)
    ]
    return AnalysisResult(
        tables,
        {
            "by": by,
            "segment_by": segment_by,
            "kinds": tables["win_rates"].attrs.get("kinds"),
            "headline_ja": "競合別の最多失注理由 — " + " / ".join(pairs[:4]),
            "headline_en": "Top loss reason by competitor — " + " / ".join(pairs_en[:4]),
        },
    )


def run_personas(ctx: Context) -> AnalysisResult:
    from rashinban.personas import segment_personas
    from rashinban.personas._render import segment_text

    cards = segment_personas(ctx.backend, ctx.as_of, tables=_tables(ctx))
    frame = pd.DataFrame(
        {
            "key": [c.key for c in cards],
            "name": [c.name_ja for c in cards],
            "segment": [c.segment for c in cards],
            "accounts": [c.n_accounts for c in cards],
            "card_json": [json.dumps(c.to_dict(), ensure_ascii=False, default=str) for c in cards],
        }
    )
    names = " / ".join(f"{c.name_ja}（{c.segment}）" for c in cards)
    return AnalysisResult(
        {"cards": frame},
        {
            "cards": len(cards),
            "headline_ja": f"ペルソナ {len(cards)}件 — {names}",
            "headline_en": f"{count_en(len(cards), 'persona')} — "
            + " / ".join(f"{c.name_en} ({segment_text(c.segment, 'en')})" for c in cards),
        },
    )

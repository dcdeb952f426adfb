"""The analyses ``rashinban analyze`` runs, declared as data.

Each :class:`Analysis` is a pure function of a :class:`Context` (workspace
backend + as-of date) returning result tables and a JSON-able summary. The
pipeline stores both in the workspace (schema ``rb_results``, table
``rb_meta.runs``); the report and the demo summary read them from there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from rashinban.workspace import Workspace


@dataclass
class Context:
    """What every analysis is given: the workspace, its Ibis backend and the as-of date."""

    ws: Workspace
    backend: Any
    as_of: dt.date
    params: dict[str, Any] = field(default_factory=dict)
    results: dict[str, AnalysisResult] = field(default_factory=dict)


@dataclass
class AnalysisResult:
    """Result tables (stored as ``rb_results.<analysis>__<name>``) and a summary."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Analysis:
    name: str
    title_ja: str
    title_en: str
    run: Callable[[Context], AnalysisResult]


def _profile(ctx: Context) -> AnalysisResult:
    from rashinban.engine import profile

    frame = profile(ctx.backend)
    per_table = frame.groupby("table", sort=False)["rows"].first()
    return AnalysisResult(
        {"columns": frame},
        {"rows": {str(k): int(v) for k, v in per_table.items()}},
    )


def _targeting(name: str) -> Callable[[Context], AnalysisResult]:
    def run(ctx: Context) -> AnalysisResult:
        from rashinban.pipeline import _targeting as tg

        result: AnalysisResult = getattr(tg, f"run_{name}")(ctx)
        return result

    return run


def _rfm(ctx: Context) -> AnalysisResult:
    from rashinban.pipeline._value import run_rfm

    return run_rfm(ctx)


def _clv(ctx: Context) -> AnalysisResult:
    from rashinban.pipeline._value import run_clv

    return run_clv(ctx)


def _churn(ctx: Context) -> AnalysisResult:
    from rashinban.pipeline._defend import run_churn

    return run_churn(ctx)


def _crosssell(ctx: Context) -> AnalysisResult:
    from rashinban.pipeline._defend import run_crosssell

    return run_crosssell(ctx)


def _motions(ctx: Context) -> AnalysisResult:
    from rashinban.pipeline._defend import run_motions

    return run_motions(ctx)


def _voice(name: str) -> Callable[[Context], AnalysisResult]:
    def run(ctx: Context) -> AnalysisResult:
        from rashinban.pipeline import _voice as voice

        result: AnalysisResult = getattr(voice, f"run_{name}")(ctx)
        return result

    return run


def _kpi(ctx: Context) -> AnalysisResult:
    from rashinban.pipeline._targets import run_kpi

    return run_kpi(ctx)


def _triggers(ctx: Context) -> AnalysisResult:
    from rashinban.pipeline._targets import run_triggers

    return run_triggers(ctx)


ANALYSES: list[Analysis] = [
    Analysis("profile", "データ概要", "Data profile", _profile),
    Analysis("rfm", "RFM分析", "RFM analysis", _rfm),
    Analysis("clv", "顧客生涯価値 (CLV)", "Customer lifetime value", _clv),
    Analysis("icp", "理想顧客像(ICP)", "Ideal customer profile", _targeting("icp")),
    Analysis("segments", "セグメント魅力度", "Segment attractiveness", _targeting("segments")),
    Analysis("score", "適合スコア", "Fit scores", _targeting("score")),
    Analysis("themes", "顧客の声のテーマ", "Voice-of-customer themes", _voice("themes")),
    Analysis("sentiment", "感情分析", "Sentiment", _voice("sentiment")),
    Analysis("winloss", "受注・失注理由", "Win/loss reasons", _voice("winloss")),
    Analysis("personas", "ペルソナ", "Personas", _voice("personas")),
    Analysis("churn", "解約予兆（守りのターゲット）", "Churn early warning", _churn),
    Analysis("crosssell", "クロスセル・アップセル", "Cross-sell and up-sell", _crosssell),
    Analysis("motions", "新規・深耕・防衛", "New, expand, defend", _motions),
    Analysis("kpi", "KPIファネル", "KPI funnel", _kpi),
    Analysis("triggers", "ターゲットの見直し", "Target reviews and triggers", _triggers),
]

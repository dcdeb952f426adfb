"""The analyses ``rashinban analyze`` runs, declared as data.

Each :class:`Analysis` is a pure function of a :class:`Context` (workspace
backend + as-of date) returning result tables and a JSON-able summary. The
pipeline stores both in the workspace (schema ``rb_results``, table
``rb_meta.runs``); the report and the demo summary read them from there.
"""

from __future__ import annotations

import datetime as dt
import importlib
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


def analysis_title(name: str, lang: str) -> str:
    """How analysis ``name`` (``rfm``, ``clv`` …) is called in ``lang`` (``ja``/``en``).

    A name the registry does not hold comes back as it is.

    >>> analysis_title("clv", "ja"), analysis_title("clv", "en")
    ('顧客生涯価値 (CLV)', 'Customer lifetime value (CLV)')
    """
    for a in ANALYSES:
        if a.name == name:
            return a.title_en if lang == "en" else a.title_ja
    return name


def _profile(ctx: Context) -> AnalysisResult:
    from rashinban.engine import profile

    frame = profile(ctx.backend)
    per_table = frame.groupby("table", sort=False)["rows"].first()
    return AnalysisResult(
        {"columns": frame},
        {"rows": {str(k): int(v) for k, v in per_table.items()}},
    )


def _lazy(module: str, name: str) -> Callable[[Context], AnalysisResult]:
    """``rashinban.pipeline.<module>.run_<name>``, imported when the analysis runs.

    Importing every model package up front would make each CLI command pay for
    scikit-learn, SudachiPy and SQLAlchemy; the registry only names them.
    """

    def run(ctx: Context) -> AnalysisResult:
        mod = importlib.import_module(f"rashinban.pipeline.{module}")
        result: AnalysisResult = getattr(mod, f"run_{name}")(ctx)
        return result

    return run


ANALYSES: list[Analysis] = [
    Analysis("profile", "データ概要", "Data profile", _profile),
    Analysis("rfm", "RFM分析", "RFM analysis", _lazy("_value", "rfm")),
    Analysis("clv", "顧客生涯価値 (CLV)", "Customer lifetime value (CLV)", _lazy("_value", "clv")),
    Analysis("icp", "理想顧客像 (ICP)", "Ideal customer profile (ICP)", _lazy("_targeting", "icp")),
    Analysis(
        "segments", "セグメント魅力度", "Segment attractiveness", _lazy("_targeting", "segments")
    ),
    Analysis("score", "適合スコア", "Fit scores", _lazy("_targeting", "score")),
    Analysis("themes", "顧客の声のテーマ", "Voice-of-customer themes", _lazy("_voice", "themes")),
    Analysis("sentiment", "感情分析", "Sentiment", _lazy("_voice", "sentiment")),
    Analysis("winloss", "受注・失注理由", "Win/loss reasons", _lazy("_voice", "winloss")),
    Analysis("personas", "ペルソナ", "Personas", _lazy("_voice", "personas")),
    Analysis(
        "churn", "解約予兆（守りのターゲット）", "Churn early warning", _lazy("_defend", "churn")
    ),
    Analysis(
        "crosssell",
        "クロスセル・アップセル",
        "Cross-sell and up-sell",
        _lazy("_defend", "crosssell"),
    ),
    Analysis("motions", "新規・深耕・防衛", "New, expand, defend", _lazy("_defend", "motions")),
    Analysis("kpi", "KPIファネル", "KPI funnel", _lazy("_targets", "kpi")),
    Analysis(
        "triggers",
        "ターゲットの見直し",
        "Target reviews and triggers",
        _lazy("_targets", "triggers"),
    ),
]

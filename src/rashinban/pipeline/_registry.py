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


def _rfm(ctx: Context) -> AnalysisResult:
    from rashinban.pipeline._value import run_rfm

    return run_rfm(ctx)


def _clv(ctx: Context) -> AnalysisResult:
    from rashinban.pipeline._value import run_clv

    return run_clv(ctx)


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
    Analysis("kpi", "KPIファネル", "KPI funnel", _kpi),
    Analysis("triggers", "ターゲットの見直し", "Target reviews and triggers", _triggers),
]

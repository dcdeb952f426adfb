"""The analysis pipeline: which analyses run, and how their results are stored."""

from rashinban.pipeline._analyze import (
    RunReport,
    analyze,
    latest_results,
    load_result_table,
    resolve_as_of,
)
from rashinban.pipeline._demo import DemoSummary, run_demo
from rashinban.pipeline._registry import ANALYSES, Analysis, AnalysisResult, Context

__all__ = [
    "ANALYSES",
    "Analysis",
    "AnalysisResult",
    "Context",
    "DemoSummary",
    "RunReport",
    "analyze",
    "latest_results",
    "load_result_table",
    "resolve_as_of",
    "run_demo",
]

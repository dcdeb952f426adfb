"""Report and UI labels in Japanese (default) and English."""

from __future__ import annotations

from rashinban._labels import COLUMN_LABELS, column_label

__all__ = ["COLUMN_LABELS", "LABELS", "column_label", "t"]

LABELS: dict[str, tuple[str, str]] = {
    "report_title": ("拡販ターゲット分析レポート", "Sales-expansion target report"),
    "as_of": ("基準日", "As of"),
    "generated": ("作成", "Generated"),
    "workspace": ("ワークスペース", "Workspace"),
    "contents": ("目次", "Contents"),
    "profile": ("データ概要", "Data profile"),
    "rows_per_table": ("テーブル別の行数", "Rows per table"),
    "rows": ("行数", "rows"),
    "table": ("テーブル", "table"),
    "column": ("列", "column"),
    "filled": ("入力率", "filled"),
    "distinct": ("種類数", "distinct"),
    "min": ("最小", "min"),
    "max": ("最大", "max"),
    "imports": ("取り込み履歴", "Imports"),
    "file": ("ファイル", "file"),
    "rejected": ("除外", "rejected"),
    "inserted": ("追加", "inserted"),
    "updated": ("更新", "updated"),
    "skipped": ("未実行の分析", "Analyses not run"),
    # what a chart's count axis counts
    "axis_customers": ("顧客数", "customers"),
    "axis_count": ("件数", "count"),
    "no_results": (
        "まだ分析結果がありません。rashinban analyze を実行してください。",
        "No results yet: run 'rashinban analyze'.",
    ),
}


def t(key: str, lang: str = "ja") -> str:
    ja, en = LABELS[key]
    return en if lang == "en" else ja

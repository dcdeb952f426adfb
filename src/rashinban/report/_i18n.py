"""Report and UI labels in Japanese (default) and English."""

from __future__ import annotations

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
    "no_results": (
        "まだ分析結果がありません。rashinban analyze を実行してください。",
        "No results yet: run 'rashinban analyze'.",
    ),
}


#: Table headers: result columns as the report shows them (ja, en). KPI columns take
#: their names from the KPI registry (rashinban.kpi.KPIS) in :func:`column_label`.
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "accounts": ("社数", "accounts"),
    "customers": ("顧客数", "customers"),
    "deals": ("商談数", "deals"),
    "name": ("名前", "name"),
    "segment": ("セグメント", "segment"),
    "scope": ("対象", "scope"),
    "period": ("期間", "period"),
    "kind": ("種類", "kind"),
    "model": ("モデル", "model"),
    "n": ("件数", "n"),
    "rate": ("率", "rate"),
    "rate_low": ("率 (下限)", "rate (low)"),
    "rate_high": ("率 (上限)", "rate (high)"),
    "win_rate_low": ("受注率 (下限)", "win rate (low)"),
    "win_rate_high": ("受注率 (上限)", "win rate (high)"),
    "lift": ("リフト", "lift"),
    "support": ("該当率", "support"),
    "coverage": ("カバー率", "coverage"),
    "positives": ("該当数", "positives"),
    "attractiveness": ("魅力度", "attractiveness"),
    "definition": ("定義", "definition"),
    "definition_en": ("定義", "definition"),
    "description_ja": ("説明", "description"),
    "description_en": ("説明", "description"),
    "evidence_ja": ("根拠", "evidence"),
    "evidence_en": ("根拠", "evidence"),
    "competitor": ("競合", "competitor"),
    "main_loss_reason": ("主な失注理由", "main loss reason"),
    "auc": ("AUC", "AUC"),
    "brier": ("Brierスコア", "Brier score"),
    "calibration_error": ("較正誤差", "calibration error"),
    "top_decile_lift": ("上位10%リフト", "top-decile lift"),
    "clv": ("CLV", "CLV"),
}


def column_label(column: object, lang: str = "ja") -> str:
    """How a result column is headed in the report (the raw name when unknown)."""
    name = str(column)
    pair = COLUMN_LABELS.get(name)
    if pair is None:
        from rashinban.kpi import KPIS

        kpi = KPIS.get(name)
        pair = (kpi.ja, kpi.en) if kpi is not None else None
    if pair is None:
        return name
    return pair[1] if lang == "en" else pair[0]


def t(key: str, lang: str = "ja") -> str:
    ja, en = LABELS[key]
    return en if lang == "en" else ja

"""The kpi and triggers analyses in the pipeline, and the report's target sections."""

from __future__ import annotations

import datetime as dt

import pytest

from rashinban import InvalidValueError, init_workspace
from rashinban.importing import load_frames
from rashinban.pipeline import analyze
from rashinban.report import build_report
from rashinban.state import Hypothesis, TargetDefinition, open_store

IDEAL = "業種 in [製造業, 情報通信業] and 従業員数 between 100 and 999"


def test_analyses_store_results_and_the_report_shows_them(tmp_path, demo_tables) -> None:
    ws = init_workspace(tmp_path / "ws")
    load_frames(ws, demo_tables)
    empty = analyze(ws, as_of=dt.date(2025, 12, 31), only=["kpi", "triggers"])
    assert not empty.failures, empty.failures
    assert "ターゲットがまだ定義されていません" in build_report(ws, lang="ja")
    with pytest.raises(InvalidValueError, match="'fr' is not supported"):
        build_report(ws, lang="fr")

    store = open_store(ws)
    store.add_user("mkt", "佐藤", "marketing")
    store.add_user("sls", "鈴木", "sales")
    store.save(
        "理想顧客",
        TargetDefinition(include=IDEAL, hypotheses=(Hypothesis("win_rate", ">=", 0.3),)),
        author="mkt",
        note="初版",
    )
    store.approve("理想顧客", "mkt")
    store.approve("理想顧客", "sls")
    store.activate("理想顧客", "sls")
    store.close()

    run = analyze(ws, as_of=dt.date(2025, 12, 31), only=["kpi", "triggers"])
    assert not run.failures, run.failures
    trig = run.results["triggers"].tables["triggers"]
    assert "kpi_shift" in set(trig["kind"])
    verdicts = run.results["triggers"].tables["verdicts"]
    assert list(verdicts["verdict"]) == ["supported"]
    funnel = run.results["kpi"].tables["funnel"]
    assert set(funnel["scope"]) == {"company", "理想顧客"}
    assert run.results["triggers"].summary["headline_en"].startswith("1 target: ")

    page = build_report(ws, lang="ja")
    assert "理想顧客" in page and "KPIの変化" in page and "支持" in page
    assert "受注率の推移" in page and "<svg" in page
    # the hypothesis as people write it, not the KPI key
    assert "受注率 ≥ 30%" in page and "win_rate &gt;= 0.3" not in page
    english = build_report(ws, lang="en")
    assert "Target definitions and hypotheses" in english and "supported" in english
    assert "win rate ≥ 30%" in english


def test_report_language_error_reads_japanese_first(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = init_workspace(tmp_path / "ws")
    with pytest.raises(InvalidValueError) as err:
        build_report(ws, lang="fr")
    assert err.value.message == (
        "レポートの言語 'fr' には対応していません / report language 'fr' is not supported"
    )
    assert err.value.fix == "ja か en を指定してください / use ja or en"

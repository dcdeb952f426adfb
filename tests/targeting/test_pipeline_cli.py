"""The icp / segments / score analyses end to end, and the CLI's JSON per the public contract."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rashinban import init_workspace
from rashinban.cli import app
from rashinban.importing import load_frames
from rashinban.pipeline import analyze

from .conftest import END


@pytest.fixture(scope="module")
def analysed(demo_tables, tmp_path_factory):
    ws = init_workspace(tmp_path_factory.mktemp("tg") / "ws")
    load_frames(ws, demo_tables)
    report = analyze(ws, as_of=END, only=["icp", "segments", "score"])
    assert not report.failures, report.failures
    return ws


def _json(ws, *args: str) -> dict:
    result = CliRunner().invoke(app, [*args, "-w", str(ws.path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_icp_json_contract(analysed) -> None:
    out = _json(analysed, "icp")
    assert out["rules"] and out["outcome"]
    lifts = []
    for r in out["rules"]:
        assert isinstance(r["support"], int) and isinstance(r["lift"], float)
        assert isinstance(r["description"], str) and r["description"]
        for c in r["conditions"]:
            assert c["op"] in ("in", "between") and isinstance(c["column"], str)
            assert ("values" in c) if c["op"] == "in" else ("low" in c and "high" in c)
        lifts.append(r["lift"])
    assert all(x > 1 for x in lifts)


def test_segments_json_contract(analysed) -> None:
    out = _json(analysed, "segments")
    seg = out["segments"]
    assert seg and out["weights"]
    for s in seg:
        assert {"name", "definition", "size", "attractiveness"} <= set(s)
        assert isinstance(s["size"], int) and isinstance(s["attractiveness"], float)
    values = [s["attractiveness"] for s in seg]
    assert values == sorted(values, reverse=True)
    assert out["adjacent"], "after the event the new segment is flagged at the data end"


def test_score_json_contract(analysed) -> None:
    out = _json(analysed, "score")
    recs = out["records"]
    assert {r["kind"] for r in recs} == {"lead", "account", "deal"}
    for r in recs[:200]:
        assert isinstance(r["id"], str) and 0 <= r["score"] <= 1
        assert isinstance(r["reasons"], list) and len(r["model_id"]) == 64
    scores = [r["score"] for r in recs]
    assert scores == sorted(scores, reverse=True)
    only = _json(analysed, "score", "--kind", "deal", "--top", "5")
    assert len(only["records"]) == 5 and {r["kind"] for r in only["records"]} == {"deal"}
    metrics = {m["model"]: m for m in out["validation"]}
    assert metrics["fit"]["auc"] > metrics["naive_bayes"]["auc"]


def test_lookalike_command(analysed, demo_tables) -> None:
    ids = demo_tables["accounts"]["account_id"].head(2).tolist()
    out = _json(analysed, "lookalike", *ids, "--top", "5")
    assert len(out["lookalikes"]) <= 5 and "shared" in out
    bad = CliRunner().invoke(app, ["lookalike", "ZZZ", "-w", str(analysed.path)])
    assert bad.exit_code == 1


def test_table_format_and_report(analysed) -> None:
    runner = CliRunner()
    for cmd in ("icp", "segments", "score"):
        res = runner.invoke(app, [cmd, "-w", str(analysed.path)])
        assert res.exit_code == 0, res.output


@pytest.mark.filterwarnings("ignore:Glyph")
def test_report_has_the_targeting_sections(analysed, tmp_path) -> None:
    from rashinban.report import write_report

    html = write_report(analysed, tmp_path / "r.html").read_text(encoding="utf-8")
    for title in ("セグメント魅力度", "理想顧客像(ICP)ルール", "適合スコア", "競合別の受注率"):
        assert title in html
    assert html.count("<svg") >= 2


def test_competitor_table_is_stored_per_icp_segment(analysed) -> None:
    from rashinban.pipeline import load_result_table

    comp = load_result_table(analysed, "segments", "competitors")
    assert {"全体", "ICP1"} <= set(comp["segment"])
    assert (comp["win_rate_low"] <= comp["win_rate_high"]).all()

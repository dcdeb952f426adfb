"""Voice analyses run in the pipeline, land in the report; the commands print the contract."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rashinban import Workspace, init_workspace
from rashinban.cli import app
from rashinban.importing import load_frames
from rashinban.pipeline import analyze, load_result_table
from rashinban.report import ReportContext
from rashinban.report import _sec_voice as sections

VOICE = ["themes", "sentiment", "winloss", "personas"]


@pytest.fixture(scope="module")
def ws(demo_tables: dict[str, pd.DataFrame], tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    w = init_workspace(Path(tmp_path_factory.mktemp("voice")) / "ws")
    load_frames(w, demo_tables)
    report = analyze(w, only=VOICE)
    assert set(report.results) == set(VOICE), report.failures
    return w


def test_results_are_stored_with_headlines(ws: Workspace) -> None:
    for name, key in (
        ("themes", "themes"),
        ("themes", "quotes"),
        ("sentiment", "scores"),
        ("winloss", "loss_reasons"),
        ("winloss", "segment_loss_reasons"),
        ("personas", "cards"),
    ):
        frame = load_result_table(ws, name, key)
        assert frame is not None and len(frame), (name, key)
    cards = load_result_table(ws, "personas", "cards")
    assert all(json.loads(c)["statements"] for c in cards["card_json"])


def test_report_sections_render(ws: Workspace) -> None:
    from rashinban.pipeline import latest_results

    ctx = ReportContext(ws, "ja", latest_results(ws), lambda a, k: load_result_table(ws, a, k))
    themes = sections.render_themes(ctx)
    winloss = sections.render_winloss(ctx)
    cards = sections.render_personas(ctx)
    assert themes and "対数オッズ比" in themes and "正解率" in themes
    assert winloss and "アルファクラウド" in winloss
    assert cards and cards.count('class="persona"') == 3 and "根拠" in cards


runner = CliRunner()


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_personas_json_and_files(ws: Workspace, tmp_path: Path) -> None:
    html_file, md_file = tmp_path / "cards.html", tmp_path / "cards.md"
    out = _run(
        "personas",
        "-w",
        str(ws.path),
        "-f",
        "json",
        "--html",
        str(html_file),
        "--markdown",
        str(md_file),
    )
    payload = json.loads(out)
    assert payload["personas"] and all(p["statements"] for p in payload["personas"])
    for p in payload["personas"]:
        for s in p["statements"]:
            assert s["evidence"]["kind"] in {"statistic", "texts"}
    assert "<svg" in html_file.read_text("utf-8")
    assert "根拠" in md_file.read_text("utf-8")
    rule = json.dumps(
        [{"column": "industry", "op": "in", "values": ["製造業"]}], ensure_ascii=False
    )
    one = json.loads(_run("personas", "-w", str(ws.path), "-f", "json", "--rule", rule))
    # A rule text with Japanese column names, as the default cards' 業種 = 製造業
    assert one["personas"][0]["segment"] == "業種 = 製造業"
    text = json.loads(
        _run("personas", "-w", str(ws.path), "-f", "json", "--rule", "industry = 製造業")
    )
    assert text["personas"][0]["accounts"] == one["personas"][0]["accounts"]


def test_themes_winloss_workshop_commands(
    ws: Workspace, demo_tables: dict[str, pd.DataFrame]
) -> None:
    themes = json.loads(_run("themes", "-w", str(ws.path), "-f", "json", "--top", "3"))
    assert {"themes", "quotes"} <= set(themes)
    wl = json.loads(_run("winloss", "-w", str(ws.path), "-f", "json"))
    assert {"loss_reasons", "win_rates", "note_reasons", "change"} <= set(wl)
    ids = demo_tables["accounts"]["account_id"].head(3).tolist()
    sheet = json.loads(_run("workshop", *ids, "-w", str(ws.path), "-f", "json"))
    assert [a["account_id"] for a in sheet["accounts"]] == ids
    out = _run(
        "win-story",
        ids[0],
        "紹介で受注。",
        "--author",
        "佐藤",
        "-w",
        str(ws.path),
        "--date",
        "2025-12-01",
    )
    assert "N" in out


def test_too_few_customers_names_the_personas_option(
    demo_tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    import subprocess
    import sys

    # Twelve manufacturers as customers: no industry reaches the 20 a default card needs.
    acc = demo_tables["accounts"]
    few = acc[(acc["industry"] == "製造業") & (acc["status"] == "customer")].head(12)
    assert len(few) == 12
    ids = set(few["account_id"])
    w = init_workspace(tmp_path / "ws")
    load_frames(
        w,
        {
            name: t[t["account_id"].isin(ids)] if "account_id" in t else t
            for name, t in demo_tables.items()
        },
    )
    argv = [sys.executable, "-m", "rashinban", "personas", "-w", str(w.path)]
    proc = subprocess.run(argv, capture_output=True, text=True, encoding="utf-8", check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr + proc.stdout
    assert proc.stderr.strip().count("\n") == 0
    assert proc.stderr.strip().endswith(
        "no industry has 20 customers yet: too little data for a persona — fix: "
        '取引先をもっと取り込むか、rashinban personas --rule "業種 = 製造業" のように対象を指定'
        "してください (Python では personas_for) / import more accounts, or name the segment "
        'with rashinban personas --rule "業種 = 製造業" (in Python, personas_for)'
    ), proc.stderr
    # The option it names is there and answers for the same twelve accounts.
    named = json.loads(_run("personas", "-w", str(w.path), "-f", "json", "--rule", "業種 = 製造業"))
    assert named["personas"][0]["accounts"] == 12


def test_tables_show_theme_quotes_and_resolve_persona_citations(ws: Workspace) -> None:
    themes = json.loads(_run("themes", "-w", str(ws.path), "-f", "json", "--top", "2"))
    first = themes["themes"][0]
    assert first["quote_id"] and first["term"] in first["quote"]
    table = _run("themes", "-w", str(ws.path), "--top", "2")
    assert "原文" in table and first["quote_id"] in table
    cards = json.loads(_run("personas", "-w", str(ws.path), "-f", "json"))["personas"]
    out = _run("personas", "-w", str(ws.path), "--lang", "en")
    assert "statements the story cites" in out
    cited = sorted({int(m) for m in re.findall(r"\[(\d+)\]", cards[0]["story_en"])})
    for n in cited:
        assert f"[{n}]" in out
    statement = cards[0]["statements"][cited[-1] - 1]
    assert statement["text_en"][:12] in out.replace("\n", "").replace("│", "")

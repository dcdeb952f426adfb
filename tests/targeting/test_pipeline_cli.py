"""The icp / segments / score analyses end to end, and the CLI's JSON per the public contract."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil

import pytest
from typer.testing import CliRunner

from rashinban import init_workspace, open_workspace
from rashinban._labels import value_label
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


def test_score_prints_its_time_split_validation_below_the_table(analysed) -> None:
    out = _json(analysed, "score", "--top", "3")
    m = {r["model"]: r for r in out["validation"]}
    fit, nb, rule = m["fit"], m["naive_bayes"], m["best_rule"]
    cut = out["validation_cut"]
    assert cut == str(END - dt.timedelta(days=270))  # the cut score_workspace validates at
    runner = CliRunner()
    table = runner.invoke(app, ["score", "-w", str(analysed.path), "--top", "3"])
    assert table.exit_code == 0, table.output
    last = table.stdout.rstrip("\n").splitlines()[-1]
    assert last == (
        f"時系列分割での検証（{cut} までに完了した商談で学習し、その後の商談{int(fit['n']):,}件で"
        f"検証）: AUC {fit['auc']:.3f}、95%区間 {fit['auc_low']:.3f}〜{fit['auc_high']:.3f}、"
        f"比較: ナイーブベイズ {nb['auc']:.3f}、単一ルール {rule['auc']:.3f}"
    )
    english = runner.invoke(app, ["score", "-w", str(analysed.path), "--top", "3", "--lang", "en"])
    assert english.stdout.rstrip("\n").splitlines()[-1] == (
        f"Time-split validation (trained on deals closed by {cut}, tested on "
        f"{int(fit['n']):,} deals after it): AUC {fit['auc']:.3f}, 95% interval "
        f"{fit['auc_low']:.3f}–{fit['auc_high']:.3f} vs naive Bayes {nb['auc']:.3f}, "
        f"single best rule {rule['auc']:.3f}"
    )
    # CSV keeps standard output one table: the line goes to standard error.
    as_csv = runner.invoke(app, ["score", "-w", str(analysed.path), "--top", "3", "-f", "csv"])
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout.removeprefix("\ufeff"))))
    assert [r["id"] for r in rows] == [r["id"] for r in out["records"]]
    assert as_csv.stderr.strip() == last and "AUC" not in as_csv.stdout


def test_english_segment_names_read_alike_in_table_and_csv_json_keeps_the_name(analysed) -> None:
    out = _json(analysed, "segments", "--lang", "en")
    banded = [s["name"] for s in out["segments"] if s["name"].endswith("名")]
    assert banded, "the demo has industry × size segments"
    runner = CliRunner()
    as_csv = runner.invoke(app, ["segments", "-w", str(analysed.path), "-f", "csv", "--lang", "en"])
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout.removeprefix("\ufeff"))))
    # The CSV names read as the English table shows them: 製造業 × 300–999 employees.
    shown = [str(value_label(s["name"], "en")) for s in out["segments"]]
    assert [r["name"] for r in rows] == shown
    assert not [n for n in shown if n.endswith("名")]
    assert any(n.endswith("–999 employees") for n in shown)
    # Codes and numbers are the same in either language.
    ja = runner.invoke(app, ["segments", "-w", str(analysed.path), "-f", "csv", "--lang", "ja"])
    ja_rows = list(csv.DictReader(io.StringIO(ja.stdout.removeprefix("\ufeff"))))
    assert [r["name"] for r in ja_rows] == [s["name"] for s in out["segments"]]
    for key in ("size", "attractiveness", "kind", "win_rate", "conditions"):
        assert [r[key] for r in rows] == [r[key] for r in ja_rows], key


#: An earlier as-of than the end of the data, for an ``analyze --as-of`` run.
EARLY = dt.date(2024, 6, 30)


@pytest.fixture(scope="module")
def icp_earlier(analysed, tmp_path_factory):
    """A copy of ``analysed`` whose latest run is icp alone, as of :data:`EARLY`."""
    path = tmp_path_factory.mktemp("earlier") / "ws"
    shutil.copytree(analysed.path, path)
    ws = open_workspace(path)
    report = analyze(ws, as_of=EARLY, only=["icp"])
    assert not report.failures, report.failures
    return ws


def _invoke(ws, *args: str):
    result = CliRunner().invoke(app, [*args, "-w", str(ws.path)])
    assert result.exit_code == 0, result.output
    return result


def test_stored_results_name_their_as_of_and_say_when_it_is_not_the_data_end(
    icp_earlier,
) -> None:
    note_ja = (
        f"保存済みの分析は {EARLY} 時点です（データの最終日 {END}）。"
        "最新にするには rashinban analyze を実行してください"
    )
    note_en = (
        f"The stored analysis is as of {EARLY} (the data ends {END}). "
        "Run rashinban analyze to bring it up to date"
    )
    out = _json(icp_earlier, "icp")
    assert (out["as_of"], out["current_as_of"], out["stale_note"]) == (
        str(EARLY),
        str(END),
        note_ja,
    )
    assert _json(icp_earlier, "icp", "--lang", "en")["stale_note"] == note_en
    table = _invoke(icp_earlier, "icp").stdout.splitlines()
    assert f"ICPルール / ICP rules (基準日 {EARLY})" in table
    assert table[-1] == note_ja
    english = _invoke(icp_earlier, "icp", "--lang", "en").stdout.splitlines()
    assert f"ICP rules (as of {EARLY})" in english and english[-1] == note_en
    # CSV keeps standard output one table: the note goes to standard error.
    as_csv = _invoke(icp_earlier, "icp", "-f", "csv")
    assert as_csv.stderr.strip() == note_ja and "保存済み" not in as_csv.stdout
    # segments and score were left as of the data end by that icp-only run: no note.
    for command, heading in (
        ("segments", "セグメント / segments"),
        ("score", "適合スコア / fit scores"),
    ):
        out = _json(icp_earlier, command)
        assert (out["as_of"], out["current_as_of"], out["stale_note"]) == (str(END), str(END), None)
        text = _invoke(icp_earlier, command, *(("--top", "3") if command == "score" else ()))
        assert f"{heading} (基準日 {END})" in text.stdout and "保存済み" not in text.stdout
    assert _invoke(icp_earlier, "score", "--top", "3", "-f", "csv").stderr.count("\n") == 1


def test_a_pinned_as_of_setting_is_the_date_stored_results_are_compared_with(
    icp_earlier, tmp_path
) -> None:
    shutil.copytree(icp_earlier.path, tmp_path / "ws")
    ws = open_workspace(tmp_path / "ws")
    ws.config["analysis"]["as_of"] = str(EARLY)
    ws.save_config()
    out = _json(ws, "icp")
    assert (out["as_of"], out["current_as_of"], out["stale_note"]) == (str(EARLY), str(EARLY), None)
    assert "保存済み" not in _invoke(ws, "icp").stdout
    # segments was stored as of the data end, which the setting no longer is
    out = _json(ws, "segments", "--lang", "en")
    assert (out["as_of"], out["current_as_of"]) == (str(END), str(EARLY))
    assert out["stale_note"] == (
        f"The stored analysis is as of {END} (rashinban.toml sets [analysis] as_of = {EARLY}). "
        "Run rashinban analyze to analyse as of that date"
    )
    assert _invoke(ws, "segments").stdout.splitlines()[-1] == (
        f"保存済みの分析は {END} 時点です（rashinban.toml の [analysis] as_of = {EARLY}）。"
        "その基準日にするには rashinban analyze を実行してください"
    )


def test_segments_table_heads_shrunk_rates_and_value_for_what_they_are(analysed) -> None:
    runner = CliRunner()
    w = ["-w", str(analysed.path)]
    ja = runner.invoke(app, ["segments", *w]).stdout
    en = runner.invoke(app, ["segments", *w, "--lang", "en"]).stdout
    for label in (
        "受注率 (縮小推定)",
        "受注率 (縮小推定・区間)",
        "解約済みの割合 (縮小推定)",
        "顧客価値 (1社あたり)",
        "顧客価値 / 獲得コスト",
    ):
        assert f" {label} " in ja, label
    for label in (
        "win rate (shrunk)",
        "churned share (shrunk)",
        "value per customer",
        "value / acquisition cost",
    ):
        assert f" {label} " in en, label
    # no column headed as the kpi command's KPIs (受注率, 解約率, CLV, LTV/CAC) alone
    heads = {line.split("  ")[0].strip() for line in ja.splitlines() if line.startswith(" ")}
    assert not heads & {"受注率", "解約率", "CLV", "LTV/CAC"}, heads
    # The JSON keys stay; the shrunk rate differs from the raw one icp reports.
    seg = _json(analysed, "segments")["segments"]
    icp = _json(analysed, "icp")["rules"]
    assert {"win_rate", "churn_rate", "clv", "ltv_cac"} <= set(seg[0])
    icp1 = next(s for s in seg if s["name"] == "ICP1")
    assert icp1["win_rate"] != pytest.approx(icp[0]["win_rate"], abs=1e-4)
    wide = {"COLUMNS": "200"}
    icp_table = runner.invoke(app, ["icp", *w, "--lang", "en"], env=wide).stdout
    assert "churned" in icp_table and "churn rate" not in icp_table

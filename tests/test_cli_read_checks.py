"""Read commands checked as a demanding user runs them: names in every format, messages
whose fix works, one language at a time, usage mistakes as usage mistakes."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from rich.console import Console
from tests.test_cli import run

from rashinban import Workspace, init_workspace
from rashinban.cli._layout import column_widths
from rashinban.cli._render import Format, render, set_display_language

#: Japanese script (kana and kanji): English output holds none of it but the company's data.
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def test_rfm_json_names_its_customers_with_or_without_customers(demo_ws: Workspace) -> None:
    with demo_ws.connect(read_only=True) as con:
        names = dict(con.execute("SELECT account_id, name FROM accounts").fetchall())
    for extra in ([], ["--customers"]):
        proc = run("rfm", "-w", str(demo_ws.path), "-f", "json", *extra)
        assert proc.returncode == 0, proc.stderr
        customers = json.loads(proc.stdout)["customers"]
        assert customers, extra
        assert all(list(c)[:2] == ["account_id", "account_name"] for c in customers), extra
        assert all(c["account_name"] == names[c["account_id"]] for c in customers), extra


def test_a_file_given_as_the_workspace_names_the_folder_to_give(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    # The workspace's own file: the fix names its folder (init on a file would fail).
    proc = run("kpi", "-w", str(ws.path / "rashinban.toml"), "--lang", "en")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "is a file, not a workspace folder" in proc.stderr
    assert f"-w {ws.path}" in proc.stderr and "rashinban init" not in proc.stderr
    # Any other file, also through RASHINBAN_WORKSPACE.
    other = tmp_path / "notes.txt"
    other.write_text("x", encoding="utf-8")
    proc = run("churn", env={"RASHINBAN_WORKSPACE": str(other)})
    assert proc.returncode == 1 and len(proc.stderr.splitlines()) == 1, proc.stderr
    assert "はファイルです" in proc.stderr and "RASHINBAN_WORKSPACE" in proc.stderr
    assert "rashinban init" not in proc.stderr


def test_analyze_off_the_terminal_fails_with_one_line(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")  # no data: analyze has nothing to read
    proc = run("analyze", "-w", str(ws.path))
    assert proc.returncode == 1
    # No empty line left by the spinner before the message.
    assert len(proc.stderr.splitlines()) == 1, repr(proc.stderr)
    assert proc.stderr.startswith("エラー / error:"), proc.stderr


def test_report_says_where_it_wrote_in_the_language(demo_ws: Workspace, tmp_path: Path) -> None:
    import shutil

    from rashinban.pipeline import analyze

    ws = tmp_path / "ws"
    shutil.copytree(demo_ws.path, ws)
    analyze(ws, only=["profile"])  # a report needs an analysis run
    out = tmp_path / "r.html"
    english = run("report", "-w", str(ws), "--lang", "en", "-o", str(out))
    assert english.returncode == 0, english.stderr
    assert english.stdout.strip() == f"report: {out}"
    japanese = run("report", "-w", str(ws), "-o", str(out))
    assert japanese.stdout.strip() == f"レポート / report: {out}"


def test_an_unknown_audit_action_is_listed_in_the_language(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    english = run("target", "audit", "--action", "nope", "-w", str(ws.path), "--lang", "en")
    assert english.returncode == 1
    assert "save (version saved)" in english.stderr and "win_story (win story)" in english.stderr
    assert not JAPANESE.search(english.stderr), english.stderr
    japanese = run("target", "audit", "--action", "nope", "-w", str(ws.path), "--lang", "ja")
    assert "save (版の保存)" in japanese.stderr and "version saved" not in japanese.stderr


def test_an_unknown_score_kind_is_wrong_usage(tmp_path: Path) -> None:
    proc = run("score", "--kind", "leads", "-w", str(tmp_path))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "'lead', 'account', 'deal'" in proc.stderr
    helped = run("score", "--help")
    assert "lead|account|deal" in helped.stdout


def test_personas_name_without_a_rule_is_refused(tmp_path: Path) -> None:
    proc = run("personas", "--name", "mfg", "-w", str(tmp_path), "--lang", "en")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "--name keys the --rule persona" in proc.stderr and "add --rule" in proc.stderr


def test_lookalike_names_regions_in_english_as_its_sentence_does(demo_ws: Workspace) -> None:
    with demo_ws.connect(read_only=True) as con:
        ids = [
            r[0]
            for r in con.execute(
                "SELECT account_id FROM accounts WHERE prefecture = '東京都' "
                "ORDER BY account_id LIMIT 3"
            ).fetchall()
        ]
    proc = run("lookalike", *ids, "-w", str(demo_ws.path), "--lang", "en", "--top", "1")
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"│ region +│ Kanto +│", proc.stdout), proc.stdout
    assert "share region 'Kanto'" in proc.stdout
    japanese = run("lookalike", *ids, "-w", str(demo_ws.path), "--top", "1")
    assert re.search(r"│ 地域 +│ 関東 +│", japanese.stdout), japanese.stdout


def test_english_headers_are_not_broken_mid_word_while_text_can_give_way() -> None:
    labels = ["target", "kind", "detected", "reason", "version"]
    cells = [["中堅製造・情報通信", "KPI shift", "2025-05-05", "win rate rose " * 6, "1"]]
    widths = column_widths(labels, cells, [False, False, False, False, True], 80)
    assert widths is not None and widths[-1] >= len("version")
    set_display_language("en", explicit=True)
    try:
        console = Console(width=80, record=True, file=io.StringIO())
        rows = [
            dict(zip(["target", "kind", "detected_at", "reason", "version"], cells[0], strict=True))
        ]
        render({"triggers": rows}, "triggers", Format.table, console=console)
    finally:
        set_display_language(None, explicit=True)
    header = console.export_text().splitlines()[1]
    assert "version" in header, console.export_text()


def test_winloss_before_the_first_lost_deal_says_to_choose_a_later_date(
    demo_ws: Workspace,
) -> None:
    with demo_ws.connect(read_only=True) as con:
        (first_lost,) = con.execute(
            "SELECT min(closed_at)::DATE FROM deals WHERE outcome = 'lost' "
            "AND loss_reason IS NOT NULL AND kind = 'new'"
        ).fetchone()
        (first_closed,) = con.execute(
            "SELECT min(closed_at)::DATE FROM deals WHERE outcome IN ('won', 'lost') "
            "AND kind = 'new'"
        ).fetchone()
    assert first_closed < first_lost  # deals were closed, none lost with a reason yet
    day = str(first_closed)
    proc = run("winloss", "-w", str(demo_ws.path), "--as-of", day, "--lang", "en")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "choose a later --as-of" in proc.stderr, proc.stderr
    assert "import deals" not in proc.stderr

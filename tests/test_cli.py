"""The command line as a user runs it: a real subprocess, exit codes, output formats."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from rashinban import Workspace, init_workspace, open_workspace
from rashinban.importing import load_frames
from rashinban.pipeline import analyze


def run(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    # A wide terminal, so that table headers are not folded across lines.
    return subprocess.run(
        [sys.executable, "-m", "rashinban", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=300,
        check=False,
        env={**os.environ, "COLUMNS": "300", **(env or {})},
    )


def test_user_error_is_one_line_exit_1(tmp_path: Path) -> None:
    proc = run("rfm", "-w", str(tmp_path / "nowhere"))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "rashinban init" in proc.stderr
    debug = run("--debug", "rfm", "-w", str(tmp_path / "nowhere"))
    assert debug.returncode == 1 and "Traceback" in debug.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["no-such-command"], "コマンド 'no-such-command' はありません / No such command"),
        (["rfm", "--format", "xml"], "'xml' は 'table', 'csv', 'json' のいずれでもありません"),
        (["lookalike"], "引数 account_ids が指定されていません / Missing argument"),
        (["rfm", "--qqq"], "オプション --qqq はありません / No such option: --qqq"),
        (["rfm", "--as-o", "2025-01-01"], "(候補: --as-of)"),
        (["rfm", "extra"], "余分な引数があります (extra) / Got unexpected extra"),
        (["rfm", "-w"], "オプション -w には値が必要です / Option '-w' requires an argument"),
        (["init", "--lang", "fr"], "'--lang' の値が正しくありません: 'fr' は 'ja', 'en'"),
        (["churn", "--top", "x"], "'--top' の値が正しくありません: 整数で指定してください"),
        (["target", "create", "X"], "環境変数 RASHINBAN_USER でも指定できます"),
        (["targets"], "コマンド 'targets' はありません ('target', 'triggers' のことですか?)"),
        (["解約"], "コマンド '解約' はありません / No such command '解約'."),
        (["churn", "-f", "表"], "'表' は 'table', 'csv', 'json' のいずれでもありません"),
    ],
)
def test_wrong_usage_exits_2_japanese_first(args: list[str], said: str) -> None:
    proc = run(*args)
    assert proc.returncode == 2 and no_traceback(proc), proc.stderr
    # The panel may fold a long message: compare with the line breaks and borders removed.
    flat = "".join(line.strip(" │╭╮╰╯─") for line in proc.stderr.splitlines())
    assert said.replace(" ", "") in flat.replace(" ", ""), proc.stderr


def test_wrong_usage_under_debug_is_still_exit_2_without_a_traceback() -> None:
    for proc in (
        run("--debug", "rfm", "--bogus"),
        run("rfm", "--qqq", env={"RASHINBAN_DEBUG": "1"}),
    ):
        assert proc.returncode == 2 and no_traceback(proc), proc.stderr
        assert "はありません" in proc.stderr


def test_help_and_bare_groups_keep_their_exit_codes() -> None:
    assert run("--help").returncode == 0 and "rfm" in run("--help").stdout
    assert run("rfm", "--help").returncode == 0
    bare = run("target")
    assert bare.returncode == 2 and "create" in bare.stdout + bare.stderr


@pytest.mark.parametrize("command", ["rfm", "clv"])
def test_read_commands_json_contract(demo_ws: Workspace, command: str) -> None:
    proc = run(command, "-w", str(demo_ws.path), "--format", "json", "--as-of", "2025-12-31")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    if command == "clv":
        assert set(payload["model"]) >= {"name", "params"}
        first = payload["customers"][0]
        assert set(first) >= {"account_id", "p_alive", "expected_purchases", "clv"}
    else:
        assert {"segment", "customers", "share"} <= set(payload["segments"][0])


def test_csv_format(demo_ws: Workspace) -> None:
    proc = run("rfm", "-w", str(demo_ws.path), "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    # A UTF-8 byte-order mark first, so that Excel does not garble the Japanese.
    assert proc.stdout.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(proc.stdout.removeprefix("\ufeff"))))
    assert {"segment", "customers"} <= set(rows[0])
    assert {r["segment_ja"] for r in rows} >= {"優良顧客"}


@pytest.mark.parametrize(
    ("args", "header"),
    [
        (["target", "list"], "name,kind,version,version_id,active_version,active_version_id"),
        (["target", "audit"], "seq,at,actor,action,action_label,object,detail"),
        (["triggers"], "target,kind,detected_at,reason,version"),
        (
            ["feedback", "summary"],
            "target,version,segment,n,fits,not_fit,not_fit_share,not_fit_low,not_fit_high,"
            "top_reason,top_reasons",
        ),
    ],
)
def test_an_empty_csv_list_still_has_its_header(
    tiny_ws: Workspace, args: list[str], header: str
) -> None:
    # A workspace without targets: the list is empty, the CSV is the header row alone
    # (tests/targets/test_cli_targets.py checks the same columns head the lists with rows).
    empty = run(*args, "-w", str(tiny_ws.path), "--format", "csv")
    assert empty.returncode == 0, empty.stderr
    assert empty.stdout == "\ufeff" + header + "\n"


def test_bad_as_of_is_a_user_error(demo_ws: Workspace) -> None:
    proc = run("clv", "-w", str(demo_ws.path), "--as-of", "31/12/2025")
    assert proc.returncode == 1 and "YYYY-MM-DD" in proc.stderr


@pytest.mark.parametrize("written", ["2025/12/31", "2025年12月31日", "令和7年12月31日", "R7.12.31"])
def test_as_of_reads_the_dates_imports_read(written: str) -> None:
    from rashinban.cli._run import parse_as_of

    assert parse_as_of(written) == dt.date(2025, 12, 31)


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["clv", "--horizon", "-5"], 2, "--horizon"),
        (["clv", "--discount", "1.5"], 1, "not in [0, 1)"),
        (["report", "--lang", "fr"], 2, "fr"),
        (["churn", "--lang", "de"], 2, "de"),
    ],
)
def test_impossible_options_are_refused_without_a_traceback(
    demo_ws: Workspace, args: list[str], code: int, needle: str
) -> None:
    proc = run(*args, "-w", str(demo_ws.path))
    assert proc.returncode == code and needle in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_table_headers_follow_the_language_csv_keeps_the_keys(demo_ws: Workspace) -> None:
    w = ("-w", str(demo_ws.path), "--as-of", "2025-12-31")
    ja = run("clv", *w, "--top", "3")
    assert ja.returncode == 0 and "取引先ID" in ja.stdout and "継続確率" in ja.stdout
    en = run("churn", *w, "--top", "3", "--lang", "en")
    assert en.returncode == 0 and "account id" in en.stdout and "取引先ID" not in en.stdout
    as_csv = run("clv", *w, "--top", "3", "--format", "csv")
    assert as_csv.stdout.splitlines()[0].startswith("\ufeffaccount_id,")
    plain = run("clv", *w, "--top", "3", "--format", "csv", env={"RASHINBAN_CSV_BOM": "0"})
    assert plain.stdout.splitlines()[0].startswith("account_id,")
    assert plain.stdout.lstrip("\ufeff") == as_csv.stdout.lstrip("\ufeff")


def test_tables_show_percentages_flags_and_named_codes_csv_keeps_the_values(
    demo_ws: Workspace,
) -> None:
    w = ("churn", "-w", str(demo_ws.path), "--as-of", "2025-12-31", "--top", "5")
    table, as_csv = run(*w), run(*w, "--format", "csv")
    assert table.returncode == 0, table.stderr
    first = next(csv.DictReader(io.StringIO(as_csv.stdout.lstrip("\ufeff"))))
    assert first["kind"] == "contractual" and first["alert"] == "True"
    assert f"{float(first['risk']):.1%}" in table.stdout
    assert "契約" in table.stdout and "はい" in table.stdout
    assert "contractual" not in table.stdout and "True" not in table.stdout
    english = run(*w, "--lang", "en")
    assert "contractual" in english.stdout and "yes" in english.stdout
    assert english.stdout.lstrip().startswith("churn risk (as of")  # the title, in English
    assert table.stdout.lstrip().startswith("解約リスク / churn risk")


def test_tables_show_every_section_by_name_not_code(demo_ws: Workspace) -> None:
    w = ("-w", str(demo_ws.path), "--as-of", "2025-12-31")
    rfm = run("rfm", *w, env={"COLUMNS": "220"})
    assert rfm.returncode == 0, rfm.stderr
    # the transition matrix as well as the segments, by name; codes stay in CSV/JSON
    assert "セグメントの遷移 / segment transitions (2025-10-02 → 2025-12-31)" in rfm.stdout
    assert "前 \\ 今" in rfm.stdout and "優良顧客" in rfm.stdout
    assert "champions" not in rfm.stdout and "need_attention" not in rfm.stdout
    moves = json.loads(run("rfm", *w, "-f", "json").stdout)["transitions"]["rows"]
    stay = sum(m["customers"] for m in moves if m["segment_a"] == m["segment_b"] == "champions")
    matrix = rfm.stdout.split("segment transitions", 1)[1].splitlines()
    header = next(line for line in matrix if "前 \\ 今" in line)
    names = [c.strip() for c in header.split("┃")[1:-1]]
    row = next(line for line in matrix if line.startswith("│ 優良顧客"))
    cells = [c.strip() for c in row.split("│")[1:-1]]
    assert cells[names.index("優良顧客")] == f"{stay:,}"  # 優良顧客 → 優良顧客
    winloss = run("winloss", *w, env={"COLUMNS": "220"})
    for title in ("失注理由", "受注率 / win rates", "商談メモの受注・失注テーマ", "失注理由の変化"):
        assert title in winloss.stdout, title
    assert "受注" in winloss.stdout and "│ won " not in winloss.stdout
    change = winloss.stdout.split("失注理由の変化", 1)[1]
    assert re.search(r"│ +[0-9.]+% │", change) and re.search(r"[-+][0-9]+\.[0-9]pt", change)
    motions = run("motions", *w, env={"COLUMNS": "220"})
    assert "深耕" in motions.stdout and "expand" not in motions.stdout.split("\n", 1)[1]
    as_csv = run("motions", *w, "--format", "csv")
    assert "expand" in as_csv.stdout


def test_english_score_reasons_name_regions_in_english(demo_ws: Workspace, tmp_path: Path) -> None:
    from rashinban._labels import REGION_LABELS

    shutil.copytree(demo_ws.path, tmp_path / "ws")
    report = analyze(open_workspace(tmp_path / "ws"), only=["score"])
    assert not report.failures, report.failures
    out = run("score", "-w", str(tmp_path / "ws"), "--lang", "en", "-f", "json")
    reasons = [r for rec in json.loads(out.stdout)["records"] for r in rec["reasons"]]
    regional = [r for r in reasons if "region = " in r]
    assert regional and all(
        any(f"region = {en} " in r for en in REGION_LABELS.values()) for r in regional
    ), regional[:3]


def test_numbers_line_up_on_the_right() -> None:
    from rich.console import Console

    from rashinban.cli._render import Format, render

    rows = [{"name": "甲社", "revenue": 1_234_567, "share": 0.5}, {"name": "乙", "revenue": 8}]
    out = io.StringIO()
    render({"rows": rows}, "rows", Format.table, console=Console(file=out, width=80))
    lines = [line for line in out.getvalue().splitlines() if line.startswith("│")]
    revenue = [line.split("│")[2] for line in lines]
    assert revenue[0].rstrip() == revenue[0].rstrip(" ") and revenue[1].endswith("8 ")
    assert revenue[0].endswith("1,234,567 ") and len(revenue[0]) == len(revenue[1])
    assert lines[0].split("│")[1].startswith(" 甲社")  # text stays on the left


def test_json_output_is_strict_json() -> None:
    import numpy as np

    from rashinban.cli._render import to_json

    payload = {
        "rows": [
            {"a": float("nan"), "b": float("inf"), "c": -float("inf"), "d": 0.5},
            {"a": np.float64("nan"), "b": np.int64(3), "c": pd.NA, "d": pd.NaT},
        ],
        "array": np.array([1.5, np.nan]),
    }
    text = to_json(payload)
    assert "NaN" not in text and "Infinity" not in text
    # Python's reader accepts NaN; a strict reader (JavaScript, Go) does not.
    strict = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    assert strict["rows"] == [
        {"a": None, "b": None, "c": None, "d": 0.5},
        {"a": None, "b": 3, "c": None, "d": None},
    ]
    assert strict["array"] == [1.5, None]


def test_churn_evidence_is_in_the_display_language(demo_ws: Workspace) -> None:
    w = ("churn", "-w", str(demo_ws.path), "--as-of", "2025-12-31", "--top", "40", "-f", "json")
    ja = [e for a in json.loads(run(*w).stdout)["accounts"] for e in a["evidence"]]
    en = [e for a in json.loads(run(*w, "--lang", "en").stdout)["accounts"] for e in a["evidence"]]
    assert ja and en and len(ja) == len(en)
    labels = ("survey:", "contacts:", "orders:", "usage:", "tickets:")
    assert not [e for e in ja if e.startswith(labels)], ja[:5]
    assert any(e.startswith(labels) for e in en), en[:5]
    assert not [e for e in en if "_" in e], [e for e in en if "_" in e][:3]  # no codes
    assert all(
        len(a["evidence"]) == len(set(a["evidence"]))
        for a in json.loads(run(*w).stdout)["accounts"]
    )


def test_english_tables_show_the_values_the_analyses_write_in_english(
    demo_ws: Workspace, tmp_path: Path
) -> None:
    shutil.copytree(demo_ws.path, tmp_path / "ws")
    ws = tmp_path / "ws"
    report = analyze(open_workspace(ws), only=["segments"])
    assert not report.failures, report.failures
    w = ("segments", "-w", str(ws))
    ja, en = run(*w), run(*w, "--lang", "en")
    assert ja.returncode == 0 and en.returncode == 0, en.stderr
    assert "魅力度の重み / weights of the index: 受注率 0.4、" in ja.stdout
    assert "weights of the index: win rate 0.4, " in en.stdout
    assert " × 100〜299名" in ja.stdout
    assert " × 100–299 employees" in en.stdout and "〜299名" not in en.stdout
    as_json = json.loads(run(*w, "--lang", "en", "--format", "json").stdout)
    assert any(s["name"].endswith(" × 100〜299名") for s in as_json["segments"])
    personas = run("personas", "-w", str(ws), "--lang", "en")
    assert personas.returncode == 0, personas.stderr
    assert "industry is " in personas.stdout and "業種 =" not in personas.stdout


def no_traceback(proc: subprocess.CompletedProcess[str]) -> bool:
    return "Traceback" not in proc.stderr and "Traceback" not in proc.stdout


def test_a_damaged_or_busy_database_is_a_user_error(tmp_path: Path) -> None:
    ws = tmp_path / "acme"
    assert run("init", str(ws)).returncode == 0
    holder = duckdb.connect(str(ws / "data.duckdb"))  # another program writing to it
    try:
        busy = run("rfm", "-w", str(ws))
    finally:
        holder.close()
    assert busy.returncode == 1 and no_traceback(busy), busy.stderr
    assert "another program holds it open" in busy.stderr
    (ws / "data.duckdb").write_bytes(b"not a database at all")
    for command in ("rfm", "analyze", "segments"):
        proc = run(command, "-w", str(ws))
        assert proc.returncode == 1 and no_traceback(proc), proc.stderr
        assert "not a readable DuckDB file" in proc.stderr and "rashinban init" in proc.stderr


def test_init_where_no_folder_can_be_made_or_in_an_unknown_language(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    proc = run("init", str(blocker / "ws"))
    assert proc.returncode == 1 and no_traceback(proc), proc.stderr
    assert "cannot create" in proc.stderr
    # A language the workspace could not be opened with afterwards is wrong usage.
    french = run("init", str(tmp_path / "fr"), "--lang", "fr")
    assert french.returncode == 2 and not (tmp_path / "fr").exists()


def test_files_written_where_they_cannot_be_are_user_errors(
    demo_ws: Workspace, tmp_path: Path
) -> None:
    ws = tmp_path / "acme"
    run("init", str(ws))
    missing = run("report", "-w", str(ws), "-o", str(tmp_path / "no" / "report.html"))
    assert missing.returncode == 1 and no_traceback(missing), missing.stderr
    assert "cannot write" in missing.stderr and "does not exist" in missing.stderr
    folder = run("report", "-w", str(ws), "-o", str(tmp_path))
    assert folder.returncode == 1 and "is a folder" in folder.stderr
    assert not list(tmp_path.parent.glob("*.part"))
    # a workspace never analysed: no page that only says so, and nothing replaced
    (ws / "report.html").write_text("an earlier report", encoding="utf-8")
    never = run("report", "-w", str(ws), "--lang", "en")
    assert never.returncode == 1 and no_traceback(never), never.stderr
    assert "no analysis has been run in this workspace yet" in never.stderr
    assert "run 'rashinban analyze' first" in never.stderr
    assert (ws / "report.html").read_text(encoding="utf-8") == "an earlier report"
    cards = run(
        "personas", "-w", str(demo_ws.path), "--html", str(tmp_path / "no" / "p.html"), "-f", "json"
    )
    assert cards.returncode == 1 and no_traceback(cards), cards.stderr
    assert "p.html" in cards.stderr


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_a_reader_that_stops_early_ends_the_command_quietly(demo_ws: Workspace, fmt: str) -> None:
    # `rashinban churn | head -1`: more output than a pipe holds, and the reader leaves.
    with subprocess.Popen(
        [sys.executable, "-m", "rashinban", "churn", "-w", str(demo_ws.path), "-f", fmt],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "300"},
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read().decode("utf-8")
        code = proc.wait(timeout=300)
    assert code == 0, err
    assert "Traceback" not in err and "error" not in err.lower()


def test_a_terminal_that_cannot_show_japanese_names_the_fix(demo_ws: Workspace) -> None:
    proc = run("rfm", "-w", str(demo_ws.path), "-f", "csv", env={"PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 1 and no_traceback(proc), proc.stderr
    assert "PYTHONIOENCODING=utf-8" in proc.stderr


@pytest.mark.parametrize(
    ("args", "english"),
    [
        (["rfm"], "revenue share"),
        (["clv", "--top", "3"], "expected order weeks"),
        (["kpi"], "win rate"),
        (["winloss"], "all losses"),
    ],
)
def test_read_commands_take_lang(demo_ws: Workspace, args: list[str], english: str) -> None:
    proc = run(*args, "-w", str(demo_ws.path), "--as-of", "2025-12-31", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert english in proc.stdout


def test_empty_results_say_so_in_the_language(tmp_path: Path) -> None:
    ws = tmp_path / "acme"
    run("init", str(ws))
    ja = run("target", "list", "-w", str(ws))
    assert ja.returncode == 0 and "該当する行はありません" in ja.stdout
    en = run("feedback", "summary", "-w", str(ws), "--lang", "en")
    assert en.returncode == 0 and "no rows" in en.stdout
    history = run("target", "history", "X", "-w", str(ws), "--lang", "en")
    assert history.returncode == 1 and "no target or canvas named 'X'" in history.stderr


def test_workshop_and_review_columns_are_headed_in_the_language(demo_ws: Workspace) -> None:
    w = ("-w", str(demo_ws.path), "--as-of", "2025-12-31")
    accounts = demo_ws.backend().table("accounts").account_id.execute().head(2).tolist()
    ja = run("workshop", *accounts, *w)
    assert ja.returncode == 0 and "観点" in ja.stdout and "heading" not in ja.stdout
    en = run("workshop", *accounts, *w, "--lang", "en")
    assert en.returncode == 0 and "Business and organisation" in en.stdout
    # The lines the worksheet writes read in English too (notes and names are data).
    assert "従業員" in ja.stdout and "employees" in en.stdout
    for written in ("従業員", "件、", "最初の接点", "成約", "満足度"):
        assert written not in en.stdout, written


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["personas", "--rule", "[1, 2]"], "--rule"),
        (["personas", "--rule", '[{"op": "in"}]'], "is not a column of accounts"),
        (["motions", "--employees-min", "500", "--employees-max", "10"], "swap"),
        (["crosssell", "--account", "NOPE"], "no such account_id"),
    ],
)
def test_impossible_selections_are_user_errors(
    demo_ws: Workspace, args: list[str], needle: str
) -> None:
    proc = run(*args, "-w", str(demo_ws.path), "--as-of", "2025-12-31")
    assert proc.returncode == 1 and no_traceback(proc), proc.stderr
    assert needle in proc.stderr


def test_an_analysis_the_last_run_skipped_says_why(
    demo_tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    ws = init_workspace(tmp_path / "orders-only")
    load_frames(ws, {k: demo_tables[k] for k in ("products", "accounts", "orders")})
    report = analyze(ws, only=["icp"])
    assert "icp" in report.failures
    proc = run("icp", "-w", str(ws.path))
    assert proc.returncode == 1 and no_traceback(proc), proc.stderr
    # named as the analyze progress list names it, with its code beside
    assert "「理想顧客像 (ICP)」('icp') を計算できませんでした" in proc.stderr
    # Each half of the stored message in its own language.
    ja, en = report.failures["icp"].partition(" — fix: ")[0].split(" / ")
    assert f"を計算できませんでした: {ja} / the latest analysis" in proc.stderr
    assert f"could not compute Ideal customer profile (ICP) ('icp'): {en} — fix: " in proc.stderr


def test_a_command_before_any_analysis_names_the_analysis_it_needs(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "fresh")
    proc = run("segments", "-w", str(ws.path))
    assert proc.returncode == 1 and no_traceback(proc), proc.stderr
    assert "「セグメント魅力度」('segments') の分析結果がまだありません" in proc.stderr
    en = run("segments", "-w", str(ws.path), "--lang", "en")
    assert "no stored Segment attractiveness ('segments') results" in en.stderr
    assert "run 'rashinban analyze' first" in en.stderr


def test_user_errors_read_japanese_first_with_english_alongside(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    proc = run("target", "audit", "--action", "nope", "-w", str(ws.path))
    assert proc.returncode == 1 and no_traceback(proc), proc.stderr
    assert "操作 'nope' はありません / unknown action 'nope'" in proc.stderr
    # each half of the fix lists the actions in its own language
    assert "次のいずれかを指定してください: add_user (ユーザー登録), save (版の保存)" in proc.stderr
    assert "use one of add_user (user added), save (version saved)" in proc.stderr
    proc = run("target", "create", "ideal", "--user", "mkt", "-w", str(ws.path))
    assert proc.returncode == 2 and no_traceback(proc), proc.stderr
    assert (
        "新しいターゲットには --include が必要です / --include is required for a new target"
        in proc.stderr
    )


def test_clv_horizon_is_bounded_to_ten_years(tmp_path: Path) -> None:
    proc = run("clv", "--horizon", "121", "-w", str(tmp_path))
    assert proc.returncode == 2 and "120" in proc.stderr


def test_churn_prints_the_time_split_analyze_stores(demo_ws: Workspace, tmp_path: Path) -> None:
    shutil.copytree(demo_ws.path, tmp_path / "ws")
    ws = tmp_path / "ws"
    report = analyze(open_workspace(ws), as_of=dt.date(2025, 12, 31), only=["churn"])
    assert not report.failures, report.failures
    stored = report.results["churn"].summary["validation"]
    w = ("churn", "-w", str(ws), "--as-of", "2025-12-31", "--top", "3")
    payload = json.loads(run(*w, "-f", "json").stdout)
    assert {"as_of", "horizon_days", "accounts", "validation"} <= set(payload)
    assert payload["validation"] == stored  # the numbers analyze (and the report) show
    v = payload["validation"]
    assert v["cut"] == "2024-12-31" and v["horizon_days"] == 90 and v["n_test_churners"] >= 20
    table = run(*w)
    assert table.returncode == 0, table.stderr
    assert table.stdout.rstrip("\n").splitlines()[-1] == (
        f"時系列分割での検証（2024-12-31 までで学習し、その後の解約{v['n_test_churners']}社で"
        f"検証）: AUC {v['auc']:.2f}、95%区間 {v['auc_low']:.2f}〜{v['auc_high']:.2f}、"
        f"比較ルール「利用が半減」 {v['auc_rule']:.2f}"
    )
    english = run(*w, "--lang", "en")
    assert english.stdout.rstrip("\n").splitlines()[-1] == (
        f"Time-split validation (trained up to 2024-12-31, tested on {v['n_test_churners']} "
        f"churned customers after it): AUC {v['auc']:.2f}, 95% interval {v['auc_low']:.2f}–"
        f'{v["auc_high"]:.2f} vs the "usage halved" rule {v["auc_rule"]:.2f}'
    )
    # CSV stays one table on standard output; the line goes to standard error.
    as_csv = run(*w, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout.removeprefix("\ufeff"))))
    assert [r["account_id"] for r in rows] == [a["account_id"] for a in payload["accounts"]]
    assert as_csv.stderr.strip() == table.stdout.rstrip("\n").splitlines()[-1]
    # Another horizon is validated at that horizon, not shown with the 90-day numbers.
    short = json.loads(run(*w, "--horizon", "30", "-f", "json").stdout)["validation"]
    assert short["horizon_days"] == 30 and short["n_test"] != v["n_test"]


def test_churn_says_when_there_is_no_churn_to_validate_on(demo_ws: Workspace) -> None:
    w = ("churn", "-w", str(demo_ws.path), "--as-of", "2024-06-30", "--top", "2")
    payload = json.loads(run(*w, "-f", "json").stdout)
    assert payload["validation"] is None and payload["accounts"]
    assert "churn model needs at least 5 churned" in payload["validation_skipped"]
    ja, en = run(*w), run(*w, "--lang", "en")
    assert (
        ja.stdout.rstrip("\n")
        .splitlines()[-1]
        .startswith(
            "時系列分割での検証: データ不足（解約予測モデルには解約と継続がそれぞれ5件以上必要です"
        )
    )
    assert (
        en.stdout.rstrip("\n")
        .splitlines()[-1]
        .startswith("Time-split validation: not enough data (churn model needs at least 5 churned")
    )
    assert "AUC" not in ja.stdout and "AUC" not in en.stdout
    assert "churn model" not in ja.stdout.rstrip("\n").splitlines()[-1]


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        (
            "業種 = 存在しない業種",
            "業種 '存在しない業種' に該当する取引先が0社です（候補: 製造業, ",
        ),
        (
            "従業員数 > 10000000",
            "ルール '従業員数 > 10000000' に該当する取引先が0社です（従業員数の範囲: ",
        ),
    ],
)
def test_kpi_refuses_a_segment_no_account_is_in(demo_ws: Workspace, rule: str, said: str) -> None:
    proc = run("kpi", "-w", str(demo_ws.path), "--segment", rule, "-f", "csv")
    assert proc.returncode == 1 and no_traceback(proc), proc.stderr
    assert proc.stdout == ""  # no funnel of zeros
    assert said in proc.stderr
    assert " / no account has industry '存在しない業種' (candidates: 製造業, " in proc.stderr or (
        " / rule '従業員数 > 10000000' matches no account (their employees run from " in proc.stderr
    )
    ok = run("kpi", "-w", str(demo_ws.path), "--segment", "業種 = 製造業", "-f", "csv")
    assert ok.returncode == 0 and "業種 = 製造業," in ok.stdout


def test_kpi_by_year(demo_ws: Workspace) -> None:
    w = ("kpi", "-w", str(demo_ws.path), "--as-of", "2025-06-30", "--period", "year")
    proc = run(*w, "-f", "json")
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)["rows"]
    # Calendar years; the one in progress on the as-of date is named as the whole year.
    assert [(r["period"], r["period_start"]) for r in got] == [
        ("2023", "2023-01-01"),
        ("2024", "2024-01-01"),
        ("2025", "2025-01-01"),
    ]
    monthly = json.loads(run(*w[:-1], "month", "-f", "json").stdout)["rows"]
    assert got[-1]["leads"] == sum(r["leads"] for r in monthly if r["period"] >= "2025-01")
    ja, en = run(*w), run(*w, "--lang", "en")
    assert "KPI (年次 / yearly)" in ja.stdout and "KPI (yearly)" in en.stdout
    # A period that is not one of the choices is wrong usage (exit 2), as a wrong --format is.
    wrong = run(*w[:-1], "decade", "--lang", "en")
    assert wrong.returncode == 2 and no_traceback(wrong)
    flat = " ".join(" ".join(line.strip(" │╭╮╰╯─") for line in wrong.stderr.splitlines()).split())
    assert "'decade' is not one of 'week', 'month', 'quarter', 'year', 'fiscal_quarter'" in flat


def test_csv_names_follow_the_language_codes_and_numbers_do_not(demo_ws: Workspace) -> None:
    w = ("winloss", "-w", str(demo_ws.path), "--as-of", "2025-12-31", "-f", "csv")
    ja, en = run(*w), run(*w, "--lang", "en")
    assert ja.returncode == 0 and en.returncode == 0, en.stderr
    ja_rows = list(csv.DictReader(io.StringIO(ja.stdout.removeprefix("\ufeff"))))
    en_rows = list(csv.DictReader(io.StringIO(en.stdout.removeprefix("\ufeff"))))
    assert ja.stdout.splitlines()[0] == en.stdout.splitlines()[0]  # headers are the keys
    assert "(競合なし)" in {r["group"] for r in ja_rows}
    assert "(no competitor)" in {r["group"] for r in en_rows}
    assert "(競合なし)" not in en.stdout
    for ja_row, en_row in zip(ja_rows, en_rows, strict=True):
        # the company's own loss reasons and every number stay as they are
        assert {k: v for k, v in ja_row.items() if k != "group"} == {
            k: v for k, v in en_row.items() if k != "group"
        }
    # JSON is the machine contract: the stored value in either language.
    as_json = json.loads(run(*w[:-2], "-f", "json", "--lang", "en").stdout)
    assert "(競合なし)" in {r["group"] for r in as_json["loss_reasons"]}


def test_clv_headers_name_the_time_unit(demo_ws: Workspace) -> None:
    w = ("clv", "-w", str(demo_ws.path), "--as-of", "2025-12-31", "--top", "3")
    ja, en = run(*w), run(*w, "--lang", "en")
    assert ja.returncode == 0 and en.returncode == 0, en.stderr
    for header in ("リピート注文 (週数)", "契約の価値", "注文の価値", "期待注文週数"):
        assert header in ja.stdout, header
    for header in ("repeat order weeks", "contract value", "order value", "expected order"):
        assert header in en.stdout, header
    assert "monetary value" not in en.stdout and "│ T " not in en.stdout
    # whether the customer has churned by contract
    assert "解約済み" in ja.stdout and "churned" in en.stdout
    # the columns the table leaves out are in CSV and JSON
    rows = json.loads(run(*w, "-f", "json").stdout)["customers"]
    assert {"recency", "T", "running_contracts", "expected_billings", "subscription_ended"} <= set(
        rows[0]
    )
    assert "subscription_ended" in run(*w, "-f", "csv").stdout.splitlines()[0]
    assert json.loads(run(*w, "-f", "json").stdout)["model"]["time_unit"] == "week"


def _commands_taking(option: str) -> dict[str, list[str]]:
    """Every command (``target review`` …) that takes ``option``, with its arguments filled in."""
    import typer.main

    from rashinban.cli import app

    args = {"account_ids": ["A000001"], "name": ["ideal"]}
    found: dict[str, list[str]] = {}

    def walk(command: object, path: list[str]) -> None:
        for name, sub in (getattr(command, "commands", None) or {}).items():
            walk(sub, [*path, name])
        params = getattr(command, "params", [])
        if any(option in getattr(p, "opts", []) for p in params):
            filled = [v for p in params if p.param_type_name == "argument" for v in args[p.name]]
            found[" ".join(path)] = [*path, *filled]

    walk(typer.main.get_command(app), [])
    return found


def test_every_as_of_outside_the_data_is_refused_naming_its_end_or_start(
    demo_ws: Workspace, tmp_path: Path
) -> None:
    # Data end 2025-12-31: a later as-of would bill subscriptions on and show empty months
    # as 0% churn and 100% NRR. Every command refuses it, naming the date the default
    # as-of is, and a date before the first activity alike.
    from typer.testing import CliRunner

    from rashinban import NotEnoughDataError
    from rashinban.cli import app
    from rashinban.engine import data_span
    from rashinban.pipeline import resolve_as_of

    shutil.copytree(demo_ws.path, tmp_path / "ws")
    ws = open_workspace(tmp_path / "ws")
    start, end = data_span(ws.backend(read_only=True)) or (None, None)
    assert end == resolve_as_of(ws, None)
    commands = _commands_taking("--as-of")
    assert {"analyze", "rfm", "clv", "kpi", "churn", "triggers", "target review"} <= set(commands)
    assert len(commands) >= 14
    runner = CliRunner()
    env = {"RASHINBAN_USER": "analyst"}
    for name, argv in commands.items():
        for day, said in (
            (end + dt.timedelta(days=1), f"データの最終日 {end} より後です"),
            (dt.date(2020, 1, 1), f"データの開始日 {start} より前です"),
        ):
            result = runner.invoke(app, [*argv, "-w", str(ws.path), "--as-of", str(day)], env=env)
            assert isinstance(result.exception, NotEnoughDataError), (name, result.output)
            assert said in str(result.exception), (name, str(result.exception))


def test_a_future_as_of_is_one_line_exit_1(demo_ws: Workspace) -> None:
    proc = run("kpi", "-w", str(demo_ws.path), "--as-of", "2030-01-01", "-f", "csv")
    assert proc.returncode == 1 and no_traceback(proc), proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.strip().count("\n") == 0
    assert (
        "基準日 2030-01-01 はデータの最終日 2025-12-31 より後です / the as-of date 2030-01-01 "
        "is after the last date of the data, 2025-12-31 — fix: --as-of を 2025-12-31 以前にするか、"
        "新しいデータを取り込んでください / set --as-of to 2025-12-31 or earlier, or import newer "
        "data"
    ) in proc.stderr


def test_churn_horizon_is_bounded_to_a_year() -> None:
    # Beyond the model's 720-day history the horizon left nothing to learn from, and the
    # message blamed missing subscriptions.
    proc = run("churn", "--horizon", "730")
    assert proc.returncode == 2 and no_traceback(proc) and "365" in proc.stderr
    assert "1〜365" in run("churn", "--help").stdout


def test_icp_and_score_fixes_name_only_what_the_command_takes(tmp_path: Path) -> None:
    from rashinban.demo import generate

    ws = init_workspace(tmp_path / "ws")
    load_frames(ws, generate(5, seed=7))
    report = analyze(ws, only=["icp", "score"])
    assert {"icp", "score"} <= set(report.failures)
    icp, score = run("icp", "-w", str(ws.path)), run("score", "-w", str(ws.path))
    assert icp.returncode == 1 and score.returncode == 1, icp.stderr + score.stderr
    assert no_traceback(icp) and no_traceback(score)
    # What the command line can do (import, analyze again), then the Python knob.
    assert (
        "Python では min_support を10より小さくできます)。その後 'rashinban analyze' を再実行"
        "してください / import more accounts (rashinban import accounts; in Python, a "
        "min_support below 10), then run 'rashinban analyze' again"
    ) in icp.stderr
    assert "取引先をもっと取り込んでください (rashinban import accounts; Python では" in icp.stderr
    assert (
        "(rashinban import deals; in Python, a longer window: score_workspace(..., "
        "validation_days=365)), then run 'rashinban analyze' again"
    ) in score.stderr
    # One language: the whole fix in it (what to import first), not "run analyze again"
    # alone, which cannot help while the data is missing.
    en = run("icp", "-w", str(ws.path), "--lang", "en").stderr
    assert en.startswith("error: the latest analysis (as of "), en
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", en), en
    assert en.rstrip().endswith(
        "— fix: import more accounts (rashinban import accounts; in Python, a min_support "
        "below 10), then run 'rashinban analyze' again"
    ), en
    ja = run("icp", "-w", str(ws.path), "--lang", "ja").stderr
    assert "could not" not in ja and "import more" not in ja, ja
    assert ja.rstrip().endswith("。その後 'rashinban analyze' を再実行してください"), ja
    assert "Python API" not in icp.stderr + score.stderr
    for command, proc in (("icp", icp), ("score", score)):
        named = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", proc.stderr))
        assert named <= {"--as-of"}, (command, named)  # analyze --as-of is the only one
        assert "lower min_support or add columns" not in proc.stderr
        assert "choose an earlier cut date" not in proc.stderr

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


def test_init_and_import_with_rejects(tmp_path: Path) -> None:
    ws = tmp_path / "acme"
    assert run("init", str(ws)).returncode == 0
    csv = tmp_path / "取引先.csv"
    csv.write_bytes(
        "取引先ID,取引先名,従業員数\nA1,㈱テスト,１２０名\nA2,山田商店,約50名\n".encode("cp932")
    )
    proc = run("import", "accounts", str(csv), "-w", str(ws))
    assert proc.returncode == 0, proc.stderr
    assert "除外 1" in proc.stdout and "rejects" in proc.stdout


def test_import_says_which_new_accounts_have_no_name(tmp_path: Path) -> None:
    ws = tmp_path / "acme"
    assert run("init", str(ws), "--lang", "en").returncode == 0
    ids = tmp_path / "ids.csv"
    ids.write_text("account_id,employees\nA1,10\nA2,20\n", encoding="utf-8")
    proc = run("import", "accounts", str(ids), "-w", str(ws))
    assert proc.returncode == 0, proc.stderr
    assert "  2 accounts added without a company name (rows 2, 3): " in proc.stdout
    # Importing the same ids again adds nothing, so nothing is said.
    again = run("import", "accounts", str(ids), "-w", str(ws))
    assert again.returncode == 0 and "without a company name" not in again.stdout


def test_import_names_the_report_footer_it_left_out(tmp_path: Path) -> None:
    ws = tmp_path / "acme"
    assert run("init", str(ws)).returncode == 0
    export = tmp_path / "取引先.csv"
    export.write_bytes(
        (
            '"取引先ID","取引先名"\r\n"A1","一社"\r\n\r\n'
            '"Confidential Information - Do Not Distribute"\r\n"生成日時: 2024/04/02 10:00"\r\n'
        ).encode("cp932")
    )
    proc = run("import", "accounts", str(export), "-w", str(ws))
    assert proc.returncode == 0, proc.stderr
    assert "読込 1 行" in proc.stdout
    assert (
        "  表の下の注記は読み飛ばし / report footer left out: Confidential Information - Do Not "
        "Distribute | 生成日時: 2024/04/02 10:00" in proc.stdout
    )
    # In an English workspace the summary is English.
    english = tmp_path / "acme_en"
    made = run("init", str(english), "--lang", "en")
    assert made.returncode == 0 and made.stdout.startswith("workspace ready: "), made.stdout
    proc = run("import", "accounts", str(export), "-w", str(english))
    assert proc.returncode == 0, proc.stderr
    assert "read 1 row / inserted 1 /" in proc.stdout and "読込" not in proc.stdout
    assert "\n  report footer left out: Confidential" in proc.stdout
    assert "表の下" not in proc.stdout


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
        (["rfm", "--top"], "オプション --top はありません / No such option: --top"),
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
        run("rfm", "--top", env={"RASHINBAN_DEBUG": "1"}),
    ):
        assert proc.returncode == 2 and no_traceback(proc), proc.stderr
        assert "はありません" in proc.stderr


def test_help_and_bare_groups_keep_their_exit_codes() -> None:
    assert run("--help").returncode == 0 and "rfm" in run("--help").stdout
    assert run("rfm", "--help").returncode == 0
    bare = run("target")
    assert bare.returncode == 2 and "create" in bare.stdout + bare.stderr


def test_strict_import_exit_1(tmp_path: Path) -> None:
    ws = tmp_path / "acme"
    run("init", str(ws))
    csv = tmp_path / "a.csv"
    csv.write_text("account_id,employees\nA1,約500名\n", encoding="utf-8")
    proc = run("import", "accounts", str(csv), "-w", str(ws), "--strict")
    assert proc.returncode == 1 and "nothing was loaded" in proc.stderr


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
    assert "cannot write" in missing.stderr
    folder = run("report", "-w", str(ws), "-o", str(tmp_path))
    assert folder.returncode == 1 and "is a folder" in folder.stderr
    assert not list(tmp_path.parent.glob("*.part"))
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
        (["clv", "--top", "3"], "expected purchases"),
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
    assert "could not compute 'icp'" in proc.stderr
    assert report.failures["icp"].partition(" — fix: ")[0] in proc.stderr


def test_user_errors_read_japanese_first_with_english_alongside(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    proc = run("target", "audit", "--action", "nope", "-w", str(ws.path))
    assert proc.returncode == 1 and no_traceback(proc), proc.stderr
    assert "操作 'nope' はありません / unknown action 'nope'" in proc.stderr
    assert "次のいずれかを指定してください / use one of add_user, save" in proc.stderr
    proc = run("target", "create", "ideal", "--user", "mkt", "-w", str(ws.path))
    assert proc.returncode == 2 and no_traceback(proc), proc.stderr
    assert (
        "新しいターゲットには --include が必要です / --include is required for a new target"
        in proc.stderr
    )


def test_clv_horizon_is_bounded_to_ten_years(tmp_path: Path) -> None:
    proc = run("clv", "--horizon", "121", "-w", str(tmp_path))
    assert proc.returncode == 2 and "120" in proc.stderr

"""The command line as a user runs it: a real subprocess, exit codes, output formats."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rashinban import Workspace


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # A wide terminal, so that table headers are not folded across lines.
    return subprocess.run(
        [sys.executable, "-m", "rashinban", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        check=False,
        env={**os.environ, "COLUMNS": "300"},
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


def test_user_error_is_one_line_exit_1(tmp_path: Path) -> None:
    proc = run("rfm", "-w", str(tmp_path / "nowhere"))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "rashinban init" in proc.stderr
    debug = run("--debug", "rfm", "-w", str(tmp_path / "nowhere"))
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_wrong_usage_exit_2() -> None:
    assert run("no-such-command").returncode == 2
    assert run("rfm", "--format", "xml").returncode == 2


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
    header = proc.stdout.splitlines()[0].split(",")
    assert "segment" in header and "customers" in header


def test_bad_as_of_is_a_user_error(demo_ws: Workspace) -> None:
    proc = run("clv", "-w", str(demo_ws.path), "--as-of", "31/12/2025")
    assert proc.returncode == 1 and "YYYY-MM-DD" in proc.stderr


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
    csv = run("clv", *w, "--top", "3", "--format", "csv")
    assert csv.stdout.splitlines()[0].startswith("account_id,")

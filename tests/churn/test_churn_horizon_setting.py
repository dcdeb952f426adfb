"""``[analysis] churn_horizon_days``: the churn horizon every command and analysis uses."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rashinban import ConfigError, Workspace, init_workspace, open_workspace
from rashinban.churn import churn_watchlist
from rashinban.cli import app
from rashinban.pipeline import analyze
from rashinban.report._sec_defend import _lead_bins

AS_OF = dt.date(2025, 12, 31)


def _set_horizon(path: Path, value: str) -> None:
    toml = path / "rashinban.toml"
    text = toml.read_text(encoding="utf-8")
    assert "churn_horizon_days = 90\n" in text
    toml.write_text(text.replace("churn_horizon_days = 90\n", f"churn_horizon_days = {value}\n"))


@pytest.fixture(scope="module")
def ws180(demo_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("horizon") / "ws"
    shutil.copytree(demo_ws.path, path)
    _set_horizon(path, "180")
    return path


def _json(*args: str) -> dict:  # type: ignore[type-arg]
    res = CliRunner().invoke(app, [*args, "-f", "json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)  # type: ignore[no-any-return]


def test_churn_takes_the_horizon_from_the_settings(ws180: Path) -> None:
    w = ("churn", "-w", str(ws180), "--as-of", str(AS_OF))
    configured = _json(*w)
    ninety = _json(*w, "--horizon", "90")
    assert configured["horizon_days"] == 180 and configured["validation"]["horizon_days"] == 180
    assert ninety["horizon_days"] == 90 and ninety["validation"]["horizon_days"] == 90
    # The numbers are the 180-day model's, not the 90-day one's.
    backend = open_workspace(ws180).backend()
    try:
        expected = churn_watchlist(backend, AS_OF, horizon_days=180)
    finally:
        backend.disconnect()
    risk = {a["account_id"]: a["risk"] for a in configured["accounts"]}
    assert risk == {r.account_id: round(float(r.risk), 4) for r in expected.itertuples()}
    assert risk != {a["account_id"]: a["risk"] for a in ninety["accounts"]}
    alerts = sum(a["alert"] for a in configured["accounts"])
    assert alerts == int(expected["alert"].sum())
    assert alerts != sum(a["alert"] for a in ninety["accounts"])
    # The title says which horizon the risk is for, in either language.
    ja = CliRunner().invoke(app, [*w, "--top", "1"])
    assert ja.stdout.lstrip().startswith("解約リスク / churn risk (基準日 2025-12-31, 今後180日)")
    en = CliRunner().invoke(app, [*w, "--top", "1", "--lang", "en", "--horizon", "30"])
    assert en.stdout.lstrip().startswith("churn risk (as of 2025-12-31, next 30 days)")
    # The defend motion counts the same 180-day alerts.
    motions = _json("motions", "-w", str(ws180), "--as-of", str(AS_OF))
    defend = next(m for m in motions["motions"] if m["motion"] == "defend")
    assert defend["accounts"] == alerts


def test_analyze_stores_and_names_the_configured_horizon(ws180: Path) -> None:
    report = analyze(open_workspace(ws180), as_of=AS_OF, only=["churn"])
    assert not report.failures, report.failures
    summary = report.results["churn"].summary
    assert summary["horizon_days"] == 180 and summary["validation"]["horizon_days"] == 180
    assert summary["headline_ja"].startswith(f"解約警戒 {summary['alerts']:,}社（今後180日）、")
    assert (
        f"on churn alert (next 180 days), ¥{summary['revenue_at_risk']:,.0f}"
        in (summary["headline_en"])
    )
    # Lead times up to the horizon are charted, not cut off at 90 days.
    assert _lead_bins(180) == [0, 30, 60, 90, 120, 150, 181]
    assert _lead_bins(90) == [0, 15, 30, 45, 60, 75, 91]
    assert _lead_bins(3) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    ("value", "message", "fix"),
    [
        (
            "0",
            "[analysis] churn_horizon_days = 0 は範囲外です (1〜365) / "
            "[analysis] churn_horizon_days = 0 is out of range (1-365)",
            "churn_horizon_days を 1〜365 の整数にしてください (既定 90) / "
            "set churn_horizon_days to a whole number from 1 to 365 (default 90)",
        ),
        (
            "730",
            "[analysis] churn_horizon_days = 730 は範囲外です (1〜365) / "
            "[analysis] churn_horizon_days = 730 is out of range (1-365)",
            "churn_horizon_days を 1〜365 の整数にしてください (既定 90) / "
            "set churn_horizon_days to a whole number from 1 to 365 (default 90)",
        ),
        (
            "90.5",
            "[analysis] churn_horizon_days の値 90.5 は整数ではありません / "
            "[analysis] churn_horizon_days should be a whole number, got 90.5",
            "90 のように書いてください / write it like 90",
        ),
        (
            '"180"',
            "[analysis] churn_horizon_days の値 '180' は整数ではありません / "
            "[analysis] churn_horizon_days should be a whole number, got '180'",
            "90 のように書いてください / write it like 90",
        ),
        (
            "true",
            "[analysis] churn_horizon_days の値 True は整数ではありません / "
            "[analysis] churn_horizon_days should be a whole number, got True",
            "90 のように書いてください / write it like 90",
        ),
    ],
)
def test_a_bad_horizon_setting_names_the_file_key_and_fix(
    tmp_path: Path, value: str, message: str, fix: str
) -> None:
    init_workspace(tmp_path / "ws")
    _set_horizon(tmp_path / "ws", value)
    with pytest.raises(ConfigError) as err:
        open_workspace(tmp_path / "ws")
    assert err.value.message == message and err.value.fix == fix
    assert err.value.file == str(tmp_path / "ws" / "rashinban.toml")


def test_the_cli_says_a_bad_horizon_setting_in_one_line(tmp_path: Path) -> None:
    init_workspace(tmp_path / "ws")
    _set_horizon(tmp_path / "ws", "400")
    proc = subprocess.run(
        [sys.executable, "-m", "rashinban", "churn", "-w", str(tmp_path / "ws")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "[analysis] churn_horizon_days = 400 は範囲外です (1〜365)" in proc.stderr
    assert "rashinban.toml" in proc.stderr
    assert "set churn_horizon_days to a whole number from 1 to 365" in proc.stderr

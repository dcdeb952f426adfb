"""Notes rashinban writes itself (win stories) never move the end of the data."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rashinban import InvalidValueError, Workspace, open_workspace
from rashinban.cli import app
from rashinban.engine import RECORDED_NOTES, data_span
from rashinban.pipeline import resolve_as_of

runner = CliRunner()
DATA_END = dt.date(2025, 12, 31)  # the demo's last activity date
ACCOUNT = "A000620"


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _notes(ws: Workspace) -> list[tuple[str, dt.date]]:
    with ws.connect(read_only=True) as con:
        rows = con.execute("SELECT note_id, written_at FROM notes ORDER BY note_id").fetchall()
    return [(str(i), d) for i, d in rows]


@pytest.fixture()
def copy_ws(demo_ws: Workspace, tmp_path: Path) -> Workspace:
    shutil.copytree(demo_ws.path, tmp_path / "ws")
    return open_workspace(tmp_path / "ws")


def test_a_win_story_written_today_leaves_the_span_and_the_numbers_alone(
    copy_ws: Workspace,
) -> None:
    w = ("-w", str(copy_ws.path), "-f", "json")
    assert data_span(copy_ws.backend())[1] == DATA_END  # type: ignore[index]
    kpi = json.loads(_run("kpi", "--period", "quarter", *w))
    churn = json.loads(_run("churn", *w))
    assert kpi["rows"][-1]["period"].startswith("2025")
    assert churn["as_of"] == "2025-12-31"
    before = _notes(copy_ws)

    out = _run("win-story", ACCOUNT, "経理部長が対応の早さを評価。", "--author", "鈴木",
               "-w", str(copy_ws.path))  # fmt: skip
    today = dt.date.today()
    added = [n for n in _notes(copy_ws) if n not in before]
    assert len(added) == 1 and added[0][1] == today  # dated today, as the rep wrote it
    assert f"データの最終日 {DATA_END} より後" in out and f"data ends ({DATA_END})" in out

    span = data_span(copy_ws.backend())
    assert span is not None and span[1] == DATA_END
    assert resolve_as_of(copy_ws, None) == DATA_END  # the default as-of of every command
    assert json.loads(_run("kpi", "--period", "quarter", *w)) == kpi
    assert json.loads(_run("churn", *w)) == churn
    schema, table = RECORDED_NOTES
    with copy_ws.connect(read_only=True) as con:
        listed = con.execute(f"SELECT note_id FROM {schema}.{table}").fetchall()
    assert listed == [(added[0][0],)]


def test_an_imported_note_still_counts_towards_the_end(copy_ws: Workspace) -> None:
    # Only what rashinban wrote is left out: a note that came with the records does count.
    later = dt.date(2026, 1, 15)
    with copy_ws.connect() as con:
        con.execute(
            "INSERT INTO notes (note_id, account_id, written_at, kind, author, text) "
            "VALUES ('N9999999', ?, ?, 'meeting', '佐藤', '定例')",
            [ACCOUNT, later],
        )
    span = data_span(copy_ws.backend())
    assert span is not None and span[1] == later


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2099-01-01", "--date 2099-01-01 は今日 ({today}) より後です"),
        ("2000-01-01", "--date 2000-01-01 はデータの開始日 2023-01-01 より前です"),
    ],
)
def test_win_story_refuses_a_date_the_story_cannot_have(
    copy_ws: Workspace, date: str, message: str
) -> None:
    before = _notes(copy_ws)
    result = runner.invoke(
        app, ["win-story", ACCOUNT, "紹介で受注。", "--author", "鈴木",
              "-w", str(copy_ws.path), "--date", date],
    )  # fmt: skip
    assert result.exit_code != 0
    assert isinstance(result.exception, InvalidValueError)
    assert str(result.exception).startswith(message.format(today=dt.date.today()))
    assert result.exception.fix is not None and "--date" in result.exception.fix
    assert _notes(copy_ws) == before  # nothing written

"""`segments` shows the raw counts (k/n) behind every shrunk rate, recounted by hand here."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import namedtuple
from pathlib import Path

import pandas as pd
import pytest
from tests.test_cli import run  # a real subprocess, as a user runs it

from rashinban import Workspace, open_workspace
from rashinban.pipeline import analyze
from rashinban.pipeline._targeting_views import _counts, segment_table_row, segments_view

AS_OF = pd.Timestamp(dt.date(2025, 12, 31))
CELL = "製造業 × 300〜999名"
SMALL = "卸売業・小売業 × 1000名以上"


@pytest.fixture(scope="module")
def analyzed(demo_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = Path(tmp_path_factory.mktemp("segments")) / "ws"
    shutil.copytree(demo_ws.path, ws)
    report = analyze(open_workspace(ws), only=["segments"])
    assert not report.failures, report.failures
    return ws


def _by_hand(tables: dict[str, pd.DataFrame]) -> tuple[int, int, int, int]:
    """(won, closed new deals, churned customers, customers) of 製造業 × 300〜999名."""
    acc = tables["accounts"]
    ids = set(
        acc.loc[(acc["industry"] == "製造業") & acc["employees"].between(300, 999), "account_id"]
    )
    d = tables["deals"]
    d = d[d["account_id"].isin(ids) & (d["kind"] == "new") & (d["created_at"] <= AS_OF)]
    d = d[d["closed_at"].notna() & (d["closed_at"] <= AS_OF)]
    won, lost = int((d["outcome"] == "won").sum()), int((d["outcome"] == "lost").sum())
    s = tables["subscriptions"]
    s = s[s["account_id"].isin(ids) & (s["started_at"] <= AS_OF)]
    running = s["ended_at"].isna() | (s["ended_at"] > AS_OF)
    subscribers = set(s["account_id"])
    still = set(s.loc[running, "account_id"])
    winners = set(d.loc[d["outcome"] == "won", "account_id"])
    customers = subscribers | winners
    return won, won + lost, len(subscribers - still), len(customers)


def test_json_and_csv_carry_the_counts_behind_the_shrunk_rates(
    analyzed: Path, demo_tables: dict[str, pd.DataFrame]
) -> None:
    won, closed, churned, customers = _by_hand(demo_tables)
    proc = run("segments", "-w", str(analyzed), "-f", "json")
    assert proc.returncode == 0, proc.stderr
    row = next(s for s in json.loads(proc.stdout)["segments"] if s["name"] == CELL)
    assert (row["win_rate_k"], row["win_rate_n"]) == (won, closed)
    assert (row["churn_rate_k"], row["churn_rate_n"]) == (churned, customers)
    assert row["customers"] == customers
    # The shrunk rates stay under their keys, and differ from the raw shares they rest on.
    assert {"name", "definition", "size", "attractiveness", "win_rate", "churn_rate"} <= set(row)
    assert row["win_rate"] != pytest.approx(won / closed, abs=1e-4)
    # The small cell docs/targeting.md quotes: its shrunk rate rests on 3 won of 16 (the
    # rate itself depends on the segments compared: 21.7 % after a full analyze).
    small = next(s for s in json.loads(proc.stdout)["segments"] if s["name"] == SMALL)
    assert (small["win_rate_k"], small["win_rate_n"]) == (3, 16)
    assert small["win_rate"] > 3 / 16  # pulled toward the whole
    assert (small["churn_rate_k"], small["churn_rate_n"]) == (0, 3)
    csv = run("segments", "-w", str(analyzed), "-f", "csv").stdout
    header = csv.removeprefix("\ufeff").splitlines()[0].split(",")
    assert header.index("win_rate_k") == header.index("win_rate_n") - 1
    assert header[header.index("churn_rate") + 1 : header.index("churn_rate") + 3] == [
        "churn_rate_k",
        "churn_rate_n",
    ]


def test_the_table_shows_k_of_n_beside_each_shrunk_rate(
    analyzed: Path, demo_tables: dict[str, pd.DataFrame]
) -> None:
    won, closed, churned, customers = _by_hand(demo_tables)
    row = next(r for r in segments_view(open_workspace(analyzed))["segments"] if r["name"] == CELL)
    shown = segment_table_row(row)
    keys = list(shown)
    assert keys[keys.index("win_rate_interval") + 1] == "won_k_n"
    assert keys[keys.index("churn_rate") + 1] == "churned_k_n"
    assert (shown["won_k_n"], shown["churned_k_n"]) == (
        f"{won}/{closed}",
        f"{churned}/{customers}",
    )
    assert not {"win_rate_k", "win_rate_n", "churn_rate_k", "churn_rate_n", "conditions"} & set(
        shown
    )
    ja = run("segments", "-w", str(analyzed)).stdout
    en = run("segments", "-w", str(analyzed), "--lang", "en").stdout
    assert "受注 k/n" in ja and "解約済み k/n" in ja and f"{won}/{closed}" in ja
    assert "won k/n" in en and "churned k/n" in en and f"{churned}/{customers}" in en


def test_a_run_stored_before_the_counts_gives_them_from_the_raw_share() -> None:
    old = namedtuple("old", "win_rate_n win_rate_raw")
    assert _counts(old(16, 5 / 16), "win_rate") == (5, 16)
    assert _counts(old(0, float("nan")), "win_rate") == (0, 0)

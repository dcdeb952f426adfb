"""Rule segments named in rashinban.toml are evaluated by analyze and listed by `segments`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from rashinban import init_workspace, open_workspace
from rashinban.importing import load_frames
from rashinban.pipeline import analyze, load_result_table


def test_segments_from_settings(tmp_path: Path, demo_tables: dict[str, pd.DataFrame]) -> None:
    ws = init_workspace(tmp_path)
    load_frames(ws, demo_tables)
    with (tmp_path / "rashinban.toml").open("a", encoding="utf-8") as fh:
        fh.write(
            '\n[segments]\n"製造・中堅" = "業種 in [製造業] and 従業員数 between 100 and 999"\n'
        )
    ws = open_workspace(tmp_path)
    analyze(ws, as_of=dt.date(2025, 12, 31), only=["segments"])
    table = load_result_table(ws, "segments", "attractiveness")
    row = table[table["name"] == "製造・中堅"]
    assert len(row) == 1 and row["kind"].iloc[0] == "rule"
    accounts = demo_tables["accounts"]
    expected = int(
        ((accounts["industry"] == "製造業") & accounts["employees"].between(100, 999)).sum()
    )
    assert int(row["accounts"].iloc[0]) == expected

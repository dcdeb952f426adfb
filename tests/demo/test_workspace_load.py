"""The generated frames drop straight into a workspace's canonical DuckDB tables."""

from __future__ import annotations

import pytest

from rashinban import init_workspace
from rashinban.demo import generate
from rashinban.schema import LOAD_ORDER, TABLES


@pytest.fixture(scope="module")
def small():  # type: ignore[no-untyped-def]
    return generate(300, seed=5)


def test_frames_insert_into_canonical_tables(small, tmp_path) -> None:
    ws = init_workspace(tmp_path / "ws")
    with ws.connect() as con:
        for name in LOAD_ORDER:
            frame = small[name]
            con.register("frame", frame)
            cols = ", ".join(f'"{c}"' for c in TABLES[name].column_names)
            con.execute(f'INSERT INTO "{name}" ({cols}) SELECT {cols} FROM frame')
            con.unregister("frame")
        for name in LOAD_ORDER:
            (count,) = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()  # type: ignore[misc]
            assert count == len(small[name]), name
        # Dates arrive as DATE and round-trip to the same calendar days.
        (first,) = con.execute('SELECT min(created_at) FROM "accounts"').fetchone()  # type: ignore[misc]
        assert first == small["accounts"]["created_at"].min().date()
        (won,) = con.execute(
            "SELECT count(*) FROM deals WHERE outcome = 'won' AND closed_at IS NOT NULL"
        ).fetchone()  # type: ignore[misc]
        assert won == (small["deals"]["outcome"] == "won").sum()

"""Churn features: no look-ahead, and equal to a naive pandas reimplementation."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import ibis
import numpy as np
import pandas as pd
import pytest

from rashinban import Workspace
from rashinban.churn import FEATURE_COLUMNS, churn_dates, churn_features

AS_OF = dt.date(2025, 6, 30)

# (table, date column) pairs whose rows after the as-of date are moved about.
_DATED = [
    ("usage", "date"),
    ("tickets", "opened_at"),
    ("surveys", "answered_at"),
    ("notes", "written_at"),
    ("orders", "ordered_at"),
    ("contacts", "created_at"),
]


def _features(path: Path, as_of: dt.date) -> pd.DataFrame:
    con = ibis.duckdb.connect(str(path), read_only=True)
    try:
        frame = churn_features(con, as_of).execute()
    finally:
        con.disconnect()
    return frame.sort_values("account_id", ignore_index=True)


def test_moving_future_rows_changes_no_feature(demo_ws: Workspace, tmp_path: Path) -> None:
    before = _features(demo_ws.data_path, AS_OF)
    moved = tmp_path / "moved.duckdb"
    shutil.copy(demo_ws.data_path, moved)
    a = f"DATE '{AS_OF}'"
    with duckdb.connect(str(moved)) as con:
        for table, col in _DATED:
            n = con.execute(f"SELECT count(*) FROM {table} WHERE {col} > {a}").fetchone()
            assert (n and n[0] > 0) or table == "contacts"
            # Shift half of the future rows further out and delete the rest.
            con.execute(
                f"UPDATE {table} SET {col} = {col} + INTERVAL 40 DAY "
                f"WHERE {col} > {a} AND hash({col}) % 2 = 0"
            )
            con.execute(f"DELETE FROM {table} WHERE {col} > {a} AND hash({col}) % 2 = 1")
        # Facts after the date that were "not yet" stay "not yet".
        con.execute(
            f"UPDATE tickets SET closed_at = closed_at + INTERVAL 30 DAY WHERE closed_at > {a}"
        )
        con.execute(f"UPDATE tickets SET satisfaction = 1 WHERE closed_at > {a}")
        con.execute(f"UPDATE subscriptions SET ended_at = NULL WHERE ended_at > {a}")
    after = _features(moved, AS_OF)
    assert len(before) > 100
    pd.testing.assert_frame_equal(before, after)


def test_moving_a_past_row_does_change_features(demo_ws: Workspace, tmp_path: Path) -> None:
    """The look-ahead test can fail: a high-priority ticket opened before the date shows."""
    before = _features(demo_ws.data_path, AS_OF).set_index("account_id")
    moved = tmp_path / "past.duckdb"
    shutil.copy(demo_ws.data_path, moved)
    target = str(before.index[0])
    with duckdb.connect(str(moved)) as con:
        con.execute(
            "INSERT INTO tickets (ticket_id, account_id, opened_at, priority) "
            f"VALUES ('TX1', '{target}', DATE '{AS_OF}' - INTERVAL 5 DAY, '高')"
        )
    after = _features(moved, AS_OF).set_index("account_id")
    assert after.loc[target, "open_high_tickets"] == before.loc[target, "open_high_tickets"] + 1


def _naive(tables: dict[str, pd.DataFrame], day: dt.date) -> pd.DataFrame:
    """The same features, the plain pandas way, for a check of the Ibis expressions."""
    ts = pd.Timestamp(day)
    subs = tables["subscriptions"]
    run = subs[
        (pd.to_datetime(subs.started_at) <= ts)
        & (subs.ended_at.isna() | (pd.to_datetime(subs.ended_at) > ts))
    ]
    out = run.groupby("account_id", observed=True).agg(mrr=("mrr", "sum"))
    u = tables["usage"].copy()
    u["date"] = pd.to_datetime(u["date"])
    u = u[(u.date <= ts) & (u.date > ts - pd.Timedelta(days=168)) & (u.metric == "active_users")]
    rec = (
        u[u.date > ts - pd.Timedelta(days=42)].groupby("account_id", observed=True)["value"].mean()
    )
    bef = (
        u[u.date <= ts - pd.Timedelta(days=42)].groupby("account_id", observed=True)["value"].mean()
    )
    ratio = (rec / bef).reindex(out.index).fillna(1.0)
    out["usage_drop_active_users"] = (1 - ratio).clip(0, 1)
    t = tables["tickets"].copy()
    for c in ("opened_at", "closed_at"):
        t[c] = pd.to_datetime(t[c])
    t = t[t.opened_at <= ts]
    open_high = t[(t.closed_at.isna() | (t.closed_at > ts)) & (t.priority == "高")]
    out["open_high_tickets"] = (
        open_high.groupby("account_id", observed=True).size().reindex(out.index).fillna(0)
    )
    s = tables["surveys"].copy()
    s["answered_at"] = pd.to_datetime(s["answered_at"])
    s = s[s.answered_at <= ts].sort_values(["answered_at", "response_id"])
    last = s.groupby("account_id", observed=True).tail(1).set_index("account_id")
    fresh = last.answered_at > ts - pd.Timedelta(days=180)
    det = (fresh & (last.nps <= 6)).astype(int)
    out["detractor"] = det.reindex(out.index).fillna(0)
    return out


def test_features_match_naive_pandas(demo_backend, demo_tables: dict[str, pd.DataFrame]) -> None:  # type: ignore[no-untyped-def]
    got = churn_features(demo_backend, AS_OF).execute().set_index("account_id").sort_index()
    want = _naive(demo_tables, AS_OF).sort_index()
    assert list(got.index) == list(want.index)
    for col in want.columns:
        np.testing.assert_allclose(got[col].astype(float), want[col].astype(float), rtol=1e-9)
    assert set(FEATURE_COLUMNS) <= set(got.columns)
    assert not got[list(FEATURE_COLUMNS)].isna().any().any()


def test_several_dates_in_one_query_equal_one_at_a_time(demo_backend) -> None:  # type: ignore[no-untyped-def]
    days = [dt.date(2024, 9, 30), AS_OF]
    both = churn_features(demo_backend, days).execute()
    for day in days:
        one = churn_features(demo_backend, day).execute().sort_values("account_id")
        part = both[pd.to_datetime(both.as_of) == pd.Timestamp(day)].sort_values("account_id")
        cols = ["account_id", *FEATURE_COLUMNS]
        pd.testing.assert_frame_equal(
            one[cols].reset_index(drop=True), part[cols].reset_index(drop=True)
        )


def test_churn_dates_match_naive(demo_backend, demo_tables: dict[str, pd.DataFrame]) -> None:  # type: ignore[no-untyped-def]
    got = churn_dates(demo_backend.table("subscriptions")).execute().set_index("account_id")
    subs = demo_tables["subscriptions"]
    for acc, grp in subs.groupby("account_id", observed=True):
        want = None if grp.ended_at.isna().any() else pd.Timestamp(grp.ended_at.max())
        have = got.loc[acc, "churn_date"]
        if want is None:
            assert pd.isna(have), acc
        else:
            assert pd.Timestamp(have) == want, acc


@pytest.mark.parametrize("bad", ["2025-13-01"])
def test_bad_date_is_rejected(demo_backend, bad: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="month"):
        churn_features(demo_backend, bad)


def test_churn_dates_as_known_on_a_day() -> None:
    subs = ibis.memtable(
        pd.DataFrame(
            {
                "account_id": ["A", "A", "B", "C"],
                "started_at": pd.to_datetime(
                    ["2024-01-01", "2025-01-01", "2024-01-01", "2024-01-01"]
                ).date,
                "ended_at": pd.to_datetime(["2024-06-01", None, "2025-03-01", None]).date,
            }
        )
    )

    def dates(known_on: str | None) -> dict[str, str | None]:
        out = churn_dates(subs, known_on).execute()
        return {
            a: None if pd.isna(d) else str(d)[:10]
            for a, d in zip(out["account_id"], out["churn_date"], strict=True)
        }

    # A left and came back later; B's end lies after the day; C never left.
    assert dates("2024-12-31") == {"A": "2024-06-01", "B": None, "C": None}
    assert dates(None) == {"A": None, "B": "2025-03-01", "C": None}


def test_training_ignores_rows_after_the_as_of_date(demo_ws: Workspace, tmp_path: Path) -> None:
    from rashinban.churn import fit_churn_model

    def coef(path: Path) -> dict[str, float]:
        con = ibis.duckdb.connect(str(path), read_only=True)
        try:
            return fit_churn_model(con, AS_OF).coef_
        finally:
            con.disconnect()

    before = coef(demo_ws.data_path)
    moved = tmp_path / "moved.duckdb"
    shutil.copy(demo_ws.data_path, moved)
    a = f"DATE '{AS_OF}'"
    with duckdb.connect(str(moved)) as con:
        for table, col in _DATED:
            con.execute(f"DELETE FROM {table} WHERE {col} > {a}")
        con.execute(f"DELETE FROM subscriptions WHERE started_at > {a}")
        con.execute(f"UPDATE subscriptions SET ended_at = NULL WHERE ended_at > {a}")
    after = coef(moved)
    assert before == pytest.approx(after, rel=1e-12, abs=1e-12)


def test_churn_labels_agree_with_the_snapshots(demo_backend) -> None:  # type: ignore[no-untyped-def]
    from rashinban.churn import churn_labels, labelled_snapshots

    day = dt.date(2025, 3, 31)
    labels = churn_labels(demo_backend, day, 90, data_end=dt.date(2025, 12, 29)).execute()
    snaps = labelled_snapshots(demo_backend, [day], 90)
    got = labels.set_index("account_id")["churned"].sort_index()
    want = snaps.set_index("account_id")["churned"].sort_index()
    assert list(got.index) == list(want.index)
    assert (got.to_numpy() == want.to_numpy()).all()
    assert labels["resolved"].all() and 0 < got.sum() < len(got)

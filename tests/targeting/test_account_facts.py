"""account_facts against a naive pandas version, and its no-look-ahead guarantee."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from rashinban import init_workspace
from rashinban.engine import ACCOUNT_FACT_COLUMNS, account_facts
from rashinban.importing import load_frames

from .conftest import BEFORE


def _naive(t: dict[str, pd.DataFrame], as_of: dt.date) -> pd.DataFrame:
    end = pd.Timestamp(as_of) + pd.Timedelta(hours=23, minutes=59, seconds=59)
    acc = t["accounts"][t["accounts"]["created_at"] <= end].set_index("account_id")
    d = t["deals"]
    d = d[(d["kind"] == "new") & (d["created_at"] <= end)]
    closed = d["closed_at"].notna() & (d["closed_at"] <= end)
    won = d[closed & (d["outcome"] == "won")]
    lost = d[closed & (d["outcome"] == "lost")]
    s = t["subscriptions"]
    s = s[s["started_at"] <= end]
    running = s[s["ended_at"].isna() | (s["ended_at"] > end)]
    out = pd.DataFrame(index=acc.index)
    out["deals_won"] = won.groupby("account_id").size()
    out["deals_lost"] = lost.groupby("account_id").size()
    out["deals_open"] = d[~closed].groupby("account_id").size()
    out["mrr"] = running.groupby("account_id")["mrr"].sum()
    out = out.fillna(0)
    has_subs = acc.index.isin(s["account_id"])
    has_running = acc.index.isin(running["account_id"])
    won_ever = acc.index.isin(won["account_id"])
    out["is_customer"] = has_subs | won_ever
    out["churned"] = has_subs & ~has_running
    sv = t["surveys"][t["surveys"]["answered_at"] <= end]
    out["nps_mean"] = sv.groupby("account_id")["nps"].mean()
    ld = t["leads"][t["leads"]["created_at"] <= end].sort_values(["created_at", "lead_id"])
    out["leads"] = ld.groupby("account_id").size()
    out["leads"] = out["leads"].fillna(0)
    out["channel"] = ld.groupby("account_id")["channel"].first()
    return out


@pytest.mark.parametrize("as_of", [BEFORE, dt.date(2025, 6, 30)])
def test_facts_match_a_naive_pandas_reimplementation(demo_ws, demo_tables, as_of) -> None:
    got = account_facts(demo_ws.backend(read_only=True), as_of).execute().set_index("account_id")
    assert list(got.reset_index().columns) == list(ACCOUNT_FACT_COLUMNS)
    want = _naive(demo_tables, as_of)
    assert set(got.index) == set(want.index)
    got = got.loc[want.index]
    for col in ("deals_won", "deals_lost", "deals_open", "leads"):
        assert (got[col].to_numpy() == want[col].to_numpy()).all(), col
    assert np.allclose(got["mrr"], want["mrr"])
    assert (got["is_customer"].to_numpy() == want["is_customer"].to_numpy()).all()
    assert (got["churned"].to_numpy() == want["churned"].to_numpy()).all()
    assert np.allclose(got["nps_mean"], want["nps_mean"], equal_nan=True)
    assert (got["channel"].fillna("-") == want["channel"].fillna("-")).all()


def test_future_rows_do_not_change_the_facts(demo_tables, tmp_path) -> None:
    """Moving every row dated after the as-of date further into the future changes nothing."""
    cut = pd.Timestamp(BEFORE) + pd.Timedelta(days=1)
    shifted = {}
    for name, frame in demo_tables.items():
        f = frame.copy()
        for col in f.columns:
            if pd.api.types.is_datetime64_any_dtype(f[col]):
                late = f[col] >= cut
                f.loc[late, col] = f.loc[late, col] + pd.Timedelta(days=400)
        shifted[name] = f
    # a deal closed in the future must stay unknown: also flip future outcomes
    d = shifted["deals"]
    late = d["closed_at"] >= cut
    d.loc[late, "outcome"] = np.where(d.loc[late, "outcome"] == "won", "lost", "won")
    ws_a = init_workspace(tmp_path / "a")
    load_frames(ws_a, demo_tables)
    ws_b = init_workspace(tmp_path / "b")
    load_frames(ws_b, shifted)
    a = account_facts(ws_a.backend(read_only=True), BEFORE).execute()
    b = account_facts(ws_b.backend(read_only=True), BEFORE).execute()
    pd.testing.assert_frame_equal(a, b)

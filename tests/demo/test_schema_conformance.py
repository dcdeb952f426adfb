"""The demo fills every canonical table exactly as the schema registry declares it."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from rashinban.demo import generate
from rashinban.schema import LOAD_ORDER, TABLES

START, END = pd.Timestamp(date(2023, 1, 1)), pd.Timestamp(date(2025, 12, 31))


def test_every_table_present_with_exact_columns(tables) -> None:
    assert set(tables) == set(TABLES)
    for name, frame in tables.items():
        assert tuple(frame.columns) == TABLES[name].column_names, name
        assert len(frame) > 0, name


@pytest.mark.parametrize("name", LOAD_ORDER)
def test_keys_unique(tables, name: str) -> None:
    key = list(TABLES[name].key)
    assert not tables[name].duplicated(key).any()
    assert tables[name][key].notna().all().all()


@pytest.mark.parametrize("name", LOAD_ORDER)
def test_enum_values_valid(tables, name: str) -> None:
    for col in TABLES[name].columns:
        if col.kind == "enum" and col.values:
            values = set(tables[name][col.name].dropna())
            assert values <= set(col.values), (name, col.name, values - set(col.values))


@pytest.mark.parametrize("name", LOAD_ORDER)
def test_numeric_bounds(tables, name: str) -> None:
    for col in TABLES[name].columns:
        if col.low is None and col.high is None:
            continue
        s = tables[name][col.name].dropna().astype(float)
        if col.low is not None:
            assert (s >= col.low).all(), (name, col.name)
        if col.high is not None:
            assert (s <= col.high).all(), (name, col.name)


def _references() -> list[tuple[str, str, str]]:
    out = []
    for table in TABLES.values():
        for col in table.columns:
            if col.references:
                out.append((table.name, col.name, col.references))
    return out


@pytest.mark.parametrize(("name", "column", "target"), _references())
def test_foreign_keys_resolve(tables, name: str, column: str, target: str) -> None:
    refs = tables[name][column].dropna().astype(str)
    key = TABLES[target].key[0]
    missing = set(refs) - set(tables[target][key])
    assert not missing, (name, column, sorted(missing)[:5])


def test_foreign_keys_cover_leads_contacts_and_notes(tables) -> None:
    # A reference must also point at the same account as its row.
    con = tables["contacts"].set_index("contact_id")["account_id"]
    leads = tables["leads"]
    assert (leads["contact_id"].map(con) == leads["account_id"]).all()
    deals = tables["deals"].set_index("deal_id")["account_id"]
    notes = tables["notes"].dropna(subset=["deal_id"])
    assert (notes["deal_id"].map(deals) == notes["account_id"]).all()
    surveys = tables["surveys"]
    assert (surveys["contact_id"].map(con) == surveys["account_id"]).all()


@pytest.mark.parametrize("name", LOAD_ORDER)
def test_dates_are_dates_within_range(tables, name: str) -> None:
    for col in TABLES[name].columns:
        if col.kind != "date":
            continue
        s = tables[name][col.name]
        assert s.dtype == "datetime64[s]", (name, col.name, s.dtype)
        s = s.dropna()
        assert ((s >= START) & (s <= END)).all(), (name, col.name)
        assert (s == s.dt.normalize()).all()


def test_no_look_ahead(tables) -> None:
    def ordered(frame: pd.DataFrame, early: str, late: str) -> None:
        both = frame.dropna(subset=[early, late])
        assert (both[late] >= both[early]).all(), (early, late)

    ordered(tables["deals"], "created_at", "closed_at")
    ordered(tables["leads"], "created_at", "mql_at")
    ordered(tables["leads"], "mql_at", "sql_at")
    ordered(tables["subscriptions"], "started_at", "ended_at")
    ordered(tables["tickets"], "opened_at", "closed_at")
    ordered(tables["campaigns"], "started_at", "ended_at")
    acc = tables["accounts"].set_index("account_id")["created_at"]
    for name, col in [("leads", "created_at"), ("deals", "created_at"), ("contacts", "created_at")]:
        frame = tables[name]
        assert (frame[col] >= frame["account_id"].map(acc)).all(), name
    con = tables["contacts"].set_index("contact_id")["created_at"]
    leads = tables["leads"]
    assert (leads["created_at"] >= leads["contact_id"].map(con)).all()
    surveys = tables["surveys"]
    assert (surveys["answered_at"] >= surveys["contact_id"].map(con)).all()
    # Nothing happens to a customer before its first subscription starts.
    first = tables["subscriptions"].groupby("account_id")["started_at"].min()
    for name, col in [
        ("orders", "ordered_at"),
        ("tickets", "opened_at"),
        ("surveys", "answered_at"),
    ]:
        frame = tables[name]
        assert (frame[col] >= frame["account_id"].map(first)).all(), name
    usage = tables["usage"]
    assert (usage["date"] >= usage["account_id"].astype(str).map(first)).all()
    # Notes about a deal are written while or after it runs, never before.
    deals = tables["deals"].set_index("deal_id")
    notes = tables["notes"].dropna(subset=["deal_id"])
    assert (notes["written_at"] >= notes["deal_id"].map(deals["created_at"])).all()
    interviews = notes[notes["kind"] == "interview"]
    closed = interviews["deal_id"].map(deals["closed_at"])
    assert (interviews["written_at"][closed.notna()] <= closed.dropna()).all()


def test_outcome_and_dates_agree(tables) -> None:
    deals = tables["deals"]
    assert deals.loc[deals["outcome"] == "open", "closed_at"].isna().all()
    assert deals.loc[deals["outcome"] != "open", "closed_at"].notna().all()
    lost = deals[deals["outcome"] == "lost"]
    assert lost["loss_reason"].notna().all()
    assert deals.loc[deals["outcome"] == "won", "loss_reason"].isna().all()
    tickets = tables["tickets"]
    assert tickets.loc[tickets["closed_at"].isna(), "satisfaction"].isna().all()
    leads = tables["leads"]
    assert leads.loc[leads["status"] == "converted", "sql_at"].notna().all()
    assert leads.loc[leads["status"] == "disqualified", "disqualified_reason"].notna().all()


def test_status_consistent_with_subscriptions(tables) -> None:
    subs = tables["subscriptions"]
    active = set(subs.loc[subs["ended_at"].isna(), "account_id"])
    ever = set(subs["account_id"])
    acc = tables["accounts"].set_index("account_id")["status"]
    assert set(acc[acc == "customer"].index) == active
    assert set(acc[acc == "churned"].index) == ever - active
    assert set(acc[acc == "prospect"].index).isdisjoint(ever)
    # every status occurs, and there are open deals and open leads at the end
    assert set(acc) == {"prospect", "customer", "churned"}
    assert (tables["deals"]["outcome"] == "open").any()
    assert (tables["leads"]["status"] == "open").any()


def test_new_deal_joins_its_lead_on_sql_day(tables) -> None:
    deals = tables["deals"]
    new = deals[deals["kind"] == "new"]
    keys = set(zip(tables["leads"]["account_id"], tables["leads"]["sql_at"], strict=True))
    assert all(k in keys for k in zip(new["account_id"], new["created_at"], strict=True))


def test_usage_weekly_mondays_three_metrics(tables) -> None:
    usage = tables["usage"]
    assert (usage["date"].dt.dayofweek == 0).all()
    assert set(usage["metric"].cat.categories) == {"logins", "active_users", "records_created"}
    counts = usage.groupby(["account_id", "date"], observed=True).size()
    assert (counts == 3).all()
    assert (usage["value"] >= 0).all()


def test_plan_carries_seat_limit_and_active_users_respect_it(tables) -> None:
    subs = tables["subscriptions"]
    core = subs[subs["product_id"] == "P01"]
    limits = core["plan"].str.extract(r"^(Starter|Standard|Business|Enterprise)-(\d+)$")
    assert limits.notna().all().all()
    # At every usage week, active users never exceed the largest limit the account held.
    core = core.assign(limit=limits[1].astype(int))
    top = core.groupby("account_id")["limit"].max()
    usage = tables["usage"]
    au = usage[usage["metric"] == "active_users"]
    mx = au.groupby(au["account_id"].astype(str))["value"].max()
    assert (mx <= mx.index.map(top)).all()


def test_size_parameter_and_small_sizes() -> None:
    for n in (1, 50):
        t = generate(n, seed=3)
        assert len(t["accounts"]) == n
        assert set(t) == set(TABLES)


def test_custom_period_stays_in_range() -> None:
    t = generate(400, seed=2, start=date(2024, 1, 1), end=date(2024, 12, 31))
    lo, hi = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31")
    for name, table in TABLES.items():
        for col in table.columns:
            if col.kind == "date":
                s = t[name][col.name].dropna()
                assert ((s >= lo) & (s <= hi)).all(), (name, col.name)


def test_money_is_float_jpy(tables) -> None:
    for name, table in TABLES.items():
        for col in table.columns:
            if col.kind == "money":
                s = tables[name][col.name]
                assert s.dtype == np.float64, (name, col.name)
    assert (tables["subscriptions"]["mrr"] > 0).all()
    assert (tables["orders"]["amount"] < 0).any()  # credits exist

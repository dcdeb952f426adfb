"""Who gets offers: current customers only, and only on enough evidence; else say why."""

from __future__ import annotations

import datetime as dt
import re

import ibis
import pandas as pd
import pytest
from typer.testing import CliRunner

from rashinban import InvalidValueError, Workspace
from rashinban.cli import app
from rashinban.crosssell import (
    BUYER_DAYS,
    MIN_EVIDENCE,
    association_rules,
    baskets,
    customers,
    prospects,
    recommend,
    require_customer,
    segment_label,
    size_band,
)
from rashinban.crosssell._baskets import segment_label_en

END = dt.date(2025, 12, 29)
TINY_END = "2025-01-15"


def _naive_standing(tables: dict[str, pd.DataFrame], day: dt.date) -> dict[str, set[str]]:
    """Current customers, churned subscribers and prospects, counted in plain pandas."""
    ts = pd.Timestamp(day)
    subs, orders, deals = tables["subscriptions"], tables["orders"], tables["deals"]
    started = subs[pd.to_datetime(subs.started_at) <= ts]
    ended = pd.to_datetime(started.ended_at)
    running = set(started.loc[started.ended_at.isna() | (ended > ts), "account_id"])
    subscribers = set(started["account_id"])
    od = pd.to_datetime(orders.ordered_at)
    ordered = set(orders.loc[od <= ts, "account_id"])
    recent = set(orders.loc[(od <= ts) & (od > ts - pd.Timedelta(days=BUYER_DAYS)), "account_id"])
    won = deals[
        (deals.kind == "new") & (deals.outcome == "won") & (pd.to_datetime(deals.closed_at) <= ts)
    ]
    acc = tables["accounts"]
    created = set(acc.loc[pd.to_datetime(acc.created_at) <= ts, "account_id"])
    return {
        "current": running | (recent - subscribers),
        "churned_buying": (subscribers - running) & recent,
        "prospects": created - subscribers - ordered - set(won["account_id"]),
    }


def test_offers_go_to_current_customers_only(
    demo_backend,  # type: ignore[no-untyped-def]
    demo_tables: dict[str, pd.DataFrame],
) -> None:
    naive = _naive_standing(demo_tables, END)
    assert set(customers(demo_backend, END).execute()["account_id"]) == naive["current"]
    # Churned subscribers who still ordered in the year: they used to get offers.
    assert len(naive["churned_buying"]) >= 10
    offered = set(recommend(demo_backend, END)["account_id"])
    assert offered <= naive["current"]
    assert not offered & naive["churned_buying"]
    print(f"\n{len(offered)} of {len(naive['current'])} current customers get an offer")
    assert len(offered) >= 0.9 * len(naive["current"])


def test_prospects_have_never_been_customers(
    demo_backend,  # type: ignore[no-untyped-def]
    demo_tables: dict[str, pd.DataFrame],
) -> None:
    naive = _naive_standing(demo_tables, END)
    got = set(prospects(demo_backend, END).execute()["account_id"])
    assert got == naive["prospects"]
    assert not got & naive["churned_buying"]
    # At the end of the data they are exactly the CRM's prospects (churned ones are not).
    acc = demo_tables["accounts"]
    last = set(prospects(demo_backend, "2025-12-31").execute()["account_id"])
    assert last == set(acc.loc[acc["status"] == "prospect", "account_id"])


def test_every_offer_rests_on_enough_accounts(demo_backend) -> None:  # type: ignore[no-untyped-def]
    recs = recommend(demo_backend, END)
    rules = association_rules(baskets(demo_backend, END), min_count=1).execute()
    pair = rules.set_index(["antecedent", "consequent"])["n_both"]
    by_rule = recs[recs["source"] == "rule"]
    assert len(by_rule) and len(recs) > len(by_rule)
    for r in by_rule.itertuples():
        assert pair[(r.antecedent, r.product_id)] >= MIN_EVIDENCE
    for reason in recs.loc[recs["source"] == "segment", "reason_ja"]:
        found = re.search(r"（(\d+)社中(\d+)社）", reason)
        assert found, reason
        assert int(found[1]) >= MIN_EVIDENCE and int(found[2]) >= 1, reason


def test_segment_names_read_right_when_industry_or_size_is_unknown() -> None:
    t = ibis.memtable(
        pd.DataFrame(
            {"industry": ["製造業", None, "製造業", "建設業"], "employees": [None, 50, 120, 1500]}
        ).astype({"employees": "Int64"})
    )
    ja = t.select(s=segment_label(t.industry, t.employees)).execute()["s"].tolist()
    # bands as the other analyses write them: 100〜999名 / 1000名以上, 100–999 employees
    assert ja == [
        "製造業・従業員数不明",
        "業種不明・従業員30〜99名",
        "製造業・従業員100〜999名",
        "建設業・従業員1000名以上",
    ]
    en = t.select(s=segment_label_en(t.industry, size_band(t.employees))).execute()["s"]
    assert en.tolist() == [
        "製造業, size unknown",
        "industry unknown, 30–99 employees",
        "製造業, 100–999 employees",
        "建設業, 1000+ employees",
    ]


def _run(ws: Workspace, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["crosssell", "-w", str(ws.path), *args])


def test_a_churned_account_is_told_it_is_not_a_customer(
    demo_ws: Workspace, demo_tables: dict[str, pd.DataFrame]
) -> None:
    naive = _naive_standing(demo_tables, END)
    account = sorted(naive["churned_buying"])[0]
    subs = demo_tables["subscriptions"]
    last_end = pd.to_datetime(subs.loc[subs.account_id == account, "ended_at"]).max().date()
    res = _run(demo_ws, "--as-of", str(END), "--account", account)
    assert res.exit_code == 1
    message = str(res.exception)
    assert message.startswith(
        f"取引先 {account} は {END} 時点で現在の顧客ではありません"
        f"（解約済み: 契約は {last_end} にすべて終了）。クロスセルは現在の顧客だけに提案します / "
        f"account {account} is not a current customer on {END} "
        f"(churned: its last subscription ended on {last_end}); "
        "cross-sell offers go to current customers only — fix: "
    )
    before = last_end - dt.timedelta(days=1)
    assert f"use --as-of {before}" in message
    # The fix works: while it was a customer the command answers (exit 0).
    assert _run(demo_ws, "--as-of", str(before), "--account", account, "-f", "json").exit_code == 0


def test_tiny_data_says_not_enough_data_instead_of_offering(tiny_ws: Workspace) -> None:
    backend = tiny_ws.backend()
    try:
        assert recommend(backend, TINY_END).empty
    finally:
        backend.disconnect()
    res = _run(tiny_ws, "-f", "json")
    assert res.exit_code == 1 and res.stdout == ""
    assert str(res.exception).startswith(
        "提案の根拠となるデータが足りません: 現在の顧客4社、同じセグメント（業種×従業員規模）の"
        "顧客は最大1社、同じ2商品を併用する取引先は最大1社で、根拠には5社以上が必要です / "
        "not enough data for an offer: 4 current customers, at most 1 in one segment "
        "(industry × size) and at most 1 account owning the same two products; "
        "evidence needs 5 or more — fix: "
    )
    res = _run(tiny_ws, "--account", "T2")
    assert res.exit_code == 1
    assert "同じセグメント（製造業・従業員数不明）の顧客は1社" in str(res.exception)
    assert "1 customer in its segment (製造業, size unknown)" in str(res.exception)


def test_prospects_and_lapsed_buyers_are_named_with_a_fix(tiny_ws: Workspace) -> None:
    res = _run(tiny_ws, "--account", "T4")
    assert res.exit_code == 1
    assert str(res.exception) == (
        f"取引先 T4 は {TINY_END} 時点で現在の顧客ではありません"
        "（見込み客: 購入・契約の履歴なし）。クロスセルは現在の顧客だけに提案します / "
        "account T4 is not a current customer on "
        f"{TINY_END} (a prospect: no order or subscription); cross-sell offers go to current "
        "customers only — fix: 見込み客の適合度は rashinban score --kind account で見られます / "
        "for a prospect's fit, use rashinban score --kind account"
    )
    # A buyer without a subscription lapses a year after its last order (T3: 2024-04-25).
    backend = tiny_ws.backend()
    try:
        require_customer(backend, "2025-04-24", "T3")
        with pytest.raises(InvalidValueError) as lapsed:
            require_customer(backend, "2025-04-25", "T3")
    finally:
        backend.disconnect()
    assert "（2025-04-25 までの365日間に注文なし、最後の注文は 2024-04-25）" in lapsed.value.message
    assert "(no order in the 365 days up to 2025-04-25; the last was on 2024-04-25)" in (
        lapsed.value.message
    )
    assert "use --as-of 2024-04-25" in str(lapsed.value.fix)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_cli_reasons_name_products_in_either_language(demo_ws: Workspace, lang: str) -> None:
    import json

    res = _run(demo_ws, "--as-of", str(END), "-f", "json", "--lang", lang, "--top", "200")
    assert res.exit_code == 0, res.output
    cross = [r for r in json.loads(res.stdout)["recommendations"] if r["kind"] == "cross-sell"]
    assert cross
    for r in cross:
        assert not re.search(r"\bP\d\d\b", r["reason"]), r["reason"]


def test_the_cli_offers_each_product_once_per_account(demo_ws: Workspace) -> None:
    import json

    res = _run(demo_ws, "--as-of", str(END), "-f", "json", "--lang", "en")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["recommendations"]
    pairs = [(r["account_id"], r["product_id"]) for r in rows]
    assert len(pairs) == len(set(pairs))
    # An account near its seat limit and below its segment's median is offered the next
    # plan once, for the stronger reason.
    core = [r for r in rows if r["product_id"] == "P01" and r["kind"] == "up-sell"]
    assert {r["source"] for r in core} >= {"seat_limit", "below_median"}
    assert not any("Annual revenue" in r["reason"] for r in rows)

"""Lookalikes on small or missing data: absence is not likeness, tiny bases are not lifts."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rashinban import Workspace, init_workspace
from rashinban.cli import app
from rashinban.icp import MIN_BASE_SUPPORT, best_n_commonality, lookalikes
from rashinban.importing import load_frames
from rashinban.pipeline._targeting_views import lookalike_view

AS_OF = dt.date(2024, 2, 1)  # the day the subscriptions start: the end of the data


@pytest.fixture(scope="module")
def six(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """Two best customers S1, S2, two other customers, two prospects. No leads, contacts
    or revenue figures: every account's channel and decision-maker contact are 「なし」
    and its revenue band 「不明」."""
    ids = ["S1", "S2", "C3", "C4", "P5", "P6"]
    accounts = pd.DataFrame(
        {
            "account_id": ids,
            "name": [f"会社{i}" for i in ids],
            "industry": ["製造業", "製造業", "製造業", "情報通信業", "製造業", None],
            "prefecture": ["東京都", "神奈川県", "大阪府", "東京都", "東京都", "北海道"],
            "employees": pd.array([150, 200, 500, 150, None, 150], dtype="Int64"),
            "created_at": [pd.Timestamp("2024-01-01")] * 6,
        }
    )
    subs = pd.DataFrame(
        {
            "subscription_id": ["X1", "X2", "X3", "X4"],
            "account_id": ["S1", "S2", "C3", "C4"],
            "mrr": [10000.0] * 4,
            "started_at": [pd.Timestamp("2024-02-01")] * 4,
        }
    )
    ws = init_workspace(Path(tmp_path_factory.mktemp("six")) / "ws")
    load_frames(ws, {"accounts": accounts, "subscriptions": subs})
    return ws


def test_missing_values_are_never_shared_and_small_bases_are_flagged(six: Workspace) -> None:
    out = lookalike_view(six, ["S1", "S2"], as_of=AS_OF)
    shared = {(r["feature"], r["value"]): r for r in out["shared"]}
    # 不明 revenue, なし channel and なし decision-maker contact are shared by all six: not listed.
    assert set(shared) == {("industry", "製造業"), ("size_band", "100〜299名"), ("region", "関東")}
    for r in shared.values():
        # the other customers are C3 and C4, one of whom has each value: 1 of 2 < 5
        assert (r["customers_with_value"], r["customers_compared"]) == (1, 2)
        assert r["share_customers"] == 0.5 and r["count"] == 2
        assert r["lift"] is None and r["indicative"] is True
    assert shared[("industry", "製造業")]["sentence"] == (
        "2社中2社が業種「製造業」(他の顧客では50.0%、2社中1社。件数が少ないため参考値)"
    )
    # Each value is held by 2 of the 4 other accounts: equal weights −log(2.5 / 5), so
    # P5 (製造業, 関東; size unknown) has 2 of 3 and P6 (100〜299名; industry unknown) 1 of 3.
    look = {r["account_id"]: r for r in out["lookalikes"]}
    assert look["P5"]["similarity"] == pytest.approx(2 / 3, abs=1e-4)
    assert look["P6"]["similarity"] == pytest.approx(1 / 3, abs=1e-4)
    assert sorted(look["P5"]["reasons"]) == ["地域が関東(共通点)", "業種が製造業(共通点)"]
    english = lookalike_view(six, ["S1", "S2"], as_of=AS_OF, lang="en")
    sentence = next(r["sentence"] for r in english["shared"] if r["feature"] == "region")
    assert sentence == (
        "2 of 2 share region 'Kanto' (other customers: 50.0%, 1 of 2; few accounts, "
        "indicative only)"
    )


def test_accounts_sharing_only_missing_data_share_nothing(six: Workspace) -> None:
    # P6 and C3 have nothing on record in common (industry unknown vs 製造業, 150 vs 500
    # employees, 北海道 vs 大阪府): 「不明」 revenue and 「なし」 channel are not a likeness.
    out = lookalike_view(six, ["P6", "C3"], as_of=AS_OF, lang="en")
    assert out["shared"] == [] and out["lookalikes"] == []
    assert out["note"] == (
        "No value counts as shared ('unknown' and 'none' mean nothing is on record, so they "
        "never do)."
    )


def test_tiny_workspace_lookalike_claims_no_similarity(tiny_ws: Workspace) -> None:
    # T6 and T1 share only an absent channel and no decision-maker contact on record.
    res = CliRunner().invoke(
        app, ["lookalike", "T6", "T1", "-w", str(tiny_ws.path), "--lang", "en"]
    )
    assert res.exit_code == 0, res.output
    text = " ".join(res.stdout.split())
    assert "T4" not in text and "none" not in text.replace("'none'", "")
    assert "shared: no rows" in text and "lookalikes: no rows" in text
    assert "No value counts as shared" in text
    ja = CliRunner().invoke(app, ["lookalike", "T6", "T1", "-w", str(tiny_ws.path)])
    assert "共通点に数えられる値がありません" in "".join(ja.stdout.split())


def _facts(n_other: int, manufacturing: int, big: int) -> pd.DataFrame:
    """Three best customers B0–B2 (all 製造業; B0 and B1 have 1,000+ employees), then
    ``n_other`` other customers of which ``manufacturing`` are 製造業 and ``big`` have
    1,000+ employees, then two prospects with 1,000+ employees."""
    n = 3 + n_other + 2
    ids = [f"B{i}" for i in range(3)] + [f"O{i:05d}" for i in range(n_other)] + ["Q1", "Q2"]
    industry = ["製造業"] * 3 + [
        "製造業" if i < manufacturing else "建設業" for i in range(n_other)
    ]
    employees = [2000, 2000, 50] + [2000 if i < big else 50 for i in range(n_other)]
    return pd.DataFrame(
        {
            "account_id": ids,
            "industry": [*industry, "建設業", "建設業"],
            "employees": [*employees, 3000, 3000],
            "prefecture": ["東京都"] * n,
            "annual_revenue": [1e9] * n,
            "channel": ["Web"] * n,
            "has_decision_maker": [True] * n,
            "is_customer": [True] * (n - 2) + [False, False],
            "status_asof": ["customer"] * (n - 2) + ["prospect", "prospect"],
        }
    )


def test_lift_is_shrunk_against_the_other_customers_only() -> None:
    common = best_n_commonality(_facts(1000, 100, 0), ["B0", "B1", "B2"]).set_index("feature")
    row = common.loc["industry"]
    # 3 of 3 best against 100 of the 1,000 others (the best left out). Prior: the pooled
    # rate 103/1,003 worth 20 accounts, a = 20 × 103/1,003; shrunk rates (3 + a)/23 and
    # (100 + a)/1,020.
    a = 20 * 103 / 1003
    assert row["lift"] == pytest.approx(((3 + a) / 23) / ((100 + a) / 1020), rel=1e-9)
    assert row["lift"] == pytest.approx(2.196, abs=1e-3)  # not 10 (raw), not 9.74 (best counted)
    assert (row["customers_with_value"], row["customers_compared"]) == (100, 1000)
    assert row["share_customers"] == 0.1 and not row["indicative"]
    # Values every customer has are not distinctive: 3 of 3 against 1,000 of 1,000.
    assert common.loc["channel", "lift"] == pytest.approx(1.0, abs=1e-3)


def test_a_value_only_the_best_hold_gets_no_lift() -> None:
    # 2 of the 3 best have 1,000+ employees and no other customer does: the base rate is
    # 0 of 1,000, so there is no ratio to show; counted with the best it would read 0.2%
    # and a lift of 333.
    common = best_n_commonality(_facts(1000, 100, 0), ["B0", "B1", "B2"]).set_index("feature")
    row = common.loc["size_band"]
    assert row["value"] == "1000名以上" and row["customers_with_value"] == 0
    assert math.isnan(row["lift"]) and row["indicative"]
    assert row["sentence_ja"].endswith("(他の顧客では0.0%、1,000社中0社。件数が少ないため参考値)")
    assert common.index[0] == "size_band"  # still the most distinctive, flagged
    # From MIN_BASE_SUPPORT other holders on, the lift is shown.
    enough = best_n_commonality(_facts(1000, 100, MIN_BASE_SUPPORT), ["B0", "B1", "B2"])
    shown = enough.set_index("feature").loc["size_band"]
    assert not shown["indicative"] and shown["lift"] > 1
    fewer = best_n_commonality(_facts(1000, 100, MIN_BASE_SUPPORT - 1), ["B0", "B1", "B2"])
    assert fewer.set_index("feature").loc["size_band", "indicative"]
    # The prospects that have it are still found, and ranked first.
    look = lookalikes(_facts(1000, 100, 0), ["B0", "B1", "B2"], top=2)
    assert set(look["account_id"]) == {"Q1", "Q2"}


def test_with_every_account_given_there_is_nothing_to_compare_with(six: Workspace) -> None:
    out = lookalike_view(six, ["S1", "S2", "C3", "C4", "P5", "P6"], as_of=AS_OF)
    assert out["lookalikes"] == []
    assert {r["value"] for r in out["shared"]} == {"製造業", "100〜299名", "関東"}
    for r in out["shared"]:
        assert r["count"] == 4 and r["customers_compared"] == 0
        assert r["share_customers"] is None and r["lift"] is None and r["indicative"]
        assert r["sentence"].endswith("(比べる他の取引先がありません)")

"""Recommendations: time-split validation against popularity, contract, reasons, shrinkage."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import duckdb
import ibis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rashinban import NotEnoughDataError, Workspace
from rashinban.crosssell import (
    OFFER_COLUMNS,
    baskets,
    offers,
    recommend,
    segment_adoption,
    upgrade_uplift,
    upsell_signals,
    validate_crosssell,
)

CUT = dt.date(2025, 3, 31)


def _half_up(share: float) -> int:
    """Percent rounded half away from zero, as SQL ROUND does."""
    return int(np.floor(100 * share + 0.5))


END = dt.date(2025, 12, 29)


def test_recommendations_beat_popularity_on_the_time_split(demo_backend) -> None:  # type: ignore[no-untyped-def]
    v = validate_crosssell(demo_backend, cut=CUT, end=END, k=3)
    print(f"\ncross-sell time split: recommend as of {v.cut}, truth = first purchases to {v.end}")
    print(f"  {v.n_accounts} customers bought something new")
    print(f"  {'method':<12}{'hit@3':>8}{'prec@3':>8}")
    for row in v.scores.itertuples():
        print(f"  {row.method:<12}{row.hit_rate:>8.3f}{row.precision:>8.3f}")
    assert v.n_accounts >= 50
    assert v.get("blend") > v.get("popularity")
    assert v.get("blend", "precision") > v.get("popularity", "precision")


@pytest.mark.parametrize("as_of", [CUT, END])
def test_one_query_ranks_every_method_as_recommend_does(demo_backend, as_of) -> None:  # type: ignore[no-untyped-def]
    from rashinban.crosssell._recommend import METHODS, ranked_by_method

    ranked = ranked_by_method(demo_backend, as_of, k=3)
    assert set(ranked["method"]) == set(METHODS)
    key = ["account_id", "rank"]
    for method in METHODS:
        own = recommend(demo_backend, as_of, k=3, method=method)[
            ["account_id", "product_id", "rank"]
        ]
        got = ranked.loc[ranked["method"] == method, ["account_id", "product_id", "rank"]]
        pd.testing.assert_frame_equal(
            got.sort_values(key, ignore_index=True),
            own.sort_values(key, ignore_index=True),
            check_dtype=False,
        )
        assert len(own) > 0


def test_without_a_products_table_reasons_name_the_products_by_id(tmp_path: Path) -> None:
    from rashinban.demo import generate
    from rashinban.importing import load_frames
    from rashinban.workspace import init_workspace

    tables = generate(400, seed=3)
    ws = init_workspace(tmp_path / "ws")
    load_frames(ws, {k: v for k, v in tables.items() if k in ("accounts", "orders")})
    recs = recommend(ws.backend(), tables["orders"]["ordered_at"].max(), k=3)
    assert len(recs) > 0
    assert recs["reason_ja"].notna().all() and recs["reason_en"].notna().all()
    for row in recs.itertuples():
        assert row.product_id in row.reason_ja and row.product_id in row.reason_en
        if row.source == "rule":
            assert row.antecedent in row.reason_ja


def test_upsell_flag_predicts_upgrades(demo_backend) -> None:  # type: ignore[no-untyped-def]
    up = upgrade_uplift(demo_backend, CUT).set_index("flagged")
    print("\nupgrades within 180 days by seat-limit flag:\n", up.to_string())
    # Wilson interval by hand for the flagged group (Wilson 1927).
    k, n, z = up.loc[True, "upgrades"], up.loc[True, "n"], 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert np.isclose(up.loc[True, "rate_low"], centre - half)
    assert up.loc[True, "rate_low"] > up.loc[False, "rate_high"]


def test_recommendation_contract(demo_backend, demo_tables: dict[str, pd.DataFrame]) -> None:  # type: ignore[no-untyped-def]
    recs = recommend(demo_backend, END, k=3)
    owned = baskets(demo_backend, END).execute()
    clash = recs.merge(owned, on=["account_id", "product_id"])
    assert clash.empty, "never recommend what the customer already owns"
    assert recs.groupby("account_id").size().max() <= 3
    assert recs["score"].between(0, 1).all()
    assert (recs.groupby("account_id")["score"].diff().dropna() <= 1e-12).all()
    names = dict(
        zip(demo_tables["products"]["product_id"], demo_tables["products"]["name"], strict=True)
    )
    for r in recs.head(200).itertuples():
        # Both languages name the products by name, never by id.
        assert names[r.product_id] in r.reason_ja and names[r.product_id] in r.reason_en
        assert not re.search(r"\bP\d\d\b", r.reason_en), r.reason_en
        if r.source == "rule":
            assert f"{_half_up(r.rule_confidence)}%" in r.reason_ja
            assert f"customers with {names[r.antecedent]} also use " in r.reason_en
        else:
            assert r.reason_ja.startswith(r.segment)
            assert f"{_half_up(r.segment_rate)}%" in r.reason_ja
            # The English reason names the same segment in English words.
            industry, band = r.segment.removesuffix("名").split("・従業員")
            # 100〜999名 → 100–999 employees, 1000名以上 → 1000+ employees
            band = band.replace("〜", "–").replace("名以上", "+")
            size = "size unknown" if band == "数不明" else f"{band} employees"
            industry = "industry unknown" if industry == "業種不明" else industry
            assert f"customers in {industry}, {size} (" in r.reason_en
            assert "従業員" not in r.reason_en
    products = set(demo_tables["products"]["product_id"])
    assert set(recs["product_id"]) <= products
    sig = upsell_signals(demo_backend, END)
    assert set(sig["signal"]) >= {"seat_limit", "below_median"}
    assert sig["score"].between(0, 1).all()
    seat = sig[sig["signal"] == "seat_limit"]
    assert (seat["seat_share"] >= 0.8).all()


def test_each_product_is_offered_once_per_account_for_its_strongest_reason(demo_backend) -> None:  # type: ignore[no-untyped-def]
    recs = recommend(demo_backend, END)
    sig = upsell_signals(demo_backend, END)
    # The demo has accounts with two up-sell signals for the core plan.
    twice = sig.groupby(["account_id", "product_id"]).size()
    assert (twice > 1).sum() >= 3
    merged = offers(recs, sig)
    assert list(merged.columns) == list(OFFER_COLUMNS)
    assert not merged.duplicated(["account_id", "product_id"]).any()
    keys = pd.concat([recs, sig])[["account_id", "product_id"]].drop_duplicates()
    assert len(merged) == len(keys)
    for account, product in twice[twice > 1].index:
        [row] = merged[
            (merged["account_id"] == account) & (merged["product_id"] == product)
        ].to_dict("records")
        mine = sig[(sig["account_id"] == account) & (sig["product_id"] == product)]
        best = mine.loc[mine["score"].idxmax()]
        assert (row["score"], row["source"], row["kind"]) == (
            best["score"],
            best["signal"],
            "up-sell",
        )
        assert row["reason_en"] == best["reason_en"] and row["reason_ja"] == best["reason_ja"]
    assert merged["score"].is_monotonic_decreasing


def test_below_median_reads_as_contract_value_in_both_languages(demo_backend) -> None:  # type: ignore[no-untyped-def]
    sig = upsell_signals(demo_backend, END)
    below = sig[sig["signal"] == "below_median"]
    assert len(below) > 0
    for r in below.itertuples():
        pct = round(100 * r.annual_revenue / r.segment_median)
        assert r.reason_ja == f"年間契約額が同業同規模の中央値の{pct}%にとどまる"
        assert r.reason_en == (
            f"Annual contract value is {pct}% of the median for the same industry and size"
        )


def test_recommendations_use_no_future_rows(demo_ws: Workspace, tmp_path: Path) -> None:
    def run(path: Path) -> pd.DataFrame:
        con = ibis.duckdb.connect(str(path), read_only=True)
        try:
            return recommend(con, CUT).sort_values(["account_id", "rank"], ignore_index=True)
        finally:
            con.disconnect()

    before = run(demo_ws.data_path)
    moved = tmp_path / "moved.duckdb"
    shutil.copy(demo_ws.data_path, moved)
    with duckdb.connect(str(moved)) as con:
        con.execute(f"DELETE FROM orders WHERE ordered_at > DATE '{CUT}'")
        con.execute(f"UPDATE subscriptions SET ended_at = NULL WHERE ended_at > DATE '{CUT}'")
        con.execute(f"DELETE FROM subscriptions WHERE started_at > DATE '{CUT}'")
    pd.testing.assert_frame_equal(before, run(moved))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 400), st.floats(0, 1)), min_size=2, max_size=12))
def test_shrunk_rates_lie_between_raw_and_overall(segments: list[tuple[int, float]]) -> None:
    rows = [
        {"segment": f"s{i}", "product_id": "P", "n_segment": n, "n_owners": round(n * f)}
        for i, (n, f) in enumerate(segments)
    ]
    out = segment_adoption(pd.DataFrame(rows))
    lo = np.minimum(out["rate"], out["overall_rate"]) - 1e-12
    hi = np.maximum(out["rate"], out["overall_rate"]) + 1e-12
    assert ((out["rate_shrunk"] >= lo) & (out["rate_shrunk"] <= hi)).all()


def test_three_of_three_never_tops_three_hundred_of_a_thousand() -> None:
    rows = pd.DataFrame(
        {
            "segment": ["tiny", "big", "rest"],
            "product_id": ["P", "P", "P"],
            "n_segment": [3, 1000, 2000],
            "n_owners": [3, 300, 200],
        }
    )
    out = segment_adoption(rows).set_index("segment")
    assert out.loc["tiny", "rate"] == 1.0
    assert out.loc["tiny", "rate_shrunk"] < out.loc["big", "rate_shrunk"]


def test_nothing_to_validate_reads_japanese_first_with_english_alongside(demo_backend) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotEnoughDataError) as err:
        validate_crosssell(demo_backend, cut=END, end=END)
    assert err.value.message == (
        "2025-12-29 時点の顧客で 2025-12-29 までに新しい商品を買った顧客がいません / "
        "no customer of 2025-12-29 bought a new product by 2025-12-29"
    )
    assert err.value.fix == (
        "区切りの日付を前にするか、より新しい注文・契約を取り込んでください / "
        "choose an earlier cut date or import later orders/subscriptions"
    )


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"k": 0}, "k=0 は1以上の整数ではありません"),
        ({"k": -1}, "k=-1 is not a whole number >= 1"),
        ({"k": 2.5}, "k=2.5 is not a whole number >= 1"),
        ({"min_count": 0}, "min_count=0 is not a whole number >= 1"),
        ({"method": "best"}, "unknown method 'best'"),
    ],
)
def test_counts_below_one_are_refused_not_answered_with_nothing(
    demo_backend, kwargs, expected: str
) -> None:  # type: ignore[no-untyped-def]
    from rashinban import InvalidValueError

    with pytest.raises(InvalidValueError, match=expected) as info:
        recommend(demo_backend, "2025-12-29", **kwargs)
    assert info.value.fix is not None
    assert (
        len(recommend(demo_backend, "2025-12-29", k=1).groupby("account_id").size().unique()) == 1
    )

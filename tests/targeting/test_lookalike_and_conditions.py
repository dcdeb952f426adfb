"""Best-N commonality and lookalikes against naive counts; conditions on frames and Ibis agree."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rashinban import InvalidValueError, UnknownIdError
from rashinban.icp import add_bands, best_n_commonality, lookalikes
from rashinban.targeting import conditions_mask, conditions_text, conditions_to_ibis

from .conftest import IDEAL


def _best(facts: pd.DataFrame) -> list[str]:
    m = facts["is_customer"] & conditions_mask(facts, IDEAL)
    return facts.loc[m, "account_id"].head(3).tolist()


def test_commonality_counts_and_rarity_match_naive(facts_before) -> None:
    ids = _best(facts_before)
    common = best_n_commonality(facts_before, ids)
    banded = add_bands(facts_before.copy())
    banded["decision_maker"] = banded["has_decision_maker"].map({True: "あり", False: "なし"})
    best = banded[banded["account_id"].isin(ids)]
    # The base rate is the *other* customers': the three are not compared with themselves.
    customers = banded[banded["is_customer"] & ~banded["account_id"].isin(ids)]
    assert not common.empty
    for r in common.itertuples():
        assert (best[r.feature].astype(str) == r.value).sum() == r.count >= 2
        held = int((customers[r.feature].astype(str) == r.value).sum())
        assert (r.customers_with_value, r.customers_compared) == (held, len(customers))
        assert r.share_customers == pytest.approx(held / len(customers))
        assert r.value not in {"不明", "なし"}
    # the three come from the planted ideal segment, so they share its size band or industry
    assert {"industry", "size_band"} & set(common["feature"])


def test_lookalikes_are_prospects_with_the_shared_values(facts_before) -> None:
    ids = _best(facts_before)
    look = lookalikes(facts_before, ids, top=10)
    status = facts_before.set_index("account_id")["status_asof"]
    assert len(look) == 10
    assert (status.loc[look["account_id"]] == "prospect").all()
    assert look["similarity"].is_monotonic_decreasing
    assert all(len(r) > 0 for r in look["reasons"]) and all(len(r) > 0 for r in look["reasons_en"])
    # English names the bands in English (the industry is the company's data).
    english = " ".join(" ".join(r) for r in look["reasons_en"])
    common = best_n_commonality(facts_before, ids)
    english += " ".join(common["sentence_en"])
    assert "名" not in english and "億円" not in english and "あり" not in english, english


def test_unknown_ids_are_a_user_error(facts_before) -> None:
    with pytest.raises(UnknownIdError, match="NOPE"):
        best_n_commonality(facts_before, ["NOPE"])


def test_errors_read_japanese_first_with_english_alongside(facts_before) -> None:
    with pytest.raises(UnknownIdError) as unknown:
        lookalikes(facts_before, ["NOPE"])
    assert unknown.value.message == (
        "取引先ID NOPE はワークスペースにありません / account id(s) NOPE not in the workspace"
    )
    assert unknown.value.fix == (
        "取引先テーブルの account_id を使ってください / "
        "use account_id values from the accounts table"
    )
    with pytest.raises(InvalidValueError) as bad:
        conditions_mask(facts_before, [{"column": "業界", "op": "in", "values": ["x"]}])
    assert bad.value.message.startswith(
        "条件の列 '業界' はありません / condition column '業界' is not a column here (have: "
    )
    assert bad.value.fix == (
        "条件には取引先の列を指定してください / name an account column in the condition"
    )


_cond = st.one_of(
    st.builds(
        lambda vals: {"column": "industry", "op": "in", "values": vals},
        st.lists(
            st.sampled_from(["製造業", "情報通信業", "建設業", "卸売業・小売業"]),
            min_size=1,
            max_size=3,
            unique=True,
        ),
    ),
    st.builds(
        lambda lo, hi: {"column": "employees", "op": "between", "low": lo, "high": hi},
        st.one_of(st.none(), st.integers(0, 500)),
        st.one_of(st.none(), st.integers(100, 5000)),
    ),
)


@settings(max_examples=30, deadline=None)
@given(st.lists(_cond, min_size=0, max_size=2))
def test_frame_and_ibis_conditions_select_the_same_rows(demo_ws, facts_before, conds) -> None:
    acc = demo_ws.backend(read_only=True).table("accounts")
    ids = set(acc.filter(conditions_to_ibis(acc, conds)).account_id.execute())
    frame = demo_ws.backend(read_only=True).table("accounts").execute()
    assert ids == set(frame.loc[conditions_mask(frame, conds), "account_id"])
    assert conditions_text(conds) and conditions_text(conds, "en")


def test_revenue_bounds_read_in_each_language() -> None:
    # Upper ends are stored as cut - 1; both languages print the cut, in their own units.
    conds = [{"column": "annual_revenue", "op": "between", "low": 2e9, "high": 2e10 - 1}]
    assert conditions_text(conds) == "売上高20億円〜200億円"
    assert conditions_text(conds, "en") == "annual revenue ¥2bn–¥20bn"
    small = [{"column": "annual_revenue", "op": "between", "low": 3e8, "high": None}]
    assert conditions_text(small) == "売上高3億円以上"
    assert conditions_text(small, "en") == "annual revenue ≥ ¥300m"


def _rare_facts(customers: int, rare: int) -> pd.DataFrame:
    """``customers`` customers, ``rare`` of them in manufacturing, two best that are."""
    n = customers
    return pd.DataFrame(
        {
            "account_id": [f"A{i:06d}" for i in range(n)],
            "industry": ["製造業" if i < rare else "卸売業・小売業" for i in range(n)],
            "employees": [50] * n,
            "prefecture": ["東京都"] * n,
            "annual_revenue": [1e9] * n,
            "channel": ["Web"] * n,
            "has_decision_maker": [True] * n,
            "is_customer": [True] * n,
            "status_asof": ["customer"] * n,
        }
    )


@pytest.mark.parametrize(
    ("customers", "rare", "ja", "en"),
    [
        (
            1000,
            6,
            "(他の顧客では0.4%、998社中4社。件数が少ないため参考値)",
            "(other customers: 0.4%, 4 of 998; few accounts, indicative only)",
        ),
        (
            12002,
            7,
            "(他の顧客では0.1%未満、12,000社中5社)",
            "(other customers: under 0.1%, 5 of 12,000)",
        ),
    ],
)
def test_small_shares_read_as_the_table_shows_them(customers, rare, ja, en) -> None:
    # 顧客の割合 0.4% in the table and (全顧客では0%) in the same row's sentence
    common = best_n_commonality(_rare_facts(customers, rare), ["A000000", "A000001"])
    row = common.set_index("feature").loc["industry"]
    assert row["sentence_ja"].endswith(ja), row["sentence_ja"]
    assert row["sentence_en"].endswith(en), row["sentence_en"]
    assert f"{row['share_customers']:.1%}" in ja or "未満" in ja

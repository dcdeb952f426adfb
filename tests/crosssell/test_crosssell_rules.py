"""Association rules and similarity against mlxtend (oracle) and a naive pair count."""

from __future__ import annotations

import itertools
import math
import re
import warnings

import ibis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rashinban import InvalidValueError
from rashinban.crosssell import association_rules, baskets, item_similarity, wilson_interval
from rashinban.crosssell._explain import no_offer_error
from rashinban.demo import PLANTED


def _one_hot(b: pd.DataFrame) -> pd.DataFrame:
    return pd.crosstab(b["account_id"], b["product_id"]).astype(bool)


def test_rules_equal_mlxtend(demo_backend) -> None:  # type: ignore[no-untyped-def]
    # Importing mlxtend changes the warning filters; keep that change local.
    with warnings.catch_warnings():
        from mlxtend.frequent_patterns import apriori
        from mlxtend.frequent_patterns import association_rules as mlx_rules

    b = baskets(demo_backend, "2025-12-29")
    ours = association_rules(b, min_count=1).execute()
    frame = b.execute()[["account_id", "product_id"]]
    # mlxtend computes metrics we do not compare (certainty) with 0/0 on this data.
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        items = apriori(_one_hot(frame), min_support=1e-9, use_colnames=True, max_len=2)
        theirs = mlx_rules(items, metric="lift", min_threshold=0.0)
    theirs = theirs[
        (theirs["antecedents"].map(len) == 1) & (theirs["consequents"].map(len) == 1)
    ].copy()
    theirs["antecedent"] = theirs["antecedents"].map(lambda s: next(iter(s)))
    theirs["consequent"] = theirs["consequents"].map(lambda s: next(iter(s)))
    m = ours.merge(theirs, on=["antecedent", "consequent"], suffixes=("", "_mlx"))
    assert len(m) == len(ours) == len(theirs) > 20
    for col in ("support", "confidence", "lift"):
        np.testing.assert_allclose(m[col], m[f"{col}_mlx"], rtol=1e-12)


def test_planted_bundles_are_the_top_rules(demo_backend) -> None:  # type: ignore[no-untyped-def]
    rules = association_rules(baskets(demo_backend, "2025-12-29"), min_count=10).execute()
    print("\ntop rules by lift:")
    print(rules.head(6)[["antecedent", "consequent", "support", "confidence", "lift"]].to_string())
    top_pairs = []
    for a, c in zip(rules["antecedent"], rules["consequent"], strict=True):
        pair = frozenset((a, c))
        if pair not in top_pairs:
            top_pairs.append(pair)
    planted = {frozenset(p) for p in PLANTED.bundles}
    assert set(top_pairs[:2]) == planted
    by = rules.set_index(["antecedent", "consequent"])
    for a, c in PLANTED.bundles:
        assert by.loc[(a, c), "lift"] > 2
        assert by.loc[(a, c), "confidence_low"] > 0.4


small_baskets = st.lists(
    st.tuples(st.integers(0, 12), st.sampled_from(["A", "B", "C", "D"])), min_size=1, max_size=40
)


@settings(max_examples=40, deadline=None)
@given(small_baskets)
def test_rules_and_cosine_equal_naive_pair_count(rows: list[tuple[int, str]]) -> None:
    frame = pd.DataFrame(rows, columns=["account_id", "product_id"]).astype({"account_id": str})
    b = ibis.memtable(frame)
    ours = association_rules(b, min_count=1).execute().set_index(["antecedent", "consequent"])
    sims = item_similarity(b).execute().set_index(["product_a", "product_b"])["cosine"]
    owners: dict[str, set[str]] = {}
    for acc, prod in set(rows):
        owners.setdefault(prod, set()).add(str(acc))
    n = len({acc for acc, _ in rows})
    expected = 0
    for a, c in itertools.permutations(owners, 2):
        both = len(owners[a] & owners[c])
        if both == 0:
            continue
        expected += 1
        row = ours.loc[(a, c)]
        assert row["support"] == both / n
        assert math.isclose(row["confidence"], both / len(owners[a]))
        assert math.isclose(row["lift"], (both / len(owners[a])) / (len(owners[c]) / n))
        assert row["confidence_low"] <= row["confidence"] <= row["confidence_high"]
        cos = both / math.sqrt(len(owners[a]) * len(owners[c]))
        assert math.isclose(sims.loc[(a, c)], cos)
    assert len(ours) == expected


def test_wilson_interval_by_hand() -> None:
    # Wilson (1927) for 81 of 263 at 95 %: (0.2553, 0.3662) (Newcombe 1998, Table I, case 1).
    low, high = wilson_interval(ibis.literal(81), ibis.literal(263))
    assert round(float(low.execute()), 4) == 0.2553
    assert round(float(high.execute()), 4) == 0.3662


_SMALL = pd.DataFrame(
    {"account_id": ["a", "a", "b", "b", "c", "d"], "product_id": ["X", "Y", "X", "Y", "X", "Z"]}
)


@pytest.mark.parametrize(
    ("min_count", "expected"),
    [
        (0, "min_count=0 は1以上の整数ではありません (ルールに必要な最少の社数)"),
        (-3, "min_count=-3 is not a whole number >= 1 (fewest accounts per rule)"),
        (2.5, "min_count=2.5 is not a whole number >= 1"),
        (2.0, "min_count=2.0 is not a whole number >= 1"),
        (True, "min_count=True is not a whole number >= 1"),
        ("2", "min_count='2' is not a whole number >= 1"),
        (float("nan"), "min_count=nan is not a whole number >= 1"),
        (10**20, "min_count=100000000000000000000 は大きすぎます"),
        (10**9 + 1, "is too large (fewest accounts per rule; at most 1,000,000,000)"),
    ],
)
def test_min_count_that_is_no_count_of_accounts_is_refused(
    min_count: object, expected: str
) -> None:
    # Before, 0 and -3 kept every pair, 2.5 and nan quietly returned nothing, True and
    # 10**20 crashed inside ibis with a TypeError.
    with pytest.raises(InvalidValueError, match=re.escape(expected)) as info:
        association_rules(ibis.memtable(_SMALL), min_count=min_count)  # type: ignore[arg-type]
    assert info.value.fix is not None and "min_count=" in info.value.fix


def test_min_count_bounds_and_numpy_integers_are_accepted() -> None:
    b = ibis.memtable(_SMALL)
    # X and Y are owned together by a and b: 2 rules (X→Y, Y→X) at n_both = 2.
    assert len(association_rules(b, min_count=np.int64(2)).execute()) == 2
    assert len(association_rules(b, min_count=1).execute()) == 2
    assert association_rules(b, min_count=10**9).execute().empty


def test_no_offer_error_refuses_a_bad_min_count(demo_backend) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidValueError, match="min_count=0 is not a whole number >= 1"):
        no_offer_error(demo_backend, "2025-12-29", min_count=0)

"""Themes: c-TF-IDF against a naive re-implementation; planted segment themes found."""

from __future__ import annotations

import math
from collections import Counter

import pandas as pd
import pytest

from rashinban.demo import PLANTED
from rashinban.text import batch_keywords, ctfidf, normalize_for_mining, quotes, themes


def naive_ctfidf(tokens: list[list[str]], groups: list[str]) -> dict[tuple[str, str], float]:
    """Grootendorst (2022) eq. 1 written out with dictionaries."""
    tf: dict[str, Counter[str]] = {}
    for doc, g in zip(tokens, groups, strict=True):
        tf.setdefault(g, Counter()).update(doc)
    f = Counter[str]()
    for c in tf.values():
        f.update(c)
    avg = sum(f.values()) / len(tf)
    return {
        (g, t): n / sum(c.values()) * math.log(1 + avg / f[t])
        for g, c in tf.items()
        for t, n in c.items()
    }


def test_ctfidf_equals_naive_formula(demo_tables: dict[str, pd.DataFrame]) -> None:
    notes = demo_tables["notes"].head(400)
    tokens = batch_keywords(notes["text"].tolist())
    groups = notes["kind"].tolist()
    out = ctfidf(tokens, groups, top_n=25, min_docs=1)
    ref = naive_ctfidf(tokens, groups)
    assert len(out) == 25 * len(set(groups))
    for g, t, s in zip(out["group"], out["term"], out["score"], strict=True):
        assert s == pytest.approx(ref[(g, t)], rel=1e-12)
    # And the ranking is the naive ranking.
    for g in set(groups):
        best = sorted((v for (gg, _), v in ref.items() if gg == g), reverse=True)[:25]
        assert out[out["group"] == g]["score"].tolist() == pytest.approx(best)


@pytest.fixture(scope="module")
def demo_docs(demo_tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    notes = demo_tables["notes"].merge(demo_tables["accounts"], on="account_id")
    notes["segment"] = PLANTED.theme_group_of(notes).to_numpy()
    return notes


def test_planted_themes_are_the_top_themes_of_their_segments(demo_docs: pd.DataFrame) -> None:
    # Robust to the demo's wording being refined: most planted words are in the top 15,
    # and every planted word is more a theme of its own segment than of any other.
    table = themes(demo_docs, top_n=15)
    full = themes(demo_docs, top_n=100_000, min_docs=1)
    score = full.pivot_table(index="term", columns="group", values="score", fill_value=0.0)
    for group, planted in PLANTED.themes.items():
        top = table[table["group"] == group]["term"].tolist()
        print(group, top)
        found = [w for w in planted if any(w in t for t in top)]
        assert len(found) >= 0.8 * len(planted), (group, top)
        for word in planted:
            # the word, or the compounds that replaced it (インボイス → インボイス制度)
            holding = score[[word in t for t in score.index]].max()
            assert holding.idxmax() == group, (word, holding.to_dict())
        # Distinct: the best theme of a segment is not a top theme anywhere else.
        others = table[table["group"] != group]["term"].tolist()
        assert top[0] not in others


def test_quotes_are_real_sentences_with_their_note_ids(demo_docs: pd.DataFrame) -> None:
    table = themes(demo_docs, top_n=10)
    q = quotes(demo_docs, table, per_group=3)
    assert set(q["group"]) == set(PLANTED.themes)
    text_of = demo_docs.set_index("note_id")["text"]
    for _, row in q.iterrows():
        assert row["quote"] in text_of[row["id"]]
        assert row["term"] in normalize_for_mining(row["quote"])
        assert demo_docs.set_index("note_id").loc[row["id"], "segment"] == row["group"]


def _corpus() -> pd.DataFrame:
    """Two segments sharing 価格; 費用 said inside ライセンス費用 in a, 在庫 only in b."""
    a = (
        ["ライセンス費用が高い。価格も高い。"] * 6
        + ["費用が心配。"] * 2
        + ["来月に再度検討する。"] * 4
    )
    b = ["在庫が合わない。価格も高い。"] * 6 + ["来月に再度検討する。"] * 6
    return pd.DataFrame(
        {
            "segment": ["a"] * len(a) + ["b"] * len(b),
            "note_id": [f"N{i}" for i in range(len(a) + len(b))],
            "text": a + b,
        }
    )


def test_a_compound_replaces_the_part_said_mostly_inside_it() -> None:
    table = themes(_corpus(), min_docs=2)
    a = table[table["group"] == "a"]["term"].tolist()
    # 費用 occurs 8 times in a, 6 of them (75% ≥ 2/3) inside ライセンス費用: dropped;
    # ライセンス occurs only inside it: dropped.
    assert a == ["ライセンス費用", "心配"]
    tokens = batch_keywords(_corpus()["text"].tolist())
    assert "費用" in tokens[0] and "ライセンス" in tokens[0]  # the parts were candidates


def test_generic_business_words_are_no_themes() -> None:
    tokens = batch_keywords(["来月に再度検討する。", "株式会社ABCの部長に提案した理由。"])
    assert not {"来月", "再度", "検討", "株式会社", "部長", "提案", "理由"} & {
        t for doc in tokens for t in doc
    }


def test_themes_rank_what_a_segment_says_more_than_the_rest() -> None:
    table = themes(_corpus(), min_docs=2)
    # 価格 is said in 6 of 12 texts in each segment: no theme of either, however frequent.
    assert "価格" not in set(table["term"])
    b = table[table["group"] == "b"]
    assert b["term"].tolist() == ["在庫"]
    assert b[["docs", "group_docs"]].values.tolist() == [[6, 12]]
    assert b["rest_share"].tolist() == [0.0]

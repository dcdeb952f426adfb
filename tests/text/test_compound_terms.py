"""Whole compound terms in win/loss themes, and one sentence loop behind every quote."""

from __future__ import annotations

import pandas as pd

from rashinban.text import keywords, note_reasons, quote_for, quotes
from rashinban.text._themes import distinct_terms, text_sentences, theme_quotes, whole_ctfidf

# Won deals praise the サポート体制 six times; three more notes say 体制 alone. The
# keyword list gives サポート体制, サポート, 体制 for the first sentence, so without the
# compound rule 体制 (9 notes) and サポート (6) outrank the term the notes actually use.
SUPPORT = "サポート体制が手厚く、決め手になった。"
ALONE = "導入後の体制も安心できると評価された。"
WON = [SUPPORT] * 6 + [ALONE] * 3
LOST = ["価格が高いという評価。"] * 3 + ["価格と予算が合わなかった。"] * 3


def _deals_and_notes() -> tuple[pd.DataFrame, pd.DataFrame]:
    texts = WON + LOST
    ids = [f"D{i}" for i in range(len(texts))]
    deals = pd.DataFrame(
        {"deal_id": ids, "outcome": ["won"] * len(WON) + ["lost"] * len(LOST), "competitor": None}
    )
    notes = pd.DataFrame(
        {
            "note_id": [f"N{i}" for i in range(len(texts))],
            "deal_id": ids,
            "kind": "win_loss",
            "text": texts,
        }
    )
    return deals, notes


def test_the_keywords_hold_the_compound_and_its_parts() -> None:
    assert keywords(WON[0]) == ["サポート体制", "サポート", "体制", "決め手"]
    assert keywords(WON[-1]) == ["導入後", "導入", "体制", "安心"]


def test_win_loss_themes_keep_the_compound_whole() -> None:
    deals, notes = _deals_and_notes()
    table = note_reasons(deals, notes, by=None, top_n=10, min_docs=3)
    won = table[table["outcome"] == "won"]
    # 体制: 6 of its 9 uses are inside サポート体制 (2/3), サポート and 導入 all 6 and 3.
    assert won["term"].tolist() == ["サポート体制", "決め手", "安心", "導入後"]  # ties by term
    top = won.iloc[0]
    assert (top["docs"], top["group_docs"]) == (6, 9)
    assert (top["quote"], top["quote_note_id"]) == ("サポート体制が手厚く、決め手になった。", "N0")
    assert table[table["outcome"] == "lost"]["term"].tolist() == ["価格", "予算"]


def test_whole_ctfidf_keeps_a_part_said_mostly_on_its_own() -> None:
    # 体制 alone in 4 notes, inside サポート体制 in 3: 3/7 < 2/3, so it stays a term.
    toks = [keywords(WON[0])] * 3 + [keywords("体制が整っていた。")] * 4
    out = whole_ctfidf(toks, ["won"] * 7, top_n=5, min_docs=3)
    assert out["term"].tolist() == ["体制", "サポート体制", "決め手"]
    # Counted in the keywords given, while the terms ranked are a filtered version.
    alone = [["決め手"]] * 3 + [["体制"]] * 4
    out = whole_ctfidf(alone, ["won"] * 7, top_n=5, min_docs=3, keywords=toks)
    assert out["term"].tolist() == ["体制", "決め手"]


def test_whole_ctfidf_and_distinct_terms_apply_the_same_rule() -> None:
    toks = [keywords(t) for t in WON + LOST]
    groups = ["won"] * len(WON) + ["lost"] * len(LOST)
    by_rule = whole_ctfidf(toks, groups, top_n=10, min_docs=3)
    by_z = distinct_terms(toks, groups, top_n=10, min_docs=3)
    for out in (by_rule, by_z):
        won = set(out.loc[out["group"] == "won", "term"])
        assert "サポート体制" in won and not won & {"サポート", "体制", "導入"}


def test_every_quote_reads_the_same_sentences() -> None:
    frame = pd.DataFrame(
        {
            "segment": ["a", "a", "a", "b"],
            "note_id": ["N1", "N2", "N3", "N4"],
            "text": ["在庫が合わない。" + "長" * 130 + "。", None, "在庫が合わない。", "価格。"],
        }
    )
    a = frame[frame["segment"] == "a"]
    assert list(text_sentences(a, "note_id", "text", max_chars=120)) == [
        ("N1", "在庫が合わない。", "在庫が合わない。"),
        ("N3", "在庫が合わない。", "在庫が合わない。"),
    ]
    assert len(list(text_sentences(a, "note_id", "text"))) == 3  # no limit: the long one too
    th = pd.DataFrame({"group": ["a", "b"], "term": ["在庫", "価格"], "score": [1.0, 1.0]})
    assert theme_quotes(frame, th).values.tolist() == [
        ["在庫が合わない。", "N1"],
        ["価格。", "N4"],
    ]
    assert quotes(frame, th)[["group", "id", "quote"]].values.tolist() == [
        ["a", "N1", "在庫が合わない。"],
        ["b", "N4", "価格。"],
    ]
    # A missing text is skipped, not read as the word "nan".
    assert quote_for(a, "nan") is None
    assert quote_for(a, "在庫") == ("N1", "在庫が合わない。")

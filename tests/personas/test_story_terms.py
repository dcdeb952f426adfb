"""The story quotes no sentence twice; theme terms are whole words, not parts of compounds."""

from __future__ import annotations

import pandas as pd

from rashinban.personas._build import _quote, _whole
from rashinban.personas._card import Evidence, Statement
from rashinban.personas._story import story
from rashinban.text import keywords


def _text(field: str, ja: str, term: str, doc: str) -> Statement:
    return Statement(field, ja, ja, Evidence("texts", "texts", "text", term, 1, 1, ids=(doc,)))


def _statements(extra_quote: bool) -> list[Statement]:
    goal = "現場の5名が毎日入力できるか知りたいとのこと。"
    out = [
        _text("goal", f"「現場」に取り組みたい: {goal}", "現場", "N1"),
        _text("quote", goal, "現場", "N1"),
    ]
    if extra_quote:
        out.append(_text("quote", "価格次第という印象。", "価格", "N2"))
    return out


def test_the_closing_quote_is_not_a_sentence_the_story_already_said() -> None:
    pieces = story("渡辺 恵", "Megumi Watanabe", _statements(extra_quote=True))
    facts = [ja for ja, _, ref in pieces if ref is not None]
    assert facts == ["現場の5名が毎日入力できるか知りたいとのこと。", "価格次第という印象。"]
    assert pieces[-1][2] == 2  # cites the second quote statement


def test_no_quote_when_every_quote_was_already_said() -> None:
    pieces = story("渡辺 恵", "Megumi Watanabe", _statements(extra_quote=False))
    facts = [ja for ja, _, ref in pieces if ref is not None]
    assert facts == ["現場の5名が毎日入力できるか知りたいとのこと。"]
    assert not any("商談メモ" in ja for ja, _, _ in pieces)


def test_a_part_of_a_compound_is_not_a_term_of_its_own() -> None:
    text = "次回は情報システム部の方も同席予定。"
    assert "情報" in keywords(text)  # the tokenizer gives the parts too ...
    assert "情報" not in _whole(text, keywords(text))  # ... they are not terms here
    assert "情報システム部" in _whole(text, keywords(text))
    both = "情報が足りない。情報システム部に確認する。"
    assert _whole(both, keywords(both)).count("情報") == 1  # the standalone one only


def test_a_term_is_quoted_only_where_it_stands_whole() -> None:
    docs = pd.DataFrame(
        {
            "doc_id": ["N1", "N2", "N3"],
            "text": [
                "次回は情報システム部の方も同席予定。",
                "次回は情報システム部の方も同席予定。",
                "必要な情報が社内で共有されていない。",
            ],
        }
    )
    assert _quote(docs, "情報") == ("N3", "必要な情報が社内で共有されていない。")
    assert _quote(docs.head(2), "情報") is None

"""Tokenising: tricky Japanese never crashes; keywords are noun phrases of the text."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from rashinban.text import content_words, detect_language, keywords, normalize_for_mining, sentences

TRICKY = st.sampled_from(
    [
        *list("㈱㈲（株）ＡＢＣａｂｃ１２３ｱｲｳｶﾞ〜～ー－‐😀👍🏻\u200d♀️\u3000 \t\n。、！？!?."),
        "株式会社",
        "10〜20名",
        "①②",
        "令和6年",
        "ＡＰＩ連携",
        "Excel",
        "𠮷野家",
        "\ufeff",
        "\x00",
    ]
)
TEXTS = st.one_of(
    st.text(),
    st.lists(TRICKY, max_size=40).map("".join),
    st.lists(st.one_of(TRICKY, st.text(max_size=5)), max_size=20).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_tricky_text_never_crashes_and_keywords_come_from_the_text(text: str) -> None:
    norm = normalize_for_mining(text)
    words = keywords(text)
    assert all(isinstance(w, str) and w for w in words)
    if detect_language(norm) == "ja":
        # Every keyword is a piece of the normalised text (nothing invented).
        assert all(w in norm for w in words)
    content_words(text)
    # Sentences are exact substrings of the original text.
    assert all(s in text for s in sentences(text))


@settings(max_examples=50, deadline=None)
@given(TEXTS)
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalize_for_mining(text)
    assert normalize_for_mining(once) == once


def test_very_long_text_is_tokenised_in_chunks() -> None:
    text = "在庫の可視化を進めたい。" * 20_000  # 240,000 characters, over Sudachi's input limit
    words = keywords(text)
    assert words.count("在庫") == 20_000


def test_full_and_half_width_are_one_word() -> None:
    assert keywords("ＡＰＩ連携") == keywords("API連携")
    assert "API" in keywords("ＡＰＩ連携")


def test_noun_runs_become_phrases_and_parts() -> None:
    words = keywords("経理の工数削減が最優先。")
    assert "工数削減" in words and "工数" in words and "削減" in words
    # Particles, verbs and stop words never become keywords.
    assert "の" not in words and "こと" not in keywords("気にしていること。")


def test_english_is_tokenised_with_stop_words_removed() -> None:
    assert keywords("The API docs are great and the sandbox works") == [
        "api",
        "docs",
        "great",
        "sandbox",
        "works",
    ]


def test_sentence_split_keeps_original_spelling() -> None:
    text = "ＡＰＩの件。　Webhook が届かない！"
    parts = sentences(text)
    assert parts == ["ＡＰＩの件。", "Webhook が届かない！"]
    assert unicodedata.normalize("NFKC", parts[0]) != parts[0]


def test_content_words_tokenise_each_text_once_and_equal_a_fresh_tokenisation() -> None:
    from rashinban.text import _tokenize

    texts = ["画面が使いにくい。", "対応が早くて助かった", "画面が使いにくい。", "Too slow"]
    # the reference: the morphemes read directly, no cache in between
    fresh = [
        [b for s, p1, _, b in _tokenize._morphemes(t) if p1 in _tokenize._CONTENT and s.strip()]
        for t in texts[:3]
    ]
    _tokenize._content_words.cache_clear()
    got = [content_words(t) for t in texts]
    info = _tokenize._content_words.cache_info()
    assert (info.misses, info.hits) == (3, 1)
    assert got[:3] == fresh
    assert got[3] == ["too", "slow"]
    got[0].append("書き換え")  # a caller's edit must not leak into the next call
    assert content_words(texts[0]) == fresh[0]


def test_each_text_is_tokenised_once_per_process_and_callers_get_their_own_list() -> None:
    from rashinban.text import _tokenize

    text = "請求書の電子化と経理の工数削減を進めたい。"
    _tokenize._keywords.cache_clear()
    first = keywords(text)
    first.append("書き換え")  # a caller's edit must not leak into the next call
    again = _tokenize.batch_keywords([text, "ＡＰＩ連携", text, "API連携"])
    info = _tokenize._keywords.cache_info()
    # Two distinct texts after NFKC (ＡＰＩ連携 = API連携): two tokenisations, three reuses.
    assert (info.misses, info.hits) == (2, 3)
    assert again[0] == again[2] == ["請求書", "電子化", "経理", "工数削減", "工数", "削減"]
    assert again[1] == again[3] == ["API連携", "API", "連携"]
    assert again[0] is not again[2]

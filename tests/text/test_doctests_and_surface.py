"""Docstring examples of the voice packages run; their public surfaces are pinned."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "rashinban.text._tokenize",
    "rashinban.text._themes",
    "rashinban.text._sentiment",
    "rashinban.text._stats",
    "rashinban.text._winloss",
    "rashinban.text._sources",
    "rashinban.text._voice",
    "rashinban.personas._avatar",
    "rashinban.personas._card",
    "rashinban.personas._select",
    "rashinban.personas._story",
    "rashinban.personas._rewrite",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_public_surfaces_are_pinned() -> None:
    import rashinban.personas as personas
    import rashinban.text as text

    assert text.__all__ == [
        "DEAL_KINDS",
        "STOP_WORDS_EN",
        "STOP_WORDS_JA",
        "SentimentModel",
        "batch_keywords",
        "content_words",
        "ctfidf",
        "detect_language",
        "documents",
        "keywords",
        "kinds_text",
        "loss_reasons",
        "normalize_for_mining",
        "note_reasons",
        "nps_label",
        "quote_for",
        "quotes",
        "reason_change",
        "sentences",
        "sentiment_frame",
        "shrink",
        "themes",
        "validate_sentiment",
        "voice_sentiment",
        "voice_tables",
        "voice_themes",
        "voice_winloss",
        "wilson",
        "win_rates",
    ]
    assert personas.__all__ == [
        "CARD_CSS",
        "FIELDS",
        "HEADINGS",
        "Evidence",
        "PersonaCard",
        "Rewrite",
        "Statement",
        "avatar_svg",
        "build_persona",
        "card_from_dict",
        "card_html",
        "card_markdown",
        "cards_html",
        "check_rewrite",
        "cond_filter",
        "describe_conds",
        "persona_name",
        "personas_for",
        "record_win_story",
        "rewrite_story",
        "segment_personas",
        "select_accounts",
        "workshop",
    ]
    for module in (text, personas):
        assert all(hasattr(module, n) for n in module.__all__)

"""Voice of the customer: Japanese/English text mining over notes, tickets and NPS comments.

Tokenising (SudachiPy, offline), noun-phrase keywords, themes per segment
(c-TF-IDF) with real quotes, sentiment learned from the company's own NPS
comments, and win/loss reasons by segment or competitor.
"""

from rashinban.text._sentiment import (
    SentimentModel,
    nps_label,
    sentiment_frame,
    validate_sentiment,
)
from rashinban.text._sources import documents, voice_tables
from rashinban.text._stats import shrink, wilson
from rashinban.text._stopwords import STOP_WORDS_EN, STOP_WORDS_JA
from rashinban.text._themes import ctfidf, quotes, themes
from rashinban.text._tokenize import (
    batch_keywords,
    content_words,
    detect_language,
    keywords,
    normalize_for_mining,
    sentences,
)
from rashinban.text._voice import (
    DEAL_KINDS,
    kinds_text,
    voice_sentiment,
    voice_themes,
    voice_winloss,
)
from rashinban.text._winloss import (
    loss_reasons,
    note_reasons,
    quote_for,
    reason_change,
    win_rates,
)

__all__ = [
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

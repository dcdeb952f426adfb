"""Tokenising Japanese and English text for mining (never for stored fields).

Japanese goes through SudachiPy with the packaged ``sudachidict_core``
dictionary (offline) in split mode C, so compounds such as 適格請求書 stay whole;
English goes through a small regular-expression tokenizer. Both see the text
after NFKC normalisation only: ``ＡＰＩ`` and ``API`` count as one word, while the
stored notes keep their original spelling (quotes are cut from the original).

Keywords are noun phrases: maximal runs of nouns (with prefixes and noun-like
suffixes glued on), plus the content nouns inside a run, so both 工数削減 and
工数 are counted when a note says 工数削減.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from rashinban.text._stopwords import STOP_WORDS_EN, STOP_WORDS_JA

# Sudachi refuses inputs over 49,149 bytes; 4,000 characters is at most 16,000.
_CHUNK = 4000
_JA_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'+#.-]*[A-Za-z0-9+#]|[A-Za-z]")
_SENTENCE_END = re.compile(r"(?<=[。！？!?])|\n+|(?<=\.)\s+")
_SPACE = re.compile(r"\s+")

# Parts of speech that join a noun phrase (first POS field, second field).
_NOUN = "名詞"
_JOINERS = {("接頭辞", "*"), ("接尾辞", "名詞的")}
_NOUN_SKIP = {"数詞", "代名詞"}
# Content parts of speech for sentiment features (dictionary forms).
_CONTENT = {"名詞", "動詞", "形容詞", "形状詞", "副詞", "助動詞", "接尾辞"}


@functools.lru_cache(maxsize=1)
def _tokenizer() -> Any:
    """One SudachiPy tokenizer per process (building it loads the dictionary)."""
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


def normalize_for_mining(text: str | None) -> str:
    """NFKC plus collapsed white space: the form every mining step sees.

    Examples
    --------
    >>> normalize_for_mining("ＡＰＩ　連携㈱")
    'API 連携(株)'
    """
    if not text:
        return ""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", str(text))).strip()


def detect_language(text: str | None) -> str:
    """``"ja"`` when the text has any kana or kanji, else ``"en"``.

    Examples
    --------
    >>> detect_language("API連携"), detect_language("Great support")
    ('ja', 'en')
    """
    return "ja" if text and _JA_CHAR.search(text) else "en"


def sentences(text: str | None) -> list[str]:
    """Split *original* text into sentences (Japanese 。！？, English . ! ?, new lines).

    The pieces are exact substrings of ``text`` (stripped), so a quote cut
    from them is a real sentence of the note.

    Examples
    --------
    >>> sentences("受注。決め手は画面だった。Great UI! ")
    ['受注。', '決め手は画面だった。', 'Great UI!']
    """
    if not text:
        return []
    return [s.strip() for s in _SENTENCE_END.split(str(text)) if s and s.strip()]


def _safe(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from a broken export
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def _chunks(text: str) -> Iterator[str]:
    for start in range(0, len(text), _CHUNK):
        yield text[start : start + _CHUNK]


def _morphemes(text: str) -> Iterator[tuple[str, str, str, str]]:
    """(surface, pos1, pos2, dictionary form) per morpheme of NFKC text."""
    tok = _tokenizer()
    for chunk in _chunks(_safe(text)):
        for m in tok.tokenize(chunk):
            pos = m.part_of_speech()
            yield m.surface(), pos[0], pos[1], m.dictionary_form()


def _en_words(text: str) -> list[str]:
    return [w.lower() for w in _EN_WORD.findall(text)]


def _keep_ja(word: str) -> bool:
    return len(word) > 1 and word not in STOP_WORDS_JA and not word.isdigit()


def keywords(text: str | None, *, lang: str | None = None) -> list[str]:
    """Noun-phrase keywords of one text, in order, repeats kept (counts matter).

    Japanese: every maximal run of nouns (prefixes and noun-like suffixes
    included) longer than one morpheme is a phrase, and each content noun in it
    is a keyword too. English: words not in the stop list.

    Examples
    --------
    >>> keywords("請求書の電子化と経理の工数削減を進めたい。")
    ['請求書', '電子化', '経理', '工数削減', '工数', '削減']
    >>> keywords("Great API docs and the sandbox", lang="en")
    ['great', 'api', 'docs', 'sandbox']
    """
    norm = normalize_for_mining(text)
    if not norm:
        return []
    return list(_keywords(norm, lang or detect_language(norm)))


# Read commands see the same notes several times in one run (a persona card reads the
# whole corpus once per segment, then its sentences again): each text is tokenised
# once per process. Keyed by the normalised text itself, so an edited note is new text.
_KEYWORD_CACHE = 1 << 17


@functools.lru_cache(maxsize=_KEYWORD_CACHE)
def _keywords(norm: str, lang: str) -> tuple[str, ...]:
    if lang == "en":
        return tuple(w for w in _en_words(norm) if w not in STOP_WORDS_EN and len(w) > 1)
    out: list[str] = []
    run: list[tuple[str, str, str]] = []

    def flush() -> None:
        if not run:
            return
        nouns = [s for s, p1, p2 in run if p1 == _NOUN and p2 not in _NOUN_SKIP]
        # A phrase made only of stop words (初回 + 訪問) says nothing either.
        if len(run) > 1 and [s for s in nouns if s not in STOP_WORDS_JA]:
            phrase = "".join(s for s, _, _ in run)
            if _keep_ja(phrase) and not phrase[0].isdigit():
                out.append(phrase)
        out.extend(s for s in nouns if _keep_ja(s) and s.strip())
        run.clear()

    for surface, p1, p2, _ in _morphemes(norm):
        if p1 == _NOUN or (p1, p2) in _JOINERS or (p1, "*") in _JOINERS:
            if surface.strip():
                run.append((surface, p1, p2))
                continue
        flush()
    flush()
    return tuple(out)


def content_words(text: str | None, *, lang: str | None = None) -> list[str]:
    """Dictionary forms of content words (nouns, verbs, adjectives, auxiliaries).

    Used as sentiment features: auxiliaries keep negation (ない, ぬ) and
    suffixes keep difficulty (にくい) visible.

    Examples
    --------
    >>> content_words("画面が使いにくい。")
    ['画面', '使う', 'にくい']
    """
    norm = normalize_for_mining(text)
    if not norm:
        return []
    return list(_content_words(norm, lang or detect_language(norm)))


# Sentiment reads each comment three times in one run (training features, scores,
# reasons): tokenised once per process, as :func:`_keywords` is.
@functools.lru_cache(maxsize=_KEYWORD_CACHE)
def _content_words(norm: str, lang: str) -> tuple[str, ...]:
    if lang == "en":
        return tuple(_en_words(norm))
    return tuple(
        base for surface, p1, _, base in _morphemes(norm) if p1 in _CONTENT and surface.strip()
    )


def batch_keywords(texts: Iterable[str | None]) -> list[list[str]]:
    """:func:`keywords` for many texts (one tokenizer, no per-call set-up).

    Examples
    --------
    >>> batch_keywords(["在庫の可視化", None])
    [['在庫', '可視化'], []]
    """
    return [keywords(t) for t in texts]

"""Text clean-up shared by every normaliser, and the one way they reject a value."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from rashinban._errors import InvalidValueError

__all__ = ["normalize_text"]

# Characters that are invisible in a spreadsheet but make two equal-looking values
# differ: zero-width space/joiners, word joiner, BOM (often left at the start of the
# first header or value of a UTF-8 file written by Excel), soft hyphen, and the
# Mongolian vowel separator (a former space character).
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f"),
    None,
)

# Dash-like characters that people type where the katakana prolonged sound mark
# (長音 ー) was meant, e.g. "コンピュータ－" with U+FF0D from CP932 input methods.
DASHES = frozenset("-‐‑‒–—―−─━ｰ~〜～")


def nfkc(value: str) -> str:
    """NFKC-normalise ``value``, skipping the work for plain ASCII."""
    if value.isascii():
        return value
    return unicodedata.normalize("NFKC", value)


def normalize_text(value: str) -> str:
    """Normalise a data field: NFKC, no invisible characters, single spaces.

    Full-width letters and digits become ASCII, half-width katakana become
    full-width, the ideographic space (U+3000) and every other run of white
    space become one ASCII space, zero-width characters and the BOM are
    dropped, and the ends are stripped. Applying it twice changes nothing.

    Parameters
    ----------
    value
        Any text (a name, title, industry, …).

    Returns
    -------
    str
        The normalised text; empty if ``value`` held only white space.

    Examples
    --------
    >>> normalize_text("\\ufeff　ＡＢＣ　ｶﾌﾞｼｷ  ")
    'ABC カブシキ'
    """
    # Short values (names, titles) repeat and are cached; long free text is not,
    # so that a column of notes cannot fill memory with cached copies.
    return _normalize_cached(value) if len(value) <= 256 else _normalize(value)


def _normalize(value: str) -> str:
    text = value.translate(_INVISIBLE)
    # Removing invisible characters or collapsing spaces can leave a combining
    # mark next to a new base character; loop until the text is stable so the
    # function is idempotent (in practice this runs once).
    for _ in range(8):
        text = " ".join(nfkc(text).translate(_INVISIBLE).split())
        if unicodedata.is_normalized("NFKC", text):
            break
    return text


_normalize_cached = lru_cache(maxsize=65536)(_normalize)


def bilingual(ja: str, en: str) -> str:
    """Join a Japanese and an English sentence the way every message here reads."""
    return f"{ja} / {en}"


def invalid(value: str, reason: tuple[str, str], fix: tuple[str, str]) -> InvalidValueError:
    """Build the :class:`InvalidValueError` every parser raises.

    ``reason`` and ``fix`` are (Japanese, English) pairs, rendered as
    ``"日本語 / English"`` so the message reads in both languages.
    """
    return InvalidValueError(bilingual(*reason), value=value, fix=bilingual(*fix))

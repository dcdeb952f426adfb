"""Company names: split off the legal form (株式会社, ㈱, Co., Ltd. …) and build a matching key."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rashinban.normalize._text import DASHES, nfkc, normalize_text

__all__ = ["LEGAL_FORM_ALIASES", "company_key", "split_legal_form"]

# Written form (after NFKC) → canonical form in rashinban.schema.LEGAL_FORMS.
# NFKC already turns ㈱ into (株), ㈲ into (有), ㍿ into 株式会社 and full-width
# brackets into ASCII ones, so only the ASCII-bracket abbreviations are listed.
_JA_FORMS: dict[str, str] = {
    "株式会社": "株式会社",
    "株式會社": "株式会社",
    "(株)": "株式会社",
    "有限会社": "有限会社",
    "有限會社": "有限会社",
    "(有)": "有限会社",
    "合同会社": "合同会社",
    "(同)": "合同会社",
    "合資会社": "合資会社",
    "(資)": "合資会社",
    "合名会社": "合名会社",
    "(名)": "合名会社",
    "一般社団法人": "一般社団法人",
    "(一社)": "一般社団法人",
    "一般財団法人": "一般財団法人",
    "(一財)": "一般財団法人",
    "公益社団法人": "公益社団法人",
    "(公社)": "公益社団法人",
    "公益財団法人": "公益財団法人",
    "(公財)": "公益財団法人",
    # 医療法人社団/医療法人財団 are the two kinds of 医療法人 (医療法 Art. 39);
    # 社会医療法人 is a 医療法人 with a public-interest certification.
    "医療法人社団": "医療法人",
    "医療法人財団": "医療法人",
    "社会医療法人": "医療法人",
    "医療法人": "医療法人",
    "(医)": "医療法人",
    "学校法人": "学校法人",
    "(学)": "学校法人",
    "社会福祉法人": "社会福祉法人",
    "(福)": "社会福祉法人",
    "特定非営利活動法人": "特定非営利活動法人",
    "認定特定非営利活動法人": "特定非営利活動法人",
    "npo法人": "特定非営利活動法人",
    "認定npo法人": "特定非営利活動法人",
    "(特非)": "特定非営利活動法人",
    "(npo)": "特定非営利活動法人",
}

# English forms, as regular expressions (matched case-insensitively, only as a
# whole word at the end of the name, or at the start for the romanised forms).
# "Corporation" and "Co., Ltd." are how Japanese 株式会社 register their English
# names; LLC / G.K. are 合同会社; Y.K. is a pre-2006 有限会社.
_EN_SUFFIXES: tuple[tuple[str, str], ...] = (
    (r"co(?:\.|mpany)?\s*,?\s*(?:ltd|limited)\.?", "株式会社"),
    (r"kabushiki\s*(?:kaisha|gaisha)", "株式会社"),
    (r"k\.\s*k\.?|kk", "株式会社"),
    (r"inc(?:\.|orporated)?", "株式会社"),
    (r"corp(?:\.|oration)?", "株式会社"),
    (r"ltd\.?|limited", "株式会社"),
    (r"godo\s*(?:kaisha|gaisha)", "合同会社"),
    (r"g\.\s*k\.?|llc|l\.l\.c\.?", "合同会社"),
    (r"yugen\s*(?:kaisha|gaisha)", "有限会社"),
    (r"y\.\s*k\.?", "有限会社"),
)
_EN_PREFIXES: tuple[tuple[str, str], ...] = (
    (r"kabushiki\s*(?:kaisha|gaisha)", "株式会社"),
    (r"godo\s*(?:kaisha|gaisha)", "合同会社"),
    (r"yugen\s*(?:kaisha|gaisha)", "有限会社"),
)

#: Every spelling this module recognises, mapped to its canonical legal form.
LEGAL_FORM_ALIASES: dict[str, str] = dict(_JA_FORMS)


def _ja_pattern() -> str:
    # Longest first so 医療法人社団 wins over 医療法人; brackets may hold spaces.
    parts = []
    for alias in sorted(_JA_FORMS, key=len, reverse=True):
        if alias.startswith("("):
            parts.append(r"\(\s*" + re.escape(alias[1:-1]) + r"\s*\)")
        else:
            parts.append(re.escape(alias))
    return "|".join(parts)


_JA = _ja_pattern()
_EN_SUF = "|".join(f"(?:{p})" for p, _ in _EN_SUFFIXES)
_EN_PRE = "|".join(f"(?:{p})" for p, _ in _EN_PREFIXES)
# Japanese forms need no separator ("テスト株式会社"); English ones must stand as a
# word, after a space or comma ("Sony Group Corporation", "ABC,Inc.").
_PREFIX = re.compile(rf"^(?:(?P<ja>{_JA})|(?P<en>{_EN_PRE})(?=[\s,]))[\s,・]*", re.IGNORECASE)
_SUFFIX = re.compile(rf"(?:(?P<ja>{_JA})|(?<=[\s,])(?P<en>{_EN_SUF}))$", re.IGNORECASE)
_EN_SUF_RES = tuple((re.compile(p, re.IGNORECASE), form) for p, form in _EN_SUFFIXES)
_EN_PRE_RES = tuple((re.compile(p, re.IGNORECASE), form) for p, form in _EN_PREFIXES)
_SPACES_IN_BRACKETS = re.compile(r"\s+")


def _canonical(
    ja: str | None, en: str | None, english: tuple[tuple[re.Pattern[str], str], ...]
) -> str:
    if ja is not None:
        return _JA_FORMS[_SPACES_IN_BRACKETS.sub("", ja).casefold()]
    assert en is not None  # noqa: S101 - one of the two groups always matched
    for pattern, form in english:
        if pattern.fullmatch(en):
            return form
    raise AssertionError(en)  # pragma: no cover - the alternation and the table agree


@lru_cache(maxsize=65536)
def split_legal_form(name: str) -> tuple[str, str | None]:
    """Split a company name into the name proper and its canonical legal form.

    The form may come before or after the name, with or without a space, in
    full (株式会社), abbreviated (㈱, (株), （株）), in old characters (株式會社)
    or in English (``Co., Ltd.``, ``Inc.``, ``K.K.``, ``Corporation`` → 株式会社;
    ``G.K.``, ``LLC`` → 合同会社). Canonical forms are those of
    :data:`rashinban.schema.LEGAL_FORMS`. If the name carries several forms
    (``株式会社テスト(株)``) all are removed and the first one found is returned.
    A name that *is* only a legal form is kept whole, with no form.

    Parameters
    ----------
    name
        A company name as written in the source.

    Returns
    -------
    tuple[str, str | None]
        The name without the legal form (normalised with
        :func:`normalize_text`) and the canonical legal form, or ``None``.

    Examples
    --------
    >>> split_legal_form("㈱ﾃｽﾄ")
    ('テスト', '株式会社')
    >>> split_legal_form("Sony Group Corporation")
    ('Sony Group', '株式会社')
    >>> split_legal_form("羅針盤商事")
    ('羅針盤商事', None)
    """
    text = normalize_text(name)
    form: str | None = None
    # Each pass removes one form from the front or the back; a name is rarely
    # longer than a few forms, the bound only guards against pathological input.
    for _ in range(len(text)):
        m = _PREFIX.match(text)
        english = _EN_PRE_RES
        if m is None or m.end() == len(text):
            m = _SUFFIX.search(text)
            english = _EN_SUF_RES
            if m is None or m.start() == 0:
                break
            rest = text[: m.start()]
        else:
            rest = text[m.end() :]
        rest = normalize_text(rest.strip(" ,・"))
        if not rest:
            break
        if form is None:
            form = _canonical(m.group("ja"), m.group("en"), english)
        text = rest
    return text, form


def _is_kana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u30ff" or "\u31f0" <= ch <= "\u31ff"


@lru_cache(maxsize=4096)
def _dropped(ch: str) -> bool:
    # Punctuation (P*), separators/spaces (Z*), controls and format characters (Cc, Cf).
    return unicodedata.category(ch)[0] in "PZ" or unicodedata.category(ch) in ("Cc", "Cf")


def _strip_punctuation(text: str) -> str:
    out: list[str] = []
    prev = ""
    for ch in text:
        if ch == "ー" or ch in DASHES:
            # 長音 is a letter right after kana (テスター, ラーメン, or a second ー);
            # anywhere else ー or a dash is a separator and goes.
            if prev and (_is_kana(prev) or prev == "ー"):
                out.append("ー")
                prev = "ー"
            else:
                prev = ""
            continue
        if _dropped(ch):
            prev = ""
            continue
        out.append(ch)
        prev = ch
    return "".join(out)


@lru_cache(maxsize=65536)
def company_key(name: str) -> str:
    """Return the key that equal companies share, for de-duplication.

    The legal form is removed (:func:`split_legal_form`), the text is NFKC
    case-folded, and white space and punctuation (``・ . , - ( )`` …) are
    dropped. The prolonged sound mark ``ー`` is kept where it lengthens a kana
    (テスター) and dash look-alikes there (``－``, ``―``, ``ｰ``) become ``ー``;
    elsewhere ``ー`` and dashes are separators and are dropped. Applying it
    twice changes nothing.

    Parameters
    ----------
    name
        A company name as written in the source.

    Returns
    -------
    str
        The matching key; empty only if ``name`` held only white space.

    Examples
    --------
    >>> {company_key(n) for n in ["㈱テスト", "株式会社 テスト", "テスト株式会社", "(株)ﾃｽﾄ"]}
    {'テスト'}
    >>> company_key("ABC Trading Co., Ltd.")
    'abctrading'
    """
    text = name
    # Dropping spaces can make a legal form appear ("テスト 株式 会社"), so loop
    # to a fixed point; every pass that changes the text shortens or folds it.
    for _ in range(16):
        base, _form = split_legal_form(text)
        key = _strip_punctuation(nfkc(base.casefold()))
        if not key:
            # All punctuation ("・・"): keep it rather than give every such name one key.
            key = "".join(nfkc(base.casefold()).split())
        key = nfkc(key)
        if key == text:
            break
        text = key
    return text

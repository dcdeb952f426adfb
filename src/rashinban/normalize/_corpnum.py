"""法人番号 (Japanese corporate number): 13 digits whose first digit is a check digit."""

from __future__ import annotations

import re
from functools import lru_cache

from stdnum.jp import cn

from rashinban.normalize._text import invalid, nfkc

__all__ = ["parse_corporate_number"]

# Separators people put into long numbers: spaces, hyphens and their look-alikes.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−_]+")
# An invoice registration number (適格請求書発行事業者登録番号) of a corporation is
# "T" followed by its corporate number; accept it as the same thing.
_NUMBER = re.compile(r"[Tt]?([0-9]{13})(?:\.0+)?")
_EXPONENT = re.compile(r"[0-9.]+[eE][+-]?[0-9]+")

_FIX = (
    "国税庁法人番号公表サイトで13桁の番号を確認してください",
    "look the 13-digit number up on the National Tax Agency's corporate number site",
)


@lru_cache(maxsize=65536)
def parse_corporate_number(value: str) -> str:
    """Read a 法人番号 and check its check digit.

    Full-width digits, spaces and hyphens are accepted, as is the invoice
    registration number form ``T`` + 13 digits. The check digit (the first
    digit) is verified with :mod:`stdnum.jp.cn`, which implements the
    formula of 法人番号の指定等に関する省令 第2条: ``9 - (Σ Pn·Qn mod 9)`` with
    weights Qn alternating 1, 2, 1, … over the other twelve digits counted
    from the last one.

    Parameters
    ----------
    value
        The number as written.

    Returns
    -------
    str
        The 13 ASCII digits.

    Raises
    ------
    InvalidValueError
        Not 13 digits, or the check digit does not match.

    Examples
    --------
    >>> parse_corporate_number("７０００－０１－２０５０００２")
    '7000012050002'
    """
    text = _SEPARATORS.sub("", nfkc(value))
    m = _NUMBER.fullmatch(text)
    if m is None:
        if _EXPONENT.fullmatch(text):
            raise invalid(
                value,
                ("指数表記で桁が失われています", "exponent notation has lost digits"),
                (
                    "Excelで列を文字列形式にして13桁のまま保存してください",
                    "format the column as text in Excel so all 13 digits are kept",
                ),
            )
        digits = sum(ch.isdigit() for ch in text)
        raise invalid(
            value,
            (
                f"法人番号は13桁の数字です(数字{digits}個)",
                f"a corporate number has 13 digits (found {digits} digits)",
            ),
            _FIX,
        )
    number = m.group(1)
    if not cn.is_valid(number):
        expected = cn.calc_check_digit(number[1:])
        raise invalid(
            value,
            (
                f"法人番号のチェックデジットが一致しません(先頭は{expected}のはず)",
                f"the check digit does not match (the first digit should be {expected})",
            ),
            _FIX,
        )
    return number

"""Numbers as Japanese business data writes them: ¥, 円, 千円, 万, 億, ▲/△, 名/社 counts."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from rashinban.normalize._text import invalid, nfkc, normalize_text

__all__ = ["parse_float", "parse_int", "parse_money"]

_Kind = Literal["money", "int", "float"]

# A plain number: digits with correct thousands separators, or bare digits, and an
# optional fraction. Lengths are bounded so no value can build a huge int or float.
_NUM = r"(?:[0-9]{1,3}(?:,[0-9]{3}){1,8}|[0-9]{1,24})(?:\.[0-9]{1,30})?"
_FAST = re.compile(rf"-?{_NUM}")
# The decorated shapes most ledgers use (¥1,234 / 1,234円 / ▲1,234 / 1,234千円 /
# 95万円), whole numbers only so that float arithmetic stays exact; anything else
# takes the general path.
_MEDIUM = re.compile(
    r"([-−▲△])?\s*[¥\\]?\s*([0-9]{1,3}(?:,[0-9]{3}){1,8}|[0-9]{1,15})\s*(千|百万|万|億)?\s*円?"
)
_MEDIUM_SCALE = {None: 1.0, "千": 1e3, "百万": 1e6, "万": 1e4, "億": 1e8}
# Japanese magnitude units: 万 (10^4), 億 (10^8), 兆 (10^12), each optionally
# scaled by 十/百/千 (百万 = 10^6, 千万 = 10^7), and 千/百 alone (1,234千円).
_UNIT_VALUE = {"兆": 10**12, "億": 10**8, "万": 10**4, "千": 10**3, "百": 10**2, "十": 10}
_UNIT = r"[千百十]?[兆億万]|千|百"
_PART = re.compile(rf"({_NUM})\s*({_UNIT})?\s*")
_EXPONENT = re.compile(r"[0-9]{1,24}(?:\.[0-9]{1,24})?e[+-]?[0-9]{1,3}")
# Excel's 標準 (General) format shows a number of 12 or more digits as 1.23457E+11,
# losing digits; below this it writes the digits out, so a smaller number in exponent
# notation came from a tool that wrote it exactly.
_EXCEL_IN_FULL = Decimal(10**11)
_SEPARATED_DIGITS = re.compile(r"[0-9][0-9,.]*")

_APPROX = re.compile(
    r"約|およそ|概算|概ね|おおむね|程度|くらい|ぐらい|前後|ほど|≒|approx|about|around"
)
_APPROX_END = re.compile(r"[0-9万億千円名人社件]\s*[強弱]$")
_RANGE = re.compile(r"[0-9兆億万千百円名人社件個%]\s*(?:[-~〜–—ー]|から|to)\s*[-▲△¥\\]?\s*[0-9]")
_BOUND = re.compile(r"以上|以下|未満|超|より|over|under|up to|[<>≦≧≤≥]|\+$|^[~〜]|[~〜]$")
_TAX_NOTE = re.compile(r"税込|税抜|税別|内税|外税|tax")
_FOREIGN = re.compile(r"[$€£₩]|usd|eur|gbp|cny|rmb|ドル|ユーロ|ポンド|ウォン|人民元")
_SIGNS = {"-": True, "−": True, "▲": True, "△": True, "+": False}
_YEN_PREFIX = ("¥", "\\", "jpy")  # a yen sign shows as "\" in CP932 text
_YEN_SUFFIX = ("円", "jpy", "yen")
# Counters people append to whole counts (従業員数 1,000名, 取引社数 20社 …).
_COUNTERS = tuple(
    sorted(
        (
            "名 人 社 件 個 台 本 枚 回 店 店舗 拠点 箇所 ヶ所 か所 カ所 ケ所 口 席 契約"
            " ライセンス アカウント ユーザー 名様 人分 世帯"
        ).split(),
        key=len,
        reverse=True,
    )
)
_PERCENT = ("%", "パーセント", "percent")

_FIX_NUMBER = ("数字で書いてください(例: 1,234,000)", "write the number in digits, e.g. 1,234,000")
_FIX_EXACT = (
    "正確な数値を入力するか列をマッピングしてください",
    "write the exact number or map the column",
)


def _reject(value: str, kind: _Kind, text: str) -> Exception:
    """Say why ``text`` is not a number of ``kind``, as precisely as the shape allows."""
    if _APPROX.search(text) or _APPROX_END.search(text):
        return invalid(
            value,
            ("概数は数値として読めません", "an approximate figure is not a number"),
            _FIX_EXACT,
        )
    if _RANGE.search(text):
        return invalid(
            value,
            ("範囲は一つの数値として読めません", "a range is not a single number"),
            (
                "下限と上限の2列に分けるか、代表値を1つ書いてください",
                "split the range into a low and a high column, or write one number",
            ),
        )
    if _BOUND.search(text):
        return invalid(
            value,
            (
                "「以上」「未満」などの境界は数値として読めません",
                "a bound ('or more', 'under') is not a number",
            ),
            (
                "正確な数値を書くか、境界値として別の列に取り込んでください",
                "write the exact number, or import the bound into a column of its own",
            ),
        )
    if kind == "money" and _TAX_NOTE.search(text):
        return invalid(
            value,
            ("税込・税抜の注記が付いています", "the amount carries a tax note"),
            (
                "注記を外し、税込か税抜かは列の定義で決めてください",
                "remove the note; say in the column mapping whether amounts include tax",
            ),
        )
    if kind == "money" and _FOREIGN.search(text):
        return invalid(
            value,
            ("円以外の通貨です", "the amount is not in yen"),
            (
                "円に換算するか、ワークスペースの通貨を設定してください",
                "convert the amount to yen or set the workspace currency",
            ),
        )
    if kind != "float" and _EXPONENT.fullmatch(text.lstrip("-+▲△")):  # 10^11 and above
        return invalid(
            value,
            (
                "指数表記では桁が失われている可能性があります",
                "exponent notation may have lost digits",
            ),
            (
                "Excelで列を数値形式にして保存し直してください",
                "format the column as a number in Excel and export it again",
            ),
        )
    if _SEPARATED_DIGITS.fullmatch(text) and "," in text:
        return invalid(
            value,
            ("桁区切りのカンマの位置が正しくありません", "the thousands separators are misplaced"),
            _FIX_NUMBER,
        )
    return invalid(value, ("数値として読めません", "not a number"), _FIX_NUMBER)


def _strip_prefix(text: str) -> tuple[str, bool | None, bool]:
    """Remove leading sign and yen marks (in any order, each at most once).

    Returns the rest, the sign (True negative, False explicit plus, None none) and
    whether a yen mark was seen.
    """
    sign: bool | None = None
    yen = False
    while text:
        head = text[0]
        if head in _SIGNS and sign is None:
            sign = _SIGNS[head]
            text = text[1:].lstrip()
        elif not yen and text.startswith(_YEN_PREFIX):
            yen = True
            text = text[3:] if text.startswith("jpy") else text[1:]
            text = text.lstrip()
        else:
            break
    return text, sign, yen


def _amount(text: str) -> Decimal | None:
    """Read ``1億2,000万``, ``1,234千``, ``1.5億`` or a plain number; None if it is not one."""
    total = Decimal(0)
    pos = 0
    last_scale: int | None = None
    while pos < len(text):
        m = _PART.match(text, pos)
        if m is None or m.end() == pos:
            return None
        digits, unit = m.groups()
        if unit is None:
            scale = 1
            if m.end() != len(text):
                return None  # a bare number is only allowed as the last part
        else:
            scale = _UNIT_VALUE[unit[-1]] * (_UNIT_VALUE[unit[0]] if len(unit) == 2 else 1)
        if last_scale is not None and scale >= last_scale:
            return None  # units must fall: 1億2000万, never 2000万1億
        total += Decimal(digits.replace(",", "")) * scale
        last_scale = scale
        pos = m.end()
    return total if pos else None


def _parse(value: str, kind: _Kind) -> Decimal | float:
    text = normalize_text(value).casefold()
    negative = False
    body = text
    if len(body) > 2 and body[0] == "(" and body[-1] == ")":
        negative = True  # accounting negative: (1,000)
        body = body[1:-1].strip()
    body, sign, yen = _strip_prefix(body)
    if sign is not None and negative:
        raise _reject(value, kind, text)
    negative = negative or bool(sign)
    percent = False
    if kind == "money":
        if yen and body.endswith("-"):
            body = body[:-1].rstrip()  # "¥1,000-": the dash closes the amount, it is not a sign
        for suffix in _YEN_SUFFIX:
            if body.endswith(suffix):
                body = body[: -len(suffix)].rstrip()
                break
    elif yen:
        raise _reject(value, kind, text)
    elif kind == "int":
        for suffix in _COUNTERS:
            if body.endswith(suffix):
                body = body[: -len(suffix)].rstrip()
                break
    else:
        for suffix in _PERCENT:
            if body.endswith(suffix):
                body = body[: -len(suffix)].rstrip()
                percent = True
                break
    number: Decimal | float | None = _amount(body)
    if number is None and _EXPONENT.fullmatch(body):
        if kind == "float":
            number = float(body)
        elif abs(Decimal(body)) < _EXCEL_IN_FULL:
            # Excel's 標準 format writes numbers below 10^11 in full, so this exponent
            # notation (1.5E+03, 1.5e-07) did not hide digits: it is the number.
            number = Decimal(body)
    if number is None or not math.isfinite(number):
        raise _reject(value, kind, text)
    if percent:
        number = number / 100
    return -number if negative else number


@lru_cache(maxsize=65536)
def _money(value: str) -> float:
    return float(_parse(value, "money"))


def parse_money(value: str) -> float:
    """Read an amount of money (JPY) as Japanese ledgers and CRMs write it.

    Accepted: ``¥1,234,000``, ``￥1,234,000``, ``\\1,234,000`` (the yen sign of
    CP932 text), ``1,234,000円``, ``1,234 JPY``, Japanese units ``1,234千円``
    (×1,000), ``12百万円`` (×1,000,000), ``3万円``, ``1.5億円``, ``1億2000万円``,
    negatives ``-1,000``, ``▲1,000``, ``△1,000`` and ``(1,000)``, full-width
    digits, and the receipt style ``¥1,000-`` (the dash closes the amount).

    Parameters
    ----------
    value
        The amount as written.

    Returns
    -------
    float
        The amount in yen.

    Raises
    ------
    InvalidValueError
        Approximate (約100万円), a range (100〜200万円), a bound (100万円以上),
        a tax note (1,000円(税込)), another currency, exponent notation of 10^11
        or more (Excel's 1.23E+12 has lost digits; 1.5E+03 is 1,500), misplaced
        separators, or not a number.

    Examples
    --------
    >>> parse_money("1億2,000万円")
    120000000.0
    >>> parse_money("▲1,000")
    -1000.0
    """
    if _FAST.fullmatch(value):
        return float(value.replace(",", ""))
    m = _MEDIUM.fullmatch(nfkc(value).strip())
    if m is not None:
        sign, digits, unit = m.groups()
        amount = float(digits.replace(",", "")) * _MEDIUM_SCALE[unit]
        return -amount if sign else amount
    return _money(value)


@lru_cache(maxsize=65536)
def parse_int(value: str) -> int:
    """Read a whole count: employees, quantities, numbers of sites.

    Accepted: ``1,000``, ``1000.0``, counters ``1,000名``, ``1000人``,
    ``1,000社``, ``1000件``, ``1000個`` (and 台, 本, 拠点, 店舗 …), units
    (``1.2万人`` is 12000), full-width digits, and negatives ``-5``, ``▲5``, ``△5``.

    Parameters
    ----------
    value
        The count as written.

    Returns
    -------
    int

    Raises
    ------
    InvalidValueError
        Approximate (約500名), a bound (500名以上), a range (100-499名), not a whole
        number (1.5), exponent notation of 10^11 or more (1.5E+03 is 1,500), or
        not a number.

    Examples
    --------
    >>> parse_int("1,000名")
    1000
    >>> parse_int("▲3")
    -3
    """
    number = _parse(value, "int")
    assert isinstance(number, Decimal)  # noqa: S101 - ints never take the float path
    if number != number.to_integral_value():
        raise invalid(
            value,
            ("整数ではありません", "not a whole number"),
            ("整数(小数のない数)で書いてください", "write a whole number"),
        )
    return int(number)


@lru_cache(maxsize=65536)
def parse_float(value: str) -> float:
    """Read any other number: rates, scores, ratios.

    The same digits, separators, units and negatives as :func:`parse_money`
    (no currency), plus exponent notation (``1.2e-3``) and percentages
    (``12.5%`` is 0.125, as a spreadsheet stores it).

    Parameters
    ----------
    value
        The number as written.

    Returns
    -------
    float

    Raises
    ------
    InvalidValueError
        Approximate, a range, a bound, or not a number.

    Examples
    --------
    >>> parse_float("12.5%")
    0.125
    >>> parse_float("△0.5")
    -0.5
    """
    return float(_parse(value, "float"))

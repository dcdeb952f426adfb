"""Money, counts and other numbers: units, ▲/△ negatives, and reasons for rejects."""

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rashinban import InvalidValueError
from rashinban.normalize import parse_float, parse_int, parse_money

FULL_WIDTH = str.maketrans("0123456789,.-", "０１２３４５６７８９，．－")

MONEY = [
    ("1234000", 1234000),
    ("1,234,000", 1234000),
    ("¥1,234,000", 1234000),
    ("￥1,234,000", 1234000),
    ("\\1,234,000", 1234000),
    ("1,234,000円", 1234000),
    ("1,234,000 円", 1234000),
    ("¥ 1,234,000", 1234000),
    ("1,234 JPY", 1234),
    ("JPY 1,234", 1234),
    ("1234yen", 1234),
    ("1,234千円", 1234000),
    ("12百万円", 12000000),
    ("3万円", 30000),
    ("1.5億円", 150000000),
    ("1億2000万円", 120000000),
    ("1億2,000万円", 120000000),
    ("1億2千万円", 120000000),
    ("3千万円", 30000000),
    ("1万5000円", 15000),
    ("2兆3000億円", 2300000000000),
    ("▲1,000", -1000),
    ("△1,000", -1000),
    ("▲ 1,000円", -1000),
    ("▲¥1,000", -1000),
    ("¥▲1,000", -1000),
    ("-1,000", -1000),
    ("−1,000", -1000),
    ("-¥1,000", -1000),
    ("(1,000)", -1000),
    ("（１，０００）", -1000),
    ("(¥1,000)", -1000),
    ("+1,000", 1000),
    ("１，２３４，０００円", 1234000),
    ("￥１２３４", 1234),
    ("¥1,000-", 1000),  # receipt style: the dash closes the amount
    ("1,000.50円", 1000.5),
    ("0", 0),
    ("▲1.5億円", -150000000),
    ("1.5E+03", 1500),
    ("▲1.2e3", -1200),
    ("1.5E-07", 1.5e-07),
    ("9.9e10円", 99000000000),
]


@pytest.mark.parametrize(("raw", "expected"), MONEY)
def test_money_known(raw: str, expected: float) -> None:
    assert parse_money(raw) == expected


MONEY_REJECTS = [
    ("約100万円", "概数"),
    ("およそ100万円", "概数"),
    ("100万円程度", "概数"),
    ("100万円前後", "概数"),
    ("100万円強", "概数"),
    ("100〜200万円", "範囲"),
    ("100～200万円", "範囲"),
    ("100万円~200万円", "範囲"),
    ("100-200万円", "範囲"),
    ("100万円から200万円", "範囲"),
    ("100万円以上", "境界"),
    ("100万円未満", "境界"),
    ("100万円超", "境界"),
    ("〜100万円", "境界"),
    ("100万+", "境界"),
    ("1,000円(税込)", "税込"),
    ("1,000円（税抜）", "税込"),
    ("$100", "円以外"),
    ("100 USD", "円以外"),
    ("100ドル", "円以外"),
    ("1.23E+12", "指数表記"),
    ("1E+11", "指数表記"),
    ("1,23,4", "カンマ"),
    ("1,2345", "カンマ"),
    ("abc", "数値として読めません"),
    ("2000万1億", "数値として読めません"),  # units must fall
    ("1万1万", "数値として読めません"),
    ("--1000", "数値として読めません"),
    ("-(1000)", "数値として読めません"),
    ("▲-1000", "数値として読めません"),
    ("1.2.3", "数値として読めません"),
    ("円", "数値として読めません"),
    ("nan", "数値として読めません"),
    ("inf", "数値として読めません"),
]


@pytest.mark.parametrize(("raw", "reason"), MONEY_REJECTS)
def test_money_rejects(raw: str, reason: str) -> None:
    with pytest.raises(InvalidValueError, match=reason) as err:
        parse_money(raw)
    assert " / " in err.value.message
    assert err.value.fix and " / " in err.value.fix
    assert err.value.value == raw


INTS = [
    ("1000", 1000),
    ("1,000", 1000),
    ("1,000名", 1000),
    ("1000人", 1000),
    ("1,000社", 1000),
    ("1000件", 1000),
    ("1000個", 1000),
    ("12拠点", 12),
    ("3店舗", 3),
    ("5ヶ所", 5),
    ("1000.0", 1000),
    ("１，０００名", 1000),
    ("▲5", -5),
    ("△5", -5),
    ("-5", -5),
    ("1.2万人", 12000),
    ("3万", 30000),
    ("0", 0),
    ("9" * 24, int("9" * 24)),  # exact, no float rounding
    # Exponent notation below 10^11, which Excel's 標準 would have written in full, is
    # the number; full-width and ▲ as anywhere else.
    ("1E+3", 1000),
    ("1.5E+03", 1500),
    ("１．５Ｅ＋０３", 1500),
    ("▲2.5e2", -250),
    ("9.9999999999E+10", 99999999999),
]


@pytest.mark.parametrize(("raw", "expected"), INTS)
def test_int_known(raw: str, expected: int) -> None:
    got = parse_int(raw)
    assert type(got) is int
    assert got == expected


INT_REJECTS = [
    ("約500名", "概数", "正確な数値"),
    ("500名以上", "境界", "正確な数値"),
    ("500人超", "境界", "正確な数値"),
    ("100-499名", "範囲", "2列"),
    ("100〜499人", "範囲", "2列"),
    ("1.5", "整数ではありません", "整数"),
    ("1.00005万人", "整数ではありません", "整数"),
    ("1E+11", "指数表記", "Excel"),  # Excel's 標準 hides digits from 10^11 on
    ("1e30", "指数表記", "Excel"),
    ("1.5e-07", "整数ではありません", "整数"),
    ("¥1000", "数値として読めません", "数字"),
    ("千人", "数値として読めません", "数字"),
]


@pytest.mark.parametrize(("raw", "reason", "fix"), INT_REJECTS)
def test_int_rejects_name_the_fix(raw: str, reason: str, fix: str) -> None:
    with pytest.raises(InvalidValueError, match=reason) as err:
        parse_int(raw)
    assert err.value.fix is not None and fix in err.value.fix


FLOATS = [
    ("3.14", 3.14),
    ("-0.5", -0.5),
    ("△0.5", -0.5),
    ("▲0.5", -0.5),
    ("12.5%", 0.125),
    ("１２．５％", 0.125),
    ("-3%", -0.03),
    ("50パーセント", 0.5),
    ("1.2e-3", 0.0012),
    ("1.5E+03", 1500.0),
    ("1,234.5", 1234.5),
    ("1.5万", 15000.0),
    ("(2.5)", -2.5),
]


@pytest.mark.parametrize(("raw", "expected"), FLOATS)
def test_float_known(raw: str, expected: float) -> None:
    assert parse_float(raw) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("約3.5", "概数"),
        ("3.5以上", "境界"),
        ("1.0-2.0", "範囲"),
        ("1e400", "数値として読めません"),
        ("¥3.5", "数値として読めません"),
        ("3.5.1", "数値として読めません"),
    ],
)
def test_float_rejects(raw: str, reason: str) -> None:
    with pytest.raises(InvalidValueError, match=reason):
        parse_float(raw)


def naive_group(n: int) -> str:
    """Thousands separators the long way, independent of format()'s ','."""
    digits = str(n)
    groups = []
    while digits:
        groups.append(digits[-3:])
        digits = digits[:-3]
    return ",".join(reversed(groups))


def man_oku(n: int) -> str:
    """Write a whole amount with 億/万 as Japanese statements do: 1億2,345万6,789."""
    oku, rest = divmod(n, 10**8)
    man, one = divmod(rest, 10**4)
    parts = [f"{naive_group(oku)}億" if oku else "", f"{naive_group(man)}万" if man else ""]
    parts.append(naive_group(one) if one or not (oku or man) else "")
    return "".join(parts)


amounts = st.integers(min_value=0, max_value=10**15)


@given(amounts, st.sampled_from(["▲", "△", "-", "−", "()"]), st.booleans(), st.booleans())
def test_money_round_trip(n: int, minus: str, yen_sign: bool, full_width: bool) -> None:
    body = naive_group(n)
    text = f"¥{body}" if yen_sign else f"{body}円"
    if full_width:
        text = text.translate(FULL_WIDTH)
    assert parse_money(text) == n
    negative = f"({text})" if minus == "()" else minus + text
    assert parse_money(negative) == -n


@given(amounts)
def test_money_round_trip_japanese_units(n: int) -> None:
    assert parse_money(man_oku(n) + "円") == n
    assert parse_money(naive_group(n // 1000) + "千円") == n // 1000 * 1000


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_float_round_trip(x: Decimal) -> None:
    assert parse_float(f"{x:,}") == float(x)
    assert parse_float(f"{x}%") == pytest.approx(float(x) / 100, rel=1e-12, abs=1e-15)
    if x > 0:
        assert parse_float(f"▲{x}") == -float(x)


@given(st.integers(min_value=-(10**12), max_value=10**12), st.sampled_from(["", "名", "人", "社"]))
def test_int_round_trip(n: int, counter: str) -> None:
    sign = "▲" if n < 0 else ""
    assert parse_int(f"{sign}{naive_group(abs(n))}{counter}") == n
    assert parse_int(f"{n}.0") == n


@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_float_repr_round_trip(x: float) -> None:
    # repr() writes the shortest string that reads back as the same float.
    got = parse_float(repr(x))
    assert got == x or math.isclose(got, x, rel_tol=1e-12)

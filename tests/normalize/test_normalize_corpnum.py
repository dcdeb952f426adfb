"""法人番号: real published numbers, the check digit formula, and rejects."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.jp import cn

from rashinban import InvalidValueError
from rashinban.normalize import parse_corporate_number

# Corporate numbers of well-known organisations, as published on the 国税庁法人番号公表サイト
# (www.houjin-bangou.nta.go.jp) and cited alike in several independent public sources.
# Each is also checked below with python-stdnum and with the formula of the 省令, so a
# mistyped number would fail here.
PUBLISHED = {
    "国税庁": "7000012050002",
    "国立国会図書館": "1000011000005",
    "経済産業省": "4000012090001",
    "トヨタ自動車株式会社": "1180301018771",
    "株式会社三菱UFJ銀行": "5010001008846",
    "ソニーグループ株式会社": "5010401067252",
}


def naive_check_digit(body: str) -> int:
    """法人番号の指定等に関する省令 第2条: 9 - (Σ Pn·Qn mod 9), n counted from the right."""
    total = 0
    for n, digit in enumerate(reversed(body), start=1):
        total += int(digit) * (1 if n % 2 else 2)
    return 9 - total % 9


@pytest.mark.parametrize(("owner", "number"), sorted(PUBLISHED.items()))
def test_published_numbers(owner: str, number: str) -> None:
    assert cn.is_valid(number), owner
    assert naive_check_digit(number[1:]) == int(number[0])
    assert parse_corporate_number(number) == number
    full_width = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert parse_corporate_number(full_width) == number
    assert parse_corporate_number(cn.format(number)) == number  # 7-0000-1205-0002
    assert parse_corporate_number(f" {number[:1]} {number[1:5]} {number[5:]} ") == number
    assert parse_corporate_number("T" + number) == number  # invoice registration number
    assert parse_corporate_number(number + ".0") == number


@pytest.mark.parametrize("number", sorted(PUBLISHED.values()))
def test_wrong_check_digit_rejected(number: str) -> None:
    for first in "123456789":
        if first == number[0]:
            continue
        with pytest.raises(InvalidValueError, match="チェックデジット") as err:
            parse_corporate_number(first + number[1:])
        assert f"should be {number[0]}" in str(err.value)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("700001205000", "13桁"),
        ("70000120500021", "13桁"),
        ("7000O12050002", "13桁"),  # letter O for zero
        ("法人番号なし", "13桁"),
        ("7.00001E+12", "指数表記"),
        ("T-", "13桁"),
    ],
)
def test_rejects(raw: str, reason: str) -> None:
    with pytest.raises(InvalidValueError, match=reason) as err:
        parse_corporate_number(raw)
    assert err.value.value == raw
    assert err.value.fix


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_check_digit_agrees_with_formula(body: str) -> None:
    good = str(naive_check_digit(body)) + body
    assert parse_corporate_number(good) == good
    bad = str(naive_check_digit(body) % 9 + 1) + body
    with pytest.raises(InvalidValueError):
        parse_corporate_number(bad)

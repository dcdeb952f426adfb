"""The contract every parser keeps: only InvalidValueError, bilingual reasons, a fix."""

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rashinban.normalize as normalize
from rashinban import InvalidValueError
from rashinban.normalize import (
    company_key,
    normalize_text,
    parse_corporate_number,
    parse_date,
    parse_email,
    parse_float,
    parse_int,
    parse_money,
    parse_prefecture,
    parse_prefecture_from_address,
    parse_year,
    region_prefectures,
    split_legal_form,
    to_zone,
)

PARSERS: list[Callable[[str], Any]] = [
    parse_corporate_number,
    parse_prefecture,
    parse_prefecture_from_address,
    region_prefectures,
    parse_date,
    lambda v: parse_date(v, excel_serial=True),
    parse_money,
    parse_int,
    parse_float,
    parse_email,
    parse_year,
    lambda v: to_zone(v, ZoneInfo("Asia/Tokyo")),
]
NORMALISERS: list[Callable[[str], Any]] = [normalize_text, split_legal_form, company_key]

# Text that looks like the values these parsers read, so that the search reaches
# deep into each grammar rather than failing at the first character.
TOKENS = [
    *"0123456789０１２３,.，．-−▲△()（）¥￥\\円万億千百兆名社%eE+ /:T年月日元",
    *["令和", "平成", "昭和", "明治", "R", "H", "約", "以上", "〜", "@", "株式会社", "(株)"],
    *["東京", "京都", "都", "府", "県", "市", "区", "jp", "Tokyo", "-to", "\u3000", "\u200b"],
]
NEAR_MISS = st.lists(st.sampled_from(TOKENS), max_size=16).map("".join)


def test_public_surface_is_pinned() -> None:
    assert normalize.__all__ == [
        "ERAS",
        "LEGAL_FORM_ALIASES",
        "PREFECTURES",
        "REGIONS",
        "Zoned",
        "company_key",
        "format_wareki",
        "normalize_text",
        "parse_corporate_number",
        "parse_date",
        "parse_email",
        "parse_float",
        "parse_int",
        "parse_money",
        "parse_prefecture",
        "parse_prefecture_from_address",
        "parse_year",
        "region_prefectures",
        "split_legal_form",
        "to_zone",
    ]
    for name in normalize.__all__:
        assert getattr(normalize, name) is not None


def _only_invalid_value_error(parser: Callable[[str], Any], text: str) -> None:
    try:
        parser(text)
    except InvalidValueError as err:
        ja, sep, en = err.message.partition(" / ")
        assert sep and ja and en, err.message
        assert err.fix and " / " in err.fix
        assert err.value is not None


@pytest.mark.parametrize("parser", PARSERS)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text())
def test_arbitrary_text_raises_only_invalid_value_error(
    parser: Callable[[str], Any], text: str
) -> None:
    _only_invalid_value_error(parser, text)


@pytest.mark.parametrize("parser", PARSERS)
@settings(max_examples=300)
@given(text=NEAR_MISS)
def test_near_miss_text_raises_only_invalid_value_error(
    parser: Callable[[str], Any], text: str
) -> None:
    _only_invalid_value_error(parser, text)


@pytest.mark.parametrize("normaliser", NORMALISERS)
@given(text=st.one_of(st.text(), NEAR_MISS))
def test_normalisers_never_raise(normaliser: Callable[[str], Any], text: str) -> None:
    out = normaliser(text)
    assert isinstance(out, str | tuple)
    # and normalising the result again is stable (idempotence on arbitrary text)
    if isinstance(out, str):
        assert normaliser(out) == out


@pytest.mark.parametrize(
    "raw", ["9" * 5000, "1," * 3000 + "000", "令和" + "9" * 5000 + "年1月1日", "¥" + "9" * 400]
)
@pytest.mark.parametrize("parser", PARSERS)
def test_huge_values_are_rejected_not_crashed(parser: Callable[[str], Any], raw: str) -> None:
    _only_invalid_value_error(parser, raw)


def _outcome(fn: Callable[[str], Any], text: str) -> Any:
    try:
        return fn(text)
    except InvalidValueError as err:
        return ("rejected", err.message)


MONEY_LIKE = st.lists(st.sampled_from([*"0123456789,.-▲△¥\\円千万億 ", "百万", "１"]), max_size=14)
DATE_LIKE = st.lists(
    st.sampled_from([*"0123456789-/.:T Z+年月日元RHSTM", "令和", "平成", "昭和", "大正", "明治"]),
    max_size=26,
)


@settings(max_examples=500)
@given(st.one_of(MONEY_LIKE.map("".join), st.builds(lambda n: f"{n:,}円", st.integers(0, 10**12))))
def test_money_fast_paths_agree_with_the_general_grammar(text: str) -> None:
    # parse_money reads common shapes without the general grammar; both must agree.
    from rashinban.normalize import _numbers

    general = _outcome(_numbers._money, text)
    fast = _outcome(parse_money, text)
    if isinstance(general, tuple):
        assert isinstance(fast, tuple)
    else:
        assert fast == general


@settings(max_examples=500)
@given(
    st.one_of(
        DATE_LIKE.map("".join),
        st.builds(
            lambda d, h, sep: f"{d:%Y}{sep}{d.month}{sep}{d.day} {h}:00",
            st.dates(),
            st.integers(0, 30),
            st.sampled_from("-/."),
        ),
    )
)
def test_date_fast_paths_agree_with_the_general_grammar(text: str) -> None:
    from rashinban.normalize import _dates

    general = _outcome(lambda v: _dates._parse_date(v, False), text)
    fast = _outcome(parse_date, text)
    if isinstance(general, tuple):
        assert isinstance(fast, tuple)
    else:
        assert fast == general

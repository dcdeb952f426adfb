"""Years: Gregorian with or without 年, 和暦 years (元年 too), the year of a date."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rashinban import InvalidValueError
from rashinban.normalize import format_wareki, parse_year

# The last year of each era, written out here (from the proclaimed first days:
# 平成 began 1989-01-08, 昭和 1926-12-25, 大正 1912-07-30, 明治 1868) so that the
# table and the library's ERAS check each other.
ERA_YEARS = {"令和": (2019, None), "平成": (1989, 31), "昭和": (1926, 64), "大正": (1912, 15)}


@pytest.mark.parametrize(
    ("value", "year"),
    [
        ("2020", 2020),
        ("2020年", 2020),
        ("２０２０年", 2020),
        ("2020 年", 2020),
        ("1985.0", 1985),
        ("1985年4月", 1985),
        ("1985/4", 1985),
        ("1985-04-01", 1985),
        ("1985年4月1日", 1985),
        ("令和2年", 2020),
        ("令和元年", 2019),
        ("昭和６０年", 1985),
        ("昭和60", 1985),
        ("平成元年", 1989),
        ("平成31年", 2019),
        ("昭和64年", 1989),
        ("明治45年", 1912),
        ("R2", 2020),
        ("H30年", 2018),
        ("s60", 1985),
        ("令和2年4月1日", 2020),
        ("R6.4.1", 2024),
    ],
)
def test_years(value: str, year: int) -> None:
    assert parse_year(value) == year


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("85", "2桁の年は世紀が分かりません"),
        ("85年", "2桁の年は世紀が分かりません"),
        ("昭和0年", "昭和0年はありません"),
        ("昭和65年", "昭和は64年(1989年)までです"),
        ("平成32年", "平成は31年(2019年)までです"),
        ("2020年13月", "13月はありません"),
        ("創業100年", "年として読めません"),
        ("不明", "年として読めません"),
        ("2020年度", "年として読めません"),
    ],
)
def test_not_a_year_says_why_with_a_year_example(value: str, reason: str) -> None:
    with pytest.raises(InvalidValueError) as err:
        parse_year(value)
    assert reason in err.value.message and " / " in err.value.message
    assert err.value.value == value
    fix = err.value.fix or ""
    assert " / " in fix and "年" in fix and "1,234,000" not in fix


def test_an_era_overflow_names_the_right_year() -> None:
    with pytest.raises(InvalidValueError) as err:
        parse_year("平成32年")
    assert "令和2年" in (err.value.fix or "") and "2020" in (err.value.fix or "")


@pytest.mark.parametrize("era", list(ERA_YEARS))
def test_era_years_match_the_written_table(era: str) -> None:
    first, last = ERA_YEARS[era]
    assert parse_year(f"{era}元年") == first
    if last is not None:
        assert parse_year(f"{era}{last}年") == first + last - 1
        with pytest.raises(InvalidValueError):
            parse_year(f"{era}{last + 1}年")


@given(st.dates(min_value=dt.date(1873, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_the_wareki_year_of_a_date_round_trips(day: dt.date) -> None:
    wareki = format_wareki(day)  # 令和6年4月1日
    assert parse_year(wareki) == day.year
    assert parse_year(wareki[: wareki.index("年") + 1]) == day.year  # 令和6年
    assert parse_year(f"{day.year}年") == day.year

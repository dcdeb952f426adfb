"""Dates: ISO, slashes, 年月日, 和暦 with era boundaries, YYYYMMDD, Excel serials."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils.datetime import from_excel

from rashinban import InvalidValueError
from rashinban.normalize import format_wareki, parse_date

D = dt.date

# First days of the modern eras as proclaimed (大正 1912-07-30, 昭和 1926-12-25,
# 平成 1989-01-08 by 元号を改める政令 of 1989-01-07, 令和 2019-05-01 by the 政令 of
# 2019-04-01), with the romaji initial used on forms. Written out here, separately
# from the library's table, so the two check each other.
ERA_FIRST_DAYS = [
    ("令和", "R", D(2019, 5, 1)),
    ("平成", "H", D(1989, 1, 8)),
    ("昭和", "S", D(1926, 12, 25)),
    ("大正", "T", D(1912, 7, 30)),
    ("明治", "M", D(1868, 1, 1)),
]
ERA_YEAR_ONE = {"令和": 2019, "平成": 1989, "昭和": 1926, "大正": 1912, "明治": 1868}


def era_of(day: dt.date) -> tuple[str, str, int]:
    name, initial, _ = next(e for e in ERA_FIRST_DAYS if day >= e[2])
    return name, initial, day.year - ERA_YEAR_ONE[name] + 1


KNOWN = [
    ("2024-04-01", D(2024, 4, 1)),
    ("2024-04-01T09:00:00", D(2024, 4, 1)),
    ("2024-04-01T09:00:00Z", D(2024, 4, 1)),
    ("2024-04-01T09:00:00.123456", D(2024, 4, 1)),
    ("2024-04-01 09:00:00+09:00", D(2024, 4, 1)),
    ("2024-04-01T23:30:00-05:00", D(2024, 4, 1)),  # the date written, no tz shift
    ("2024-4-1", D(2024, 4, 1)),
    ("2024/4/1", D(2024, 4, 1)),
    ("2024/04/01", D(2024, 4, 1)),
    ("2024/04/01 9:00", D(2024, 4, 1)),
    ("2024/4/1 09:00:00", D(2024, 4, 1)),
    ("2024/4/1 午後3:30", D(2024, 4, 1)),
    ("2024/4/1 3:30 PM", D(2024, 4, 1)),
    ("2024/4/1(月)", D(2024, 4, 1)),
    ("2024/4/1（月）", D(2024, 4, 1)),
    ("2024/4/1(月曜日) 10:00", D(2024, 4, 1)),
    ("2024/4/29(月・祝)", D(2024, 4, 29)),
    ("2024.4.1", D(2024, 4, 1)),
    ("2024年4月1日", D(2024, 4, 1)),
    ("2024年 4月 1日", D(2024, 4, 1)),
    ("2024年4月1日 9時30分", D(2024, 4, 1)),
    ("2024年4月1日 9時", D(2024, 4, 1)),
    ("２０２４年４月１日", D(2024, 4, 1)),
    ("２０２４／０４／０１", D(2024, 4, 1)),
    ("20240401", D(2024, 4, 1)),
    ("20240401093000", D(2024, 4, 1)),
    ("20240401.0", D(2024, 4, 1)),
    ("令和6年4月1日", D(2024, 4, 1)),
    ("令和６年４月１日", D(2024, 4, 1)),
    ("令和元年5月1日", D(2019, 5, 1)),
    ("令和1年5月1日", D(2019, 5, 1)),
    ("㋿6年4月1日", D(2024, 4, 1)),
    ("R6.4.1", D(2024, 4, 1)),
    ("R06/04/01", D(2024, 4, 1)),
    ("r6-4-1", D(2024, 4, 1)),
    ("R元.5.1", D(2019, 5, 1)),
    ("H31.4.30", D(2019, 4, 30)),
    ("平成31年4月30日", D(2019, 4, 30)),
    ("平成元年1月8日", D(1989, 1, 8)),
    ("㍻元年1月8日", D(1989, 1, 8)),
    ("昭和64年1月7日", D(1989, 1, 7)),
    ("S64.1.7", D(1989, 1, 7)),
    ("昭和元年12月25日", D(1926, 12, 25)),
    ("大正15年12月24日", D(1926, 12, 24)),
    ("大正元年7月30日", D(1912, 7, 30)),
    ("T1.7.30", D(1912, 7, 30)),
    ("明治45年7月29日", D(1912, 7, 29)),
    ("明治6年1月1日", D(1873, 1, 1)),
    ("2024-02-29", D(2024, 2, 29)),
    ("2000/2/29", D(2000, 2, 29)),
    # English month names (English-locale Salesforce/HubSpot exports, US spreadsheets)
    ("Apr 1, 2024", D(2024, 4, 1)),
    ("April 1, 2024", D(2024, 4, 1)),
    ("April 1st, 2024", D(2024, 4, 1)),
    ("Apr. 1, 2024", D(2024, 4, 1)),
    ("Sept 3, 2024", D(2024, 9, 3)),
    ("1 Apr 2024", D(2024, 4, 1)),
    ("5th May 2024", D(2024, 5, 5)),
    ("01-APR-2024", D(2024, 4, 1)),
    ("2024-Apr-01", D(2024, 4, 1)),
    ("Mon, Apr 1, 2024", D(2024, 4, 1)),
    ("Monday, April 1, 2024", D(2024, 4, 1)),
    ("Apr 1, 2024 3:30 PM", D(2024, 4, 1)),
    ("Apr 1, 2024 15:30:00", D(2024, 4, 1)),
    ("Ａｐｒ　１，　２０２４", D(2024, 4, 1)),
]


@pytest.mark.parametrize(("raw", "expected"), KNOWN)
def test_known_dates(raw: str, expected: dt.date) -> None:
    assert parse_date(raw) == expected


REJECTS = [
    ("2024-02-30", "存在しない日付"),
    ("2023-02-29", "存在しない日付"),
    ("1900-02-29", "存在しない日付"),
    ("2024-13-01", "存在しない日付"),
    ("2024年4月31日", "存在しない日付"),
    ("平成31年5月1日", "令和元年5月1日"),  # the reason names the right spelling
    ("平成32年1月1日", "令和2年1月1日"),
    ("昭和64年1月8日", "平成元年1月8日"),
    ("令和元年4月30日", "平成31年4月30日"),
    ("大正15年12月25日", "昭和元年12月25日"),
    ("明治45年7月30日", "大正元年7月30日"),
    ("明治5年12月2日", "旧暦"),
    ("令和0年5月1日", "0年"),
    ("2024/4/1(火)", "曜日"),
    ("2024/4/1 25:00", "時刻"),
    ("2024/4/1 9:60", "時刻"),
    ("2024-04-01T09:00+15:00", "時刻"),
    ("4/1/2024", "曖昧"),
    ("01/04/2024", "曖昧"),
    ("24/4/1", "2桁の年"),
    ("2024年4月", "日が書かれていません"),
    ("2024/04", "日が書かれていません"),
    ("令和6年4月", "日が書かれていません"),
    ("令和6年", "日が書かれていません"),
    ("令和6年度", "年度"),
    ("4月1日", "年が書かれていません"),
    ("4/1", "年が書かれていません"),
    ("45383", "シリアル値"),
    ("昨日", "日付として読めません"),
    ("2024-04-01 and more", "日付として読めません"),
    ("X6.4.1", "日付として読めません"),
    ("Tue, Apr 1, 2024", "曜日"),
    ("Feb 30, 2024", "存在しない日付"),
    ("Apr 1, 2024 25:00", "時刻"),
    ("1-Apr-24", "2桁の年"),
    ("Apr 1, '24", "2桁の年"),
    ("Apr 1", "年が書かれていません"),
    ("Foo 1, 2024", "日付として読めません"),
]


@pytest.mark.parametrize(("raw", "reason"), REJECTS)
def test_rejects_with_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidValueError, match=reason) as err:
        parse_date(raw)
    message = err.value.message
    assert " / " in message  # Japanese / English
    assert err.value.value == raw
    assert err.value.fix


@pytest.mark.parametrize("serial", [1, 59, 61, 100, 25569, 36526, 43586, 45383, 45383.75, 2958465])
def test_excel_serial_matches_openpyxl(serial: float) -> None:
    assert parse_date(str(serial), excel_serial=True) == from_excel(serial).date()


@pytest.mark.parametrize("serial", ["0", "60", "2958466"])
def test_excel_serial_rejects(serial: str) -> None:
    with pytest.raises(InvalidValueError, match="シリアル値"):
        parse_date(serial, excel_serial=True)


def test_excel_serial_does_not_shadow_yyyymmdd() -> None:
    assert parse_date("20240401", excel_serial=True) == D(2024, 4, 1)


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (D(2024, 4, 1), "令和6年4月1日"),
        (D(2019, 5, 1), "令和元年5月1日"),
        (D(2019, 4, 30), "平成31年4月30日"),
        (D(1989, 1, 8), "平成元年1月8日"),
        (D(1989, 1, 7), "昭和64年1月7日"),
        (D(1926, 12, 25), "昭和元年12月25日"),
        (D(1926, 12, 24), "大正15年12月24日"),
        (D(1912, 7, 30), "大正元年7月30日"),
        (D(1912, 7, 29), "明治45年7月29日"),
        (D(1873, 1, 1), "明治6年1月1日"),
    ],
)
def test_format_wareki(day: dt.date, text: str) -> None:
    assert format_wareki(day) == text
    assert format_wareki(dt.datetime(day.year, day.month, day.day, 12)) == text


def test_format_wareki_before_gregorian_calendar() -> None:
    with pytest.raises(InvalidValueError, match="1873"):
        format_wareki(D(1872, 12, 31))


dates = st.dates(min_value=D(1873, 1, 1), max_value=D(2200, 12, 31))


@given(dates)
def test_iso_round_trip(day: dt.date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day.year}/{day.month}/{day.day}") == day
    assert parse_date(f"{day.year}年{day.month}月{day.day}日") == day
    assert parse_date(day.strftime("%Y%m%d")) == day
    assert parse_date(f"{day.isoformat()}T12:34:56+09:00") == day


# Written out here, apart from the library's table, so the two check each other.
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@given(dates, st.booleans(), st.booleans())
def test_english_month_names_round_trip(day: dt.date, short: bool, upper: bool) -> None:
    month = MONTH_NAMES[day.month - 1]
    month = month[:3] if short else month
    month = month.upper() if upper else month
    weekday = WEEKDAY_NAMES[day.weekday()]
    for text in (
        f"{month} {day.day}, {day.year}",
        f"{day.day} {month} {day.year}",
        f"{day.day:02d}-{month}-{day.year}",
        f"{day.year}-{month}-{day.day:02d}",
        f"{weekday}, {month} {day.day}, {day.year}",
        f"{weekday[:3]} {day.day} {month} {day.year} 09:15",
    ):
        assert parse_date(text) == day, text


@given(dates)
def test_english_wrong_weekday_is_rejected(day: dt.date) -> None:
    wrong = WEEKDAY_NAMES[(day.weekday() + 1) % 7]
    with pytest.raises(InvalidValueError, match="曜日"):
        parse_date(f"{wrong}, {MONTH_NAMES[day.month - 1]} {day.day}, {day.year}")


@given(dates, st.booleans(), st.booleans())
def test_wareki_round_trip(day: dt.date, gannen: bool, padded: bool) -> None:
    name, initial, year = era_of(day)
    y = "元" if year == 1 and gannen else (f"{year:02d}" if padded else str(year))
    assert parse_date(f"{name}{y}年{day.month}月{day.day}日") == day
    assert parse_date(f"{initial}{y}.{day.month}.{day.day}") == day
    assert parse_date(f"{initial}{y}/{day.month:02d}/{day.day:02d}") == day
    assert parse_date(format_wareki(day)) == day
    assert format_wareki(day).startswith(name + ("元" if year == 1 else str(year)) + "年")


@given(dates)
def test_wrong_era_is_rejected(day: dt.date) -> None:
    # The same calendar date written in the era before it started or after it ended.
    name, _initial, _year = era_of(day)
    for other, _, _ in ERA_FIRST_DAYS:
        if other == name:
            continue
        year = day.year - ERA_YEAR_ONE[other] + 1
        if year < 1:
            continue
        with pytest.raises(InvalidValueError):
            parse_date(f"{other}{year}年{day.month}月{day.day}日")


@given(st.integers(1000, 9999), st.integers(1, 12), st.integers(1, 31), st.sampled_from("-/."))
def test_calendar_validity_matches_datetime(y: int, m: int, d: int, sep: str) -> None:
    text = f"{y}{sep}{m}{sep}{d}"
    try:
        expected = D(y, m, d)
    except ValueError:
        with pytest.raises(InvalidValueError, match="存在しない日付"):
            parse_date(text)
    else:
        assert parse_date(text) == expected

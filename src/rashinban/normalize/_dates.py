"""Dates as CRM exports write them: ISO, slashes, 年月日, 和暦, YYYYMMDD, English month
names, Excel serials."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from rashinban._errors import InvalidValueError
from rashinban.normalize._text import invalid, normalize_text

__all__ = ["ERAS", "format_wareki", "parse_date", "parse_year"]


class Era(NamedTuple):
    """One Japanese era (元号): its name, romaji initial, first day and last day."""

    name: str
    initial: str
    first: dt.date
    last: dt.date | None

    @property
    def offset(self) -> int:
        """Gregorian year of the era's first year (元年) minus one."""
        return self.first.year - 1


# Era boundaries: the day each era began (大正 1912-07-30, 昭和 1926-12-25, 平成
# 1989-01-08 by 元号を改める政令, 令和 2019-05-01). 明治 applies from 慶応4年1月1日
# (1868-01-25), but dates are read only from 1873-01-01, the day Japan adopted the
# Gregorian calendar (明治5年太政官布告第337号); earlier 明治 dates are lunisolar
# and do not map day-for-day onto the Gregorian calendar.
_MEIJI_GREGORIAN = dt.date(1873, 1, 1)
#: The five modern eras, newest first.
ERAS: tuple[Era, ...] = (
    Era("令和", "R", dt.date(2019, 5, 1), None),
    Era("平成", "H", dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    Era("昭和", "S", dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    Era("大正", "T", dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
    Era("明治", "M", dt.date(1868, 1, 25), dt.date(1912, 7, 29)),
)
_ERA_BY_NAME = {e.name: e for e in ERAS} | {e.initial.casefold(): e for e in ERAS}

_WEEKDAYS = "月火水木金土日"
# A weekday in brackets after the date, "(月)", "(月曜日)", "(月・祝)"; it is checked.
_WD = r"(?:\s*\((?P<wd>[月火水木金土日])(?:曜日?)?(?:・?祝)?\))?"
# An optional time after the date; it is validated and then dropped. The time zone
# is not applied: the date stays the calendar date written in the value.
_TIME = (
    r"(?:(?:\s*|t)(?P<ap1>午前|午後|am|pm)?\s*(?P<H>[0-9]{1,2})"
    r"(?::(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:[.,][0-9]{1,9})?)?"
    r"|時(?:(?P<M2>[0-9]{1,2})分(?:(?P<S2>[0-9]{1,2})秒)?)?)"
    r"\s*(?P<ap2>am|pm|午前|午後)?"
    r"\s*(?P<tz>z|utc|jst|gmt|[+-](?P<tzh>[0-9]{2})(?::?(?P<tzm>[0-9]{2}))?)?)?"
)
_TAIL = _WD + _TIME
_ISO_FAST = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# The shapes most exports use, read without the general grammar: Y-M-D, Y/M/D or
# Y.M.D with an optional plain time and offset, and YYYYMMDD. Anything odd about
# them falls through to the general path, which words the reason.
_WESTERN_FAST = re.compile(
    r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})"
    r"(?:[Tt ]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]{1,9})?)?"
    r"(?:[Zz]|[+-](?:0[0-9]|1[0-4]):?[0-5][0-9])?)?"
)
_COMPACT_FAST = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_KANJI_FAST = re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日")
_WAREKI_FAST = re.compile(
    r"(令和|平成|昭和|大正|明治|[RHSTMrhstm])([0-9]{1,3}|元)"
    r"(?:年([0-9]{1,2})月([0-9]{1,2})日|([-/.])([0-9]{1,2})\5([0-9]{1,2}))"
)
_WESTERN = re.compile(
    r"(?P<y>[0-9]{4})(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})" + _TAIL
)
_KANJI = re.compile(r"(?P<y>[0-9]{4})年\s*(?P<m>[0-9]{1,2})月\s*(?P<d>[0-9]{1,2})日" + _TAIL)
_COMPACT = re.compile(
    r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})"
    r"(?:(?P<H>[0-9]{2})(?P<M>[0-9]{2})(?P<S>[0-9]{2})?)?(?:\.0+)?"
)
_WAREKI = re.compile(
    r"(?P<era>令和|平成|昭和|大正|明治|[rhstm])\s*(?P<y>[0-9]{1,3}|元)"
    r"(?:年\s*(?P<m>[0-9]{1,2})月\s*(?P<d>[0-9]{1,2})日"
    r"|(?P<sep>[-/.])(?P<m2>[0-9]{1,2})(?P=sep)(?P<d2>[0-9]{1,2}))" + _TAIL
)
_SERIAL = re.compile(r"(?P<n>[0-9]{1,7})(?:\.[0-9]+)?")

# English month names, as English-locale Salesforce/HubSpot exports and US-made
# spreadsheets write them: "Apr 1, 2024", "April 1st, 2024", "1 Apr 2024",
# "01-APR-2024", "2024-Apr-01", an optional leading weekday ("Mon, Apr 1, 2024",
# checked) and an optional time. The month's name makes the order unambiguous.
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_EN_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MON = r"(?P<mon>[a-z]{3,9})\.?"
_EN_DAY = r"(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?"
# A weekday is set off by a comma or a space, so that "january" is never read as a
# weekday "jan" followed by a month "uary".
_EN_WD = r"(?:(?P<ewd>[a-z]{3,9})\.?(?:,\s*|\s+))?"
_EN_YEAR_SEP = r"(?:\s*,\s*|[\s\-/.]+)"
_EN_MDY = re.compile(
    _EN_WD + _MON + r"[\s\-/.]*" + _EN_DAY + _EN_YEAR_SEP + r"(?P<y>[0-9]{4})" + _TIME
)
_EN_DMY = re.compile(
    _EN_WD + _EN_DAY + r"[\s\-/.]*" + _MON + _EN_YEAR_SEP + r"(?P<y>[0-9]{4})" + _TIME
)
_EN_YMD = re.compile(r"(?P<y>[0-9]{4})[\s\-/.]+" + _MON + r"[\s\-/.]+" + _EN_DAY + _TIME)
_EN_PATTERNS = (_EN_YMD, _EN_DMY, _EN_MDY)
# English dates that lack a whole year, for a precise reason.
_EN_MONTH_DAY = (
    r"(?:[a-z]{3,9}\.?(?:,\s*|\s+))?(?:[a-z]{3,9}\.?[\s\-/.]*[0-9]{1,2}(?:st|nd|rd|th)?"
    r"|[0-9]{1,2}(?:st|nd|rd|th)?[\s\-/.]*[a-z]{3,9}\.?)"
)
_EN_SHORT_YEAR = re.compile(_EN_MONTH_DAY + r"(?:\s*,\s*|[\s\-/.]+)'?[0-9]{2}")
_EN_NO_YEAR = re.compile(_EN_MONTH_DAY)

# Shapes that are recognisably not a whole date, for a precise reason.
_DAY_FIRST = re.compile(r"[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{4}.*")
_SHORT_YEAR = re.compile(r"[0-9]{2}[-/.][0-9]{1,2}[-/.][0-9]{1,2}.*")
_NO_DAY = re.compile(
    r"(?:[0-9]{4}[-/.][0-9]{1,2}|[0-9]{4}年\s*[0-9]{1,2}月"
    r"|(?:令和|平成|昭和|大正|明治|[rhstm])\s*(?:[0-9]{1,3}|元)(?:年\s*[0-9]{1,2}月|[-/.][0-9]{1,2}))"
)
_FISCAL = re.compile(r".*年度.*")
_NO_YEAR = re.compile(r"[0-9]{1,2}(?:/[0-9]{1,2}|月\s*[0-9]{1,2}日)")
_ERA_ONLY_YEAR = re.compile(r"(?:令和|平成|昭和|大正|明治)\s*(?:[0-9]{1,3}|元)年?")

_FIX_FORMAT = ("2024-04-01 の形式で書いてください", "write the date as 2024-04-01")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MAX_SERIAL = (dt.date.max - _EXCEL_EPOCH).days


def parse_date(value: str, *, excel_serial: bool = False) -> dt.date:
    """Read a calendar date written in any common Japanese or ISO form.

    Accepted (full-width digits too): ISO ``2024-04-01``, with a time
    ``2024-04-01T09:00:00`` or ``2024-04-01 09:00:00+09:00``; slashes and dots
    ``2024/4/1``, ``2024/04/01 9:00``, ``2024.4.1``; ``2024年4月1日``;
    和暦 ``令和6年4月1日``, ``令和元年5月1日``, ``R6.4.1``, ``R06/04/01``,
    ``H31.4.30``, ``平成31年4月30日``, 昭和, 大正 and 明治 (from 1873-01-01);
    ``20240401``; a weekday in brackets (``2024/4/1(月)``, checked); Excel
    serial numbers when ``excel_serial=True``. A time is validated and
    dropped; a time zone is not applied (the date written is the date kept).

    Parameters
    ----------
    value
        The date as written.
    excel_serial
        Read a bare number as an Excel serial day (1900 date system).

    Returns
    -------
    datetime.date

    Raises
    ------
    InvalidValueError
        Not a date; a date that does not exist (2024-02-30); a 和暦 date outside
        its era (平成31年5月1日); an ambiguous day/month order or a two-digit year;
        a bare number without ``excel_serial``.

    Examples
    --------
    >>> parse_date("令和元年5月1日")
    datetime.date(2019, 5, 1)
    >>> parse_date("R06/04/01")
    datetime.date(2024, 4, 1)
    """
    day = _fast(value)
    if day is not None:
        return day
    return _parse_date(value, excel_serial)


def _date_or_none(y: str, mo: str, d: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(mo), int(d))
    except ValueError:
        return None


def _fast(value: str) -> dt.date | None:
    """Read the shapes most exports use without the general grammar, or return None.

    Anything unusual about a value (a bad day, a time out of range, a date outside
    its era) returns None so that the general path can word the reason.
    """
    text = value if value.isascii() else unicodedata.normalize("NFKC", value)
    if text[:1].isdigit():
        m = _ISO_FAST.fullmatch(text) or _COMPACT_FAST.fullmatch(text)
        if m is not None:
            return _date_or_none(m[1], m[2], m[3])
        m = _WESTERN_FAST.fullmatch(text)
        if m is not None:
            y, mo, d, hour, minute, second = m.group(1, 3, 4, 5, 6, 7)
            if hour is None or (int(hour) <= 23 and int(minute) <= 59 and int(second or 0) <= 60):
                return _date_or_none(y, mo, d)
            return None
        m = _KANJI_FAST.fullmatch(text)
        if m is not None:
            return _date_or_none(m[1], m[2], m[3])
        return None
    m = _WAREKI_FAST.fullmatch(text)
    if m is None:
        return None
    era = _ERA_BY_NAME[m[1].casefold()]
    year = 1 if m[2] == "元" else int(m[2])
    mo, d = (m[3], m[4]) if m[3] is not None else (m[6], m[7])
    day = _date_or_none(str(era.offset + year), mo, d)
    if day is None or year == 0 or day < _MEIJI_GREGORIAN or day < era.first:
        return None
    if era.last is not None and day > era.last:
        return None
    return day


@lru_cache(maxsize=65536)
def _parse_date(value: str, excel_serial: bool) -> dt.date:
    text = " ".join(value.split()) if value.isascii() else normalize_text(value)
    text = text.casefold()
    if text[:1].isdigit():
        for pattern in (_WESTERN, _KANJI, _COMPACT):
            m = pattern.fullmatch(text)
            if m is not None:
                return _finish(value, int(m["y"]), int(m["m"]), int(m["d"]), m)
        if excel_serial and (m := _SERIAL.fullmatch(text)) is not None:
            return _from_serial(value, int(m["n"]))
    else:
        m = _WAREKI.fullmatch(text)
        if m is not None:
            return _from_wareki(value, m)
    day = _from_english(value, text)
    if day is not None:
        return day
    raise _why_not(value, text, excel_serial)


def _from_english(value: str, text: str) -> dt.date | None:
    """A date with an English month name, or None when ``text`` is not one."""
    for pattern in _EN_PATTERNS:
        m = pattern.fullmatch(text)
        if m is None or m["mon"] not in _MONTHS:
            continue
        weekday = m.groupdict().get("ewd")
        if weekday is not None and weekday[:3] not in _EN_WEEKDAYS:
            continue
        day = _finish(value, int(m["y"]), _MONTHS[m["mon"]], int(m["d"]), m)
        if weekday is not None and _EN_WEEKDAYS.index(weekday[:3]) != day.weekday():
            raise _weekday_mismatch(value, day)
        return day
    return None


def _weekday_mismatch(value: str, day: dt.date) -> Exception:
    right = _WEEKDAYS[day.weekday()]
    return invalid(
        value,
        (
            f"曜日が日付と合いません({day.isoformat()}は{right}曜日)",
            f"the weekday does not match the date ({day.isoformat()} is a {day:%A})",
        ),
        ("日付か曜日を直してください", "correct the date or the weekday"),
    )


def _finish(value: str, y: int, mo: int, d: int, m: re.Match[str]) -> dt.date:
    try:
        day = dt.date(y, mo, d)
    except ValueError:
        raise invalid(
            value,
            (f"{y}年{mo}月{d}日は存在しない日付です", f"{y}-{mo:02d}-{d:02d} is not a real date"),
            ("日付を確かめてください", "check the date"),
        ) from None
    groups = m.groupdict()
    wd = groups.get("wd")
    if wd is not None and _WEEKDAYS.index(wd) != day.weekday():
        raise _weekday_mismatch(value, day)
    if groups.get("H") is not None:
        _check_time(value, groups)
    return day


def _check_time(value: str, g: dict[str, str | None]) -> None:
    hour = int(g["H"] or 0)
    minute = int(g.get("M") or g.get("M2") or 0)
    second = int(g.get("S") or g.get("S2") or 0)
    max_hour = 12 if (g.get("ap1") or g.get("ap2")) else 23
    ok = hour <= max_hour and minute <= 59 and second <= 60
    if g.get("tzh") is not None:
        ok = ok and int(g["tzh"] or 0) <= 14 and int(g.get("tzm") or 0) <= 59
    if not ok:
        raise invalid(
            value,
            ("時刻が正しくありません", "the time of day is not valid"),
            (
                "時刻を確かめるか、日付だけを書いてください",
                "check the time or write the date alone",
            ),
        )


def _from_wareki(value: str, m: re.Match[str]) -> dt.date:
    era = _ERA_BY_NAME[m["era"]]
    year = 1 if m["y"] == "元" else int(m["y"])
    month, day = (m["m"], m["d"]) if m["m"] is not None else (m["m2"], m["d2"])
    if year == 0:
        raise invalid(
            value,
            (f"{era.name}0年はありません", f"there is no year 0 of {era.name}"),
            (f"最初の年は{era.name}元年(1年)です", f"the first year is {era.name}元年 (year 1)"),
        )
    date = _finish(value, era.offset + year, int(month), int(day), m)
    if date < _MEIJI_GREGORIAN:
        raise invalid(
            value,
            (
                "明治5年以前は旧暦のため西暦に換算できません",
                "dates before 1873 are in the old lunisolar calendar",
            ),
            ("西暦で書いてください", "write the Gregorian date"),
        )
    if date < era.first or (era.last is not None and date > era.last):
        bound = f"{era.first:%Y-%m-%d}〜{era.last:%Y-%m-%d}" if era.last else f"{era.first}〜"
        raise invalid(
            value,
            (
                f"{era.name}は{bound}です({date.isoformat()}は{format_wareki(date)})",
                f"the {era.name} era runs {bound} ({date.isoformat()} is {format_wareki(date)})",
            ),
            (f"{format_wareki(date)}と書いてください", f"write it as {format_wareki(date)}"),
        )
    return date


def _from_serial(value: str, n: int) -> dt.date:
    # Excel's 1900 date system counts 1900-01-01 as day 1 and keeps Lotus 1-2-3's
    # fictitious 1900-02-29 as day 60, so days from 61 on count from 1899-12-30.
    if n == 60 or n < 1 or n > _MAX_SERIAL:
        raise invalid(
            value,
            (f"Excelのシリアル値{n}は日付になりません", f"Excel serial {n} is not a date"),
            _FIX_FORMAT,
        )
    return _EXCEL_EPOCH + dt.timedelta(days=n if n > 60 else n + 1)


def _why_not(value: str, text: str, excel_serial: bool) -> Exception:
    if _FISCAL.fullmatch(text):
        reason = ("年度は日付ではありません", "a fiscal year is not a date")
        fix = (
            "年度の初日などの日付を書いてください",
            "write a date, e.g. the fiscal year's first day",
        )
    elif _DAY_FIRST.fullmatch(text):
        reason = ("日と月の順番が曖昧です", "the day/month order is ambiguous")
        fix = _FIX_FORMAT
    elif _SHORT_YEAR.fullmatch(text) or _is_english(_EN_SHORT_YEAR, text):
        reason = ("2桁の年は世紀が分かりません", "a two-digit year does not say the century")
        fix = _FIX_FORMAT
    elif _NO_DAY.fullmatch(text) or _ERA_ONLY_YEAR.fullmatch(text):
        reason = ("日が書かれていません", "the day is missing")
        fix = ("月初なら1日を付けてください(例: 2024-04-01)", "add the day, e.g. 2024-04-01")
    elif _NO_YEAR.fullmatch(text) or _is_english(_EN_NO_YEAR, text):
        reason = ("年が書かれていません", "the year is missing")
        fix = _FIX_FORMAT
    elif not excel_serial and _SERIAL.fullmatch(text):
        reason = ("Excelのシリアル値のようです", "this looks like an Excel serial number")
        fix = (
            "この列でシリアル値を許可するか、Excelで日付形式にしてください",
            "allow Excel serials for this column or format it as a date in Excel",
        )
    else:
        reason = ("日付として読めません", "not a recognised date")
        fix = _FIX_FORMAT
    return invalid(value, reason, fix)


def _is_english(pattern: re.Pattern[str], text: str) -> bool:
    """Whether ``text`` has the shape of ``pattern`` with a real English month name in it."""
    return pattern.fullmatch(text) is not None and any(
        word.rstrip(".") in _MONTHS for word in re.findall(r"[a-z]+\.?", text)
    )


def format_wareki(date: dt.date) -> str:
    """Write a date in 和暦, as Japanese reports and forms show it.

    Parameters
    ----------
    date
        A date (or datetime) on or after 1873-01-01 (明治6年1月1日).

    Returns
    -------
    str
        For example ``令和6年4月1日``; the first year of an era is 元年.

    Raises
    ------
    InvalidValueError
        A date before 1873, when Japan still used the lunisolar calendar.

    Examples
    --------
    >>> import datetime
    >>> format_wareki(datetime.date(2019, 5, 1))
    '令和元年5月1日'
    """
    if isinstance(date, dt.datetime):
        date = date.date()  # a datetime is a date, but does not compare with one
    if date < _MEIJI_GREGORIAN:
        raise invalid(
            date.isoformat(),
            ("1873年より前は和暦に換算できません", "dates before 1873 have no Gregorian 和暦"),
            ("西暦で表示してください", "show the Gregorian date"),
        )
    era = next(e for e in ERAS if date >= e.first)
    year = date.year - era.offset
    return f"{era.name}{'元' if year == 1 else year}年{date.month}月{date.day}日"


# A year alone, as a founded-year column holds it: 1985, 1985年, 1985年4月, 1985/4,
# 昭和60年, 令和元年, R2, H30.
_YEAR = re.compile(
    r"(?P<y>[0-9]{1,4})(?:\.0+)?(?:\s*年(?:\s*(?P<m>[0-9]{1,2})\s*月)?"
    r"|[-/.](?P<m2>[0-9]{1,2}))?"
)
_ERA_YEAR = re.compile(
    r"(?P<era>令和|平成|昭和|大正|明治|[rhstm])\.?\s*(?P<n>[0-9]{1,3}|元)"
    r"(?:\s*年(?:\s*(?P<m>[0-9]{1,2})\s*月)?)?"
)
_FIX_YEAR = (
    "西暦か和暦の年で書いてください(例: 1985, 1985年, 昭和60年, 令和元年)",
    "write the year, e.g. 1985, 1985年, 昭和60年 or 令和元年",
)


@lru_cache(maxsize=65536)
def parse_year(value: str) -> int:
    """Read a year: Gregorian or 和暦, with or without 年, or the year of a date.

    Accepted (full-width digits too): ``1985``, ``1985.0`` (a numeric cell),
    ``1985年``, ``1985年4月``, ``1985/4``; 和暦 ``昭和60年``, ``昭和６０年``,
    ``令和元年``, ``R2``, ``H30年``; any date :func:`parse_date` reads
    (``1985-04-01``, ``令和2年4月1日``), as its year.

    Parameters
    ----------
    value
        The year as written.

    Returns
    -------
    int
        The Gregorian year.

    Raises
    ------
    InvalidValueError
        Not a year; a two-digit year; year 0 of an era, or a year after the era
        ended (昭和70年); a month that does not exist.

    Examples
    --------
    >>> parse_year("令和元年"), parse_year("昭和６０年"), parse_year("2020年")
    (2019, 1985, 2020)
    """
    text = normalize_text(value).casefold()
    m = _YEAR.fullmatch(text)
    if m is not None:
        if len(m["y"]) != 4:
            reason = (
                ("2桁の年は世紀が分かりません", "a two-digit year does not say the century")
                if len(m["y"]) == 2
                else ("年は4桁で書いてください", "a year has four digits")
            )
            raise invalid(value, reason, _FIX_YEAR)
        return _year_with_month(value, int(m["y"]), m["m"] or m["m2"])
    m = _ERA_YEAR.fullmatch(text)
    if m is not None:
        era = _ERA_BY_NAME[m["era"]]
        n = 1 if m["n"] == "元" else int(m["n"])
        if n == 0:
            raise invalid(
                value,
                (f"{era.name}0年はありません", f"there is no year 0 of {era.name}"),
                (
                    f"最初の年は{era.name}元年(1年)です",
                    f"the first year is {era.name}元年 (year 1)",
                ),
            )
        year = era.offset + n
        if era.last is not None and year > era.last.year:
            last = era.last.year - era.offset
            later = next(e for e in ERAS if year >= e.first.year)
            k = year - later.offset
            right = f"{later.name}{'元' if k == 1 else k}年"
            raise invalid(
                value,
                (
                    f"{era.name}は{last}年({era.last.year}年)までです",
                    f"the {era.name} era ended in its year {last} ({era.last.year})",
                ),
                (
                    f"{year}年のことなら{year}年か{right}と書いてください",
                    f"if {year} is meant, write {year} or {right}",
                ),
            )
        return _year_with_month(value, year, m["m"])
    try:
        return parse_date(value).year
    except InvalidValueError:
        pass
    raise invalid(value, ("年として読めません", "not a year"), _FIX_YEAR)


def _year_with_month(value: str, year: int, month: str | None) -> int:
    if month is not None and not 1 <= int(month) <= 12:
        raise invalid(
            value,
            (f"{int(month)}月はありません", f"there is no month {int(month)}"),
            _FIX_YEAR,
        )
    return year

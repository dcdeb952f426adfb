"""to_zone: date-times written with a UTC offset, read in a time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from rashinban import InvalidValueError
from rashinban.normalize import to_zone

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(
    ("value", "local"),
    [
        ("2024-03-31T15:30:00.000Z", dt.datetime(2024, 4, 1, 0, 30)),
        ("2024-03-31T15:30:00.000+0000", dt.datetime(2024, 4, 1, 0, 30)),
        ("2024-03-31 15:30:00+00", dt.datetime(2024, 4, 1, 0, 30)),  # DuckDB's TIMESTAMPTZ
        ("2024-03-31T15:30:00.123456-05:00", dt.datetime(2024, 4, 1, 5, 30, 0, 123456)),
        ("2024/3/31 午後3:30 UTC", dt.datetime(2024, 4, 1, 0, 30)),
        ("Mar 31, 2024 3:30 PM GMT", dt.datetime(2024, 4, 1, 0, 30)),
        ("２０２４－０３－３１Ｔ１５：３０Ｚ", dt.datetime(2024, 4, 1, 0, 30)),
        ("2024-03-31 23:30 JST", dt.datetime(2024, 3, 31, 23, 30)),
        ("2016-12-31T23:59:60Z", dt.datetime(2017, 1, 1, 8, 59, 59)),  # a leap second
    ],
)
def test_values_with_an_offset_get_the_zones_wall_time(value: str, local: dt.datetime) -> None:
    zoned = to_zone(value, TOKYO)
    assert zoned is not None and zoned.local == local


def test_an_offset_equal_to_the_zones_moves_nothing() -> None:
    zoned = to_zone("2024-04-01T09:00:00+09:00", TOKYO)
    assert zoned is not None
    assert (zoned.written, zoned.offset, zoned.moved) == (
        dt.datetime(2024, 4, 1, 9),
        dt.timedelta(hours=9),
        False,
    )
    # summer time: New York is UTC-4 in July and UTC-5 in January
    ny = ZoneInfo("America/New_York")
    july, january = to_zone("2024-07-01T12:00Z", ny), to_zone("2024-01-01T12:00Z", ny)
    assert july is not None and july.local == dt.datetime(2024, 7, 1, 8)
    assert january is not None and january.local == dt.datetime(2024, 1, 1, 7)


@pytest.mark.parametrize("value", ["2024-03-31", "2024-03-31 15:30", "令和6年3月31日 15:30"])
def test_values_without_an_offset_are_local_already(value: str) -> None:
    assert to_zone(value, TOKYO) is None


@pytest.mark.parametrize("value", ["2024-02-30T10:00Z", "2024-03-31T25:00Z", "abc 10:00Z"])
def test_what_is_no_date_is_refused_as_parse_date_refuses_it(value: str) -> None:
    with pytest.raises(InvalidValueError):
        to_zone(value, TOKYO)

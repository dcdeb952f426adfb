"""Date-times written with a UTC offset, read in the data's time zone.

A Salesforce Data Loader or API export writes every date-time in UTC
(``2024-03-31T15:30:00.000Z``, ``2024-03-31T15:30:00.000+0000``): in Japan that
instant is already 2024-04-01 09:00 (or 00:30 for the first example), the first
day of the fiscal year. :func:`to_zone` gives the wall time of such a value in a
time zone; a value without an offset is local already and gets None.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import NamedTuple

from rashinban.normalize._dates import parse_date

__all__ = ["Zoned", "to_zone"]

# The time and offset at the end of a date-time: 15:30, 15:30:00, 15:30:00.000, an
# optional AM/PM (午前/午後) and the offset: Z, UTC, GMT, JST, +09:00, +0900, +09.
_ZONED = re.compile(
    r"(?P<ap1>午前|午後|am|pm)?\s*(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})"
    r"(?::(?P<S>[0-9]{2})(?:[.,](?P<F>[0-9]{1,9}))?)?"
    r"\s*(?P<ap2>am|pm|午前|午後)?"
    r"\s*(?P<tz>z|utc|gmt|jst|(?P<sign>[+-])(?P<tzh>[0-9]{2})(?::?(?P<tzm>[0-9]{2}))?)$"
)
_NAMED = {"z": 0, "utc": 0, "gmt": 0, "jst": 9 * 60}


class Zoned(NamedTuple):
    """A date-time written with an offset: as written, its offset, and in the zone."""

    #: The wall time as written (no time zone attached).
    written: dt.datetime
    #: The offset it was written with (``Z`` is zero).
    offset: dt.timedelta
    #: The same instant's wall time in the zone asked for (no time zone attached).
    local: dt.datetime

    @property
    def moved(self) -> bool:
        """Whether the wall time changed: the offset is not the zone's at that instant."""
        return self.local != self.written


def to_zone(value: str, zone: dt.tzinfo) -> Zoned | None:
    """The wall time in ``zone`` of a date-time written with a UTC offset.

    The value is read as :func:`rashinban.normalize.parse_date` reads it (any of its
    forms with a time: ISO, slashes, 年月日, 和暦, English month names) and must end
    in a time with an offset: ``Z``, ``UTC``, ``GMT``, ``JST`` or ``±hh:mm``,
    ``±hhmm``, ``±hh``. A value without an offset is already local: None.

    Parameters
    ----------
    value
        The date-time as written.
    zone
        The time zone to read it in (``zoneinfo.ZoneInfo("Asia/Tokyo")``).

    Returns
    -------
    Zoned or None

    Raises
    ------
    InvalidValueError
        ``value`` ends in a time with an offset but is not a date (as
        :func:`parse_date` says).

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> to_zone("2024-03-31T15:30:00.000Z", ZoneInfo("Asia/Tokyo")).local
    datetime.datetime(2024, 4, 1, 0, 30)
    >>> to_zone("2024-04-01T09:00:00+09:00", ZoneInfo("Asia/Tokyo")).moved
    False
    >>> to_zone("2024-04-01 09:00", ZoneInfo("Asia/Tokyo")) is None
    True
    """
    text = unicodedata.normalize("NFKC", value).strip().casefold()
    m = _ZONED.search(text)
    if m is None:
        return None
    day = parse_date(value)  # validates the date, the time and the offset
    hour = int(m["H"])
    half = m["ap1"] or m["ap2"]
    if half in ("pm", "午後") and hour < 12:
        hour += 12
    elif half in ("am", "午前") and hour == 12:
        hour = 0
    micro = int((m["F"] or "0")[:6].ljust(6, "0"))
    # A leap second (…:60, which parse_date allows) is read as the second before it.
    second = min(int(m["S"] or 0), 59)
    written = dt.datetime.combine(day, dt.time(hour, int(m["M"]), second, micro))
    if m["sign"] is None:
        minutes = _NAMED[m["tz"]]
    else:
        minutes = int(m["tzh"]) * 60 + int(m["tzm"] or 0)
        minutes = -minutes if m["sign"] == "-" else minutes
    offset = dt.timedelta(minutes=minutes)
    instant = written.replace(tzinfo=dt.timezone(offset))
    return Zoned(written, offset, instant.astimezone(zone).replace(tzinfo=None))

"""Time units for period-based summaries: flooring dates and counting periods.

The three units follow pandas' ``Period`` conventions that lifetimes and
pymc-marketing rely on (``DatetimeIndex.to_period(freq).to_timestamp()``):

``"D"``
    a calendar day.
``"W"``
    a week from Monday to Sunday (pandas ``W`` is ``W-SUN``, weeks *ending*
    on Sunday); its start is the Monday. SQL ``date_trunc('week', …)`` on
    DuckDB and PostgreSQL floors to the same Monday (ISO weeks).
``"M"``
    a calendar month; its start is the first day of the month.

Distances between period starts are counted in whole periods, so recency and
T are exact integers before ``time_scaler`` divides them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

from rashinban._errors import InvalidValueError

TimeUnit = Literal["D", "W", "M"]

TIME_UNITS: tuple[str, ...] = ("D", "W", "M")


def check_time_unit(time_unit: str, time_scaler: float) -> None:
    """Raise :class:`InvalidValueError` unless ``time_unit`` and ``time_scaler`` are usable."""
    if time_unit not in TIME_UNITS:
        raise InvalidValueError(
            f"time_unit {time_unit!r} には対応していません / "
            f"time_unit {time_unit!r} is not supported",
            value=time_unit,
            fix="'D' (日)、'W' (月曜始まりの週)、'M' (暦月) のいずれかにしてください / "
            "use 'D' (days), 'W' (weeks from Monday) or 'M' (calendar months)",
        )
    if not time_scaler > 0:
        raise InvalidValueError(
            f"time_scaler は正の数にしてください ({time_scaler!r}) / "
            f"time_scaler must be a positive number, got {time_scaler!r}",
            value=time_scaler,
            fix="1.0 (換算なし) か、日数を週で数えるなら 7.0 を指定してください / "
            "pass e.g. 1.0 (no scaling) or 7.0 to count days in weeks",
        )


def as_date(value: Any, name: str) -> dt.date:
    """Read ``value`` (``date``, ``datetime`` or ISO text) as a calendar date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise InvalidValueError(
        f"{name} = {value!r} は日付ではありません / {name} = {value!r} is not a date",
        value=value,
        fix=f"{name} は datetime.date(YYYY, M, D) か 'YYYY-MM-DD' で指定してください / "
        f"pass {name} as datetime.date(YYYY, M, D) or 'YYYY-MM-DD'",
    )


def as_datetime(value: Any, name: str) -> dt.datetime:
    """Read ``value`` as a timestamp; a plain date means midnight at its start."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, str) and len(value) > 10:
        try:
            return dt.datetime.fromisoformat(value).replace(tzinfo=None)
        except ValueError:
            pass
    day = as_date(value, name)
    return dt.datetime(day.year, day.month, day.day)


def floor_date(day: dt.date, time_unit: str) -> dt.date:
    """The first day of the period that holds ``day``.

    Examples
    --------
    >>> import datetime as dt
    >>> floor_date(dt.date(2024, 5, 16), "W")  # a Thursday
    datetime.date(2024, 5, 13)
    >>> floor_date(dt.date(2024, 5, 16), "M")
    datetime.date(2024, 5, 1)
    """
    if time_unit == "D":
        return day
    if time_unit == "W":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def next_period_start(day: dt.date, time_unit: str) -> dt.date:
    """The first day of the period after the one that holds ``day``."""
    start = floor_date(day, time_unit)
    if time_unit == "D":
        return start + dt.timedelta(days=1)
    if time_unit == "W":
        return start + dt.timedelta(days=7)
    return dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)


def period_number(day: dt.date, time_unit: str) -> int:
    """A whole-period count for ``day``'s period: differences of two are period distances."""
    start = floor_date(day, time_unit)
    if time_unit == "M":
        return start.year * 12 + start.month - 1
    days = (start - dt.date(1970, 1, 1)).days
    return (days + 3) // 7 if time_unit == "W" else days


def floor_expr(day: ir.DateValue, time_unit: str) -> ir.DateValue:
    """Ibis expression: the first day of the period holding ``day``."""
    if time_unit == "D":
        return day
    return day.truncate(time_unit)


def period_number_expr(start: ir.DateValue, time_unit: str) -> ir.IntegerValue:
    """Ibis expression: :func:`period_number` of a period start (already floored)."""
    if time_unit == "M":
        return start.year() * 12 + start.month() - 1
    days = start.epoch_days()
    if time_unit == "W":
        # Period starts are Mondays, 1970-01-01 was a Thursday: shift by 3 days so the
        # division is exact and agrees with period_number for dates before 1970 too.
        return ((days + 3) / 7).floor().cast("int64")
    return days


def day_expr(col: ir.Value) -> ir.DateValue:
    """Ibis expression: the calendar date of a DATE or TIMESTAMP column."""
    if col.type().is_date():
        return col
    if col.type().is_timestamp():
        return col.date()
    if col.type().is_null():  # a column of only empty values, e.g. no end dates yet
        return col.cast("date")
    raise InvalidValueError(
        f"列 {col.get_name()} の型 {col.type()} は日付でも日時でもありません / "
        f"column {col.get_name()} has type {col.type()}, not a date or timestamp",
        column=col.get_name(),
        fix="集計の前に列を DATE か TIMESTAMP に変換してください / "
        "cast the column to DATE or TIMESTAMP before summarising",
    )


def moment_literal(col: ir.Value, when: Any, name: str) -> ir.Value:
    """A literal to compare raw ``col`` values with, of the column's own kind.

    A date column is compared with a date; a timestamp column with a timestamp,
    where a plain date means midnight at its start (as ``pandas.to_datetime``
    reads it in lifetimes).
    """
    if col.type().is_timestamp():
        return ibis.literal(as_datetime(when, name), type="timestamp")
    return ibis.literal(as_date(when, name), type="date")

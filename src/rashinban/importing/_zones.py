"""The data's time zone in an import: which zone, and what reading in it changed.

A date-time written with a UTC offset (a Salesforce Data Loader export's
``2024-03-31T15:30:00.000Z``) is converted to the workspace's ``[data] timezone``
(default ``Asia/Tokyo``) before its date is taken (:mod:`._convert`); this module
reads the setting and counts, per file, the values whose date or time it moved.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import duckdb

from rashinban._rows import first_row
from rashinban.importing._convert import ZONE_DAY, q, zone_flag
from rashinban.schema import Table
from rashinban.workspace import Workspace
from rashinban.workspace._config import DATA_TIMEZONE, check_timezone


def data_zone(ws: Workspace) -> ZoneInfo:
    """The workspace's ``[data] timezone`` (an unknown name is a :class:`ConfigError`)."""
    name = str(ws.config.get("data", {}).get("timezone", DATA_TIMEZONE))
    return check_timezone(name, ws.path / "rashinban.toml")


def zone_counts(
    con: duckdb.DuckDBPyConnection, spec: Table, present: list[str]
) -> tuple[int, int, tuple[str, ...]]:
    """Of the rows of ``_typed`` that load: how many dates were read from a date-time
    whose offset is not the zone's, how many of them fell on another day than the one
    written, and in which columns (canonical names)."""
    total = moved = 0
    columns: list[str] = []
    for c in present:
        if spec.column(c).kind != "date":
            continue
        flag = q("_xv_" + zone_flag(c))
        row = first_row(
            con,
            f"SELECT count({flag}), count(*) FILTER (WHERE {flag} = '{ZONE_DAY}') "
            "FROM _typed WHERE NOT _rejected",
        )
        n, days = (int(row[0]), int(row[1])) if row else (0, 0)
        if n:
            total, moved = total + n, moved + days
            columns.append(c)
    return total, moved, tuple(columns)

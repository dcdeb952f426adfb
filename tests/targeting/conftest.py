"""Fixtures of the targeting tests: account facts before and after the planted event."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from rashinban import Workspace
from rashinban.demo import PLANTED
from rashinban.engine import account_facts

#: The day before the planted market event, and the end of the demo data.
BEFORE = PLANTED.event_date - dt.timedelta(days=1)
END = dt.date(2025, 12, 31)

IDEAL = [
    {"column": "industry", "op": "in", "values": list(PLANTED.ideal.industries)},
    {
        "column": "employees",
        "op": "between",
        "low": PLANTED.ideal.employees_low,
        "high": PLANTED.ideal.employees_high,
    },
]


@pytest.fixture(scope="session")
def facts_before(demo_ws: Workspace) -> pd.DataFrame:
    return account_facts(demo_ws.backend(read_only=True), BEFORE).execute()


@pytest.fixture(scope="session")
def facts_after_event(demo_ws: Workspace) -> pd.DataFrame:
    """Facts at the end of the data with deal counts only from deals closed after the event."""
    return account_facts(demo_ws.backend(read_only=True), END, since=PLANTED.event_date).execute()

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from rashinban import Workspace
from rashinban.text import voice_tables

AS_OF = dt.date(2025, 12, 31)


@pytest.fixture(scope="session")
def voice(demo_ws: Workspace) -> dict[str, pd.DataFrame]:
    return voice_tables(demo_ws.backend(), AS_OF)

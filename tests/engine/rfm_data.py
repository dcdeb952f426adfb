"""Test data for the RFM engine tests: tables in DuckDB and a seeded transaction generator."""

from __future__ import annotations

import datetime as dt
import itertools

import ibis
import numpy as np
import pandas as pd
from ibis.backends.duckdb import Backend

_names = itertools.count()


def to_table(con: Backend, df: pd.DataFrame) -> ibis.Table:
    """Load ``df`` into the DuckDB connection as a real table and return it."""
    name = f"rfm_t{next(_names)}"
    return con.create_table(name, ibis.memtable(df), temp=True)


def synthetic_transactions(
    seed: int, n_customers: int = 400, with_time: bool = True
) -> pd.DataFrame:
    """Seeded random purchases in 2023–2024, with several per day and times of day."""
    rng = np.random.default_rng(seed)
    first = rng.integers(0, 700, n_customers)
    n = rng.poisson(4, n_customers) + 1
    ids, days = [], []
    for c in range(n_customers):
        gaps = rng.exponential(30, n[c]).astype(int)
        gaps[0] = 0
        for d in first[c] + np.cumsum(gaps):
            ids.append(f"C{c:05d}")
            days.append(int(d))
    day = pd.Timestamp("2023-01-01") + pd.to_timedelta(days, unit="D")
    if with_time:
        day = day + pd.to_timedelta(rng.integers(0, 86_400, len(days)), unit="s")
    amount = np.round(rng.gamma(2.0, 50.0, len(days)), 2)
    return pd.DataFrame({"account_id": ids, "ordered_at": day, "amount": amount})


AS_OF = dt.date(2024, 9, 30)

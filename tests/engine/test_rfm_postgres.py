"""The same RFM expressions on PostgreSQL give the same numbers as on DuckDB.

Runs where ``RASHINBAN_TEST_POSTGRES_URL`` names a server (``postgres://user@host:port/db``).
"""

from __future__ import annotations

import datetime as dt
import os

import ibis
import numpy as np
import pandas as pd
import pytest
from rfm_data import AS_OF, synthetic_transactions, to_table

from rashinban.engine import (
    rfm_analysis,
    rfm_summary,
    rfm_summary_from_subscriptions,
    rfm_transitions,
)

pytestmark = pytest.mark.postgres

URL = os.environ.get("RASHINBAN_TEST_POSTGRES_URL", "")


@pytest.fixture(scope="module")
def pg():
    if not URL:
        pytest.skip("no PostgreSQL server: set RASHINBAN_TEST_POSTGRES_URL to run")
    backend = ibis.connect(URL)
    yield backend
    backend.disconnect()


@pytest.mark.parametrize("unit", ["D", "W", "M"])
def test_summary_on_postgres_equals_duckdb(pg, con, unit) -> None:
    df = synthetic_transactions(8, n_customers=300)
    name = f"rfm_pg_tx_{unit.lower()}"
    # Loaded with plain SQL: ibis' create_table emits statements this PostgreSQL rejects.
    with pg.con.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {name}")
        cur.execute(
            f"CREATE TABLE {name} (account_id TEXT, ordered_at TIMESTAMP, amount DOUBLE PRECISION)"
        )
        with cur.copy(f"COPY {name} (account_id, ordered_at, amount) FROM STDIN") as copy:
            for row in df.itertuples(index=False):
                copy.write_row((row.account_id, row.ordered_at.to_pydatetime(), row.amount))
    pg.con.commit()
    pg_table = pg.table(name)
    try:
        for cal in (None, dt.date(2024, 4, 15)):
            kw = {"observation_period_end": AS_OF, "time_unit": unit, "calibration_period_end": cal}
            a = rfm_summary(pg_table, **kw).to_pandas().set_index("account_id").sort_index()
            b = (
                rfm_summary(to_table(con, df), **kw)
                .to_pandas()
                .set_index("account_id")
                .sort_index()
            )
            assert list(a.index) == list(b.index) and list(a.columns) == list(b.columns)
            for col in b.columns:
                np.testing.assert_allclose(a[col].astype(float), b[col].astype(float), rtol=1e-12)
        seg_pg = rfm_analysis(pg_table, observation_period_end=AS_OF, time_unit=unit).to_pandas()
        seg_dd = rfm_analysis(to_table(con, df), observation_period_end=AS_OF, time_unit=unit)
        assert dict(zip(seg_pg["account_id"], seg_pg["segment"], strict=True)) == dict(
            zip(*seg_dd.to_pandas()[["account_id", "segment"]].T.values, strict=True)
        )
        m = rfm_transitions(pg_table, dt.date(2024, 3, 31), AS_OF, time_unit=unit).to_pandas()
        assert m["customers"].sum() == len(seg_pg)
    finally:
        with pg.con.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {name}")
        pg.con.commit()


def test_subscription_summary_on_postgres_equals_duckdb(pg, con) -> None:
    subs = [
        ("a", 1000.0, dt.date(2023, 1, 31), None),
        ("a", 500.0, dt.date(2024, 2, 15), dt.date(2024, 6, 15)),
        ("b", 20000.0, dt.date(2023, 11, 30), dt.date(2024, 3, 1)),
        ("c", 300.0, dt.date(2024, 9, 30), None),
    ]
    name = "rfm_pg_subs"
    with pg.con.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {name}")
        cur.execute(
            f"CREATE TABLE {name} (account_id TEXT, mrr DOUBLE PRECISION, started_at DATE, "
            "ended_at DATE)"
        )
        for row in subs:
            cur.execute(f"INSERT INTO {name} VALUES (%s, %s, %s, %s)", row)
    pg.con.commit()
    try:
        cols = ["account_id", "mrr", "started_at", "ended_at"]
        local = to_table(con, pd.DataFrame(subs, columns=cols))
        for unit in ("M", "D"):
            kw = {"observation_period_end": AS_OF, "time_unit": unit}
            a = rfm_summary_from_subscriptions(pg.table(name), **kw).to_pandas()
            b = rfm_summary_from_subscriptions(local, **kw).to_pandas()
            a, b = a.set_index("account_id").sort_index(), b.set_index("account_id").sort_index()
            assert list(a.index) == ["a", "b", "c"] == list(b.index)
            for col in b.columns:
                np.testing.assert_allclose(a[col].astype(float), b[col].astype(float), rtol=1e-12)
    finally:
        with pg.con.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {name}")
        pg.con.commit()

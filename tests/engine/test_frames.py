"""to_frame equals Ibis' own to_pandas on DuckDB, column for column and dtype for dtype."""

from __future__ import annotations

import datetime as dt
import itertools

import hypothesis.strategies as st
import ibis
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from rfm_data import AS_OF, synthetic_transactions, to_table

from rashinban.engine import rfm_summary, to_frame

_names = itertools.count()


def _same(table: ibis.Table, *, rtol: float = 0.0) -> pd.DataFrame:
    ref = table.to_pandas()
    got = to_frame(table)
    pd.testing.assert_frame_equal(got, ref, check_exact=rtol == 0.0, rtol=rtol or 1e-5)
    return got


def _load(con, df: pd.DataFrame, schema: dict[str, str]) -> ibis.Table:
    """A real DuckDB table with declared types (an empty text column has no type to infer)."""
    name = f"frames_{next(_names)}"
    return con.create_table(name, ibis.memtable(df, schema=schema), temp=True)


def test_rfm_summary_frame_equals_to_pandas(con) -> None:
    tx = to_table(con, synthetic_transactions(7, n_customers=400))
    # DuckDB's parallel float sums may differ in the last bit between two runs.
    got = _same(rfm_summary(tx, observation_period_end=AS_OF).order_by("account_id"), rtol=1e-12)
    assert len(got) > 0
    assert got["account_id"].is_unique


def test_mixed_types_with_nulls(con) -> None:
    df = pd.DataFrame(
        {
            "s": ["a", None, "c", "a"],
            "i": [1, 2, 3, 4],
            "f": [1.5, None, float("inf"), -0.0],
            "b": [True, False, None, True],
            "d": [dt.date(2024, 1, 1), None, dt.date(1969, 12, 31), dt.date(2024, 2, 29)],
            "ts": pd.to_datetime(
                ["2024-01-01 10:00", None, "2024-03-01 00:00", "1999-12-31 23:59"]
            ),
        }
    )
    t = to_table(con, df)
    _same(t.order_by("i"))
    # an integer column with a null, an all-null column and a list column
    _same(t.select(t.s, n=ibis.ifelse(t.i > 2, t.i, ibis.null()), z=ibis.null().cast("int64")))
    _same(t.group_by("s").aggregate(days=t.d.collect()).order_by("s"))


def test_empty_result(con) -> None:
    tx = to_table(con, synthetic_transactions(1, n_customers=50))
    got = _same(rfm_summary(tx, observation_period_end=dt.date(1900, 1, 1)))
    assert got.empty


def test_unbound_memtable_falls_back_to_to_pandas() -> None:
    t = ibis.memtable({"k": ["x", "y"], "v": [1.0, 2.0]})
    pd.testing.assert_frame_equal(to_frame(t), t.to_pandas())


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.text(max_size=8)),
            st.integers(min_value=-(2**62), max_value=2**62),
            st.one_of(st.none(), st.floats(allow_nan=False, width=64)),
        ),
        max_size=30,
    )
)
def test_property_equal_to_to_pandas(con, rows) -> None:
    df = pd.DataFrame(rows, columns=["s", "i", "f"]).astype(
        {"s": object, "i": "int64", "f": "float64"}
    )
    t = _load(con, df, {"s": "string", "i": "int64", "f": "float64"})
    _same(t)


@pytest.mark.parametrize("n", [0, 1, 5000])
def test_unique_keys_keep_their_values(con, n: int) -> None:
    ids = [f"C{i:07d}" for i in range(n)]
    t = _load(con, pd.DataFrame({"id": ids, "v": range(n)}), {"id": "string", "v": "int64"})
    got = _same(t.order_by("v"))
    assert got["id"].tolist() == ids


def test_more_types_and_the_empty_frame_of_each(con) -> None:
    con.raw_sql(
        "CREATE OR REPLACE TEMP TABLE frames_types AS SELECT * FROM (VALUES "
        "(1, 12.50::DECIMAL(10, 2), TIME '09:30:00', 'ab'::BLOB, {'x': 1, 'y': 'a'}, "
        "MAP {'k': 1}, 'ae0a3d7e-5e6d-4d6e-9a55-6d7d3a3e8f10'::UUID), "
        "(2, NULL, NULL, NULL, NULL, NULL, NULL)) "
        "AS t(i, dec, tm, bl, st, mp, u)"
    )
    raw = con.table("frames_types")
    _same(raw.order_by("i"))
    _same(raw.filter(raw.i > 9))

"""Names next to ids: the lookup reads the listed rows and reports missing names as None."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest
from ibis.backends.duckdb import Backend

from rashinban.engine import name_column, name_rows, names_of


@pytest.fixture()
def named() -> Backend:
    con = ibis.duckdb.connect()
    con.create_table(
        "accounts",
        ibis.memtable(
            {
                "account_id": ["A1", "A2", "A3"] + [f"B{i:04d}" for i in range(1500)],
                "name": ["林工業", None, "  "] + [f"会社{i}" for i in range(1500)],
            }
        ),
    )
    con.create_table(
        "products",
        ibis.memtable({"product_id": ["P1", "P2"], "name": ["基本プラン", None]}),
    )
    return con


def test_names_of_listed_ids_and_none_for_missing_blank_or_unknown(named: Backend) -> None:
    assert names_of(named, ["A1", "A2", "A3", "A9", None]) == {
        "A1": "林工業",
        "A2": None,
        "A3": None,
        "A9": None,
    }
    assert names_of(named, ["P2", "P1"], "products") == {"P1": "基本プラン", "P2": None}
    assert names_of(named, []) == {}


def test_many_ids_read_the_same_names_as_few(named: Backend) -> None:
    many = ["A1", "A2"] + [f"B{i:04d}" for i in range(1200)]
    found = names_of(named, many)
    assert len(found) == 1202
    assert found["A1"] == "林工業" and found["A2"] is None
    assert found["B1199"] == "会社1199"
    assert names_of(named, ["B0007"]) == {"B0007": "会社7"}


def test_name_rows_puts_the_name_right_after_the_id(named: Backend) -> None:
    rows = [
        {"account_id": "A1", "product_id": "P2", "score": 0.5},
        {"account_id": "A2", "product_id": "P1", "score": 0.25},
    ]
    out = name_rows(named, name_rows(named, rows), "products")
    assert [list(r) for r in out] == [
        ["account_id", "account_name", "product_id", "product_name", "score"]
    ] * 2
    assert [(r["account_name"], r["product_name"]) for r in out] == [
        ("林工業", None),
        (None, "基本プラン"),
    ]
    # the owner's name placed after another key (a lead's company after the lead's id)
    lead = name_rows(named, [{"id": "L1", "kind": "lead", "account_id": "A1"}], after="id")
    assert list(lead[0]) == ["id", "account_name", "kind", "account_id"]
    assert lead[0]["account_name"] == "林工業"


def test_name_column_keeps_the_frame_order_and_index(named: Backend) -> None:
    frame = pd.DataFrame({"account_id": ["A2", "A1"], "risk": [0.1, 0.9]}, index=[7, 3])
    out = name_column(named, frame)
    assert list(out.columns) == ["account_id", "account_name", "risk"]
    assert list(out.index) == [7, 3]
    assert out["account_name"].tolist() == [None, "林工業"]
    assert list(frame.columns) == ["account_id", "risk"]  # the input is left as it was

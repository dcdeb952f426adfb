"""Query results are read to their end, so the connection is free for what follows.

DuckDB 2 keeps a result open until a fetch returns no rows and then refuses
``register()``, relations and Ibis queries on that connection; ``fetchone()`` on a
one-row count leaves it open.
"""

from __future__ import annotations

import ast
from pathlib import Path

import duckdb
import pyarrow as pa

import rashinban
from rashinban._rows import first_row


def test_first_row_reads_the_result_to_its_end() -> None:
    con = duckdb.connect()
    assert first_row(con, "SELECT * FROM range(3)") == (0,)
    assert con.fetchall() == []  # nothing left pending
    assert first_row(con, "SELECT count(*) FROM range(?)", [5]) == (5,)
    con.register("_t", pa.table({"a": [1, 2]}))
    assert con.execute("SELECT sum(a) FROM _t").fetchall() == [(3,)]
    assert con.sql("SELECT count(*) FROM _t").fetchall() == [(2,)]


def test_first_row_of_an_empty_result_is_none() -> None:
    con = duckdb.connect()
    assert first_row(con, "SELECT 1 WHERE false") is None


def test_no_module_leaves_a_result_open_with_fetchone() -> None:
    src = Path(rashinban.__file__).parent
    found = []
    for path in sorted(src.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("fetchone", "fetchmany"):
                found.append(f"{path.relative_to(src)}:{node.lineno}")
    assert found == []

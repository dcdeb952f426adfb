"""The names of accounts and products, for lists that people read.

Results carry ids (``A000550``, ``P01``); a sales manager reads names. These helpers
look the names of just the listed ids up on the workspace backend (two columns, the
listed rows) and put them next to the ids, so that every list names things the same
way: ``account_name`` right after ``account_id``, ``product_name`` after ``product_id``.
A missing or blank name is ``None`` (an empty cell, JSON ``null``), never the text
"None" or "nan".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

__all__ = ["NAMED_TABLES", "name_column", "name_rows", "names_of", "values_of"]

#: The tables whose rows have names, each with its key.
NAMED_TABLES = {"accounts": "account_id", "products": "product_id"}

#: Up to this many ids are looked up by id (``IN (…)``); more read the id and name
#: columns whole, which is then no more than the query text would be.
_MAX_LISTED = 1000


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def values_of(
    backend: Any, ids: Iterable[Any], table: str, key: str, column: str
) -> dict[str, Any]:
    """``{id: column}`` for the rows of ``table`` whose ``key`` is one of ``ids`` (only
    those rows and the two columns are read; an id without a row is left out)."""
    wanted = sorted({str(i) for i in ids if not _blank(i)})
    if not wanted:
        return {}
    t = backend.table(table)
    picked = t.select(key, value=t[column])
    if len(wanted) <= _MAX_LISTED:
        picked = picked.filter(picked[key].isin(wanted))
    return {str(r[key]): r["value"] for r in picked.to_pyarrow().to_pylist()}


def names_of(backend: Any, ids: Iterable[Any], table: str = "accounts") -> dict[str, str | None]:
    """``{id: name}`` for ``ids`` of ``accounts`` or ``products``.

    An id without a row, or a row without a name (NULL or blank), maps to ``None``.

    Examples
    --------
    >>> import ibis
    >>> con = ibis.duckdb.connect()
    >>> _ = con.create_table("accounts", ibis.memtable(
    ...     {"account_id": ["A1", "A2"], "name": ["林工業", " "]}))
    >>> names_of(con, ["A2", "A1", "A9"])
    {'A1': '林工業', 'A2': None, 'A9': None}
    """
    wanted = sorted({str(i) for i in ids if not _blank(i)})
    found = values_of(backend, wanted, table, NAMED_TABLES[table], "name")
    names = {k: None if _blank(v) else str(v).strip() for k, v in found.items()}
    return {i: names.get(i) or None for i in wanted}


def name_rows(
    backend: Any,
    rows: Sequence[dict[str, Any]],
    table: str = "accounts",
    *,
    key: str | None = None,
    after: str | None = None,
) -> list[dict[str, Any]]:
    """``rows`` (dicts) with the name of ``row[key]`` right after ``after`` (``key``).

    ``key`` defaults to the table's own key (``account_id``); the name goes in
    ``account_name`` / ``product_name``.

    Examples
    --------
    >>> import ibis
    >>> con = ibis.duckdb.connect()
    >>> _ = con.create_table("products", ibis.memtable({"product_id": ["P1"], "name": ["基本"]}))
    >>> name_rows(con, [{"product_id": "P1", "score": 0.5}], "products")
    [{'product_id': 'P1', 'product_name': '基本', 'score': 0.5}]
    """
    key = key or NAMED_TABLES[table]
    target = NAMED_TABLES[table].removesuffix("_id") + "_name"
    names = names_of(backend, (r.get(key) for r in rows), table)
    out = []
    for r in rows:
        row: dict[str, Any] = {}
        for k, v in r.items():
            if k != target:
                row[k] = v
            if k == (after or key):
                owner = r.get(key)
                row[target] = None if _blank(owner) else names.get(str(owner))
        out.append(row)
    return out


def name_column(
    backend: Any, frame: pd.DataFrame, table: str = "accounts", *, label: str | None = None
) -> pd.DataFrame:
    """A copy of ``frame`` with the names of its ``account_id`` (``product_id``) column
    right after it, headed ``label`` (default ``account_name`` / ``product_name``)."""
    key = NAMED_TABLES[table]
    label = label or key.removesuffix("_id") + "_name"
    names = names_of(backend, frame[key], table)
    out = frame.copy()
    column = [None if _blank(v) else names.get(str(v)) for v in frame[key]]
    out.insert(list(frame.columns).index(key) + 1, label, column)
    return out

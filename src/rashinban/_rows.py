"""Reading DuckDB results so that a connection is free for the next statement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

__all__ = ["first_row"]


def first_row(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | None = None
) -> tuple[Any, ...] | None:
    """The first row of a query (None when it has none), with the result read to its end.

    ``fetchone()`` leaves a result open until a later fetch returns nothing; DuckDB 2
    then refuses ``register()``, relations and Ibis queries on the same connection
    until the result is finished. The queries read this way return one row (counts,
    maxima), so reading them whole costs nothing.
    """
    rows = con.execute(sql, params).fetchall()
    return rows[0] if rows else None

"""A data profile per canonical table, as Ibis expressions.

For each column: filled share, distinct values, minimum and maximum (numbers
and dates). It is the first thing an analyst checks after an import, and the
report's first section.
"""

from __future__ import annotations

from typing import Any

import ibis
import pandas as pd

from rashinban.schema import TABLES


def profile_table(table: ibis.Table, name: str) -> pd.DataFrame:
    """Profile one table: one row per canonical column.

    Returns a DataFrame with ``table, column, rows, filled, filled_share,
    distinct, min, max`` (min/max as text, for numbers and dates only).

    Examples
    --------
    >>> t = ibis.memtable({"account_id": ["A1", "A2"], "employees": [10, None]})
    >>> profile_table(t, "accounts").set_index("column").loc["employees", "filled"]
    1
    """
    spec = TABLES.get(name)
    columns = [c for c in (spec.column_names if spec else table.columns) if c in table.columns]
    aggs: dict[str, Any] = {"_rows": table.count()}
    for c in columns:
        col = table[c]
        aggs[f"{c}__filled"] = col.count()
        aggs[f"{c}__distinct"] = col.nunique()
        if col.type().is_numeric() or col.type().is_temporal():
            aggs[f"{c}__min"] = col.min().cast("string")
            aggs[f"{c}__max"] = col.max().cast("string")
    row = table.aggregate(**aggs).execute().iloc[0]
    n = int(row["_rows"])
    out = []
    for c in columns:
        filled = int(row[f"{c}__filled"])
        out.append(
            {
                "table": name,
                "column": c,
                "rows": n,
                "filled": filled,
                "filled_share": filled / n if n else 0.0,
                "distinct": int(row[f"{c}__distinct"]),
                "min": row.get(f"{c}__min"),
                "max": row.get(f"{c}__max"),
            }
        )
    return pd.DataFrame(out)


def profile(backend: Any, tables: list[str] | None = None) -> pd.DataFrame:
    """Profile every canonical table (or ``tables``) on an Ibis backend."""
    frames = [profile_table(backend.table(n), n) for n in (tables or list(TABLES))]
    return pd.concat(frames, ignore_index=True)

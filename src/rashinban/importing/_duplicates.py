"""Rows of one file that share a key: merged into one record, and what that changed.

Later non-empty values win, so a later row can replace every value of an earlier one
(a second 取引先ID X001 row with another company name and headcount). Merging is kept;
what it did is counted so that the import's summary can say it: how many rows were
merged, their first keys, and the keys whose rows disagreed on a non-empty value
(as opposed to a later row only filling blanks).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from rashinban._rows import first_row
from rashinban.importing._convert import q
from rashinban.importing._rejects import Reject
from rashinban.schema import Table

#: How many keys the summary names.
SHOWN_KEYS = 5


@dataclass(frozen=True)
class Merged:
    """What merging a file's duplicate keys did."""

    #: Rows merged into an earlier row with the same key.
    rows: int = 0
    #: The first keys merged (``a/b`` for a key of several columns), in file order.
    keys: tuple[str, ...] = ()
    #: Keys whose rows held different non-empty values in some column.
    conflicting: int = 0
    conflicting_keys: tuple[str, ...] = ()
    #: The columns those values differed in (canonical names; extra columns by header).
    conflicting_columns: tuple[str, ...] = ()


def merge_duplicates(
    con: duckdb.DuckDBPyConnection,
    spec: Table,
    cols: list[str],
    extra_cols: list[str],
    file_name: str,
    rejects: list[Reject],
) -> Merged:
    """Merge the rows of ``_typed`` that share ``spec.key`` into ``_clean``.

    Later non-empty values win; each merged row is listed in ``rejects`` (kind
    ``merged``). Returns what was merged and where non-empty values disagreed.
    """
    keys = ", ".join(q(k) for k in spec.key)
    all_cols = cols + extra_cols
    dup = first_row(
        con, f"""SELECT count(*) - count(DISTINCT ({keys})) FROM _typed WHERE NOT _rejected"""
    )
    n_dup = int(dup[0]) if dup else 0
    if n_dup == 0:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _clean AS SELECT {', '.join(q(c) for c in all_cols)} "
            "FROM _typed WHERE NOT _rejected"
        )
        return Merged()
    for row, key_text, first in con.execute(
        f"""SELECT _row, concat_ws('/', {keys}), min(_row) OVER w FROM _typed
            WHERE NOT _rejected
            WINDOW w AS (PARTITION BY {keys})
            QUALIFY count(*) OVER w > 1 AND _row <> min(_row) OVER w
            ORDER BY _row"""
    ).fetchall():
        rejects.append(
            Reject(
                file_name,
                row,
                "/".join(spec.column(k).ja for k in spec.key),
                key_text,
                f"重複キー: {first}行目に統合しました (後の行の空でない値を優先) / "
                f"duplicate key: merged with row {first} (later non-empty values win)",
                "merged",
            )
        )
    merged = _describe(con, spec, [c for c in all_cols if c not in spec.key], n_dup)
    aggs = [
        q(c)
        if c in spec.key
        else f"arg_max({q(c)}, _row) FILTER (WHERE {q(c)} IS NOT NULL) AS {q(c)}"
        for c in all_cols
    ]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _clean AS SELECT {', '.join(aggs)} FROM _typed "
        f"WHERE NOT _rejected GROUP BY {keys}"
    )
    return merged


def _describe(
    con: duckdb.DuckDBPyConnection, spec: Table, compared: list[str], n_dup: int
) -> Merged:
    """Count the keys whose rows disagree on a non-empty value (NULLs are blanks)."""
    keys = ", ".join(q(k) for k in spec.key)
    differs = [f"count(DISTINCT {q(c)}) > 1 AS d{i}" for i, c in enumerate(compared)]
    any_differs = " OR ".join(f"d{i}" for i in range(len(compared))) or "false"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _dup_groups AS
            SELECT concat_ws('/', {keys}) AS k, min(_row) AS first
                   {"".join(", " + d for d in differs)}
            FROM _typed WHERE NOT _rejected
            GROUP BY {keys} HAVING count(*) > 1"""
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _dup_groups AS "
        f"SELECT *, ({any_differs}) AS conflict FROM _dup_groups"
    )
    first = [
        str(r[0])
        for r in con.execute(
            f"SELECT k FROM _dup_groups ORDER BY first LIMIT {SHOWN_KEYS}"
        ).fetchall()
    ]
    clashing = [
        str(r[0])
        for r in con.execute(
            f"SELECT k FROM _dup_groups WHERE conflict ORDER BY first LIMIT {SHOWN_KEYS}"
        ).fetchall()
    ]
    per_column = first_row(
        con,
        "SELECT count(*) FILTER (WHERE conflict)"
        + "".join(f", coalesce(bool_or(d{i}), false)" for i in range(len(compared)))
        + " FROM _dup_groups",
    )
    con.execute("DROP TABLE _dup_groups")
    n_conflict = int(per_column[0]) if per_column else 0
    columns = tuple(
        c.removeprefix("x:")
        for i, c in enumerate(compared)
        if per_column is not None and per_column[i + 1]
    )
    return Merged(n_dup, tuple(first), n_conflict, tuple(clashing), columns)

"""Writing the cleaned rows: extra columns, and the upsert on the table's key."""

from __future__ import annotations

import duckdb

from rashinban._rows import first_row
from rashinban.importing._convert import q
from rashinban.schema import Table


def ensure_extra_columns(con: duckdb.DuckDBPyConnection, spec: Table, extras: list[str]) -> None:
    existing = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() "
            "WHERE schema_name = 'main' AND table_name = ?",
            [spec.name],
        ).fetchall()
    }
    for h in extras:
        if h not in existing and h not in spec.column_names:
            con.execute(f"ALTER TABLE {q(spec.name)} ADD COLUMN {q(h)} VARCHAR")


def upsert(
    con: duckdb.DuckDBPyConnection, spec: Table, cols: list[str], extras: list[str]
) -> tuple[int, int, int]:
    """Merge ``_clean`` into the table; return (inserted, updated, unchanged)."""
    tname = q(spec.name)
    on = " AND ".join(f"t.{q(k)} = s.{q(k)}" for k in spec.key)
    table_cols = [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' "
            "AND table_name = ? ORDER BY column_index",
            [spec.name],
        ).fetchall()
    ]
    src_of = {c: f"s.{q(c)}" for c in cols}
    src_of.update({h: f"s.{q('x:' + h)}" for h in extras})
    if first_row(con, f"SELECT count(*) FROM (SELECT 1 FROM {tname} LIMIT 1)") == (0,):
        # First load of the table: nothing to merge with, so no join and no rewrite.
        col_list = ", ".join(q(c) for c in table_cols)
        values = ", ".join(src_of.get(c, "NULL") for c in table_cols)
        con.execute(
            f"INSERT INTO {tname} ({col_list}) SELECT {values} FROM _clean s" + _order(spec, src_of)
        )
        n = first_row(con, "SELECT count(*) FROM _clean")
        return (int(n[0]) if n else 0), 0, 0
    merged = []
    for c in table_cols:
        if c in spec.key:
            merged.append(f"s.{q(c)} AS {q(c)}")
        elif c in src_of:
            merged.append(f"coalesce({src_of[c]}, t.{q(c)}) AS {q(c)}")
        else:
            merged.append(f"t.{q(c)} AS {q(c)}")
    changed = (
        " OR ".join(
            f"({src_of[c]} IS NOT NULL AND {src_of[c]} IS DISTINCT FROM t.{q(c)})"
            for c in table_cols
            if c in src_of and c not in spec.key
        )
        or "false"
    )
    first_key = q(spec.key[0])
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _merged AS
            SELECT {", ".join(merged)},
                   t.{first_key} IS NULL AS _new,
                   t.{first_key} IS NULL OR ({changed}) AS _changed
            FROM _clean s LEFT JOIN {tname} t ON {on}"""
    )
    counts = first_row(
        con,
        "SELECT count(*) FILTER (WHERE _new), count(*) FILTER (WHERE _changed AND NOT _new), "
        "count(*) FILTER (WHERE NOT _changed) FROM _merged",
    )
    ins, upd, same = (int(x) for x in counts) if counts else (0, 0, 0)
    if upd:
        keys = ", ".join(q(k) for k in spec.key)
        con.execute(
            f"DELETE FROM {tname} WHERE ({keys}) IN "
            f"(SELECT ({keys}) FROM _merged WHERE _changed AND NOT _new)"
        )
    if ins or upd:
        col_list = ", ".join(q(c) for c in table_cols)
        con.execute(
            f"INSERT INTO {tname} ({col_list}) SELECT {col_list} FROM _merged WHERE _changed"
            + _order(spec, {c: q(c) for c in table_cols})
        )
    return ins, upd, same


def _order(spec: Table, available: dict[str, str]) -> str:
    """``ORDER BY`` the table's clustering columns that the rows have (``Table.cluster_by``)."""
    cols = [available[c] for c in spec.cluster_by if c in available]
    return " ORDER BY " + ", ".join(cols) if cols else ""

"""Account identity on import: match to stored accounts, aliases, match keys.

Accounts are matched by 法人番号 first, then by normalised name + prefecture
(see :func:`resolve_accounts`); a file's own id that was matched to a stored
account is kept as an alias so later imports of contacts, deals, … resolve.
"""

from __future__ import annotations

import duckdb

from rashinban.schema import Table
from rashinban.workspace import META_SCHEMA


def resolve_accounts(con: duckdb.DuckDBPyConnection, present: list[str]) -> None:
    """Match accounts to stored ones: 法人番号 first, then normalised name + prefecture.

    A row whose own id is already stored keeps it. Otherwise the stored account
    with the same 法人番号 is taken; failing that, the one stored account with
    the same normalised name and prefecture (and no conflicting 法人番号). A row
    with neither id nor match gets a stable id derived from its identity, so
    importing the same list twice yields the same accounts.
    """
    if "account_id" not in present:
        con.execute("ALTER TABLE _typed ADD COLUMN account_id VARCHAR")
    con.execute("ALTER TABLE _typed ADD COLUMN _source_id VARCHAR")
    con.execute("UPDATE _typed SET _source_id = account_id")
    cn = "t.corporate_number" if "corporate_number" in present else "NULL::VARCHAR"
    pref = "t.prefecture" if "prefecture" in present else "NULL::VARCHAR"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _match AS
            WITH rows AS (
                SELECT t._row, t._xv__name_key AS name_key, {cn} AS cn, {pref} AS pref
                FROM _typed t
                WHERE NOT t._rejected
                  AND (t.account_id IS NULL
                       OR t.account_id NOT IN (SELECT account_id FROM accounts))
            ),
            by_cn AS (
                SELECT r._row, min(k.account_id) AS id FROM rows r
                JOIN {META_SCHEMA}.account_keys k ON k.corporate_number = r.cn
                GROUP BY r._row
            ),
            by_name AS (
                SELECT r._row, min(k.account_id) AS id FROM rows r
                JOIN {META_SCHEMA}.account_keys k
                  ON k.name_key = r.name_key AND k.prefecture IS NOT DISTINCT FROM r.pref
                 AND (k.corporate_number IS NULL OR r.cn IS NULL OR k.corporate_number = r.cn)
                GROUP BY r._row HAVING count(DISTINCT k.account_id) = 1
            )
            SELECT r._row, coalesce(c.id, n.id) AS matched
            FROM rows r LEFT JOIN by_cn c USING (_row) LEFT JOIN by_name n USING (_row)
            WHERE coalesce(c.id, n.id) IS NOT NULL"""
    )
    con.execute("UPDATE _typed SET account_id = m.matched FROM _match m WHERE _typed._row = m._row")
    ident = (
        "coalesce(corporate_number, _xv__name_key || '|' || coalesce(prefecture, ''))"
        if "corporate_number" in present
        else "_xv__name_key || '|' || coalesce(prefecture, '')"
    )
    if "prefecture" not in present:
        ident = ident.replace("coalesce(prefecture, '')", "''")
    con.execute(
        f"""UPDATE _typed SET account_id = 'A' || substr(sha256({ident}), 1, 12)
            WHERE account_id IS NULL AND NOT _rejected"""
    )
    con.execute(
        f"""INSERT INTO {META_SCHEMA}.account_aliases
            SELECT DISTINCT t._source_id, t.account_id FROM _typed t
            WHERE t._source_id IS NOT NULL AND t._source_id <> t.account_id AND NOT t._rejected
              AND NOT EXISTS (SELECT 1 FROM {META_SCHEMA}.account_aliases a
                              WHERE a.source_id = t._source_id AND a.account_id = t.account_id)"""
    )


def translate_aliases(con: duckdb.DuckDBPyConnection, spec: Table, present: list[str]) -> None:
    if "account_id" in present:
        con.execute(
            f"""UPDATE _typed SET account_id = a.account_id
                FROM {META_SCHEMA}.account_aliases a WHERE _typed.account_id = a.source_id"""
        )


def refresh_account_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Upsert the match keys (name key, prefecture, 法人番号) of the accounts just written."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _keys AS
            SELECT a.account_id,
                   coalesce(any_value(t._xv__name_key), any_value(k.name_key)) AS name_key,
                   any_value(a.prefecture) AS prefecture,
                   any_value(a.corporate_number) AS corporate_number
            FROM accounts a
            JOIN _typed t ON t.account_id = a.account_id AND NOT t._rejected
            LEFT JOIN {META_SCHEMA}.account_keys k ON k.account_id = a.account_id
            GROUP BY a.account_id"""
    )
    con.execute(
        f"DELETE FROM {META_SCHEMA}.account_keys WHERE account_id IN (SELECT account_id FROM _keys)"
    )
    con.execute(f"INSERT INTO {META_SCHEMA}.account_keys SELECT * FROM _keys")

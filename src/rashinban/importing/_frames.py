"""Load tables that are already canonical (pandas DataFrames) in one transaction.

For data that needs no normalisation: the demo generator's output, a pipeline
that already speaks the data model, and test fixtures. Columns are checked
against the schema registry and cast to the canonical types; keys must be
unique. Files from CRM exports go through :func:`import_files` instead.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from rashinban import normalize as nz
from rashinban._errors import ImportFileError
from rashinban.importing._convert import q
from rashinban.schema import LOAD_ORDER, TABLES, get_table
from rashinban.workspace import META_SCHEMA, Workspace


def load_frames(
    ws: Workspace, tables: Mapping[str, pd.DataFrame], *, replace: bool = True
) -> dict[str, int]:
    """Write canonical DataFrames into ``ws`` (replacing each table's rows by default).

    Returns the number of rows written per table. Raises :class:`ImportFileError`
    for an unknown column or a duplicate key; nothing is written then.

    Examples
    --------
    >>> from rashinban.demo import generate  # doctest: +SKIP
    >>> load_frames(ws, generate(500))  # doctest: +SKIP
    {'products': 8, 'campaigns': 24, ...}
    """
    for name, frame in tables.items():
        spec = get_table(name)
        unknown = [c for c in frame.columns if c not in spec.column_names]
        if unknown:
            raise ImportFileError(
                f"列 {unknown} は {name} の標準の列にありません / "
                f"columns {unknown} are not in the canonical table {name}",
                file=f"<DataFrame {name}>",
                fix="標準の列名に直すか削除してください / "
                "rename them to canonical columns or drop them",
            )
        missing = [k for k in spec.key if k not in frame.columns]
        if missing:
            raise ImportFileError(
                f"キーの列 {missing} がありません / key columns {missing} missing",
                file=f"<DataFrame {name}>",
                fix="キーの列を加えてください / add them",
            )
        if frame.duplicated(list(spec.key)).any():
            raise ImportFileError(
                "キーが重複しています / duplicate keys",
                file=f"<DataFrame {name}>",
                fix="キーの列を一意にしてください / make the key columns unique",
            )
    written: dict[str, int] = {}
    with ws.connect() as con:
        con.execute("BEGIN TRANSACTION")
        try:
            for name in [n for n in LOAD_ORDER if n in tables]:
                spec = TABLES[name]
                frame = tables[name]
                select = ", ".join(
                    f"CAST({q(c.name)} AS {c.sql_type}) AS {q(c.name)}"
                    if c.name in frame.columns
                    else f"NULL::{c.sql_type} AS {q(c.name)}"
                    for c in spec.columns
                )
                if replace:
                    con.execute(f"DELETE FROM {q(name)}")
                con.register("_frame", frame)
                order = ""
                if spec.cluster_by and set(spec.cluster_by) <= set(frame.columns):
                    order = " ORDER BY " + ", ".join(q(c) for c in spec.cluster_by)
                con.execute(f"INSERT INTO {q(name)} SELECT {select} FROM _frame{order}")
                con.unregister("_frame")
                written[name] = len(frame)
                if name == "accounts" and "name" in frame.columns:
                    keys = pd.DataFrame(
                        {
                            "account_id": frame["account_id"].astype(str),
                            "name_key": [
                                nz.company_key(str(v)) if isinstance(v, str) and v else None
                                for v in frame["name"]
                            ],
                            "prefecture": frame.get("prefecture"),
                            "corporate_number": frame.get("corporate_number"),
                        }
                    )
                    con.execute(
                        f"""CREATE TABLE IF NOT EXISTS {META_SCHEMA}.account_keys (
                        account_id VARCHAR, name_key VARCHAR, prefecture VARCHAR,
                        corporate_number VARCHAR)"""
                    )
                    if replace:
                        con.execute(f"DELETE FROM {META_SCHEMA}.account_keys")
                    con.register("_keys", keys)
                    con.execute(
                        f"INSERT INTO {META_SCHEMA}.account_keys SELECT account_id, name_key, "
                        "CAST(prefecture AS VARCHAR), CAST(corporate_number AS VARCHAR) FROM _keys"
                    )
                    con.unregister("_keys")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return written

"""Header rows repeated inside the data: two exports pasted one under the other.

Someone who pastes this month's export below last month's in Excel keeps the second
file's header row as a data row. Read as data, each of its cells would be rejected on
its own (``取引先ID`` is no id, ``従業員数`` no number); it is one row that repeats the
header and is listed once instead.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rashinban.importing._convert import lit, q
from rashinban.importing._mapping import header_key

if TYPE_CHECKING:
    import duckdb

# Repeats of one header are named メモ, メモ_2 by the reader; the cell says メモ.
_REPEAT_SUFFIX = re.compile(r"_[0-9]+$")
#: Share of a row's filled cells that must be header names for the row to be a header.
SHARE = 0.8


def _spellings(headers: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """The headers as written (for a fast SQL filter) and their comparison keys."""
    written = set(headers) | {_REPEAT_SUFFIX.sub("", h) for h in headers}
    return written, {header_key(h) for h in written}


def repeated_header_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    headers: tuple[str, ...],
    label_columns: list[str],
) -> list[int]:
    """The ``_row`` numbers of rows of ``table`` that repeat the header row.

    A row repeats the header when at least :data:`SHARE` of its filled cells, and at
    least two (one in a one-column file), are header names (compared as headers are:
    NFKC, case folded, no spaces). Only rows whose label column (the key, else the
    first column) holds a header name exactly are looked at, so a large file costs
    one equality filter.

    Examples
    --------
    >>> import duckdb
    >>> con = duckdb.connect()
    >>> _ = con.execute(
    ...     "CREATE TABLE _raw AS SELECT * FROM (VALUES ('A1', '一社', 2), "
    ...     "('取引先ID', '取引先名', 3), ('A2', '二社', 4)) t(取引先ID, 取引先名, _row)"
    ... )
    >>> repeated_header_rows(con, "_raw", ("取引先ID", "取引先名"), ["取引先ID"])
    [3]
    """
    written, keys = _spellings(headers)
    names = ", ".join(lit(w) for w in sorted(written))
    cond = " OR ".join(f"trim({q(c)}) IN ({names})" for c in dict.fromkeys(label_columns))
    if not cond:
        return []
    cells = ", ".join(q(h) for h in headers)
    found: list[int] = []
    for row, *values in con.execute(
        f"SELECT _row, {cells} FROM {q(table)} WHERE {cond} ORDER BY _row"
    ).fetchall():
        filled = [str(v) for v in values if v is not None and str(v).strip()]
        named = sum(1 for v in filled if header_key(v) in keys)
        if named >= min(2, len(headers)) and named >= SHARE * len(filled):
            found.append(int(row))
    return found

"""Rows of a file that are no record: totals rows and repeated header rows.

Exports made for people often end with a totals row. Loaded, it would become a record
whose id is "合計", or a row rejected because its key is empty. A row labelled 合計,
小計, 総計, Total … is one wherever it stands. A row without a label is one only where
nothing else fits: among the last rows, its key cells empty, and every number in it the
sum of its column over the rows above (see :func:`blank_key_totals`). Each is taken
out of ``_raw`` and listed once in the rejects file with the reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import duckdb

from rashinban._rows import first_row
from rashinban.importing._convert import lit, q
from rashinban.importing._rejects import Reject
from rashinban.importing._repeats import repeated_header_rows

#: What a totals row of a spreadsheet says where a record has its id (spaces removed,
#: case-folded): 合計, 小計, 総計, 計, Total, Subtotal, Grand total.
TOTALS_LABELS = ("合計", "小計", "総計", "計", "total", "totals", "subtotal", "grandtotal")

#: How many rows at the end of a file are looked at for a totals row without a label
#: (a sum row, and below it a grand total or a second sum in another unit).
TRAILING_ROWS = 3
#: How many numbers of a column the rows above must hold for their sum to mean something:
#: a lone number "summed" is only the same number twice.
MIN_ADDENDS = 2

# A column's sum as a formula: =SUM(D2:D4), =sum($D$2:$D$4).
_SUM = re.compile(r"=SUM\(\s*\$?([A-Z]{1,3})\$?([0-9]+)\s*:\s*\$?\1\$?([0-9]+)\s*\)")

_TOTALS_REASON = "合計・小計の行です (取り込みません) / a totals row, not a record"


def is_totals_label(value: str) -> bool:
    text = "".join(unicodedata.normalize("NFKC", value).split()).casefold()
    return text in TOTALS_LABELS


def drop_rows(
    con: duckdb.DuckDBPyConnection,
    rows: list[int],
    file_name: str,
    rejects: list[Reject],
    what: str,
) -> int:
    """Take ``rows`` out of ``_raw``, each listed once in the rejects file as ``what``."""
    if rows:
        con.execute(f"DELETE FROM _raw WHERE _row IN ({', '.join(map(str, rows))})")
    for row in rows:
        reason = f"{what} — 不要なら削除してください / nothing to do, or delete it from the file"
        rejects.append(Reject(file_name, row, "", None, reason))
    return len(rows)


def drop_repeated_headers(
    con: duckdb.DuckDBPyConnection,
    headers: tuple[str, ...],
    columns: list[str],
    file_name: str,
    rejects: list[Reject],
) -> int:
    """Take rows that repeat the header (two exports pasted together) out of ``_raw``.

    Each is listed once in the rejects file, instead of one reject per cell.
    """
    return drop_rows(
        con,
        repeated_header_rows(con, "_raw", headers, columns),
        file_name,
        rejects,
        "見出し行の繰り返しです (2つの書き出しを貼り合わせた行など。取り込みません) / "
        "the row repeats the header row (e.g. two exports pasted together), not a record",
    )


def drop_totals_rows(
    con: duckdb.DuckDBPyConnection,
    columns: list[str],
    file_name: str,
    rejects: list[Reject],
    *,
    keys: list[str] | None = None,
    headers: tuple[str, ...] = (),
    formulas: Iterable[tuple[int, str, str]] = (),
) -> int:
    """Take the totals rows (合計, 小計, Total …) out of ``_raw`` and list them as rejects.

    ``columns`` are where a label is looked for (the key's columns and the first);
    with ``keys`` (the key's columns) and ``headers`` (all columns), a totals row
    without a label at the end of the file is found too (:func:`blank_key_totals`;
    ``formulas`` are a workbook's cells whose formula has no saved result).
    Returns how many rows were taken out.
    """
    # Labels are short and have no digits (ids mostly do): only those few distinct
    # values are NFKC-normalised in Python (full-width ＴＯＴＡＬ, 合　計).
    found: dict[str, list[str]] = {}
    for c in dict.fromkeys(columns):
        short = con.execute(
            f"SELECT DISTINCT {q(c)} FROM _raw WHERE length({q(c)}) <= 16 "
            f"AND NOT regexp_matches({q(c)}, '[0-9０-９]')"
        ).fetchall()
        hits = [v for (v,) in short if v is not None and is_totals_label(v)]
        if hits:
            found[c] = hits
    n = 0
    if found:
        cond = " OR ".join(
            f"{q(c)} IN ({', '.join(lit(v) for v in vs)})" for c, vs in found.items()
        )
        rows = [
            r
            for (r,) in con.execute(f"SELECT _row FROM _raw WHERE {cond} ORDER BY _row").fetchall()
        ]
        n = drop_rows(con, rows, file_name, rejects, _TOTALS_REASON)
    if keys:
        for row, summed in blank_key_totals(con, keys, headers, formulas):
            n += drop_rows(
                con,
                [row],
                file_name,
                rejects,
                f"合計の行です (キーが空で、{', '.join(summed)} が上の行の合計です。取り込みません)"
                f" / a totals row (no key, and {', '.join(summed)} "
                f"hold{'s' if len(summed) == 1 else ''} the sum of the rows above), not a record",
            )
    return n


def _number(expr: str) -> str:
    """A cell as a number the way a spreadsheet's SUM counts it (1,234 ¥1,234 1234円), or
    NULL."""
    return f"TRY_CAST(regexp_replace(trim({expr}), '[,¥￥円\\s]', '', 'g') AS DOUBLE)"


def blank_key_totals(
    con: duckdb.DuckDBPyConnection,
    keys: list[str],
    headers: tuple[str, ...],
    formulas: Iterable[tuple[int, str, str]] = (),
) -> list[tuple[int, list[str]]]:
    """The rows at the end of ``_raw`` that are a totals row without a label.

    A row qualifies only when all of these hold, so that a record that lacks its id
    is still rejected as one:

    - it is among the last :data:`TRAILING_ROWS` rows, and it and every row below it
      leave each key column empty;
    - each of its other cells is a number or a totals label (合計 in another column);
    - each number equals the sum of its column over the rows above the empty-key rows
      (to the precision it is written in), a sum of at least :data:`MIN_ADDENDS`
      numbers, and at least one of them is not zero;
    - or, in a workbook, a cell is a formula without a saved result that sums its own
      column over rows above (``=SUM(D2:D9)`` in column D).

    Returns the rows, each with the headers whose sums it holds.
    """
    blank = " AND ".join(f"nullif(trim({q(k)}), '') IS NULL" for k in dict.fromkeys(keys))
    last = con.execute(
        f"SELECT _row, {blank} FROM _raw ORDER BY _row DESC LIMIT {TRAILING_ROWS}"
    ).fetchall()
    trailing: list[int] = []
    for row, empty in last:
        if not empty:
            break
        trailing.append(int(row))
    if not trailing:
        return []
    first = min(trailing)
    others = [h for h in headers if h not in keys]
    sums_own: dict[int, list[str]] = {}  # row: headers whose lost formula sums the column
    lost_in: dict[int, list[str]] = {}  # row: headers with any lost formula
    for row, header, formula in formulas:
        if row in trailing and header in keys:  # a key that lost its value is no blank key
            lost_in.setdefault(row, []).append(header)
        if row not in trailing or header not in others:
            continue
        lost_in.setdefault(row, []).append(header)
        m = _SUM.fullmatch(formula.replace(" ", "").upper())
        if m and m[1] == _letters(headers.index(header)) and int(m[3]) < row:
            sums_own.setdefault(row, []).append(header)
    found: list[tuple[int, list[str]]] = []
    for row in sorted(trailing):
        listed = ", ".join(q(h) for h in others) or "NULL"
        cells = first_row(con, f"SELECT {listed} FROM _raw WHERE _row = ?", [row])
        values = zip(others, cells or (), strict=False)
        filled = {h: str(v).strip() for h, v in values if v is not None and str(v).strip()}
        numbers = [h for h, v in filled.items() if not is_totals_label(v)]
        by_formula = sums_own.get(row, [])
        if len(by_formula) != len(lost_in.get(row, [])):
            continue  # another formula whose value is lost: nothing to compare
        if not numbers:
            if by_formula:
                found.append((row, by_formula))
            continue
        sums = first_row(
            con,
            "SELECT "
            + ", ".join(
                f"(SELECT {_number(q(h))} FROM _raw WHERE _row = {row}), "
                f"sum({_number(q(h))}) FILTER (WHERE _row < {first}), "
                f"count({_number(q(h))}) FILTER (WHERE _row < {first})"
                for h in numbers
            )
            + " FROM _raw",
        )
        if sums is None:
            continue
        ok, nonzero = True, False
        for k, h in enumerate(numbers):
            total, summed, addends = sums[3 * k], sums[3 * k + 1], sums[3 * k + 2]
            if total is None or summed is None or addends < MIN_ADDENDS:
                ok = False
                break
            text = filled[h]
            decimals = len(text.rsplit(".", 1)[1]) if "." in text else 0
            if abs(float(summed) - float(total)) > 0.5 * 10**-decimals + 1e-9 * abs(summed):
                ok = False
                break
            nonzero = nonzero or total != 0
        if ok and (nonzero or by_formula):
            found.append((row, [*numbers, *by_formula]))
    return found


def _letters(index: int) -> str:
    """A 0-based column index as a sheet's column letters (0 → A, 26 → AA)."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out

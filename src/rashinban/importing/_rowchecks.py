"""Checks of a whole row, after each value has been read: required dates, dates in
order, and which unreadable values only blank their cell instead of costing the row.

The table declares them (:attr:`rashinban.schema.Table.required`,
:attr:`~rashinban.schema.Table.ordered`). A row is judged by what would be stored: its
own values, merged with the later rows of the same key in the file and, where it
leaves a cell empty, the stored record's value (an empty field never erases one).
"""

from __future__ import annotations

import duckdb

from rashinban._errors import pick_language
from rashinban.importing._convert import q
from rashinban.importing._rejects import Reject
from rashinban.schema import Table

#: The kind of a reject whose row was kept with that one value left empty.
DROPPED = "value_dropped"

#: Columns that find an account when the file has no 取引先ID column: a blanked one
#: would give the account another identity than the corrected file will.
_ACCOUNT_IDENTITY = ("name", "corporate_number", "prefecture", "prefecture_code")


def droppable_columns(spec: Table, present: list[str]) -> set[str]:
    """The columns whose unreadable value is left empty while the row is kept.

    Not droppable: the key, references (a deal must belong to a known account),
    required dates, the dates of an ordered pair (an unreadable 終了日 left empty would
    make an ended contract look current) and, for accounts without an id column, the
    columns an account is matched by.
    """
    keep = set(spec.key) | set(spec.required) | {c for pair in spec.ordered for c in pair}
    if spec.name == "accounts" and "account_id" not in present:
        keep |= set(_ACCOUNT_IDENTITY)
    return {c for c in present if c not in keep and not spec.column(c).references}


def dropped_reason(reason: str) -> str:
    """``reason`` (``"問題 / problem — 直し方 / fix"``) for a value stored as empty."""
    problem, sep, how = reason.partition(" — ")
    ja, en = pick_language(problem, "ja"), pick_language(problem, "en")
    out = f"{ja} (空欄にして行を取り込みました) / {en} (the row was kept with this value empty)"
    return out + (f" — {how}" if sep else "")


def settle_dropped(con: duckdb.DuckDBPyConnection, found: list[Reject], *, strict: bool) -> int:
    """Settle the blanked values of one file once every row check has run.

    A value of a row rejected for another reason was not kept either: it is listed as
    ``rejected``. The others keep the kind ``value_dropped`` and, unless ``--strict``
    refuses the whole import, say that the row was kept. Returns how many remain.
    """
    marked = [r for r in found if r.kind == DROPPED]
    if not marked:
        return 0
    rejected = {
        int(r[0]) for r in con.execute("SELECT _row FROM _typed WHERE _rejected").fetchall()
    }
    n = 0
    for r in marked:
        if r.row in rejected:
            r.kind = "rejected"
        else:
            n += 1
            if not strict:
                r.reason = dropped_reason(r.reason)
    return n


def _effective(con: duckdb.DuckDBPyConnection, spec: Table, present: list[str]) -> list[str]:
    """Make ``_eff``: per row still accepted, the values a record would be stored with.

    For each column of :attr:`Table.required` and :attr:`Table.ordered`: the latest
    non-empty value of the key's rows in this file, else the stored value
    (``e_<col>``), and whether the file gave one (``f_<col>``).
    """
    cols = list(dict.fromkeys([*spec.required, *(c for pair in spec.ordered for c in pair)]))
    keys = ", ".join(q(k) for k in spec.key)
    on = " AND ".join(f"s.{q(k)} = m.{q(k)}" for k in spec.key)
    merged = [
        f"arg_max({q(c)}, _row) FILTER (WHERE {q(c)} IS NOT NULL) AS {q('m_' + c)}"
        if c in present
        else f"NULL::DATE AS {q('m_' + c)}"
        for c in cols
    ]
    eff = [f"coalesce(m.{q('m_' + c)}, s.{q(c)}) AS {q('e_' + c)}" for c in cols]
    eff += [f"m.{q('m_' + c)} IS NOT NULL AS {q('f_' + c)}" for c in cols]
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _eff AS
            WITH m AS (SELECT {keys}, {", ".join(merged)} FROM _typed
                       WHERE NOT _rejected GROUP BY {keys})
            SELECT t._row, {", ".join(eff)}
            FROM _typed t JOIN m USING ({keys}) LEFT JOIN {q(spec.name)} s ON {on}
            WHERE NOT t._rejected"""
    )
    return cols


def check_dates(
    con: duckdb.DuckDBPyConnection,
    spec: Table,
    present: list[str],
    file_name: str,
    rejects: list[Reject],
) -> None:
    """Reject rows that leave a required date empty, or whose dates are out of order."""
    if not spec.required and not spec.ordered:
        return
    _effective(con, spec, present)
    bad: dict[int, list[Reject]] = {}
    for c in spec.required:
        col = spec.column(c)
        if c in present:
            problem = (
                f"{col.ja} が空です (分析はこの日付で数えます) / "
                f"{col.en} is empty (the analyses count by this date)"
            )
            fix = "日付を入れるか行を削除してください / fill in the date or remove the row"
        else:
            problem = (
                f"{col.ja} の列がなく、取り込み済みの値もありません / "
                f"no {col.en} column and no stored value"
            )
            fix = (
                f"{col.ja} の列を含むファイルで取り込んでください / "
                f"import a file with the {col.en} column"
            )
        for (row,) in con.execute(
            f"SELECT _row FROM _eff WHERE {q('e_' + c)} IS NULL ORDER BY _row"
        ).fetchall():
            bad.setdefault(row, []).append(
                Reject(file_name, row, col.ja, None, f"{problem} — {fix}")
            )
    for first, later in spec.ordered:
        a, b = spec.column(first), spec.column(later)
        # A date between the two (MQL between created and SQL) is checked against each.
        skip = "".join(f" AND {q('e_' + m)} IS NULL" for m in spec.between(first, later))
        for row, early, late, a_given, b_given in con.execute(
            f"""SELECT _row, {q("e_" + first)}, {q("e_" + later)},
                       {q("f_" + first)}, {q("f_" + later)} FROM _eff
                WHERE {q("e_" + later)} < {q("e_" + first)}{skip} ORDER BY _row"""
        ).fetchall():
            stored_a = "" if a_given else "取り込み済みの"
            stored_a_en = "" if a_given else "the stored "
            stored_b = "" if b_given else "取り込み済みの"
            stored_b_en = "" if b_given else "the stored "
            reason = (
                f"{stored_b}{b.ja} {late} が {stored_a}{a.ja} {early} より前です / "
                f"{stored_b_en}{b.en} {late} is before {stored_a_en}{a.en} {early} — "
                "2つの日付が入れ替わっていないか確かめて直してください / "
                "check whether the two dates are swapped and correct them"
            )
            bad.setdefault(row, []).append(
                Reject(file_name, row, b.ja, str(late) if b_given else None, reason)
            )
    con.execute("DROP TABLE _eff")
    if not bad:
        return
    for row in sorted(bad):
        rejects.extend(bad[row])
    rows = ", ".join(map(str, bad))
    con.execute(f"UPDATE _typed SET _rejected = true WHERE _row IN ({rows})")

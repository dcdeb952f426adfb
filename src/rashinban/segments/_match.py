"""Refuse a segment that selects no account, naming what the data does hold.

A rule that parses can still select nothing: a value spelled differently from the
data (業種 = 情報通信 where the accounts say 情報通信業), or a range beyond every
account (従業員数 > 10000000). Reporting zeros for it would read as a finding, so
commands that take a segment from the user check it first with
:func:`require_accounts`; the error lists the values (or the range) the accounts
actually have.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from rashinban._errors import InvalidValueError, NotEnoughDataError
from rashinban.schema import TABLES
from rashinban.segments._values import format_value

if TYPE_CHECKING:
    from rashinban.segments._rules import Cond, Node, Rule

__all__ = ["require_accounts"]

#: How many of the most common values an error lists as candidates.
CANDIDATES = 8


def require_accounts(backend: Any, rule: Rule, *, text: str | None = None) -> int:
    """How many rows of the rule's table (accounts) ``rule`` selects; an error when none.

    Parameters
    ----------
    backend
        Ibis backend holding the canonical tables.
    rule
        The segment rule.
    text
        The rule as the user wrote it (named in the error); default its canonical text.

    Raises
    ------
    InvalidValueError
        A value of an ``in`` condition occurs in no row and nothing is selected:
        「業種 '存在しない業種' に該当する取引先が0社です（候補: 製造業, 情報通信業, …）」,
        the candidates being the column's most common values.
    NotEnoughDataError
        Every value occurs, but the rule still selects nothing (a range beyond the
        data, or conditions no row meets together); the message gives the column's
        range or says that each condition alone does select rows.

    Examples
    --------
    >>> from rashinban.segments import parse_rule, require_accounts   # doctest: +SKIP
    >>> require_accounts(ws.backend(), parse_rule("業種 = 製造業"))      # doctest: +SKIP
    412
    """
    table = backend.table(rule.table)
    count = int(table.filter(rule.to_ibis(table)).count().execute())
    if count:
        return count
    shown = " ".join((text or rule.to_text()).split())
    noun_ja, counter, noun_en = _nouns(rule.table)
    none_ja, none_en = f"{noun_ja}が0{counter}です", f"no {noun_en}"
    for cond in _positive_leaves(rule.root):
        if cond.op != "in":
            continue
        col = table[cond.column]
        present = set(table.filter(col.isin(list(cond.values)))[cond.column].execute())
        missing = [v for v in cond.values if v not in present]
        if missing:
            ja, en, grouped = _column(rule.table, cond.column)
            values = ", ".join(f"'{_plain(v, grouped)}'" for v in missing)
            seen = _candidates(table, cond.column, grouped)
            raise InvalidValueError(
                f"{ja} {values} に該当する{none_ja}（候補: {seen or 'なし'}） / "
                f"{none_en} has {en} {values} (candidates: {seen or 'none'})",
                fix="候補の値で書き直してください (表記ゆれに注意) / "
                "rewrite the rule with one of the candidates (check the spelling)",
            )
    for cond in _positive_leaves(rule.root):
        if cond.op == "between" and not _selects(table, cond):
            ja, en, grouped = _column(rule.table, cond.column)
            low, high = _range(table, cond.column)
            if low is None:
                have_ja, have_en = (
                    f"{ja}の値がある{noun_ja}はありません",
                    f"none has a value for {en}",
                )
            else:
                low_s, high_s = _plain(low, grouped), _plain(high, grouped)
                have_ja = f"{ja}の範囲: {low_s}〜{high_s}"
                have_en = f"their {en} run from {low_s} to {high_s}"
            raise NotEnoughDataError(
                f"ルール '{shown}' に該当する{none_ja}（{have_ja}） / "
                f"rule '{shown}' matches {none_en} ({have_en})",
                fix=f"範囲を{noun_ja}の値に合わせてください / "
                f"set the range within the values the {noun_en}s have",
            )
    raise NotEnoughDataError(
        f"ルール '{shown}' に該当する{none_ja}（条件はそれぞれ該当しますが、"
        f"すべてを満たす{noun_ja}はありません） / rule '{shown}' matches {none_en} "
        f"(each condition alone matches some, but no {noun_en} meets them all)",
        fix="条件を減らすか緩めてください / drop or loosen a condition",
    )


def _positive_leaves(node: Node) -> Iterator[Cond]:
    """The conditions outside any ``not``: those that can leave a rule empty."""
    from rashinban.segments._rules import Cond, Not

    if isinstance(node, Cond):
        yield node
    elif not isinstance(node, Not):
        for item in node.items:
            yield from _positive_leaves(item)


def _selects(table: Any, cond: Cond) -> bool:
    from rashinban.segments._compile import compile_ibis

    return bool(table.filter(compile_ibis(cond, table)).count().execute())


def _candidates(table: Any, column: str, grouped: bool) -> str:
    """The column's most common values, most common first ("…" when there are more)."""
    import ibis

    col = table[column]
    counts = (
        table.filter(col.notnull())
        .group_by(column)
        .aggregate(n=col.count())
        .order_by([ibis.desc("n"), column])
        .limit(CANDIDATES + 1)
        .execute()
    )
    values = [_plain(v, grouped) for v in counts[column]]
    shown = ", ".join(values[:CANDIDATES])
    return shown + (", …" if len(values) > CANDIDATES else "")


def _range(table: Any, column: str) -> tuple[Any, Any]:
    col = table[column]
    row = table.aggregate(low=col.min(), high=col.max()).execute().iloc[0]
    low, high = row["low"], row["high"]
    if low is None or low != low:  # NULL or NaN: no value in the column
        return None, None
    return low, high


def _plain(value: Any, grouped: bool = False) -> str:
    """A value as a person reads it, without quotes: 製造業, 10,000 (``grouped``), 2025-01-01."""
    if hasattr(value, "item"):
        value = value.item()  # numpy scalars
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime().date()  # a pandas Timestamp
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if grouped and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,}"
    text = format_value(value)
    return text[1:-1] if text.startswith('"') and text.endswith('"') else text


def _column(table: str, column: str) -> tuple[str, str, bool]:
    """The column's Japanese and English names, and whether its numbers read grouped
    (counts and amounts: 10,000; not years or codes)."""
    for col in TABLES[table].columns:
        if col.name == column:
            grouped = col.kind in ("int", "money", "float") and not column.endswith("year")
            return col.ja, col.en, grouped
    return column, column, False


def _nouns(table: str) -> tuple[str, str, str]:
    """What the rows of ``table`` are called and counted by: 取引先, 社, account."""
    return ("取引先", "社", "account") if table == "accounts" else (table, "件", f"{table} row")

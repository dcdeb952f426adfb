"""Compile a parsed rule to an Ibis filter (and to a pandas mask for small frames).

Both compilers share one semantics: a condition on a missing value is false, so
``not`` over it is true. SQL's three-valued logic would drop such rows from both
a rule and its negation, which surprises people reading "誰には売らないか".
"""

from __future__ import annotations

import operator
from datetime import date
from functools import reduce
from typing import TYPE_CHECKING, Any

import pandas as pd

from rashinban._errors import InvalidValueError

if TYPE_CHECKING:
    from rashinban.segments._rules import Node

__all__ = ["compile_ibis", "compile_pandas"]


def _check_column(node_column: str, columns: Any) -> None:
    if node_column not in columns:
        raise InvalidValueError(
            f"ルールが使う列 {node_column!r} がテーブルにありません / "
            f"the rule reads column {node_column!r}, which the table does not have",
            column=node_column,
            fix="その列のあるテーブル (例: accounts) にルールを使ってください / "
            "apply the rule to a table with that column (e.g. accounts)",
        )


def compile_ibis(node: Node, table: Any) -> Any:
    """Ibis boolean expression for ``node`` over ``table`` (never NULL)."""
    from rashinban.segments._rules import And, Cond, Not

    if isinstance(node, Cond):
        _check_column(node.column, table.columns)
        col = table[node.column]
        if node.op == "in":
            expr = col.isin(list(node.values))
        else:
            parts = []
            if node.low is not None:
                parts.append(col >= node.low)
            if node.high is not None:
                parts.append(col <= node.high)
            expr = reduce(operator.and_, parts) if parts else col.notnull()
        return expr.fill_null(False)
    if isinstance(node, Not):
        return ~compile_ibis(node.item, table)
    parts = [compile_ibis(item, table) for item in node.items]
    return reduce(operator.and_ if isinstance(node, And) else operator.or_, parts)


def _scalar(value: Any, series: pd.Series) -> Any:
    if isinstance(value, date) and pd.api.types.is_datetime64_any_dtype(series):
        return pd.Timestamp(value)
    return value


def compile_pandas(node: Node, frame: pd.DataFrame) -> pd.Series:
    """Boolean mask for ``node`` over a pandas ``frame`` (never NA)."""
    from rashinban.segments._rules import And, Cond, Not

    if isinstance(node, Cond):
        _check_column(node.column, frame.columns)
        col = frame[node.column]
        if node.op == "in":
            values = [_scalar(v, col) for v in node.values]
            mask = col.isin(values)
        else:
            mask = col.notna()
            if node.low is not None:
                mask &= (col >= _scalar(node.low, col)).fillna(False).astype(bool)
            if node.high is not None:
                mask &= (col <= _scalar(node.high, col)).fillna(False).astype(bool)
        return mask.fillna(False).astype(bool)
    if isinstance(node, Not):
        return ~compile_pandas(node.item, frame)
    masks = [compile_pandas(item, frame) for item in node.items]
    return reduce(operator.and_ if isinstance(node, And) else operator.or_, masks)

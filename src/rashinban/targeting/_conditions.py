"""Conditions as data: the PRODUCT.md ``COND`` dicts, applied to frames and Ibis tables.

A condition is ``{"column": c, "op": "in", "values": [...]}`` or
``{"column": c, "op": "between", "low": num|None, "high": num|None}`` (both ends
inclusive, ``None`` = open end). A segment definition is a list of conditions
joined by *and*. The segment rule language (``rashinban.segments``) compiles
to the same dicts, so everything here accepts what it produces.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rashinban._errors import InvalidValueError
from rashinban.segments._describe import yen_text

__all__ = [
    "COLUMN_LABELS",
    "Cond",
    "amount_text",
    "conditions_mask",
    "conditions_text",
    "conditions_to_ibis",
]

Cond = Mapping[str, Any]

#: Column names in words (ja, en) for rule sentences and reasons.
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "industry": ("業種", "industry"),
    "prefecture": ("都道府県", "prefecture"),
    "region": ("地域", "region"),
    "employees": ("従業員数", "employees"),
    "annual_revenue": ("売上高", "annual revenue"),
    "founded_year": ("設立年", "founded"),
    "source": ("獲得元", "source"),
    "channel": ("初回リード経路", "first lead channel"),
    "has_decision_maker": ("決裁者との接点", "decision-maker contact"),
    "competitor": ("競合", "competitor"),
    "role": ("担当者の役割", "contact role"),
}


def _check(cond: Cond, columns: Sequence[str]) -> None:
    col = cond.get("column")
    if col not in columns:
        raise InvalidValueError(
            f"条件の列 {col!r} はありません / condition column {col!r} is not a column here "
            f"(have: {', '.join(map(str, columns))})",
            column=str(col),
            fix="条件には取引先の列を指定してください / name an account column in the condition",
        )
    if cond.get("op") not in ("in", "between"):
        raise InvalidValueError(
            f"条件の演算子 {cond.get('op')!r} はありません / "
            f"condition op {cond.get('op')!r} is unknown",
            column=str(col),
            fix="op は 'in' (values と) か 'between' (low/high と) にしてください / "
            "use op 'in' (with values) or 'between' (with low/high)",
        )


def conditions_mask(frame: pd.DataFrame, conditions: Sequence[Cond]) -> np.ndarray:
    """Boolean array: which rows of ``frame`` meet every condition.

    Examples
    --------
    >>> f = pd.DataFrame({"industry": ["製造業", "建設業"], "employees": [300, 20]})
    >>> conditions_mask(f, [{"column": "employees", "op": "between", "low": 100, "high": None}])
    array([ True, False])
    """
    mask = np.ones(len(frame), dtype=bool)
    for cond in conditions:
        _check(cond, list(frame.columns))
        col = frame[cond["column"]]
        if cond["op"] == "in":
            mask &= col.isin(list(cond["values"])).to_numpy()
        else:
            values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
            ok = ~np.isnan(values)
            if cond.get("low") is not None:
                ok &= values >= float(cond["low"])
            if cond.get("high") is not None:
                ok &= values <= float(cond["high"])
            mask &= ok
    return mask


def conditions_to_ibis(table: Any, conditions: Sequence[Cond]) -> Any:
    """The conditions as one Ibis boolean expression over ``table``."""
    import ibis

    expr = ibis.literal(True)
    for cond in conditions:
        _check(cond, list(table.columns))
        col = table[cond["column"]]
        if cond["op"] == "in":
            expr = expr & col.isin(list(cond["values"]))
        else:
            if cond.get("low") is not None:
                expr = expr & (col >= cond["low"])
            if cond.get("high") is not None:
                expr = expr & (col <= cond["high"])
            expr = expr & col.notnull()
    return expr


def _num(v: float, column: str = "", lang: str = "ja") -> str:
    v = float(v)
    if abs(v) >= 10_000:
        # inclusive upper ends are stored as cut - 1 (29,999,999,999); print the cut
        v = float(f"{v:.3g}")
    if column == "annual_revenue":
        return yen_text(v, lang)  # 20億円 reads ¥2bn, 3億円 ¥300m, 5,000万円 ¥50m
    return f"{int(v):,}" if v.is_integer() else f"{v:,.3g}"


def amount_text(value: float, column: str, lang: str = "ja") -> str:
    """A number of ``column`` as rule sentences write it: 売上高 in 億円 / ¥bn, counts grouped.

    Examples
    --------
    >>> amount_text(5_253_746_500, "annual_revenue")
    '52.5億円'
    >>> amount_text(5_253_746_500, "annual_revenue", "en")
    '¥5.25bn'
    >>> amount_text(1234, "employees")
    '1,234'
    """
    return _num(value, column, lang)


def _value_text(value: object, lang: str) -> str:
    """A condition value in words: flags read あり / なし (yes / no), not True / False."""
    flags = {"true": ("あり", "yes"), "false": ("なし", "no")}
    pair = flags.get(str(value).casefold()) if isinstance(value, bool | str) else None
    if pair is None:
        return str(value)
    return pair[1] if lang == "en" else pair[0]


def _one(cond: Cond, lang: str) -> str:
    ja, en = COLUMN_LABELS.get(str(cond["column"]), (str(cond["column"]),) * 2)
    if cond["op"] == "in":
        values = [_value_text(v, lang) for v in cond["values"]]
        if lang == "en":
            return f"{en} is {' or '.join(values)}"
        return f"{ja}が{'・'.join(values)}"
    low, high = cond.get("low"), cond.get("high")
    col = str(cond["column"])
    lo_s = "" if low is None else _num(low, col, lang)
    hi_s = "" if high is None else _num(high, col, lang)
    if lang == "en":
        if low is not None and high is not None:
            return f"{en} {lo_s}–{hi_s}"
        return f"{en} ≥ {lo_s}" if low is not None else f"{en} ≤ {hi_s}"
    if low is not None and high is not None:
        return f"{ja}{lo_s}〜{hi_s}"
    return f"{ja}{lo_s}以上" if low is not None else f"{ja}{hi_s}以下"


def conditions_text(conditions: Sequence[Cond], lang: str = "ja") -> str:
    """The conditions in words, e.g. ``業種が製造業・情報通信業 かつ 従業員数100〜999``.

    Examples
    --------
    >>> conditions_text([{"column": "industry", "op": "in", "values": ["製造業"]}], "en")
    'industry is 製造業'
    """
    if not conditions:
        return "全体" if lang != "en" else "all accounts"
    joiner = " and " if lang == "en" else " かつ "
    return joiner.join(_one(c, lang) for c in conditions)

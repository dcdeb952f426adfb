"""Which accounts a persona describes: an Ibis filter, a COND list, a rule text or a mask."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ibis
import pandas as pd

from rashinban._errors import InvalidValueError, NotEnoughDataError

Selector = Any  # ibis boolean expression | list of COND dicts | rule text | callable | ids


def cond_filter(accounts: ibis.Table, conds: Sequence[Mapping[str, Any]]) -> ibis.Value:
    """An Ibis boolean expression from public-contract CONDs (``in`` / ``between``).

    Examples
    --------
    >>> import ibis
    >>> t = ibis.table({"industry": "string", "employees": "int64"}, name="accounts")
    >>> expr = cond_filter(t, [{"column": "industry", "op": "in", "values": ["製造業"]},
    ...                        {"column": "employees", "op": "between", "low": 100, "high": None}])
    >>> expr.type().is_boolean()
    True
    """
    expr: ibis.Value = ibis.literal(True)
    for cond in conds:
        column = cond.get("column")
        if column not in accounts.columns:
            raise InvalidValueError(
                f"条件の列 {column!r} は取引先の列ではありません / "
                f"condition column {column!r} is not an accounts column",
                fix=f"次のいずれかを使ってください / use one of {list(accounts.columns)}",
            )
        col = accounts[column]
        op = cond.get("op")
        if op == "in":
            expr = expr & col.isin(list(cond.get("values", [])))
        elif op == "between":
            if cond.get("low") is not None:
                expr = expr & (col >= cond["low"])
            if cond.get("high") is not None:
                expr = expr & (col <= cond["high"])
        else:
            raise InvalidValueError(
                f"条件の演算子 {op!r} には対応していません / condition op {op!r} is not supported",
                fix="'in' か 'between' を使ってください / use 'in' or 'between'",
            )
    return expr


def describe_conds(conds: Sequence[Mapping[str, Any]]) -> str:
    """CONDs as a rule text of the segment rule language, written in Japanese.

    The card shows the text as written in Japanese; in English it is parsed back and
    read out in English (:func:`rashinban.personas._render.segment_text`), so neither
    language shows the other's column names.

    Examples
    --------
    >>> describe_conds([{"column": "industry", "op": "in", "values": ["製造業", "建設業"]},
    ...                 {"column": "employees", "op": "between", "low": 100, "high": None}])
    '業種 in [製造業, 建設業] かつ 従業員数 >= 100'
    >>> describe_conds([{"column": "employees", "op": "between", "low": 100, "high": 999}])
    '従業員数 >= 100 かつ 従業員数 <= 999'
    """
    from rashinban._errors import RashinbanError
    from rashinban.schema import TABLES
    from rashinban.segments import Rule
    from rashinban.segments._values import format_value

    try:
        rule = Rule.from_conditions(conds)
    except RashinbanError:  # a column the rule language does not know: written plainly
        return _plain(conds)
    labels = {c.name: c.ja for c in TABLES[rule.table].columns}
    parts = []
    for c in rule.conditions:
        label = labels[c["column"]]
        if c["op"] == "in":
            values = [format_value(v) for v in c["values"]]
            one = len(values) == 1
            parts.append(f"{label} = {values[0]}" if one else f"{label} in [{', '.join(values)}]")
            continue
        # Two bounds as two conditions: "between 100 and 999" would put "and" in the Japanese.
        if c["low"] is not None:
            parts.append(f"{label} >= {format_value(c['low'])}")
        if c["high"] is not None:
            parts.append(f"{label} <= {format_value(c['high'])}")
    return " かつ ".join(parts)


def _plain(conds: Sequence[Mapping[str, Any]]) -> str:
    """CONDs in symbols, columns as named: ``extra ∈ {a, b} × score ≥ 3``."""
    parts = []
    for c in conds:
        if c.get("op") == "in":
            parts.append(f"{c['column']} ∈ {{{', '.join(map(str, c.get('values', [])))}}}")
        else:
            lo, hi = c.get("low"), c.get("high")
            if lo is not None and hi is not None:
                parts.append(f"{lo} ≤ {c['column']} ≤ {hi}")
            elif lo is not None:
                parts.append(f"{c['column']} ≥ {lo}")
            else:
                parts.append(f"{c['column']} ≤ {hi}")
    return " × ".join(parts)


def select_accounts(
    backend: Any, selector: Selector, accounts: pd.DataFrame | None = None
) -> list[str]:
    """Account ids chosen by ``selector``.

    ``selector`` is an Ibis boolean expression over ``backend.table("accounts")``,
    a list of COND dicts (the ``icp`` JSON form), a rule text or parsed rule of the
    segment rule language (``"industry = 製造業 and employees >= 100"``), a callable
    ``accounts_df -> bool Series`` or a list of account ids.
    """
    if hasattr(selector, "to_ibis") and not isinstance(selector, ibis.Expr):
        # A parsed rule of the segment rule language (rashinban.segments.Rule).
        return select_accounts(backend, selector.to_ibis(backend.table("accounts")), accounts)
    if isinstance(selector, ibis.Expr):
        table = backend.table("accounts")
        ids = table.filter(selector).select("account_id").to_pandas()["account_id"]
    elif isinstance(selector, str):
        from rashinban.segments import parse_rule

        return select_accounts(backend, parse_rule(selector), accounts)
    elif callable(selector):
        frame = accounts if accounts is not None else backend.table("accounts").to_pandas()
        fn: Callable[[pd.DataFrame], pd.Series] = selector
        ids = frame.loc[fn(frame).to_numpy(dtype=bool), "account_id"]
    elif isinstance(selector, Sequence) and selector and isinstance(selector[0], Mapping):
        table = backend.table("accounts")
        ids = (
            table.filter(cond_filter(table, selector))
            .select("account_id")
            .to_pandas()["account_id"]
        )
    elif isinstance(selector, Sequence | set | pd.Series):
        ids = pd.Series(list(selector), dtype=object)
    else:
        raise InvalidValueError(
            f"{type(selector).__name__} では取引先を選べません / "
            f"cannot select accounts with {type(selector).__name__}",
            fix="Ibisの条件式、条件のリスト、ルール文、関数、取引先IDのリストの"
            "いずれかを渡してください / "
            "pass an Ibis filter, COND list, rule text, callable or list of account ids",
        )
    out = sorted(str(i) for i in ids)
    if not out:
        raise NotEnoughDataError(
            "ペルソナのセグメントに取引先がありません / the persona's segment has no accounts",
            fix="ルールを広げるか条件を確かめてください / widen the rule or check the filter",
        )
    return out

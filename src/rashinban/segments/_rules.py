"""The segment rule language: parser, canonical printer and sentences.

A rule selects rows of a canonical table (accounts by default) with conditions
joined by ``and``/``or``/``not`` and parentheses::

    industry in [製造業, 情報通信業] and employees between 100 and 999 and prefecture in 関東
    業種 = 製造業 or (従業員数 >= 1000 and not 都道府県 in [東京])

Columns are the table's canonical names or their Japanese labels from the schema
registry (業種, 従業員数, 都道府県). Values are bare words, numbers or quoted text
(``"Acme Corp"``). Regions (関東, 関西, …) in a prefecture condition expand to
their prefectures and short prefecture names (東京) become official ones (東京都),
so two rules that select the same prefectures print the same. Input is NFKC
normalised first, so full-width digits and operators work.

The rule is a small immutable tree (:class:`Cond` leaves under :class:`And`,
:class:`Or`, :class:`Not`); :meth:`Rule.to_text` prints it canonically and
``parse_rule(rule.to_text()) == rule`` holds for every rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from rashinban._errors import InvalidValueError
from rashinban.segments._values import (
    Value,
    columns_of,
    format_value,
    normalise_scalar,
    normalise_values,
    raw_value,
    resolve_column,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["And", "Cond", "Not", "Or", "Rule", "Value"]


# --------------------------------------------------------------------------- tree
@dataclass(frozen=True)
class Cond:
    """One condition: ``column in values`` or ``column between low and high``.

    ``op`` is ``"in"`` (``values`` a tuple) or ``"between"`` (``low``/``high``,
    inclusive, ``None`` for an open end).
    """

    column: str
    op: Literal["in", "between"]
    values: tuple[Value, ...] = ()
    low: Value | None = None
    high: Value | None = None


@dataclass(frozen=True)
class Not:
    """Negation of a rule node."""

    item: Node


@dataclass(frozen=True)
class And:
    """All of ``items`` (two or more, flattened)."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Any of ``items`` (two or more, flattened)."""

    items: tuple[Node, ...]


Node = Cond | Not | And | Or


# --------------------------------------------------------------------------- rule
@dataclass(frozen=True)
class Rule:
    """A parsed segment rule over one canonical table.

    Build one with :func:`parse_rule` or :meth:`from_conditions`.

    Examples
    --------
    >>> from rashinban.segments import parse_rule
    >>> r = parse_rule("業種 in [製造業, 情報通信業] and 従業員数 between 100 and 999")
    >>> r.to_text()
    'industry in [製造業, 情報通信業] and employees between 100 and 999'
    >>> r.describe()
    '業種が製造業または情報通信業、かつ従業員数が100〜999名'
    >>> sorted(r.columns)
    ['employees', 'industry']
    """

    root: Node
    table: str = "accounts"

    # -- text
    def to_text(self) -> str:
        """The canonical text of the rule; parsing it gives back an equal rule."""
        return _print(self.root, self.table, 0)

    def __str__(self) -> str:
        return self.to_text()

    @property
    def columns(self) -> set[str]:
        """Canonical names of the columns the rule reads."""
        return {c.column for c in _leaves(self.root)}

    # -- conditions (PRODUCT.md COND dicts)
    @property
    def conditions(self) -> list[dict[str, Any]]:
        """The rule as a list of COND dicts (all of them must hold).

        Raises
        ------
        InvalidValueError
            The rule uses ``or`` or ``not``, which COND lists cannot express.
        """
        nodes = self.root.items if isinstance(self.root, And) else (self.root,)
        out: list[dict[str, Any]] = []
        for node in nodes:
            if not isinstance(node, Cond):
                raise InvalidValueError(
                    f"ルール {self.to_text()!r} は or/not を含むため条件の一覧にできません / "
                    f"rule {self.to_text()!r} uses or/not and has no condition-list form",
                    fix="条件を 'and' だけでつないだルールにしてください / "
                    "use a rule that is a plain 'and' of conditions",
                )
            if node.op == "in":
                out.append({"column": node.column, "op": "in", "values": list(node.values)})
            else:
                out.append(
                    {"column": node.column, "op": "between", "low": node.low, "high": node.high}
                )
        return out

    @classmethod
    def from_conditions(
        cls, conditions: Iterable[Mapping[str, Any]], *, table: str = "accounts"
    ) -> Rule:
        """Build the rule that requires every COND dict of ``conditions``.

        Values are checked and normalised as the parser does (prefectures, numbers).

        Examples
        --------
        >>> Rule.from_conditions([{"column": "employees", "op": "between", "low": 100,
        ...                        "high": None}]).to_text()
        'employees >= 100'
        """
        by_name, aliases = columns_of(table)
        items: list[Node] = []
        for cond in conditions:
            col = resolve_column(str(cond.get("column", "")), by_name, aliases, 0, table)
            op = cond.get("op")
            if op == "in":
                vals = normalise_values(col, [raw_value(v) for v in cond.get("values", [])], 0)
                items.append(Cond(col.name, "in", vals))
            elif op == "between":
                low, high = cond.get("low"), cond.get("high")
                items.append(
                    Cond(
                        col.name,
                        "between",
                        low=None if low is None else normalise_scalar(col, raw_value(low), 0),
                        high=None if high is None else normalise_scalar(col, raw_value(high), 0),
                    )
                )
            else:
                raise InvalidValueError(
                    f"条件の演算子 {op!r} はありません / condition op {op!r} is not known",
                    column=col.name,
                    fix="op は 'in' (values と) か 'between' (low/high と) にしてください / "
                    "use op 'in' with values or 'between' with low/high",
                )
        if not items:
            raise InvalidValueError(
                "ルールには条件が1つ以上必要です / a rule needs at least one condition",
                fix="条件を追加してください / add a condition",
            )
        return cls(_make(And, items), table)

    # -- evaluation
    def to_ibis(self, table: Any) -> Any:
        """Compile to an Ibis boolean expression over ``table``.

        A missing value (NULL) never satisfies a condition, so ``not`` of a
        condition on a NULL is true: rules are two-valued, unlike SQL.

        Examples
        --------
        >>> import ibis
        >>> from rashinban.segments import parse_rule
        >>> t = ibis.memtable({"industry": ["製造業", "建設業"], "employees": [300, 300]})
        >>> r = parse_rule("industry = 製造業")
        >>> t.filter(r.to_ibis(t)).count().execute()
        1
        """
        from rashinban.segments._compile import compile_ibis

        return compile_ibis(self.root, table)

    def mask(self, frame: pd.DataFrame) -> pd.Series:
        """Boolean Series over a pandas frame, with the same semantics as :meth:`to_ibis`."""
        from rashinban.segments._compile import compile_pandas

        return compile_pandas(self.root, frame)

    def describe(self, lang: str = "ja") -> str:
        """The rule as one sentence in Japanese (default) or English (``lang="en"``)."""
        from rashinban.segments._describe import describe

        return describe(self.root, self.table, lang)


def _leaves(node: Node) -> Iterable[Cond]:
    if isinstance(node, Cond):
        yield node
    elif isinstance(node, Not):
        yield from _leaves(node.item)
    else:
        for item in node.items:
            yield from _leaves(item)


def _make(kind: type[And] | type[Or], items: Sequence[Node]) -> Node:
    flat: list[Node] = []
    for item in items:
        flat.extend(item.items if isinstance(item, kind) else (item,))
    return flat[0] if len(flat) == 1 else kind(tuple(flat))


def _print(node: Node, table: str, prec: int) -> str:
    # Precedence: or (1) < and (2) < not (3); a child that binds looser than its
    # parent is parenthesised, so the printed text parses back to the same tree.
    if isinstance(node, Cond):
        if node.op == "in":
            return f"{node.column} in [{', '.join(format_value(v) for v in node.values)}]"
        if node.low is not None and node.high is not None:
            low, high = format_value(node.low), format_value(node.high)
            return f"{node.column} between {low} and {high}"
        if node.low is not None:
            return f"{node.column} >= {format_value(node.low)}"
        return f"{node.column} <= {format_value(node.high)}"  # type: ignore[arg-type]
    if isinstance(node, Not):
        return "not " + _print(node.item, table, 3)
    mine = 1 if isinstance(node, Or) else 2
    word = " or " if isinstance(node, Or) else " and "
    text = word.join(_print(item, table, mine + 1) for item in node.items)
    return f"({text})" if mine < prec else text

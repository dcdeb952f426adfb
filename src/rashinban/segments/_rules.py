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

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import pandas as pd

from rashinban._errors import InvalidValueError, RuleSyntaxError
from rashinban.normalize import REGIONS, parse_prefecture, region_prefectures
from rashinban.schema import TABLES, Column

__all__ = ["And", "Cond", "Not", "Or", "Rule", "Value", "parse_rule"]

Value = str | int | float | date
_NUMERIC = {"int", "money", "float"}
_KEYWORDS = {"and", "or", "not", "in", "between"}
#: Japanese spellings of the keywords, so a rule can be written in one language.
_JA_KEYWORDS = {"かつ": "and", "または": "or", "又は": "or", "でない": "not"}
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<op>>=|<=|!=|<>|=|>|<|\(|\)|\[|\]|,|、)
      | (?P<word>[^\s()\[\],、=<>!"']+)
    )""",
    re.VERBOSE,
)


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


def _columns(table: str) -> tuple[dict[str, Column], dict[str, str]]:
    t = TABLES[table]
    by_name = {c.name: c for c in t.columns}
    aliases = {c.name.lower(): c.name for c in t.columns}
    for c in t.columns:
        aliases.setdefault(unicodedata.normalize("NFKC", c.ja), c.name)
    return by_name, aliases


# --------------------------------------------------------------------------- rule
@dataclass(frozen=True)
class Rule:
    """A parsed segment rule over one canonical table.

    Build one with :func:`parse_rule` or :meth:`from_conditions`.

    Examples
    --------
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
                    f"rule {self.to_text()!r} uses or/not and has no condition-list form",
                    fix="use a rule that is a plain 'and' of conditions",
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
        by_name, aliases = _columns(table)
        items: list[Node] = []
        for cond in conditions:
            col = _resolve_column(str(cond.get("column", "")), by_name, aliases, 0, table)
            op = cond.get("op")
            if op == "in":
                vals = _normalise_values(col, [_raw(v) for v in cond.get("values", [])], 0)
                items.append(Cond(col.name, "in", vals))
            elif op == "between":
                low, high = cond.get("low"), cond.get("high")
                items.append(
                    Cond(
                        col.name,
                        "between",
                        low=None if low is None else _normalise_scalar(col, _raw(low), 0),
                        high=None if high is None else _normalise_scalar(col, _raw(high), 0),
                    )
                )
            else:
                raise InvalidValueError(
                    f"condition op {op!r} is not known",
                    column=col.name,
                    fix="use op 'in' with values or 'between' with low/high",
                )
        if not items:
            raise InvalidValueError("a rule needs at least one condition", fix="add a condition")
        return cls(_make(And, items), table)

    # -- evaluation
    def to_ibis(self, table: Any) -> Any:
        """Compile to an Ibis boolean expression over ``table``.

        A missing value (NULL) never satisfies a condition, so ``not`` of a
        condition on a NULL is true: rules are two-valued, unlike SQL.

        Examples
        --------
        >>> import ibis
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


# --------------------------------------------------------------------------- printer
def _format_value(value: Value) -> str:
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    text = str(value)
    needs_quotes = (
        not text
        or not re.fullmatch(r"[^\s()\[\],、=<>!\"']+", text)
        or text.lower() in _KEYWORDS
        or text in _JA_KEYWORDS
        or _number(text) is not None
    )
    if needs_quotes:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def _print(node: Node, table: str, prec: int) -> str:
    # Precedence: or (1) < and (2) < not (3); a child that binds looser than its
    # parent is parenthesised, so the printed text parses back to the same tree.
    if isinstance(node, Cond):
        if node.op == "in":
            return f"{node.column} in [{', '.join(_format_value(v) for v in node.values)}]"
        if node.low is not None and node.high is not None:
            low, high = _format_value(node.low), _format_value(node.high)
            return f"{node.column} between {low} and {high}"
        if node.low is not None:
            return f"{node.column} >= {_format_value(node.low)}"
        return f"{node.column} <= {_format_value(node.high)}"  # type: ignore[arg-type]
    if isinstance(node, Not):
        return "not " + _print(node.item, table, 3)
    mine = 1 if isinstance(node, Or) else 2
    word = " or " if isinstance(node, Or) else " and "
    text = word.join(_print(item, table, mine + 1) for item in node.items)
    return f"({text})" if mine < prec else text


# --------------------------------------------------------------------------- parser
@dataclass(frozen=True)
class _Tok:
    kind: str  # "str" | "op" | "word" | "end"
    text: str
    pos: int


@dataclass(frozen=True)
class _Raw:
    """A value as written: quoted text stays text even if it looks like a number."""

    text: str
    quoted: bool


def _raw(value: Any) -> _Raw:
    if isinstance(value, str):
        return _Raw(value, True)
    if isinstance(value, date):
        return _Raw(value.isoformat(), False)
    return _Raw(_format_value(value), False)


def _tokenize(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise RuleSyntaxError(
                f"position {pos + 1}: cannot read {text[pos : pos + 10]!r}",
                value=text[pos:],
                fix="close quotes and use only the operators in, between, =, !=, >=, <=",
            )
        kind = m.lastgroup or "word"
        start = m.start(kind)
        raw = m.group(kind)
        if kind == "str":
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        toks.append(_Tok(kind, raw, start))
        pos = m.end()
    toks.append(_Tok("end", "", len(text)))
    return toks


def _number(text: str) -> int | float | None:
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?", text):
        f = float(text)
        return f if math.isfinite(f) else None
    return None


def _resolve_column(
    word: str, by_name: dict[str, Column], aliases: dict[str, str], pos: int, table: str
) -> Column:
    key = unicodedata.normalize("NFKC", word).strip()
    name = aliases.get(key.lower()) or aliases.get(key)
    if name is None:
        valid = ", ".join(f"{c.name} ({c.ja})" for c in by_name.values())
        raise RuleSyntaxError(
            f"position {pos + 1}: {word!r} is not a column of {table}",
            value=word,
            fix=f"use one of: {valid}",
        )
    return by_name[name]


def _normalise_scalar(col: Column, raw: _Raw, pos: int) -> Value:
    text = unicodedata.normalize("NFKC", raw.text).strip()
    if col.kind in _NUMERIC:
        num = (
            _number(text.replace(",", "")) if not raw.quoted or _number(text) is not None else None
        )
        if num is None:
            raise RuleSyntaxError(
                f"position {pos + 1}: {raw.text!r} is not a number ({col.name} is numeric)",
                value=raw.text,
                column=col.name,
                fix="write a plain number such as 100 or 1000000",
            )
        if col.kind == "int":
            if isinstance(num, float) and not num.is_integer():
                raise RuleSyntaxError(
                    f"position {pos + 1}: {raw.text!r} is not a whole number",
                    value=raw.text,
                    column=col.name,
                    fix="write a whole number",
                )
            return int(num)
        return float(num)
    if col.kind == "date":
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise RuleSyntaxError(
                f"position {pos + 1}: {raw.text!r} is not a date",
                value=raw.text,
                column=col.name,
                fix="write the date as YYYY-MM-DD",
            ) from None
    if col.kind == "enum" and text not in col.values:
        raise RuleSyntaxError(
            f"position {pos + 1}: {raw.text!r} is not a value of {col.name}",
            value=raw.text,
            column=col.name,
            fix="use one of: " + ", ".join(col.values),
        )
    return text


def _normalise_values(col: Column, raws: Sequence[_Raw], pos: int) -> tuple[Value, ...]:
    out: list[Value] = []
    for raw in raws:
        if col.kind == "prefecture":
            out.extend(_prefectures(raw.text, pos))
        else:
            out.append(_normalise_scalar(col, raw, pos))
    # Canonical order: as written, duplicates dropped (so regions that overlap collapse).
    return tuple(dict.fromkeys(out))


def _prefectures(text: str, pos: int) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKC", text).strip()
    if text in REGIONS:
        return region_prefectures(text)
    try:
        return (parse_prefecture(text)[0],)
    except InvalidValueError:
        try:
            return region_prefectures(text)
        except InvalidValueError:
            raise RuleSyntaxError(
                f"position {pos + 1}: {text!r} is neither a prefecture nor a region",
                value=text,
                column="prefecture",
                fix="write a prefecture (東京都, 東京) or a region: " + "、".join(REGIONS),
            ) from None


class _Parser:
    def __init__(self, text: str, table: str) -> None:
        self.text = text
        self.toks = _tokenize(text)
        self.i = 0
        self.table = table
        self.by_name, self.aliases = _columns(table)

    # helpers
    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def _kw(self, tok: _Tok) -> str | None:
        if tok.kind != "word":
            return None
        low = tok.text.lower()
        if low in _KEYWORDS:
            return low
        return _JA_KEYWORDS.get(tok.text)

    def error(self, expected: str) -> RuleSyntaxError:
        tok = self.tok
        word = tok.text if tok.kind != "end" else "(end of rule)"
        return RuleSyntaxError(
            f"position {tok.pos + 1}: unexpected {word!r}, expected {expected}",
            value=word,
            fix=f"write {expected} at position {tok.pos + 1} of {self.text!r}",
        )

    def expect_op(self, op: str, expected: str) -> None:
        if self.tok.kind == "op" and self.tok.text == op:
            self.i += 1
            return
        raise self.error(expected)

    # grammar: or_expr := and_expr ("or" and_expr)*
    def parse(self) -> Node:
        node = self.or_expr()
        if self.tok.kind != "end":
            raise self.error("'and', 'or' or the end of the rule")
        return node

    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while self._kw(self.tok) == "or":
            self.i += 1
            items.append(self.and_expr())
        return _make(Or, items)

    def and_expr(self) -> Node:
        items = [self.not_expr()]
        while self._kw(self.tok) == "and":
            self.i += 1
            items.append(self.not_expr())
        return _make(And, items)

    def not_expr(self) -> Node:
        if self._kw(self.tok) == "not":
            self.i += 1
            return Not(self.not_expr())
        if self.tok.kind == "op" and self.tok.text == "(":
            self.i += 1
            node = self.or_expr()
            self.expect_op(")", "')' to close the parenthesis")
            return node
        return self.condition()

    def value(self) -> _Raw:
        tok = self.tok
        if tok.kind == "str" or (tok.kind == "word" and self._kw(tok) is None):
            self.i += 1
            return _Raw(tok.text, tok.kind == "str")
        raise self.error("a value")

    def condition(self) -> Node:
        tok = self.tok
        if tok.kind not in ("word", "str") or self._kw(tok) is not None:
            raise self.error("a column name or '('")
        col = _resolve_column(tok.text, self.by_name, self.aliases, tok.pos, self.table)
        self.i += 1
        op_tok = self.tok
        kw = self._kw(op_tok)
        pos = op_tok.pos
        if kw == "in":
            self.i += 1
            raws = self.value_list()
            return Cond(col.name, "in", _normalise_values(col, raws, pos))
        if kw == "between":
            self.i += 1
            low_pos = self.tok.pos
            low = self.value()
            if self._kw(self.tok) != "and":
                raise self.error("'and' between the two bounds")
            self.i += 1
            high = self.value()
            lo = self._bound(col, low, low_pos)
            hi = self._bound(col, high, low_pos)
            return Cond(col.name, "between", low=lo, high=hi)
        if op_tok.kind == "op" and op_tok.text in ("=", "!=", "<>", ">=", "<=", ">", "<"):
            self.i += 1
            op = op_tok.text
            if op in ("=", "!=", "<>"):
                vals = _normalise_values(col, [self.value()], pos)
                node: Node = Cond(col.name, "in", vals)
                return node if op == "=" else Not(node)
            bound = self._bound(col, self.value(), pos)
            if op in (">", "<"):
                if not isinstance(bound, int) or isinstance(bound, bool):
                    raise RuleSyntaxError(
                        f"position {pos + 1}: {op!r} needs a whole-number column ({col.name})",
                        value=op,
                        column=col.name,
                        fix=f"use {op}= with the bound you mean",
                    )
                bound = bound + 1 if op == ">" else bound - 1
            if op.startswith(">"):
                return Cond(col.name, "between", low=bound)
            return Cond(col.name, "between", high=bound)
        raise self.error(f"an operator after {col.name}: in, between, =, !=, >=, <=")

    def _bound(self, col: Column, raw: _Raw, pos: int) -> Value:
        if col.kind not in _NUMERIC and col.kind != "date":
            raise RuleSyntaxError(
                f"position {pos + 1}: {col.name} is text and has no order",
                value=raw.text,
                column=col.name,
                fix=f"use '{col.name} in [...]' for text columns",
            )
        return _normalise_scalar(col, raw, pos)

    def value_list(self) -> list[_Raw]:
        if self.tok.kind == "op" and self.tok.text == "[":
            self.i += 1
            raws = [self.value()]
            while self.tok.kind == "op" and self.tok.text in (",", "、"):
                self.i += 1
                raws.append(self.value())
            self.expect_op("]", "',' or ']' to close the list")
            return raws
        return [self.value()]


def parse_rule(text: str, *, table: str = "accounts") -> Rule:
    """Parse a segment rule.

    Parameters
    ----------
    text
        The rule, e.g. ``industry in [製造業, 情報通信業] and employees >= 100``.
    table
        The canonical table whose columns the rule reads (default ``accounts``).

    Returns
    -------
    Rule

    Raises
    ------
    RuleSyntaxError
        The rule cannot be read; the message gives the position, the offending
        word and what was expected there. Unknown columns list the valid ones.

    Examples
    --------
    >>> parse_rule("都道府県 in 首都圏 and employees >= 100").to_text()
    'prefecture in [東京都, 神奈川県, 埼玉県, 千葉県] and employees >= 100'
    """
    if table not in TABLES:
        raise InvalidValueError(
            f"table {table!r} is not a canonical table", fix="use one of: " + ", ".join(TABLES)
        )
    norm = unicodedata.normalize("NFKC", text)
    if not norm.strip():
        raise RuleSyntaxError("the rule is empty", fix="write at least one condition")
    return Rule(_Parser(norm, table).parse(), table)

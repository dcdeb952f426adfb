"""The segment rule parser: tokens, grammar and error positions.

Grammar (``not`` binds tighter than ``and``, ``and`` tighter than ``or``)::

    rule      := or_expr
    or_expr   := and_expr ("or" and_expr)*
    and_expr  := not_expr ("and" not_expr)*
    not_expr  := "not" not_expr | "(" or_expr ")" | condition
    condition := column ("in" list | "between" value "and" value | op value)
    list      := "[" value ("," value)* "]" | value
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rashinban._errors import InvalidValueError, RuleSyntaxError
from rashinban.schema import TABLES, Column
from rashinban.segments._rules import And, Cond, Node, Not, Or, Rule, _make
from rashinban.segments._values import (
    JA_KEYWORDS,
    KEYWORDS,
    NUMERIC,
    Raw,
    Value,
    columns_of,
    normalise_scalar,
    normalise_values,
    resolve_column,
)

__all__ = ["parse_rule"]

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<op>>=|<=|!=|<>|=|>|<|\(|\)|\[|\]|,|、)
      | (?P<word>[^\s()\[\],、=<>!"']+)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Tok:
    kind: str  # "str" | "op" | "word" | "end"
    text: str
    pos: int


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
                f"{pos + 1}文字目の {text[pos : pos + 10]!r} を読み取れません / "
                f"position {pos + 1}: cannot read {text[pos : pos + 10]!r}",
                value=text[pos:],
                fix="引用符を閉じ、演算子は in, between, =, !=, >=, <= だけを使ってください / "
                "close quotes and use only the operators in, between, =, !=, >=, <=",
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


class _Parser:
    def __init__(self, text: str, table: str) -> None:
        self.text = text
        self.toks = _tokenize(text)
        self.i = 0
        self.table = table
        self.by_name, self.aliases = columns_of(table)

    # helpers
    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def _kw(self, tok: _Tok) -> str | None:
        if tok.kind != "word":
            return None
        low = tok.text.lower()
        if low in KEYWORDS:
            return low
        return JA_KEYWORDS.get(tok.text)

    def error(self, expected: str, expected_ja: str) -> RuleSyntaxError:
        """The error for the current word; ``expected`` says what belongs there (en, ja)."""
        tok = self.tok
        word = tok.text if tok.kind != "end" else "(end of rule)"
        found = f"{word!r} は使えません" if tok.kind != "end" else "ルールが終わっています"
        return RuleSyntaxError(
            f"{tok.pos + 1}文字目: {found} (ここには{expected_ja}が必要です) / "
            f"position {tok.pos + 1}: unexpected {word!r}, expected {expected}",
            value=word,
            fix=f"{tok.pos + 1}文字目に{expected_ja}を書いてください / "
            f"write {expected} at position {tok.pos + 1} of {self.text!r}",
        )

    def expect_op(self, op: str, expected: str, expected_ja: str) -> None:
        if self.tok.kind == "op" and self.tok.text == op:
            self.i += 1
            return
        raise self.error(expected, expected_ja)

    # grammar: or_expr := and_expr ("or" and_expr)*
    def parse(self) -> Node:
        node = self.or_expr()
        if self.tok.kind != "end":
            raise self.error("'and', 'or' or the end of the rule", "'and'・'or' かルールの終わり")
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
            self.expect_op(")", "')' to close the parenthesis", "括弧を閉じる ')'")
            return node
        return self.condition()

    def value(self) -> Raw:
        tok = self.tok
        if tok.kind == "str" or (tok.kind == "word" and self._kw(tok) is None):
            self.i += 1
            return Raw(tok.text, tok.kind == "str")
        raise self.error("a value", "値")

    def condition(self) -> Node:
        tok = self.tok
        if tok.kind not in ("word", "str") or self._kw(tok) is not None:
            raise self.error("a column name or '('", "列名か '('")
        col = resolve_column(tok.text, self.by_name, self.aliases, tok.pos, self.table)
        self.i += 1
        op_tok = self.tok
        kw = self._kw(op_tok)
        pos = op_tok.pos
        if kw == "in":
            self.i += 1
            raws = self.value_list()
            return Cond(col.name, "in", normalise_values(col, raws, pos))
        if kw == "between":
            self.i += 1
            low_pos = self.tok.pos
            low = self.value()
            if self._kw(self.tok) != "and":
                raise self.error("'and' between the two bounds", "2つの値をつなぐ 'and'")
            self.i += 1
            high = self.value()
            lo = self._bound(col, low, low_pos)
            hi = self._bound(col, high, low_pos)
            return Cond(col.name, "between", low=lo, high=hi)
        if op_tok.kind == "op" and op_tok.text in ("=", "!=", "<>", ">=", "<=", ">", "<"):
            self.i += 1
            op = op_tok.text
            if op in ("=", "!=", "<>"):
                vals = normalise_values(col, [self.value()], pos)
                node: Node = Cond(col.name, "in", vals)
                return node if op == "=" else Not(node)
            bound = self._bound(col, self.value(), pos)
            if op in (">", "<"):
                if not isinstance(bound, int) or isinstance(bound, bool):
                    raise RuleSyntaxError(
                        f"{pos + 1}文字目: {op!r} は整数の列にしか使えません ({col.name}) / "
                        f"position {pos + 1}: {op!r} needs a whole-number column ({col.name})",
                        value=op,
                        column=col.name,
                        fix=f"{op}= を使い、境界の値をそのまま書いてください / "
                        f"use {op}= with the bound you mean",
                    )
                bound = bound + 1 if op == ">" else bound - 1
            if op.startswith(">"):
                return Cond(col.name, "between", low=bound)
            return Cond(col.name, "between", high=bound)
        raise self.error(
            f"an operator after {col.name}: in, between, =, !=, >=, <=",
            f"{col.name} の後の演算子 (in, between, =, !=, >=, <=)",
        )

    def _bound(self, col: Column, raw: Raw, pos: int) -> Value:
        if col.kind not in NUMERIC and col.kind != "date":
            raise RuleSyntaxError(
                f"{pos + 1}文字目: {col.name} は文字列の列なので大小を比べられません / "
                f"position {pos + 1}: {col.name} is text and has no order",
                value=raw.text,
                column=col.name,
                fix=f"文字列の列には '{col.name} in [...]' を使ってください / "
                f"use '{col.name} in [...]' for text columns",
            )
        return normalise_scalar(col, raw, pos)

    def value_list(self) -> list[Raw]:
        if self.tok.kind == "op" and self.tok.text == "[":
            self.i += 1
            raws = [self.value()]
            while self.tok.kind == "op" and self.tok.text in (",", "、"):
                self.i += 1
                raws.append(self.value())
            self.expect_op("]", "',' or ']' to close the list", "',' か一覧を閉じる ']'")
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
            f"{table!r} は標準のテーブルではありません / table {table!r} is not a canonical table",
            fix=f"次のいずれかを使ってください / use one of: {', '.join(TABLES)}",
        )
    norm = unicodedata.normalize("NFKC", text)
    if not norm.strip():
        raise RuleSyntaxError(
            "ルールが空です / the rule is empty",
            fix="条件を1つ以上書いてください / write at least one condition",
        )
    return Rule(_Parser(norm, table).parse(), table)

"""A rule in words: 「業種が製造業または情報通信業、かつ従業員数が100〜999名」."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rashinban._labels import yen_en
from rashinban.normalize import PREFECTURES, REGIONS
from rashinban.schema import TABLES

if TYPE_CHECKING:
    from rashinban.segments._rules import Node, Value

__all__ = ["describe", "yen_text"]

_UNITS_JA = {"employees": "名", "quantity": "個"}
_EN_PREF = {ja: en for _, ja, en in PREFECTURES}


def yen_text(yen: float, lang: str = "ja", *, exact: bool = False) -> str:
    """An amount of yen as people write it: 20億円 / ¥2bn, 5,000万円 / ¥50m.

    Japanese counts large amounts in 億 (10^8) and 万 (10^4), English in billions
    and millions (:func:`rashinban._labels.yen_en`), to 4 significant digits. With
    ``exact``, an amount those digits would round (a bound someone typed, 1,234,567)
    is written in full instead.

    Examples
    --------
    >>> yen_text(2e9), yen_text(2e9, "en"), yen_text(5e7), yen_text(5e7, "en")
    ('20億円', '¥2bn', '5,000万円', '¥50m')
    >>> yen_text(5_253_746_500), yen_text(5_253_746_500, "en"), yen_text(8_000, "en")
    ('52.54億円', '¥5.254bn', '¥8,000')
    >>> yen_text(1_234_567, exact=True), yen_text(1_234_567, "en", exact=True)
    ('1,234,567円', '¥1,234,567')
    """
    v = float(yen)
    shown = float(f"{v:.4g}")
    if exact and shown != v:
        whole = f"{v:,.0f}" if v.is_integer() else f"{v:,}"
        return f"¥{whole}" if lang == "en" else f"{whole}円"
    if lang == "en":
        return yen_en(shown) if abs(shown) >= 1e6 else f"¥{shown:,.0f}"
    if abs(shown) >= 1e8:
        return f"{shown / 1e8:,.4g}億円"
    if abs(shown) >= 1e4:
        return f"{shown / 1e4:,.4g}万円"
    return f"{shown:,.0f}円"


def _num(value: Value, column: str, lang: str, kind: str) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if kind == "money" and isinstance(value, int | float):
        # A bound the user wrote: 20億円 / ¥2bn when exact, the full amount otherwise.
        return yen_text(value, lang, exact=True)
    text = f"{value:,}" if isinstance(value, int | float) and abs(value) >= 10_000 else str(value)
    if lang == "ja":
        return text + _UNITS_JA.get(column, "")
    return text


def _values(values: tuple[Value, ...], column: str, lang: str) -> str:
    # Name a region when the values are exactly one, so 関東 reads as 関東.
    if column == "prefecture":
        for region, prefs in REGIONS.items():
            if set(values) == set(prefs):
                return region if lang == "ja" else f"{region} region"
    items = [str(v) if lang == "ja" else _EN_PREF.get(str(v), str(v)) for v in values]
    return ("または" if lang == "ja" else " or ").join(items)


def describe(node: Node, table: str, lang: str = "ja") -> str:
    """One sentence for ``node``; ``lang`` is ``"ja"`` or ``"en"``."""
    from rashinban.segments._rules import And, Cond, Not

    cols = {c.name: c for c in TABLES[table].columns}
    en = lang == "en"
    if isinstance(node, Cond):
        col = cols[node.column]
        label = col.en if en else col.ja
        if node.op == "in":
            vals = _values(node.values, node.column, lang)
            return f"{label} is {vals}" if en else f"{label}が{vals}"
        low = None if node.low is None else _num(node.low, node.column, lang, col.kind)
        high = None if node.high is None else _num(node.high, node.column, lang, col.kind)
        if low is not None and high is not None:
            if en:
                return f"{label} {low}–{high}"
            # 100〜999名: the unit once, at the end.
            unit = _num(0, node.column, lang, col.kind)[1:]
            low_bare = low[: -len(unit)] if unit and low.endswith(unit) else low
            return f"{label}が{low_bare}〜{high}"
        if low is not None:
            return f"{label} at least {low}" if en else f"{label}が{low}以上"
        return f"{label} at most {high}" if en else f"{label}が{high}以下"
    if isinstance(node, Not):
        inner = describe(node.item, table, lang)
        return f"not ({inner})" if en else f"「{inner}」ではない"
    joiner = (
        (", and " if isinstance(node, And) else "; or ")
        if en
        else ("、かつ" if isinstance(node, And) else "、または")
    )
    parts = []
    for item in node.items:
        text = describe(item, table, lang)
        if not isinstance(item, Cond | Not):
            text = f"({text})" if en else f"（{text}）"
        parts.append(text)
    return joiner.join(parts)

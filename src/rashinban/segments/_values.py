"""Values in segment rules: column lookup (names and Japanese labels), typed and
normalised values (numbers, dates, enums, prefectures and regions), and their text."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rashinban._errors import InvalidValueError, RuleSyntaxError
from rashinban.normalize import REGIONS, parse_prefecture, region_prefectures
from rashinban.schema import TABLES, Column

Value = str | int | float | date
NUMERIC = {"int", "money", "float"}
KEYWORDS = {"and", "or", "not", "in", "between"}
#: Japanese spellings of the keywords, so a rule can be written in one language.
JA_KEYWORDS = {"かつ": "and", "または": "or", "又は": "or", "でない": "not"}


def columns_of(table: str) -> tuple[dict[str, Column], dict[str, str]]:
    t = TABLES[table]
    by_name = {c.name: c for c in t.columns}
    aliases = {c.name.lower(): c.name for c in t.columns}
    for c in t.columns:
        aliases.setdefault(unicodedata.normalize("NFKC", c.ja), c.name)
    return by_name, aliases


@dataclass(frozen=True)
class Raw:
    """A value as written: quoted text stays text even if it looks like a number."""

    text: str
    quoted: bool


def raw_value(value: Any) -> Raw:
    if isinstance(value, str):
        return Raw(value, True)
    if isinstance(value, date):
        return Raw(value.isoformat(), False)
    return Raw(format_value(value), False)


def number(text: str) -> int | float | None:
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?", text):
        f = float(text)
        return f if math.isfinite(f) else None
    return None


def resolve_column(
    word: str, by_name: dict[str, Column], aliases: dict[str, str], pos: int, table: str
) -> Column:
    key = unicodedata.normalize("NFKC", word).strip()
    name = aliases.get(key.lower()) or aliases.get(key)
    if name is None:
        valid = ", ".join(f"{c.name} ({c.ja})" for c in by_name.values())
        raise RuleSyntaxError(
            f"{pos + 1}文字目: {word!r} は {table} の列ではありません / "
            f"position {pos + 1}: {word!r} is not a column of {table}",
            value=word,
            fix=f"次のいずれかを使ってください / use one of: {valid}",
        )
    return by_name[name]


def normalise_scalar(col: Column, raw: Raw, pos: int) -> Value:
    text = unicodedata.normalize("NFKC", raw.text).strip()
    if col.kind in NUMERIC:
        num = number(text.replace(",", "")) if not raw.quoted or number(text) is not None else None
        if num is None:
            raise RuleSyntaxError(
                f"{pos + 1}文字目: {raw.text!r} は数値ではありません ({col.name} は数値の列です) / "
                f"position {pos + 1}: {raw.text!r} is not a number ({col.name} is numeric)",
                value=raw.text,
                column=col.name,
                fix="100 や 1000000 のように数字だけで書いてください / "
                "write a plain number such as 100 or 1000000",
            )
        if col.kind == "int":
            if isinstance(num, float) and not num.is_integer():
                raise RuleSyntaxError(
                    f"{pos + 1}文字目: {raw.text!r} は整数ではありません / "
                    f"position {pos + 1}: {raw.text!r} is not a whole number",
                    value=raw.text,
                    column=col.name,
                    fix="整数で書いてください / write a whole number",
                )
            return int(num)
        return float(num)
    if col.kind == "date":
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise RuleSyntaxError(
                f"{pos + 1}文字目: {raw.text!r} は日付ではありません / "
                f"position {pos + 1}: {raw.text!r} is not a date",
                value=raw.text,
                column=col.name,
                fix="日付は YYYY-MM-DD の形で書いてください / write the date as YYYY-MM-DD",
            ) from None
    if col.kind == "enum" and text not in col.values:
        raise RuleSyntaxError(
            f"{pos + 1}文字目: {raw.text!r} は {col.name} の値にありません / "
            f"position {pos + 1}: {raw.text!r} is not a value of {col.name}",
            value=raw.text,
            column=col.name,
            fix=f"次のいずれかを使ってください / use one of: {', '.join(col.values)}",
        )
    return text


def normalise_values(col: Column, raws: Sequence[Raw], pos: int) -> tuple[Value, ...]:
    out: list[Value] = []
    for raw in raws:
        if col.kind == "prefecture":
            out.extend(prefectures(raw.text, pos))
        else:
            out.append(normalise_scalar(col, raw, pos))
    # Canonical order: as written, duplicates dropped (so regions that overlap collapse).
    return tuple(dict.fromkeys(out))


def prefectures(text: str, pos: int) -> tuple[str, ...]:
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
                f"{pos + 1}文字目: {text!r} は都道府県でも地方でもありません / "
                f"position {pos + 1}: {text!r} is neither a prefecture nor a region",
                value=text,
                column="prefecture",
                fix="都道府県 (東京都, 東京) か次の地方を書いてください / "
                f"write a prefecture (東京都, 東京) or a region: {'、'.join(REGIONS)}",
            ) from None


def format_value(value: Value) -> str:
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
        or text.lower() in KEYWORDS
        or text in JA_KEYWORDS
        or number(text) is not None
    )
    if needs_quotes:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text

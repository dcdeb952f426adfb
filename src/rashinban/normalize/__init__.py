"""Japanese-aware value normalisers: the per-value parsers the importer applies.

Each parser takes one non-empty string and returns the canonical value, or
raises :class:`rashinban.InvalidValueError` whose message gives the reason in
Japanese and English (``"日本語 / English"``) and whose ``fix`` says what to do.
They raise nothing else on any text, are pure, and cache their results, so
they suit being run once per distinct value of a column.
"""

from rashinban.normalize._company import LEGAL_FORM_ALIASES, company_key, split_legal_form
from rashinban.normalize._corpnum import parse_corporate_number
from rashinban.normalize._dates import ERAS, format_wareki, parse_date, parse_year
from rashinban.normalize._email import parse_email
from rashinban.normalize._numbers import parse_float, parse_int, parse_money
from rashinban.normalize._prefecture import (
    PREFECTURES,
    REGIONS,
    parse_prefecture,
    parse_prefecture_from_address,
    region_prefectures,
)
from rashinban.normalize._text import normalize_text
from rashinban.normalize._zones import Zoned, to_zone

__all__ = [
    "ERAS",
    "LEGAL_FORM_ALIASES",
    "PREFECTURES",
    "REGIONS",
    "Zoned",
    "company_key",
    "format_wareki",
    "normalize_text",
    "parse_corporate_number",
    "parse_date",
    "parse_email",
    "parse_float",
    "parse_int",
    "parse_money",
    "parse_prefecture",
    "parse_prefecture_from_address",
    "parse_year",
    "region_prefectures",
    "split_legal_form",
    "to_zone",
]

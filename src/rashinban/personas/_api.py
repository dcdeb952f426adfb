"""Personas from a workspace backend: select accounts, read the as-of tables, build cards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from rashinban._errors import NotEnoughDataError
from rashinban.personas._build import build_persona
from rashinban.personas._card import PersonaCard
from rashinban.personas._select import Selector, select_accounts
from rashinban.text._sources import voice_tables


def personas_for(
    backend: Any,
    as_of: dt.date,
    segments: Mapping[str, tuple[str, Selector]],
    *,
    tables: dict[str, pd.DataFrame] | None = None,
) -> list[PersonaCard]:
    """One card per segment: ``{key: (definition in words, selector)}``.

    Examples
    --------
    >>> rule = [{"column": "industry", "op": "in", "values": ["製造業"]},
    ...         {"column": "employees", "op": "between", "low": 100, "high": 999}]
    >>> cards = personas_for(ws.backend(), dt.date(2025, 12, 31),  # doctest: +SKIP
    ...                      {"mfg": ("製造業 × 100〜999名", rule)})
    """
    tables = tables if tables is not None else voice_tables(backend, as_of)
    cards = []
    for key, (definition, selector) in segments.items():
        ids = select_accounts(backend, selector, tables["accounts"])
        cards.append(build_persona(tables, ids, key=key, segment=definition))
    return cards


def segment_personas(
    backend: Any,
    as_of: dt.date,
    *,
    top: int = 3,
    min_customers: int = 20,
    tables: dict[str, pd.DataFrame] | None = None,
) -> list[PersonaCard]:
    """Default personas: one per industry among the ``top`` industries by customers.

    Used when no segment or target is given; an industry needs at least
    ``min_customers`` customers, so a card never rests on a handful of accounts.
    """
    tables = tables if tables is not None else voice_tables(backend, as_of)
    acc = tables["accounts"]
    cust = acc[acc["status"].isin(["customer", "churned"])]
    counts = cust["industry"].value_counts()
    chosen = sorted(
        (i for i, n in counts.items() if n >= min_customers), key=lambda i: (-counts[i], i)
    )[:top]
    if not chosen:
        raise NotEnoughDataError(
            f"顧客が{min_customers}社以上ある業種がまだなく、"
            "ペルソナを作るにはデータが足りません / "
            f"no industry has {min_customers} customers yet: too little data for a persona",
            fix='取引先をもっと取り込むか、rashinban personas --rule "業種 = 製造業" のように'
            "対象を指定してください (Python では personas_for) / import more accounts, or name "
            'the segment with rashinban personas --rule "業種 = 製造業" (in Python, '
            "personas_for)",
        )
    segments = {
        f"industry:{ind}": (f"業種 = {ind}", [{"column": "industry", "op": "in", "values": [ind]}])
        for ind in chosen
    }
    return personas_for(backend, as_of, segments, tables=tables)

"""A default segmentation: industry × company-size band, with readable bands.

Size bands follow the usual Japanese B2B reading of company size (小規模 <30,
中小 30–99 / 100–299, 中堅 300–999, 大企業 1,000+); every band is an inclusive
``between`` condition so a cell prints as a rule a person would write.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from rashinban.targeting._conditions import Cond

__all__ = ["SIZE_BANDS", "grid_segments", "size_band_conditions"]

#: Employee bands (inclusive): the cut points of the default segmentation.
SIZE_BANDS: tuple[tuple[int, int | None], ...] = (
    (1, 29),
    (30, 99),
    (100, 299),
    (300, 999),
    (1000, None),
)


def size_band_conditions() -> list[Cond]:
    """One ``between`` condition on ``employees`` per size band."""
    return [
        {"column": "employees", "op": "between", "low": lo, "high": hi} for lo, hi in SIZE_BANDS
    ]


def _band_name(lo: int, hi: int | None) -> str:
    return f"{lo}〜{hi}名" if hi is not None else f"{lo}名以上"


def grid_segments(
    facts: pd.DataFrame,
    *,
    min_accounts: int = 10,
    columns: Sequence[str] = ("industry",),
    spans: int = 1,
) -> dict[str, list[Cond]]:
    """Segments ``<value> × <size band>`` for each value of ``columns`` with enough accounts.

    ``spans=2`` adds cells spanning two neighbouring bands (e.g. 30〜299名).

    Examples
    --------
    >>> f = pd.DataFrame({"industry": ["製造業"] * 12, "employees": [150] * 12})
    >>> list(grid_segments(f))
    ['製造業 × 100〜299名']
    """
    out: dict[str, list[Cond]] = {}
    emp = pd.to_numeric(facts["employees"], errors="coerce")
    for column in columns:
        for value in sorted(facts[column].dropna().unique()):
            in_value = facts[column] == value
            bands = [
                (SIZE_BANDS[i][0], SIZE_BANDS[i + w - 1][1])
                for w in range(1, spans + 1)
                for i in range(len(SIZE_BANDS) - w + 1)
            ]
            for lo, hi in bands:
                in_band = emp >= lo if hi is None else emp.between(lo, hi)
                if int((in_value & in_band).sum()) < min_accounts:
                    continue
                out[f"{value} × {_band_name(lo, hi)}"] = [
                    {"column": column, "op": "in", "values": [value]},
                    {"column": "employees", "op": "between", "low": lo, "high": hi},
                ]
    return out

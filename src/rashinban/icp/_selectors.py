"""Candidate conditions (selectors) for subgroup discovery, as a boolean matrix.

Categorical columns give one selector per frequent value and, for columns with
few values, one per pair of values (so ``業種が製造業・情報通信業`` is a single
condition, as a person would write it); ``prefecture`` also gets one selector
per region (関東, 関西 …). Numeric columns are cut at *nice* numbers (1, 2, 3,
5 × 10^k) near their quantiles, and every interval between two cuts (or an
open end) is a selector, so a rule can say ``従業員数100〜999``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from rashinban.normalize import REGIONS

__all__ = ["Selector", "build_selectors", "nice_cuts"]

_NICE = (1.0, 2.0, 3.0, 5.0, 10.0)
_QUANTILES = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98)
#: Regions offered as prefecture selectors (the overlapping aliases are left out).
_REGION_KEYS = ("北海道", "東北", "関東", "中部", "近畿", "中国", "四国", "九州・沖縄")


@dataclass(frozen=True)
class Selector:
    """One candidate condition: a PRODUCT.md COND plus its column for exclusivity."""

    column: str
    cond: tuple[tuple[str, Any], ...]

    def as_dict(self) -> dict[str, Any]:
        out = dict(self.cond)
        if "values" in out:
            out["values"] = list(out["values"])
        return out


def _nice(x: float) -> float:
    if x <= 0:
        return 0.0
    exp = math.floor(math.log10(x))
    base = 10.0**exp
    best = min(_NICE, key=lambda m: abs(math.log10(m * base) - math.log10(x)))
    return best * base


def nice_cuts(values: np.ndarray, quantiles: Sequence[float] = _QUANTILES) -> list[float]:
    """Cut points: the column's quantiles rounded to the nearest 1/2/3/5 × 10^k.

    Examples
    --------
    >>> nice_cuts(np.array([10, 20, 40, 90, 110, 300, 700, 1200, 4000, 9000]))[:4]
    [20.0, 30.0, 100.0, 200.0]
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return []
    qs = np.quantile(finite, list(quantiles))
    lo, hi = float(finite.min()), float(finite.max())
    cuts = sorted({_nice(float(q)) for q in qs})
    return [c for c in cuts if lo < c <= hi]


def _is_integer(values: np.ndarray) -> bool:
    finite = values[np.isfinite(values)]
    return bool(finite.size) and bool(np.all(np.floor(finite) == finite))


def _interval(
    column: str, lo: float | None, hi: float | None, integer: bool
) -> tuple[Selector, tuple[float, float]]:
    # Internally half-open [lo, hi); printed inclusive: hi - 1 for whole numbers,
    # the float just below hi otherwise, so the COND means exactly the same rows.
    high: float | None = None
    if hi is not None:
        high = hi - 1 if integer else float(np.nextafter(hi, -np.inf))
    low_out: float | int | None = lo
    if integer:
        low_out = None if lo is None else int(lo)
        high = None if high is None else int(high)
    cond = (("column", column), ("op", "between"), ("low", low_out), ("high", high))
    bounds = (-np.inf if lo is None else lo, np.inf if hi is None else hi)
    return Selector(column, cond), bounds


def build_selectors(
    frame: pd.DataFrame,
    columns: Sequence[str],
    *,
    min_support: int,
    value_pairs: bool = True,
    intervals: str = "all",
    max_pair_values: int = 15,
) -> tuple[list[Selector], np.ndarray]:
    """Selectors over ``columns`` and their ``(n_rows, n_selectors)`` boolean matrix.

    Parameters
    ----------
    intervals
        ``"all"``: every interval between two cuts; ``"bins"``: only adjacent
        cuts (disjoint bins, as pysubgroup's equal-frequency discretisation).
    """
    selectors: list[Selector] = []
    cols: list[np.ndarray] = []

    def add(sel: Selector, mask: np.ndarray) -> None:
        n = int(mask.sum())
        if n >= min_support and n < len(mask):
            selectors.append(sel)
            cols.append(mask)

    for column in columns:
        series = frame[column]
        if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
            codes, uniques = pd.factorize(series, sort=True)
            counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
            frequent = [i for i in range(len(uniques)) if counts[i] >= min_support]
            values = [v.item() if hasattr(v, "item") else v for v in uniques]
            for i in frequent:
                add(
                    Selector(column, (("column", column), ("op", "in"), ("values", (values[i],)))),
                    codes == i,
                )
            if value_pairs and len(uniques) <= max_pair_values:
                for i, j in combinations(range(len(uniques)), 2):
                    if counts[i] + counts[j] >= min_support:
                        add(
                            Selector(
                                column,
                                (
                                    ("column", column),
                                    ("op", "in"),
                                    ("values", (values[i], values[j])),
                                ),
                            ),
                            (codes == i) | (codes == j),
                        )
            if column == "prefecture":
                for region in _REGION_KEYS:
                    prefs = REGIONS[region]
                    idx = [k for k, v in enumerate(values) if v in prefs]
                    if len(idx) > 1:
                        add(
                            Selector(
                                column,
                                (
                                    ("column", column),
                                    ("op", "in"),
                                    ("values", tuple(values[k] for k in idx)),
                                ),
                            ),
                            np.isin(codes, idx),
                        )
            continue
        x = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        integer = _is_integer(x)
        cuts = nice_cuts(x)
        edges: list[float | None] = [None, *cuts, None]
        pairs = (
            [(edges[i], edges[i + 1]) for i in range(len(edges) - 1)]
            if intervals == "bins"
            else [(a, b) for i, a in enumerate(edges) for b in edges[i + 1 :]]
        )
        for lo, hi in pairs:
            if lo is None and hi is None:
                continue
            sel, (blo, bhi) = _interval(column, lo, hi, integer)
            add(sel, (x >= blo) & (x < bhi))
    matrix = np.column_stack(cols) if cols else np.zeros((len(frame), 0), dtype=bool)
    return selectors, matrix

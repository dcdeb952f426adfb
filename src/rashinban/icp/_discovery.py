"""ICP discovery: subgroup discovery over accounts with a WRAcc beam search.

A *subgroup* is a conjunction of up to three conditions on different columns.
Its quality is Klösgen's family (Klösgen 1996, "Explora: a multipattern and
multistrategy discovery assistant"; pysubgroup's ``StandardQF(a)``)::

    q_a(S) = (n_S / N)^a · (p_S / n_S − P / N)

With ``a = 1`` it is the weighted relative accuracy WRAcc (Lavrač, Flach & Zupan
1999; Lavrač et al. 2004, "Subgroup discovery with CN2-SD", eq. 3; the task as
in Wrobel 1997), which favours broad rules; the default ``a = 0.5`` (the
binomial-test quality) weighs lift more, as an ICP should name a focused group
rather than "every larger company". The search is a
beam search (level 1: every selector; level k+1: the ``beam_width`` best rules
of level k, each extended by every selector on another column). Counts are
computed for a whole level at once as matrix products of the selector matrix,
in row chunks, so one level over a million accounts is a few BLAS calls.

Redundant rules are pruned: a rule is dropped when a rule with a subset of its
conditions is at least as good, or when its accounts overlap a better kept
rule's by more than ``max_overlap`` (Jaccard).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rashinban._errors import InvalidValueError, NotEnoughDataError
from rashinban.icp._selectors import Selector, build_selectors
from rashinban.targeting._conditions import conditions_text
from rashinban.targeting._shrinkage import wilson_interval

__all__ = ["DEFAULT_ICP_COLUMNS", "IcpRules", "discover_subgroups"]

#: Account columns searched by default.
DEFAULT_ICP_COLUMNS: tuple[str, ...] = (
    "industry",
    "employees",
    "prefecture",
    "annual_revenue",
    "founded_year",
    "source",
    "channel",
    "has_decision_maker",
)
_CHUNK = 131_072


@dataclass
class IcpRules:
    """Discovered rules (best first) and how they were found."""

    rules: pd.DataFrame
    outcome: str
    base_rate: float
    n: int
    positives: int
    settings: dict[str, Any] = field(default_factory=dict)


def _level_counts(
    matrix: np.ndarray, y: np.ndarray, beams: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Counts (rows, positives) of every beam ∧ selector pair; beams None = level 1."""
    n_rows, m = matrix.shape
    k = 1 if beams is None else beams.shape[1]
    size = np.zeros((k, m))
    pos = np.zeros((k, m))
    for start in range(0, n_rows, _CHUNK):
        s = matrix[start : start + _CHUNK].astype(np.float32)
        yy = y[start : start + _CHUNK].astype(np.float32)
        if beams is None:
            b = np.ones((s.shape[0], 1), dtype=np.float32)
        else:
            b = beams[start : start + _CHUNK].astype(np.float32)
        size += b.T @ s
        pos += (b * yy[:, None]).T @ s
    return size, pos


def discover_subgroups(
    frame: pd.DataFrame,
    target: np.ndarray | pd.Series | str,
    *,
    columns: Sequence[str] = DEFAULT_ICP_COLUMNS,
    max_conditions: int = 3,
    beam_width: int = 30,
    min_support: int | None = None,
    top: int = 10,
    max_overlap: float = 0.8,
    value_pairs: bool = True,
    intervals: str = "all",
    prune: bool = True,
    outcome: str = "target",
    a: float = 0.5,
) -> IcpRules:
    """Find the conjunctions of conditions where ``target`` is over-represented.

    Parameters
    ----------
    frame
        One row per account (e.g. :func:`rashinban.engine.account_facts`).
    target
        Boolean outcome per row, or the name of a boolean column of ``frame``.
    columns
        Columns to build conditions from (missing ones are skipped).
    max_conditions
        Longest rule (1–3).
    beam_width
        Rules kept per level; a width ≥ the number of selectors makes level 2 exhaustive.
    min_support
        Fewest accounts a rule must cover; default ``max(10, 1% of rows)``.
    top
        Rules to return after pruning.
    max_overlap
        Drop a rule whose accounts' Jaccard overlap with a better rule exceeds this.
    a
        Exponent of the coverage term of the quality (1 = WRAcc, 0.5 = binomial test).

    Returns
    -------
    IcpRules
        ``rules`` has ``conditions`` (PRODUCT.md COND dicts), ``support``,
        ``positives``, ``coverage`` (share of all positives covered), ``rate``
        with a Wilson interval, ``lift``, ``quality`` (q_a), ``wracc`` and
        ``description_ja/en``.

    Examples
    --------
    >>> f = pd.DataFrame({"industry": ["製造業"] * 50 + ["建設業"] * 50,
    ...                   "won": [True] * 40 + [False] * 10 + [True] * 5 + [False] * 45})
    >>> res = discover_subgroups(f, "won", columns=["industry"], min_support=5)
    >>> res.rules.iloc[0]["description_ja"]
    '業種が製造業'
    """
    if not 1 <= max_conditions <= 3:
        raise InvalidValueError(
            f"max_conditions={max_conditions} は範囲外です / "
            f"max_conditions={max_conditions} is out of range",
            fix="1、2、3 のいずれかにしてください / use 1, 2 or 3",
        )
    y = np.asarray(frame[target] if isinstance(target, str) else target, dtype=bool)
    n = len(y)
    positives = int(y.sum())
    if n == 0 or positives == 0 or positives == n:
        raise NotEnoughDataError(
            f"成果指標 '{outcome}' に当てはまる取引先が{n}社中{positives}社です / "
            f"the outcome '{outcome}' has {positives} positives among {n} accounts",
            fix="取引先と商談 (受注・失注)、注文か契約をもっと取り込んでください "
            '(rashinban import; Python では icp_rules(..., outcome="won") などで別の成果指標を'
            "指定できます) / import more accounts, deals won or lost and their orders or "
            'subscriptions (rashinban import; in Python, icp_rules(..., outcome="won") or '
            "another outcome)",
        )
    p0 = positives / n
    support = min_support if min_support is not None else max(10, n // 100)
    cols = [
        c for c in columns if c in frame.columns and not (isinstance(target, str) and c == target)
    ]
    selectors, matrix = build_selectors(
        frame, cols, min_support=support, value_pairs=value_pairs, intervals=intervals
    )
    if not selectors and n < support:
        raise NotEnoughDataError(
            f"取引先が{n}社で、1つのルールに必要な{support}社に足りません / "
            f"{n} accounts: a rule must cover at least {support}",
            fix="取引先をもっと取り込んでください (rashinban import accounts; Python では "
            f"min_support を{support}より小さくできます) / import more accounts (rashinban "
            f"import accounts; in Python, a min_support below {support})",
        )
    if not selectors:
        raise NotEnoughDataError(
            f"{support}社以上に当てはまる条件がありません / "
            f"no condition covers at least {support} accounts",
            fix="取引先の業種・従業員数・都道府県などの列を埋めるか、取引先をもっと取り込んで"
            "ください (rashinban import accounts; Python では min_support を"
            f"{support}より小さくできます) / fill in the accounts' industry, employees, "
            "prefecture and other columns, or import more accounts (rashinban import "
            f"accounts; in Python, a min_support below {support})",
        )
    sel_col = np.array([s.column for s in selectors])

    found: dict[frozenset[int], tuple[float, int, int]] = {}
    beam: list[tuple[int, ...]] = []
    beam_masks: np.ndarray | None = None
    for level in range(1, max_conditions + 1):
        size, pos = _level_counts(matrix, y, beam_masks)
        with np.errstate(divide="ignore", invalid="ignore"):
            quality = np.where(size > 0, (size / n) ** a * (pos / size - p0), 0.0)
        parents: list[tuple[int, ...]] = [()] if level == 1 else beam
        cands: list[tuple[float, tuple[int, ...], int, int]] = []
        for r, parent in enumerate(parents):
            used = {sel_col[i] for i in parent}
            for j in range(len(selectors)):
                if sel_col[j] in used or size[r, j] < support:
                    continue
                key = frozenset((*parent, j))
                if key in found:
                    continue
                q = float(quality[r, j])
                found[key] = (q, int(size[r, j]), int(pos[r, j]))
                cands.append((q, tuple(sorted(key)), int(size[r, j]), int(pos[r, j])))
        if level == max_conditions or not cands:
            break
        cands.sort(key=lambda c: -c[0])
        beam = [c[1] for c in cands[:beam_width] if c[0] > 0]
        if not beam:
            break
        beam_masks = np.column_stack([matrix[:, list(b)].all(axis=1) for b in beam])

    ranked = sorted(found.items(), key=lambda kv: (-kv[1][0], len(kv[0])))
    kept: list[tuple[frozenset[int], tuple[float, int, int], np.ndarray]] = []
    for key, (q, sz, ps) in ranked:
        if q <= 0 or len(kept) >= top:
            break
        if prune:
            # a generalisation that is at least as good makes the extra condition noise
            if any(found.get(key - {i}, (-np.inf,))[0] >= q for i in key if len(key) > 1):
                continue
            mask = np.asarray(matrix[:, sorted(key)].all(axis=1), dtype=bool)
            if any((mask & m).sum() / max((mask | m).sum(), 1) > max_overlap for _, _, m in kept):
                continue
        else:
            mask = np.zeros(0, dtype=bool)
        kept.append((key, (q, sz, ps), mask))

    rows = []
    for key, (q, sz, ps), _ in kept:
        conds = [
            selectors[i].as_dict()
            for i in sorted(key, key=lambda i: cols.index(selectors[i].column))
        ]
        lo, hi = wilson_interval(ps, sz)
        rows.append(
            {
                "conditions": conds,
                "support": sz,
                "positives": ps,
                "coverage": ps / positives,
                "rate": ps / sz,
                "rate_low": float(lo),
                "rate_high": float(hi),
                "lift": (ps / sz) / p0,
                "quality": q,
                "wracc": sz / n * (ps / sz - p0),
                "description_ja": conditions_text(conds, "ja"),
                "description_en": conditions_text(conds, "en"),
            }
        )
    rules = pd.DataFrame(
        rows,
        columns=[
            "conditions",
            "support",
            "positives",
            "coverage",
            "rate",
            "rate_low",
            "rate_high",
            "lift",
            "quality",
            "wracc",
            "description_ja",
            "description_en",
        ],
    )
    settings = {
        "columns": cols,
        "max_conditions": max_conditions,
        "beam_width": beam_width,
        "min_support": support,
        "quality": "WRAcc",
        "n_selectors": len(selectors),
    }
    return IcpRules(rules, outcome, p0, n, positives, settings)


def selectors_of(frame: pd.DataFrame, columns: Sequence[str], **kw: Any) -> list[Selector]:
    """The selectors :func:`discover_subgroups` would search (for inspection and tests)."""
    return build_selectors(frame, columns, **kw)[0]

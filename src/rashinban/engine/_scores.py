"""RFM scores 1…bins from an RFM summary: quantile ranks or fixed thresholds.

The three values scored (Hughes 1994, *Strategic Database Marketing*, the
recency-frequency-monetary method) are taken from :func:`rfm_summary`'s output:

``R``
    time since the last purchase, ``T - recency`` (in the summary's unit);
    a more recent customer scores *higher*.
``F``
    ``frequency``.
``M``
    ``monetary_value``.

For RFM segmentation build the summary with ``include_first_transaction=True``
so that one-time buyers have ``F`` = 1 and their first spend in ``M``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Literal

import ibis
import ibis.expr.types as ir

from rashinban._errors import InvalidValueError

__all__ = ["rfm_scores"]

ScoreMethod = Literal["quantile", "fixed"]


def _quantile_score(value: ir.NumericValue, bins: int, *, higher_is_better: bool) -> ir.Value:
    # score = 1 + floor(bins * (#customers strictly worse) / n): ties share a score, so
    # the result does not depend on row order, and each score holds about n/bins
    # customers when values are distinct (the empirical CDF cut into equal steps).
    order = value if higher_is_better else value.desc()
    worse = ibis.rank().over(order_by=order)
    n = value.count().over()
    return (1 + (worse * bins / n).floor()).cast("int8")


def _fixed_score(
    value: ir.NumericValue, cuts: Sequence[float], bins: int, *, higher_is_better: bool
) -> ir.Value:
    if higher_is_better:
        # 1 + number of cut points reached: cuts [2, 3, 5, 10] give 1 | 2 | 3–4 | 5–9 | 10+
        hits = [(value >= c).cast("int8") for c in cuts]
        score = 1 + sum(hits[1:], hits[0])
    else:
        # bins - number of cut points exceeded: cuts [30, 90, 180, 365] days since the
        # last purchase give ≤30 → 5, ≤90 → 4, ≤180 → 3, ≤365 → 2, >365 → 1
        hits = [(value > c).cast("int8") for c in cuts]
        score = bins - sum(hits[1:], hits[0])
    return score.cast("int8")


def _check_thresholds(thresholds: Mapping[str, Sequence[float]] | None, bins: int) -> None:
    if thresholds is None:
        raise InvalidValueError(
            "method='fixed' には thresholds が必要です / method='fixed' needs thresholds",
            fix="R・F・M それぞれに bins - 1 個の昇順の区切りを thresholds で渡すか、"
            "method='quantile' を使ってください / "
            "pass thresholds={'R': [...], 'F': [...], 'M': [...]} with bins - 1 "
            "ascending cut points each, or use method='quantile'",
        )
    for key in ("R", "F", "M"):
        cuts = list(thresholds.get(key, ()))
        if len(cuts) != bins - 1 or any(b <= a for a, b in itertools.pairwise(cuts)):
            raise InvalidValueError(
                f"thresholds[{key!r}] = {cuts!r} は{bins - 1}個の狭義昇順の区切りではありません / "
                f"thresholds[{key!r}] = {cuts!r} is not {bins - 1} strictly ascending cut points",
                value=cuts,
                fix=f"{key} に昇順の数を{bins - 1}個指定してください (R は最終購入からの日数、"
                "F は購入回数、M は金額) / "
                f"give {bins - 1} ascending numbers for {key}, e.g. days since the "
                "last purchase for R, purchase counts for F and amounts for M",
            )


def rfm_scores(
    summary: ir.Table,
    *,
    method: ScoreMethod = "quantile",
    bins: int = 5,
    thresholds: Mapping[str, Sequence[float]] | None = None,
) -> ir.Table:
    """Score each customer's recency, frequency and monetary value from 1 to ``bins``.

    Parameters
    ----------
    summary
        Output of :func:`rfm_summary` (columns ``frequency``, ``recency``, ``T``,
        ``monetary_value``; other columns are passed through).
    method
        ``"quantile"``: scores cut the customers into ``bins`` equal-sized groups by
        rank, score = 1 + ⌊bins × (customers strictly worse) / customers⌋, so equal
        values share a score. ``"fixed"``: scores from ``thresholds``.
    bins
        Number of score levels, 2–10.
    thresholds
        For ``"fixed"``: ``{"R": [...], "F": [...], "M": [...]}``, each ``bins - 1``
        ascending cut points. R cuts are on the time since the last purchase
        (``T - recency``, ≤ cut scores higher); F and M cuts are lower bounds
        (≥ cut scores higher).

    Returns
    -------
    ibis.Table
        The summary plus ``R_value`` (time since the last purchase), ``R``, ``F``,
        ``M`` (integers 1…bins) and ``RFM`` (e.g. ``"545"``).

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> s = ibis.memtable(pd.DataFrame({"account_id": ["a", "b", "c", "d"],
    ...     "frequency": [1, 4, 2, 9], "recency": [0.0, 50.0, 10.0, 90.0],
    ...     "T": [100.0, 60.0, 95.0, 91.0], "monetary_value": [10.0, 30.0, 20.0, 40.0]}))
    >>> out = rfm_scores(s, bins=4).order_by("account_id").to_pandas()
    >>> out["RFM"].tolist()
    ['111', '333', '222', '444']
    """
    if not isinstance(bins, int) or not 2 <= bins <= 10:
        raise InvalidValueError(
            f"bins は2〜10の整数にしてください ({bins!r}) / "
            f"bins must be a whole number from 2 to 10, got {bins!r}",
            value=bins,
            fix="bins=5 (一般的なRFMの区分) か2〜10の数を指定してください / "
            "use bins=5 (the usual RFM grid) or another number from 2 to 10",
        )
    missing = [
        c for c in ("frequency", "recency", "T", "monetary_value") if c not in summary.columns
    ]
    if missing:
        raise InvalidValueError(
            f"集計表に列 {', '.join(missing)} がありません / "
            f"the summary lacks column(s) {', '.join(missing)}",
            column=missing[0],
            fix="monetary_value_col を指定した rfm_summary(...) の結果を渡してください / "
            "pass the output of rfm_summary(...) with a monetary_value_col",
        )
    since_last = (summary["T"] - summary["recency"]).name("R_value")
    with_r = summary.mutate(since_last)
    values = {"R": with_r["R_value"], "F": with_r["frequency"], "M": with_r["monetary_value"]}
    if method == "quantile":
        scores = {
            k: _quantile_score(v, bins, higher_is_better=(k != "R")).name(k)
            for k, v in values.items()
        }
    elif method == "fixed":
        _check_thresholds(thresholds, bins)
        cuts = dict(thresholds or {})
        scores = {
            k: _fixed_score(v, list(cuts[k]), bins, higher_is_better=(k != "R")).name(k)
            for k, v in values.items()
        }
    else:
        raise InvalidValueError(
            f"method {method!r} はありません / method {method!r} is not known",
            value=method,
            fix="method='quantile' か method='fixed' を使ってください / "
            "use method='quantile' or method='fixed'",
        )
    scored = with_r.mutate(**scores)
    label = scored["R"].cast("string") + scored["F"].cast("string") + scored["M"].cast("string")
    return scored.mutate(label.name("RFM"))

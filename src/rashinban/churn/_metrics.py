"""Validation metrics of a churn warning: AUC, precision in the top share, lead time."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["auc", "lead_times", "precision_at_top"]


def auc(y: npt.ArrayLike, score: npt.ArrayLike) -> float:
    """Area under the ROC curve, the Mann-Whitney U statistic over n1*n0 (ties count half).

    Hanley & McNeil (1982), "The meaning and use of the area under a ROC curve", eq. 1.

    Examples
    --------
    >>> auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    yy = np.asarray(y, dtype=bool)
    s = np.asarray(score, dtype=float)
    n1, n0 = int(yy.sum()), int((~yy).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = pd.Series(s).rank(method="average").to_numpy()
    return float((ranks[yy].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def precision_at_top(
    y: npt.ArrayLike, score: npt.ArrayLike, share: float = 0.10, groups: npt.ArrayLike | None = None
) -> float:
    """Share of churners among the ``share`` highest scores (mean over ``groups`` if given).

    Within a group the top ``ceil(share * n)`` rows are taken; ties are broken
    by position, so a constant score is no better than the base rate in
    expectation.

    Examples
    --------
    >>> precision_at_top([1, 0, 0, 0, 0, 0, 0, 0, 0, 1], list(range(10)), 0.2)
    0.5
    """
    frame = pd.DataFrame({"y": np.asarray(y, dtype=float), "s": np.asarray(score, dtype=float)})
    frame["g"] = 0 if groups is None else np.asarray(groups)
    values = []
    for _, part in frame.groupby("g", sort=False):
        k = max(int(np.ceil(share * len(part))), 1)
        top = part.sort_values("s", ascending=False, kind="stable").head(k)
        values.append(float(top["y"].mean()))
    return float(np.mean(values)) if values else float("nan")


def lead_times(scores: pd.DataFrame, threshold: float, horizon_days: int = 90) -> pd.DataFrame:
    """Days before churn at which each churner first crossed the alert threshold.

    Parameters
    ----------
    scores
        One row per account and as-of date: ``account_id``, ``as_of``,
        ``churn_date`` (NaT if none) and ``score``.
    threshold
        Alert when ``score >= threshold``.
    horizon_days
        Only snapshots within the horizon before the churn date count (an alert
        a year early is not a warning of this churn).

    Returns
    -------
    pandas.DataFrame
        One row per churner seen in the window: ``account_id``, ``churn_date``,
        ``first_alert`` (NaT if never) and ``lead_days`` (NaN if never).
    """
    s = scores.dropna(subset=["churn_date"]).copy()
    s["as_of"] = pd.to_datetime(s["as_of"])
    s["churn_date"] = pd.to_datetime(s["churn_date"])
    gap = (s["churn_date"] - s["as_of"]).dt.days
    s = s[(gap > 0) & (gap <= horizon_days)]
    alerts = s[s["score"] >= threshold]
    first = alerts.groupby("account_id")["as_of"].min()
    out = s.groupby("account_id", as_index=False)["churn_date"].first()
    out["first_alert"] = out["account_id"].map(first)
    out["lead_days"] = (out["churn_date"] - out["first_alert"]).dt.days
    return out

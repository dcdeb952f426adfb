"""Time-split validation of scores: AUC, top-decile lift and a calibration table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rashinban._stats import auc_interval

__all__ = ["auc_interval", "calibration_table", "evaluate_scores", "lift_curve"]


def lift_curve(y: np.ndarray, score: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Outcome rate and lift per score decile (decile 1 = highest scores).

    Ties are broken by a stable sort, so a constant score gives lift 1 everywhere
    up to sampling.
    """
    y = np.asarray(y, dtype=float)
    order = np.argsort(-np.asarray(score, dtype=float), kind="stable")
    groups = np.array_split(order, bins)
    base = y.mean() if len(y) else np.nan
    rows = []
    for i, g in enumerate(groups, start=1):
        rate = y[g].mean() if len(g) else np.nan
        rows.append({"decile": i, "n": len(g), "rate": rate, "lift": rate / base})
    return pd.DataFrame(rows)


def calibration_table(y: np.ndarray, score: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Mean predicted vs observed rate per predicted-score decile (ascending)."""
    y = np.asarray(y, dtype=float)
    s = np.asarray(score, dtype=float)
    order = np.argsort(s, kind="stable")
    rows = []
    for i, g in enumerate(np.array_split(order, bins), start=1):
        rows.append(
            {
                "bin": i,
                "n": len(g),
                "predicted": s[g].mean() if len(g) else np.nan,
                "observed": y[g].mean() if len(g) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def evaluate_scores(y: np.ndarray, score: np.ndarray) -> dict[str, float]:
    """AUC with its 95% interval (:func:`auc_interval`), top-decile lift, Brier score and
    the calibration error (mean |pred − obs| by decile)."""
    y = np.asarray(y, dtype=bool)
    s = np.asarray(score, dtype=float)
    from sklearn.metrics import roc_auc_score

    cal = calibration_table(y, s)
    auc = float(roc_auc_score(y, s))
    low, high = auc_interval(auc, int(y.sum()), int((~y).sum()))
    return {
        "auc": auc,
        "auc_low": low,
        "auc_high": high,
        "top_decile_lift": float(lift_curve(y, s)["lift"].iloc[0]),
        "brier": float(np.mean((s - y) ** 2)),
        "calibration_error": float((cal["predicted"] - cal["observed"]).abs().mean()),
        "n": float(len(y)),
        "positives": float(y.sum()),
    }

"""The CDNOW calibration/holdout split used by the CLV tests (Fader, Hardie & Lee 2005)."""

from __future__ import annotations

import numpy as np
import pandas as pd

CALIBRATION_END = pd.Timestamp("1997-09-30")  # end of week 39
HOLDOUT_END = pd.Timestamp("1998-06-30")  # end of week 78


def calibration_holdout(transactions: pd.DataFrame) -> pd.DataFrame:
    """Weeks 1-39 summary (frequency, recency, T in weeks) and weeks 40-78 repeat purchases.

    Purchases on the same day count as one transaction, as in the published
    CDNOW summaries; the first purchase is not a repeat purchase.
    """
    days = transactions[["customer_id", "date"]].drop_duplicates()
    first = days.groupby("customer_id")["date"].min()
    cal = days[days["date"] <= CALIBRATION_END]
    hold = days[(days["date"] > CALIBRATION_END) & (days["date"] <= HOLDOUT_END)]
    last = cal.groupby("customer_id")["date"].max()
    out = pd.DataFrame(
        {
            "frequency": cal.groupby("customer_id").size() - 1,
            "recency": (last - first).dt.days / 7.0,
            "T": (CALIBRATION_END - first).dt.days / 7.0,
        }
    )
    out["holdout"] = hold.groupby("customer_id").size().reindex(out.index, fill_value=0)
    return out.astype({"frequency": np.int64, "holdout": np.int64})

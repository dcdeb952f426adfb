"""Metrics against scikit-learn (oracle) and a naive count, with property tests."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from rashinban.churn import auc, lead_times, precision_at_top, snapshot_dates

labels_and_scores = st.integers(min_value=2, max_value=60).flatmap(
    lambda n: st.tuples(
        st.lists(st.booleans(), min_size=n, max_size=n),
        st.lists(st.integers(min_value=0, max_value=5), min_size=n, max_size=n),
    )
)


@settings(max_examples=60, deadline=None)
@given(labels_and_scores)
def test_auc_equals_sklearn(data: tuple[list[bool], list[int]]) -> None:
    y, s = data
    got = auc(y, s)
    if all(y) or not any(y):
        assert np.isnan(got)
    else:
        assert abs(got - roc_auc_score(y, s)) < 1e-12


@settings(max_examples=60, deadline=None)
@given(labels_and_scores, st.floats(min_value=0.05, max_value=1.0))
def test_precision_at_top_equals_naive(data: tuple[list[bool], list[int]], share: float) -> None:
    y, s = data
    k = max(int(np.ceil(share * len(y))), 1)
    # Naive: stable sort by descending score, take k, count churners.
    order = sorted(range(len(y)), key=lambda i: -s[i])
    want = sum(y[i] for i in order[:k]) / k
    assert abs(precision_at_top(y, s, share) - want) < 1e-12


def test_lead_times_by_hand() -> None:
    day = dt.date(2025, 1, 1)
    dates = snapshot_dates(day, day + dt.timedelta(days=84), 14)
    churn = pd.Timestamp(day + dt.timedelta(days=90))
    rows = [("A", d, churn, 0.9 if i >= 3 else 0.1) for i, d in enumerate(dates)]
    rows += [("B", d, churn, 0.1) for d in dates]
    rows += [("C", d, pd.NaT, 0.9) for d in dates]
    frame = pd.DataFrame(rows, columns=["account_id", "as_of", "churn_date", "score"])
    out = lead_times(frame, 0.5, 90).set_index("account_id")
    assert out.loc["A", "lead_days"] == 90 - 42
    assert np.isnan(out.loc["B", "lead_days"])
    assert "C" not in out.index

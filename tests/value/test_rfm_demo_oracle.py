"""RFM summary on the demo company's revenue log equals lifetimes' (oracle), row for row."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from lifetimes.utils import summary_data_from_transaction_data

from rashinban import Workspace
from rashinban.engine import rfm_summary
from rashinban.value import revenue_events


@pytest.mark.parametrize("unit", ["D", "W"])
@pytest.mark.parametrize("as_of", [dt.date(2024, 9, 30), dt.date(2025, 12, 31)])
def test_demo_rfm_summary_equals_lifetimes(demo_ws: Workspace, unit: str, as_of: dt.date) -> None:
    backend = demo_ws.backend()
    tx = revenue_events(backend, as_of)
    ours = (
        rfm_summary(tx, observation_period_end=as_of, time_unit=unit)
        .to_pandas()
        .set_index("account_id")
        .sort_index()
    )
    frame = tx.to_pandas()
    frame["ordered_at"] = frame["ordered_at"].astype("datetime64[ns]")
    ref = summary_data_from_transaction_data(
        frame, "account_id", "ordered_at", "amount", observation_period_end=str(as_of), freq=unit
    ).sort_index()
    assert list(ours.index) == list(ref.index) and len(ref) > 150
    for col in ("frequency", "recency", "T", "monetary_value"):
        np.testing.assert_allclose(ours[col].to_numpy(float), ref[col].to_numpy(float), rtol=1e-9)

"""CDNOW fixtures shared by the CLV tests.

The CDNOW sample (2,357 customers who first bought in the first quarter of
1997, followed for 78 weeks) ships with lifetimes, the test-only oracle; it is
the data set of Fader, Hardie & Lee (2005) and Fader & Hardie's notes.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest
from cdnow_data import calibration_holdout


@pytest.fixture(scope="session")
def cdnow_summary() -> pd.DataFrame:
    from lifetimes.datasets import load_cdnow_summary

    return load_cdnow_summary(index_col=[0])


@pytest.fixture(scope="session")
def cdnow_monetary() -> pd.DataFrame:
    from lifetimes.datasets import load_cdnow_summary_data_with_monetary_value

    return load_cdnow_summary_data_with_monetary_value()


@pytest.fixture(scope="session")
def cdnow_transactions() -> pd.DataFrame:
    """The raw CDNOW sample: one row per purchase (customer, date, CDs, dollars)."""
    path = resources.files("lifetimes") / "datasets" / "CDNOW_sample.txt"
    with resources.as_file(path) as file:
        raw = pd.read_csv(
            file,
            sep=r"\s+",
            header=None,
            names=["master_id", "customer_id", "date", "cds", "dollars"],
            dtype={"date": str},
        )
    raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    return raw


@pytest.fixture(scope="session")
def cdnow_split(cdnow_transactions) -> pd.DataFrame:
    """CDNOW weeks 1-39 summary with each customer's repeat purchases in weeks 40-78."""
    return calibration_holdout(cdnow_transactions)

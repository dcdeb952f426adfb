from __future__ import annotations

import ibis
import pandas as pd
import pytest
from ibis.backends.duckdb import Backend


@pytest.fixture(scope="session")
def con() -> Backend:
    return ibis.duckdb.connect()


@pytest.fixture(scope="session")
def cdnow() -> pd.DataFrame:
    """CDNOW master (Fader & Hardie): 69,659 purchases of 23,570 customers, 1997-01 to 1998-06."""
    from lifetimes.datasets import load_dataset

    df = load_dataset(
        "CDNOW_master.txt",
        sep=r"\s+",
        header=0,
        names=["customer_id", "date", "number_of_cds", "amount"],
        dtype={"customer_id": str, "date": str},
    )
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
    return df

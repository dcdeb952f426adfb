"""The watchlist's as-of date: refused past the end of the data as the command line does."""

from __future__ import annotations

import datetime as dt

import pytest

from rashinban._errors import InvalidValueError, NotEnoughDataError
from rashinban.churn import churn_watchlist


def test_an_as_of_after_the_data_names_the_end_of_the_data(demo_backend) -> None:  # type: ignore[no-untyped-def]
    # Past the end no subscription ends any more, so the model saw "0 churned of 21,896
    # snapshots" and asked for more subscription history: the date is the cause.
    with pytest.raises(NotEnoughDataError) as err:
        churn_watchlist(demo_backend, dt.date(2030, 12, 29))
    assert err.value.message == (
        "基準日 2030-12-29 はデータの最終日 2025-12-31 より後です / "
        "the as-of date 2030-12-29 is after the last date of the data, 2025-12-31"
    )
    assert err.value.fix is not None and "--as-of (Python: as_of) を 2025-12-31 以前" in (
        err.value.fix
    )


def test_an_as_of_that_is_not_a_date_names_the_argument(demo_backend) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidValueError, match="as_of = '2025/12/99' is not a date"):
        churn_watchlist(demo_backend, "2025/12/99")

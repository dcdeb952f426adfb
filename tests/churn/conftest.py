"""Churn fixtures: one time-split validation on the demo company, shared by the tests."""

from __future__ import annotations

import datetime as dt

import pytest

from rashinban import Workspace
from rashinban.churn import ChurnValidation, validate_churn

CUT = dt.date(2025, 1, 1)
END = dt.date(2025, 12, 29)


@pytest.fixture(scope="session")
def demo_backend(demo_ws: Workspace):  # type: ignore[no-untyped-def]
    backend = demo_ws.backend()
    yield backend
    backend.disconnect()


@pytest.fixture(scope="session")
def churn_validation(demo_backend) -> ChurnValidation:  # type: ignore[no-untyped-def]
    return validate_churn(demo_backend, cut=CUT, end=END)

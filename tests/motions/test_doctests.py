"""The examples in the docstrings run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "rashinban.churn._labels",
    "rashinban.churn._metrics",
    "rashinban.churn._model",
    "rashinban.crosssell._rules",
    "rashinban.crosssell._segments",
    "rashinban.crosssell._validate",
    "rashinban.motions._three",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0

"""The examples in the CLV docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "_base",
    "_compress",
    "_newton",
    "_betageo",
    "_paretonbd",
    "_gammagamma",
    "_sbg",
    "_value",
    "_simulate",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name) -> None:
    module = importlib.import_module(f"rashinban.clv.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_public_surface_is_pinned() -> None:
    import rashinban.clv as clv

    assert clv.__all__ == [
        "BetaGeoModel",
        "GammaGammaModel",
        "ParetoNBDModel",
        "ShiftedBetaGeoModel",
        "compress",
        "customer_lifetime_value",
        "simulate_bgnbd",
    ]
    for name in clv.__all__:
        assert getattr(clv, name).__doc__

"""The docstring examples of the targeting and ICP modules run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "rashinban.targeting._conditions",
    "rashinban.targeting._shrinkage",
    "rashinban.targeting._grid",
    "rashinban.targeting._competitors",
    "rashinban.icp._selectors",
    "rashinban.icp._discovery",
    "rashinban.icp._outcome",
    "rashinban.icp._lookalike",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_public_surfaces_are_pinned() -> None:
    import rashinban.icp as icp
    import rashinban.targeting as targeting

    for mod in (icp, targeting):
        assert mod.__all__ == sorted(mod.__all__, key=lambda n: (not n.isupper(), n))
        for name in mod.__all__:
            assert getattr(mod, name) is not None
    assert {"discover_subgroups", "FitModel", "lookalikes", "best_n_commonality"} <= set(
        icp.__all__
    )
    assert {
        "segment_attractiveness",
        "adjacent_opportunities",
        "competitor_table",
        "cluster_accounts",
        "shrink",
    } <= set(targeting.__all__)

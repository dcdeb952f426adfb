"""The examples in the docstrings run and give what they show."""

import doctest
import importlib

import pytest

MODULES = ["_text", "_company", "_corpnum", "_prefecture", "_dates", "_numbers", "_email", "_zones"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"rashinban.normalize.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0

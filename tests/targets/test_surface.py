"""The public surface of the target packages is explicit and pinned."""

from __future__ import annotations

import importlib

import pytest

PINNED = {
    "rashinban.segments": [
        "And",
        "Cond",
        "Not",
        "Or",
        "Rule",
        "Value",
        "parse_rule",
        "require_accounts",
    ],
    "rashinban.kpi": ["KPIS", "PERIODS", "Kpi", "beta_interval", "funnel", "period_label"],
    "rashinban.state": [
        "CANVAS_FIELDS",
        "CONTENT_SCHEMA",
        "DEPARTMENTS",
        "FEEDBACK_REASONS",
        "STATE_FILE",
        "Canvas",
        "Evidence",
        "Hypothesis",
        "Revision",
        "StateStore",
        "TargetDefinition",
        "canonical_json",
        "canvas_note",
        "check_feedback",
        "content_id",
        "diff_contents",
        "from_content",
        "migrate",
        "open_store",
    ],
}


@pytest.mark.parametrize("module", [*PINNED, "rashinban.targets"])
def test_all_is_explicit(module: str) -> None:
    mod = importlib.import_module(module)
    for name in mod.__all__:
        assert hasattr(mod, name), name
        assert not name.startswith("_")
    if module in PINNED:
        assert sorted(mod.__all__) == sorted(PINNED[module])


@pytest.mark.parametrize(
    "module",
    [
        "rashinban.kpi._funnel",
        "rashinban.targets._detect",
        "rashinban.targets._review",
        "rashinban.state._content",
        "rashinban.state._diff",
        "rashinban.state._store",
    ],
)
def test_docstring_examples(module: str) -> None:
    import doctest

    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0 and result.attempted > 0

"""The docstring examples run, and the dataset card documents what the code plants."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

from rashinban.demo import BAD_ROWS, PLANTED

CARD = Path(__file__).parents[2] / "docs" / "dataset-card.md"
MODULES = ["_generate", "_planted", "_messy", "_text", "_exports"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"rashinban.demo.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_card_documents_bad_rows_events_and_segments() -> None:
    card = CARD.read_text(encoding="utf-8")
    for filename, row_id, _ in BAD_ROWS:
        assert filename in card and row_id in card
    for event in PLANTED.events:
        assert event.event_id in card and event.title in card
        assert event.occurred_at.isoformat() in card
    for rule in (PLANTED.ideal, PLANTED.new_segment):
        for industry in rule.industries:
            assert industry in card
        assert str(rule.employees_low) in card and str(rule.employees_high) in card
    for a, b in PLANTED.bundles:
        assert f"{a} " in card and f"{b} " in card
    for competitor, reason in PLANTED.competitor_loss_reason.items():
        assert competitor in card and reason in card

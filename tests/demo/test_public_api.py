"""The demo package's public surface is explicit and pinned."""

from __future__ import annotations

import dataclasses

import pytest

import rashinban.demo as demo


def test_all_is_pinned() -> None:
    assert demo.__all__ == [
        "BAD_ROWS",
        "PLANTED",
        "Demo",
        "EventPlant",
        "ExportFile",
        "Planted",
        "SegmentRule",
        "generate",
        "generate_demo",
        "write_exports",
    ]
    for name in demo.__all__:
        assert hasattr(demo, name)


def test_planted_is_frozen_and_read_only() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        demo.PLANTED.event_date = None  # type: ignore[misc]
    with pytest.raises(TypeError):
        demo.PLANTED.win_rate["ideal"] = 0.9  # type: ignore[index]


def test_planted_events_match_event_date() -> None:
    ev = {e.event_id: e for e in demo.PLANTED.events}
    assert ev[demo.PLANTED.event_id].occurred_at == demo.PLANTED.event_date
    assert ev[demo.PLANTED.event_id].kind == "regulation"

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from rashinban import Workspace
from rashinban.personas import PersonaCard, segment_personas
from rashinban.text import voice_tables

AS_OF = dt.date(2025, 12, 31)


@pytest.fixture(scope="session")
def voice(demo_ws: Workspace) -> dict[str, pd.DataFrame]:
    return voice_tables(demo_ws.backend(), AS_OF)


@pytest.fixture(scope="session")
def voice_texts(voice: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Every note, ticket and survey comment of the demo by its id."""
    texts = dict(zip(voice["notes"]["note_id"], voice["notes"]["text"], strict=True))
    texts.update(zip(voice["tickets"]["ticket_id"], voice["tickets"]["text"], strict=True))
    texts.update(zip(voice["surveys"]["response_id"], voice["surveys"]["comment"], strict=True))
    return texts


@pytest.fixture(scope="session")
def demo_cards(demo_ws: Workspace, voice: dict[str, pd.DataFrame]) -> list[PersonaCard]:
    """The demo's default persona cards (the three industries with the most customers)."""
    return segment_personas(demo_ws.backend(), AS_OF, tables=voice)

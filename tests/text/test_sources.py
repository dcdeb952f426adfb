"""No look-ahead: as-of tables never show rows dated later, and later outcomes stay open."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from rashinban import Workspace
from rashinban.text import documents, voice_tables

CUT = dt.date(2024, 6, 30)


def test_as_of_tables_hide_the_future(
    demo_ws: Workspace, demo_tables: dict[str, pd.DataFrame]
) -> None:
    tables = voice_tables(demo_ws.backend(), CUT)
    day = pd.Timestamp(CUT)
    assert (pd.to_datetime(tables["notes"]["written_at"]) <= day).all()
    assert (pd.to_datetime(tables["surveys"]["answered_at"]) <= day).all()
    deals = tables["deals"]
    assert (pd.to_datetime(deals["created_at"]) <= day).all()
    closed = deals[deals["outcome"] != "open"]
    assert (pd.to_datetime(closed["closed_at"]) <= day).all()
    # Naive count: deals created by the cut and closed after it are open as of the cut.
    full = demo_tables["deals"]
    created = pd.to_datetime(full["created_at"]) <= day
    later = pd.to_datetime(full["closed_at"]) > day
    assert (deals["outcome"] == "open").sum() == int(
        (created & (later | full["closed_at"].isna())).sum()
    )
    assert deals["loss_reason"][deals["outcome"] == "open"].isna().all()


def test_documents_point_back_to_their_rows(demo_tables: dict[str, pd.DataFrame]) -> None:
    docs = documents(demo_tables)
    notes = demo_tables["notes"].set_index("note_id")["text"]
    some = docs[docs["source"] == "notes"].head(50)
    assert all(notes[i] == t for i, t in zip(some["doc_id"], some["text"], strict=True))
    assert set(docs["source"]) == {"notes", "tickets", "surveys", "deals"}

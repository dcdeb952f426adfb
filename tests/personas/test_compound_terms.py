"""Persona themes keep a compound whole when its part is said mostly inside it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from rashinban import Workspace, init_workspace
from rashinban.importing import load_frames
from rashinban.personas import personas_for
from rashinban.personas._build import _text_themes

# 体制 stands alone in three won notes, but six more say サポート体制: two thirds of its
# uses are inside the compound, so the compound is the reason and 体制 is no term.
SUPPORT = "サポート体制が手厚く、決め手になった。"
ALONE = "導入後の体制も安心できると評価された。"
WON = [SUPPORT] * 6 + [ALONE] * 3
LOST = ["価格が高いという評価。"] * 3 + ["価格と予算が合わなかった。"] * 3


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    texts = WON + LOST
    n = len(texts)
    day = pd.Timestamp
    ids = [f"A{i}" for i in range(n)]
    accounts = pd.DataFrame(
        {
            "account_id": ids,
            "name": [f"会社{i}" for i in ids],
            "industry": ["製造業"] * n,
            "employees": pd.array([100] * n, dtype="Int64"),
            "created_at": [day("2024-01-10")] * n,
            "status": ["customer"] * n,
        }
    )
    deals = pd.DataFrame(
        {
            "deal_id": [f"D{i}" for i in range(n)],
            "account_id": ids,
            "created_at": [day("2024-02-01")] * n,
            "closed_at": [day("2024-03-01")] * n,
            "amount": [100000.0] * n,
            "outcome": ["won"] * len(WON) + ["lost"] * len(LOST),
            "loss_reason": [None] * len(WON) + ["価格が高い"] * len(LOST),
            "kind": ["new"] * n,
        }
    )
    notes = pd.DataFrame(
        {
            "note_id": [f"N{i}" for i in range(n)],
            "account_id": ids,
            "deal_id": deals["deal_id"],
            "kind": "win_loss",
            "text": texts,
            "written_at": [day("2024-03-05")] * n,
        }
    )
    ws = init_workspace(Path(tmp_path_factory.mktemp("compound")) / "ws")
    load_frames(ws, {"accounts": accounts, "deals": deals, "notes": notes})
    return ws


def test_the_decisive_reasons_are_whole_terms(ws: Workspace) -> None:
    rule = [{"column": "industry", "op": "in", "values": ["製造業"]}]
    card = personas_for(ws.backend(), dt.date(2024, 12, 31), {"k": ("製造業", rule)})[0]
    triggers = card.by_field("trigger")
    # サポート体制 and 決め手 share their sentence, so the second line is the next term:
    # 安心, not 体制 (which ranked above it before the compound rule).
    assert [s.evidence.value for s in triggers] == ["サポート体制", "安心"]
    assert triggers[0].text_ja == "決め手になりやすい「サポート体制」: " + WON[0]
    assert triggers[0].evidence.count == 6 and triggers[0].evidence.n == 9
    assert not any("「体制」" in s.text_ja for s in card.statements)


def test_segment_themes_drop_a_part_said_mostly_inside_its_compound() -> None:
    texts = WON + LOST + ["価格の比較をしている。"] * 3
    docs = pd.DataFrame({"doc_id": [f"N{i}" for i in range(len(texts))], "text": texts})
    inside = [True] * len(WON) + [False] * (len(texts) - len(WON))
    top, tokens = _text_themes(docs, inside, top_n=10, min_docs=3)
    assert top == ["サポート体制", "決め手", "安心", "導入後"]
    # the per-text terms still hold 体制 where it stands alone: only the theme drops it
    assert tokens[6] == ["導入後", "体制", "安心"]

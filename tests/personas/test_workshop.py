"""Workshop kit: worksheet lines point at real rows; win stories are appended atomically."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rashinban import Workspace, init_workspace
from rashinban._errors import InvalidValueError, UnknownIdError
from rashinban.cli import app
from rashinban.importing import load_frames
from rashinban.personas import HEADINGS, record_win_story, workshop


def _best(voice: dict[str, pd.DataFrame], n: int = 3) -> list[str]:
    won = voice["deals"][voice["deals"]["outcome"] == "won"]
    return list(won.groupby("account_id")["amount"].sum().sort_values().index[-n:])


def test_worksheet_has_the_four_headings_and_real_evidence(
    voice: dict[str, pd.DataFrame],
) -> None:
    best = _best(voice)
    sheet = workshop(voice, best)
    assert [v[0] for v in sheet["headings"].values()] == [
        "事業・組織の状況",
        "担当者の人物像",
        "購買決定の要因",
        "関係性の質",
    ]
    known: set[str] = set()
    for table, col in (
        ("accounts", "account_id"),
        ("contacts", "contact_id"),
        ("deals", "deal_id"),
        ("notes", "note_id"),
        ("leads", "lead_id"),
        ("surveys", "response_id"),
        ("tickets", "ticket_id"),
    ):
        frame = voice[table]
        frame = frame[frame["account_id"].isin(best)]
        known |= set(frame[col].astype(str))
    assert [a["account_id"] for a in sheet["accounts"]] == best
    for account in sheet["accounts"]:
        assert set(account["sheet"]) == set(HEADINGS)
        assert account["sheet"]["business"] and account["sheet"]["decision"]
        for lines in account["sheet"].values():
            for line in lines:
                assert line["text"] and line["text_en"] and line["evidence"]
                assert set(line["evidence"]) <= known, line
    # Quoted decision sentences are verbatim from the account's win/loss notes.
    notes = voice["notes"].set_index("note_id")["text"]
    for account in sheet["accounts"]:
        for line in account["sheet"]["decision"]:
            if line["evidence"][0].startswith("N"):
                assert line["text"] in notes[line["evidence"][0]]
    for line in sheet["common"]:
        assert len(line["evidence"]) >= 2


def test_workshop_rejects_unknown_ids(voice: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(UnknownIdError, match="NOPE"):
        workshop(voice, ["NOPE"])
    with pytest.raises(InvalidValueError):
        workshop(voice, [])


def test_workshop_errors_read_japanese_first_with_english_alongside(
    voice: dict[str, pd.DataFrame],
) -> None:
    with pytest.raises(UnknownIdError) as unknown:
        workshop(voice, ["NOPE"])
    assert unknown.value.message == (
        "取引先ID NOPE はワークスペースにありません / unknown account id(s): NOPE"
    )
    assert unknown.value.fix == (
        "取引先テーブルの account_id を使ってください / "
        "use account_id values from the accounts table"
    )
    with pytest.raises(InvalidValueError) as empty:
        workshop(voice, [])
    assert empty.value.message == (
        "ワークショップには取引先IDが1つ以上必要です / workshop needs at least one account id"
    )
    assert empty.value.fix == "優良顧客を3社指定してください / pass 3 best customers"


def test_record_win_story_appends_one_note(
    demo_tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    ws = init_workspace(tmp_path / "ws")
    small = {k: v for k, v in demo_tables.items() if k in {"accounts", "deals", "notes"}}
    load_frames(ws, small)
    account = str(demo_tables["accounts"]["account_id"].iloc[0])
    before = len(demo_tables["notes"])
    top = max(int(i[1:]) for i in demo_tables["notes"]["note_id"])
    nid = record_win_story(
        ws,
        account,
        "紹介で受注。決め手は導入支援。",
        author="佐藤",
        written_at=dt.date(2025, 12, 1),
    )
    assert nid == f"N{top + 1:07d}"
    with ws.connect(read_only=True) as con:
        rows = con.execute("SELECT count(*) FROM notes").fetchone()
        row = con.execute(
            "SELECT account_id, kind, author, text FROM notes WHERE note_id = ?", [nid]
        ).fetchone()
    assert rows is not None and rows[0] == before + 1
    assert row == (account, "win_loss", "佐藤", "紹介で受注。決め手は導入支援。")
    with pytest.raises(UnknownIdError):
        record_win_story(ws, "NOPE", "x", author="a", written_at=dt.date(2025, 12, 1))
    with pytest.raises(UnknownIdError):
        record_win_story(
            ws, account, "x", author="a", written_at=dt.date(2025, 12, 1), deal_id="NOPE"
        )
    with pytest.raises(InvalidValueError):
        record_win_story(ws, account, "  ", author="a", written_at=dt.date(2025, 12, 1))
    with ws.connect(read_only=True) as con:
        after = con.execute("SELECT count(*) FROM notes").fetchone()
    assert after is not None and after[0] == before + 1  # failed calls left nothing behind


def test_blank_facts_are_left_out_of_the_business_line() -> None:
    from rashinban.personas._workshop import _business

    full = pd.Series(
        {"name": "アルファ", "industry": "製造業", "employees": 120.0, "prefecture": "東京都"}
    )
    assert _business(full, "T1") == (
        "アルファ（製造業、従業員120名、東京都）",
        "アルファ (製造業, 120 employees, Tokyo)",
    )
    blank = pd.Series(
        {"name": "ゼータ", "industry": None, "employees": float("nan"), "prefecture": None}
    )
    assert _business(blank, "T6") == ("ゼータ", "ゼータ")
    nameless = pd.Series(
        {"name": None, "industry": "建設業", "employees": None, "prefecture": None}
    )
    assert _business(nameless, "T9") == ("T9（建設業）", "T9 (建設業)")


def test_worksheet_deals_name_their_product_and_keep_the_deal_id(tiny_ws: Workspace) -> None:
    # The command reads the products table: 受注 D1: 基本プラン, not 受注 D1: P1.
    runner = CliRunner()
    args = ["workshop", "T1", "-w", str(tiny_ws.path)]
    sheet = json.loads(runner.invoke(app, [*args, "-f", "json"]).output)
    decision = {line["evidence"][0]: line for line in sheet["accounts"][0]["sheet"]["decision"]}
    assert decision["D1"]["text"] == "受注 D1: 基本プラン、1,000,000円、36日で成約、競合なし"
    assert decision["D1"]["text_en"] == (
        "Won D1: 基本プラン, ¥1,000,000, closed in 36 days, no competitor"
    )
    assert decision["D6"]["text"].startswith("受注 D6: 追加オプション、300,000円")
    wide = {"COLUMNS": "300"}
    ja = runner.invoke(app, args, env=wide).output
    en = runner.invoke(app, [*args, "--lang", "en"], env=wide).output
    assert "受注 D1: 基本プラン、" in ja and "Won D1: 基本プラン," in en
    assert ": P1" not in ja + en and ": P2" not in ja + en


def test_worksheet_products_read_by_name_from_the_tables() -> None:
    from rashinban.personas._workshop import _product, _product_names

    products = pd.DataFrame({"product_id": ["P1", "P2"], "name": ["基本プラン", None]})
    names = _product_names({"products": products})
    assert names == {"P1": "基本プラン", "P2": "P2"}  # no name: the id, as written
    assert [_product(names, p) for p in ("P1", "P2", "P9", None)] == ["基本プラン", "P2", "P9", "―"]
    assert _product_names({}) == {}


def test_tickets_without_a_satisfaction_score_show_no_mean(
    voice: dict[str, pd.DataFrame],
) -> None:
    tickets = voice["tickets"]
    account = str(tickets["account_id"].value_counts().index[0])  # several tickets
    mine = tickets["account_id"] == account
    n = int(mine.sum())

    def relationship(frame: pd.DataFrame) -> str:
        sheet = workshop({**voice, "tickets": frame}, [account])
        lines = sheet["accounts"][0]["sheet"]["relationship"]
        (line,) = [x for x in lines if x["text"].startswith("問い合わせ")]
        assert "nan" not in line["text"] + line["text_en"]
        return f"{line['text']} | {line['text_en']}"

    none = tickets.assign(satisfaction=tickets["satisfaction"].where(~mine))
    assert relationship(none) == (
        f"問い合わせ {n}件、満足度の記録なし | {n} tickets, no satisfaction scores"
    )
    some = tickets.copy()
    some.loc[some.index[mine & some["satisfaction"].notna()][0], "satisfaction"] = None
    scored = some.loc[mine, "satisfaction"].dropna()
    assert 0 < len(scored) < n
    mean = f"{scored.mean():.1f}"
    assert relationship(some) == (
        f"問い合わせ {n}件、満足度平均 {mean}（記録のある{len(scored)}件） | "
        f"{n} tickets, mean satisfaction {mean} ({len(scored)} scored)"
    )
    full = tickets.assign(satisfaction=tickets["satisfaction"].fillna(4))
    every = full.loc[mine, "satisfaction"]
    assert relationship(full) == (
        f"問い合わせ {n}件、満足度平均 {every.mean():.1f} | "
        f"{n} tickets, mean satisfaction {every.mean():.1f}"
    )


def test_the_table_says_how_many_evidence_ids_it_leaves_out(
    demo_ws: Workspace, voice: dict[str, pd.DataFrame]
) -> None:
    ids = _best(voice)
    w = [*ids, "-w", str(demo_ws.path), "--as-of", "2025-12-31"]
    cli = CliRunner()
    sheet = json.loads(cli.invoke(app, ["workshop", *w, "-f", "json"]).output)
    lines = [x for a in sheet["accounts"] for xs in a["sheet"].values() for x in xs]
    long = [x["evidence"] for x in lines if len(x["evidence"]) > 5]
    assert long  # the best customers have more than five notes or tickets on some line
    table = cli.invoke(app, ["workshop", *w], env={"COLUMNS": "400"}).output
    for ev in long:
        assert f"{'; '.join(ev[:5])}; … (+{len(ev) - 5})" in table, ev
    csv = cli.invoke(app, ["workshop", *w, "-f", "csv"]).output
    for ev in long:
        assert json.dumps(ev, ensure_ascii=False).replace('"', '""') in csv  # all of them
    assert "… (+" not in csv

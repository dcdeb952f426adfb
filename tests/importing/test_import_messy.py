"""Import: CRM/SFA exports as people save them (hidden sheets, merged cells, stage-only deals)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from import_helpers import rows

from rashinban import init_workspace
from rashinban.cli._data import _file_notes
from rashinban.importing import import_files
from rashinban.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return init_workspace(tmp_path / "ws")


def test_a_hidden_sheet_is_passed_over_for_the_visible_table(ws: Workspace, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    old = wb.active
    assert old is not None
    old.title = "旧データ"
    old.append(["取引先ID", "取引先名"])
    old.append(["OLD1", "昨年株式会社"])
    old.sheet_state = "hidden"
    shown = wb.create_sheet("取引先")
    shown.append(["取引先ID", "取引先名"])
    shown.append(["A1", "株式会社アルファ"])
    path = tmp_path / "取引先.xlsx"
    wb.save(path)
    result = import_files(ws, "accounts", [path])
    assert result.files[0].sheet == "取引先"
    assert rows(ws, "select account_id, name from accounts") == [("A1", "アルファ")]


def test_a_hidden_sheet_is_read_when_it_alone_holds_the_table(
    ws: Workspace, tmp_path: Path
) -> None:
    wb = openpyxl.Workbook()
    cover = wb.active
    assert cover is not None
    cover.title = "表紙"
    cover.append(["製品マスタ (社外秘)"])
    data = wb.create_sheet("data")
    data.append(["製品ID", "製品名"])
    data.append(["P1", "コア"])
    data.sheet_state = "veryHidden"
    path = tmp_path / "製品.xlsx"
    wb.save(path)
    result = import_files(ws, "products", [path])
    assert result.files[0].sheet == "data"
    assert rows(ws, "select product_id from products") == [("P1",)]


def _accounts(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "acc.csv"
    path.write_text("取引先ID,取引先名\nA1,アルファ\nA2,ベータ\n", encoding="utf-8")
    import_files(ws, "accounts", [path])


# A Salesforce opportunity report (Japanese UI), as Excel saves it: CP932, フェーズ and
# no 結果 column; 成立 / 不成立 are the Japanese names of Closed Won / Closed Lost.
SF_DEALS = (
    "商談 ID,取引先 ID,商談名,金額,完了予定日,フェーズ,作成日\r\n"
    "D1,A1,案件1,1200000,2024/4/30,成立,2024/3/1\r\n"
    "D2,A1,案件2,500000,2024/5/31,不成立,2024/3/1\r\n"
    "D3,A2,案件3,800000,2024/6/30,提案/見積,2024/3/1\r\n"
    "D4,A2,案件4,300000,2024/6/30,Closed Won,2024/3/1\r\n"
)


def test_a_deals_report_without_an_outcome_column_reads_it_from_the_stage(
    ws: Workspace, tmp_path: Path
) -> None:
    _accounts(ws, tmp_path)
    path = tmp_path / "商談.csv"
    path.write_bytes(SF_DEALS.encode("cp932"))
    fr = import_files(ws, "deals", [path]).files[0]
    assert rows(ws, "select deal_id, stage, outcome from deals order by deal_id") == [
        ("D1", "成立", "won"),
        ("D2", "不成立", "lost"),
        ("D3", "提案/見積", "open"),
        ("D4", "Closed Won", "won"),
    ]
    assert fr.outcome_from_stage == (
        "Closed Won → won",
        "成立 → won",
        "不成立 → lost",
        "提案/見積 → open",
    )
    (note,) = [n for n in _file_notes("deals", fr, "ja") if n["kind"] == "outcome_from_stage"]
    assert note["text"].startswith(
        "結果の列がないため、フェーズから結果を判定 (Closed Won → won, 成立 → "
    )
    again = import_files(ws, "deals", [path]).files[0]
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 4)


def test_a_stage_that_never_closes_a_deal_leaves_the_outcome_alone(
    ws: Workspace, tmp_path: Path
) -> None:
    _accounts(ws, tmp_path)
    path = tmp_path / "商談.csv"
    path.write_text(
        "商談ID,取引先ID,作成日,フェーズ\nD1,A1,2024-03-01,提案\nD2,A2,2024-03-01,交渉\n",
        encoding="utf-8",
    )
    fr = import_files(ws, "deals", [path]).files[0]
    assert fr.outcome_from_stage == ()
    assert rows(ws, "select count(*) from deals where outcome is not null") == [(0,)]


def test_an_outcome_column_wins_over_the_stage(ws: Workspace, tmp_path: Path) -> None:
    _accounts(ws, tmp_path)
    path = tmp_path / "商談.csv"
    path.write_text(
        "商談ID,取引先ID,作成日,フェーズ,結果\nD1,A1,2024-03-01,成立,失注\n"
        "D2,A2,2024-03-01,提案,成立\n",
        encoding="utf-8",
    )
    fr = import_files(ws, "deals", [path]).files[0]
    assert fr.outcome_from_stage == ()
    assert rows(ws, "select deal_id, outcome from deals order by deal_id") == [
        ("D1", "lost"),
        ("D2", "won"),
    ]


def test_a_cell_merged_down_over_rows_fills_each_row(ws: Workspace, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet["A1"] = "取引先一覧"
    sheet.merge_cells("A1:D1")  # a title across the table: not a data cell
    sheet.append(["取引先ID", "取引先名", "都道府県", "所有者"])
    sheet.append(["A1", "アルファ", "福岡県", "山田"])
    sheet.append(["A2", "ベータ", None, None])
    sheet.append(["A3", "ガンマ", None, "佐藤"])
    sheet.append(["A4", "デルタ", "大阪府", None])
    sheet.merge_cells("C3:C5")  # 福岡県 written once for three accounts
    sheet.merge_cells("D3:D4")
    path = tmp_path / "取引先.xlsx"
    wb.save(path)
    fr = import_files(ws, "accounts", [path]).files[0]
    assert rows(ws, "select account_id, prefecture, owner from accounts order by 1") == [
        ("A1", "福岡県", "山田"),
        ("A2", "福岡県", "山田"),
        ("A3", "福岡県", "佐藤"),
        ("A4", "大阪府", None),
    ]
    assert fr.header_row == 2 and fr.merged_cells == ("都道府県", "所有者")
    (note,) = [n for n in _file_notes("accounts", fr, "en") if n["kind"] == "merged_cells"]
    assert note["text"] == (
        "a merged cell's value given to each row it spans (columns: 都道府県, 所有者)"
    )


def test_stage_docstring_examples() -> None:
    import doctest

    from rashinban.importing import _stages

    result = doctest.testmod(_stages)
    assert result.failed == 0 and result.attempted > 0

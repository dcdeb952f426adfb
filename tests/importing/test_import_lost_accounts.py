"""A row whose account was rejected by an accounts import says so, with that row."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_helpers import read_rejects, rows, write

from rashinban import init_workspace
from rashinban._errors import pick_language
from rashinban.importing import import_files
from rashinban.workspace import Workspace

GENERIC = "取引先ID 'C009' は 取引先 にありません / unknown account id"


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return init_workspace(tmp_path / "ws")


def _accounts(tmp_path: Path, name: str = "accounts.csv") -> Path:
    # Row 5 (C004) has an unquoted comma in its revenue: too many fields, the row is lost.
    return write(
        tmp_path / name,
        "account_id,name,annual_revenue\n"
        "C001,アルファ,100\n"
        "C002,ベータ,200\n"
        ",名無し,300\n"
        "C004,デルタ,1,234\n",
    )


def _deals(tmp_path: Path) -> Path:
    return write(
        tmp_path / "deals.csv",
        "deal_id,account_id,created_at,amount\n"
        "D1,C001,2024-04-01,100\n"
        "D2,C004,2024-04-01,200\n"
        "D3,C009,2024-04-01,300\n",
    )


def _reasons(path: Path | None) -> dict[str, str]:
    return {r["値/value"]: r["理由/reason"] for r in read_rejects(path)}


def test_rejects_file_names_the_key_of_each_rejected_row(ws: Workspace, tmp_path: Path) -> None:
    result = import_files(ws, "accounts", [_accounts(tmp_path)])
    rejects = read_rejects(result.rejects_file)
    listed = [(r["行/row"], r["種別/kind"], r["キー/key"]) for r in rejects]
    # The empty key has no key to name; the malformed line's first cell is its 取引先ID.
    assert listed == [("4", "rejected", ""), ("5", "parse_error", "C004")]


def test_a_deal_of_a_rejected_account_names_the_accounts_row(ws: Workspace, tmp_path: Path) -> None:
    import_files(ws, "accounts", [_accounts(tmp_path)])
    result = import_files(ws, "deals", [_deals(tmp_path)])
    assert rows(ws, "SELECT deal_id FROM deals") == [("D1",)]
    reasons = _reasons(result.rejects_file)
    problem, _, fix = reasons["C004"].partition(" — ")
    assert pick_language(problem, "ja") == (
        "取引先 C004 は accounts.csv 5行目で除外されています "
        "(理由: 列が多すぎます: 見出しは3列、この行は4列)"
    )
    assert pick_language(problem, "en") == (
        "account C004 was rejected at accounts.csv row 5 "
        "(too many fields: the header has 3 columns, this row 4)"
    )
    assert fix == (
        "その行を直して取引先を取り込み直してください / fix that row and import accounts again"
    )
    # Nothing is known of C009: the reason stays the generic one.
    assert reasons["C009"].startswith(GENERIC)
    assert "import accounts first or correct the id" in reasons["C009"]


def test_the_latest_accounts_import_that_rejected_the_id_is_named(
    ws: Workspace, tmp_path: Path
) -> None:
    import_files(ws, "accounts", [_accounts(tmp_path)])
    later = write(
        tmp_path / "accounts_2.csv",
        "account_id,name,annual_revenue\nC004,デルタ,1,234\n",
    )
    import_files(ws, "accounts", [later])
    reasons = _reasons(import_files(ws, "deals", [_deals(tmp_path)]).rejects_file)
    assert "取引先 C004 は accounts_2.csv 2行目で除外されています" in reasons["C004"]


def test_once_the_account_is_imported_its_deals_load(ws: Workspace, tmp_path: Path) -> None:
    import_files(ws, "accounts", [_accounts(tmp_path)])
    fixed = write(tmp_path / "fixed.csv", 'account_id,name,annual_revenue\nC004,デルタ,"1,234"\n')
    import_files(ws, "accounts", [fixed])
    result = import_files(ws, "deals", [_deals(tmp_path)])
    assert rows(ws, "SELECT deal_id FROM deals ORDER BY 1") == [("D1",), ("D2",)]
    assert list(_reasons(result.rejects_file)) == ["C009"]


def test_without_the_rejects_file_the_reason_stays_generic(ws: Workspace, tmp_path: Path) -> None:
    first = import_files(ws, "accounts", [_accounts(tmp_path)])
    assert first.rejects_file is not None
    first.rejects_file.unlink()
    reasons = _reasons(import_files(ws, "deals", [_deals(tmp_path)]).rejects_file)
    assert reasons["C004"].startswith("取引先ID 'C004' は 取引先 にありません")


def test_a_key_not_in_the_first_column_of_a_malformed_line_is_not_guessed(
    ws: Workspace, tmp_path: Path
) -> None:
    accounts = write(
        tmp_path / "accounts.csv",
        "name,account_id,annual_revenue\nアルファ,C001,100\nデルタ,1,234,C004\n",
    )
    result = import_files(ws, "accounts", [accounts])
    assert [r["キー/key"] for r in read_rejects(result.rejects_file)] == [""]

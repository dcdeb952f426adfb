"""`rashinban import` as a user runs it: summaries, rejects and exit codes (a real subprocess)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.test_cli import no_traceback, run


def test_init_and_import_with_rejects(tmp_path: Path) -> None:
    ws = tmp_path / "acme"
    assert run("init", str(ws)).returncode == 0
    csv = tmp_path / "取引先.csv"
    csv.write_bytes(
        "取引先ID,取引先名,従業員数\nA1,㈱テスト,１２０名\nA2,山田商店,約50名\n".encode("cp932")
    )
    proc = run("import", "accounts", str(csv), "-w", str(ws))
    assert proc.returncode == 0, proc.stderr
    # 約50名 is no exact number: A2 is kept with 従業員数 empty, and the summary says so.
    assert "追加 2 / 更新 0 / 変更なし 0 / 除外 0" in proc.stdout and "rejects" in proc.stdout
    assert (
        "  読めない値 1 件を空欄にして取り込みました (列: 従業員数)。値と理由は除外・統合した行の"
        "一覧にあります / 1 unreadable value stored as empty, the row kept (columns: employees)"
    ) in proc.stdout
    deals = tmp_path / "商談.csv"
    deals.write_text(
        "商談ID,取引先ID,作成日,完了予定日\n"
        "D1,A1,2024-04-01,2024-03-01\nD2,A2,,\nD3,A2,2024-04-01,\n",
        encoding="utf-8",
    )
    proc = run("import", "deals", str(deals), "-w", str(ws))
    assert proc.returncode == 0, proc.stderr
    assert "追加 1 / 更新 0 / 変更なし 0 / 除外 2" in proc.stdout
    assert "読めない値" not in proc.stdout


def test_import_summary_says_which_duplicate_keys_were_merged(tmp_path: Path) -> None:
    files = {
        "dup.csv": "account_id,name,employees\nX001,㈱アルファ,120\nX002,ベータ,\n"
        "X001,有限会社 重複,10\nX002,,30\n",
        "fill.csv": "account_id,name,employees\nB1,Bee,\nB1,,30\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert run("init", str(tmp_path / "acme")).returncode == 0
    dup, fill = (
        run("import", "accounts", str(tmp_path / name), "-w", str(tmp_path / "acme"))
        for name in files
    )
    assert dup.returncode == 0, dup.stderr
    clash = "同じキーの行を前の行に 2 行統合 (X001, X002)。うち 1 件のキーは空でない値が食い違い、"
    assert "  " + clash in dup.stdout
    assert "(X001; 列: 取引先名, 法人格, 従業員数)" in dup.stdout
    english = "1 key had different non-empty values, the later row's kept (X001; columns: "
    assert english in dup.stdout
    assert "同じキーの行を前の行に 1 行統合 (B1)。後の行は空欄を埋めただけです" in fill.stdout
    assert "食い違い" not in fill.stdout


def test_import_says_which_new_accounts_have_no_name(tmp_path: Path) -> None:
    ws = tmp_path / "acme"
    assert run("init", str(ws), "--lang", "en").returncode == 0
    ids = tmp_path / "ids.csv"
    ids.write_text("account_id,employees\nA1,10\nA2,20\n", encoding="utf-8")
    proc = run("import", "accounts", str(ids), "-w", str(ws))
    assert proc.returncode == 0, proc.stderr
    assert "  2 accounts added without a company name (rows 2, 3): " in proc.stdout
    # Importing the same ids again adds nothing, so nothing is said.
    again = run("import", "accounts", str(ids), "-w", str(ws))
    assert again.returncode == 0 and "without a company name" not in again.stdout


def test_import_names_the_report_footer_it_left_out(tmp_path: Path) -> None:
    ws = tmp_path / "acme"
    assert run("init", str(ws)).returncode == 0
    export = tmp_path / "取引先.csv"
    export.write_bytes(
        (
            '"取引先ID","取引先名"\r\n"A1","一社"\r\n\r\n'
            '"Confidential Information - Do Not Distribute"\r\n"生成日時: 2024/04/02 10:00"\r\n'
        ).encode("cp932")
    )
    proc = run("import", "accounts", str(export), "-w", str(ws))
    assert proc.returncode == 0, proc.stderr
    assert "読込 1 行" in proc.stdout
    assert (
        "  表の下の注記は読み飛ばし / report footer left out: Confidential Information - Do Not "
        "Distribute | 生成日時: 2024/04/02 10:00" in proc.stdout
    )
    # In an English workspace the summary is English.
    english = tmp_path / "acme_en"
    made = run("init", str(english), "--lang", "en")
    assert made.returncode == 0 and made.stdout.startswith("workspace ready: "), made.stdout
    proc = run("import", "accounts", str(export), "-w", str(english))
    assert proc.returncode == 0, proc.stderr
    assert "read 1 row / inserted 1 /" in proc.stdout and "読込" not in proc.stdout
    assert "\n  report footer left out: Confidential" in proc.stdout
    assert "表の下" not in proc.stdout


def test_strict_import_exit_1(tmp_path: Path) -> None:
    ws = tmp_path / "acme"
    run("init", str(ws))
    csv = tmp_path / "a.csv"
    csv.write_text("account_id,employees\nA1,約500名\n", encoding="utf-8")
    proc = run("import", "accounts", str(csv), "-w", str(ws), "--strict")
    assert proc.returncode == 1 and "nothing was loaded" in proc.stderr


def test_an_import_of_a_header_only_file_says_it_read_no_rows(tmp_path: Path) -> None:
    """An export whose filter matched nothing has the header alone: nothing changes and the
    command says so (exit 0, so that a scheduled import of an empty delta does not fail)."""
    ws = tmp_path / "acme"
    assert run("init", str(ws)).returncode == 0
    header = tmp_path / "取引先.csv"
    header.write_text("account_id,name,industry,employees\n", encoding="utf-8")
    proc = run("import", "accounts", str(header), "-w", str(ws))
    assert proc.returncode == 0 and no_traceback(proc), proc.stderr
    assert "読込 0 行" in proc.stdout
    assert "データ行がありません (見出し行のみ)" in proc.stdout
    full = tmp_path / "full.csv"
    full.write_text("account_id,name\nA1,アクメ\n", encoding="utf-8")
    proc = run("import", "accounts", str(full), "-w", str(ws))
    assert proc.returncode == 0 and "データ行がありません" not in proc.stdout


def _workspace_and_file(tmp_path: Path, text: str, *init: str) -> tuple[Path, Path]:
    """A new workspace (``init`` options such as ``--lang en``) and a CSV file of ``text``."""
    ws = tmp_path / "acme"
    assert run("init", str(ws), *init).returncode == 0
    path = tmp_path / "取引先.csv"
    path.write_text(text, encoding="utf-8")
    return ws, path


def test_import_json_carries_what_the_summary_says(tmp_path: Path) -> None:
    ws, csv = _workspace_and_file(
        tmp_path,
        "取引先ID,取引先名,従業員数,メモ\n"
        "A1,㈱テスト,１２０名,x\nA2,山田商店,約50名,y\nA1,,130,\n,名無し,1,\n",
    )
    proc = run("import", "accounts", str(csv), "-w", str(ws), "--format", "json")
    assert proc.returncode == 0 and no_traceback(proc), proc.stderr
    assert proc.stderr == ""
    got = json.loads(proc.stdout)
    # Four rows: A1 and A2 added, the second A1 merged into the first, the id-less one
    # rejected; 約50名 is left empty with A2 kept.
    assert {k: got[k] for k in ("table", "rows_read", "rows_written", "rejected")} == {
        "table": "accounts",
        "rows_read": 4,
        "rows_written": 2,
        "rejected": 1,
    }
    rejects = Path(got["rejects_file"])
    assert rejects.parent == ws / "rejects" and rejects.exists()
    (f,) = got["files"]
    assert f["file"] == "取引先.csv"
    assert (f["inserted"], f["updated"], f["unchanged"], f["merged_duplicates"]) == (2, 0, 0, 1)
    assert (f["rows_written"], f["rejected"], f["dropped"]) == (2, 1, 1)
    assert (f["mapping"], f["encoding"], f["extra_columns"]) == ("canonical", "utf-8", ["メモ"])
    assert f["dropped_columns"] == ["employees"] and f["conflicting_keys"] == ["A1"]
    assert [n["kind"] for n in f["notes"]] == [
        "extra_columns",
        "merged_duplicates",
        "value_dropped",
    ]
    assert f["notes"][2]["text"].startswith(
        "読めない値 1 件を空欄にして取り込みました (列: 従業員数)。値と理由は除外・統合した行の"
        "一覧にあります / 1 unreadable value stored as empty"
    )
    # The table (the default) says the same notes, each under its file's counts.
    table = run("import", "accounts", str(csv), "-w", str(ws))
    assert table.returncode == 0, table.stderr
    assert "読込 4 行 / 追加 0 / 更新 0 / 変更なし 2 / 除外 1 / 重複統合 1" in table.stdout
    for note in f["notes"]:
        assert "\n  " + note["text"] + "\n" in table.stdout
    again = json.loads(run("import", "accounts", str(csv), "-w", str(ws), "-f", "json").stdout)
    assert (again["rows_written"], again["files"][0]["unchanged"]) == (0, 2)


def test_import_json_notes_follow_an_english_workspace(tmp_path: Path) -> None:
    ws, header = _workspace_and_file(tmp_path, "account_id,name\n", "--lang", "en")
    proc = run("import", "accounts", str(header), "-w", str(ws), "-f", "json")
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert (got["rows_read"], got["rows_written"], got["rejected"]) == (0, 0, 0)
    assert got["rejects_file"] is None
    assert got["files"][0]["notes"] == [
        {
            "kind": "no_data_rows",
            "text": "no data rows (only the header): check the export's filter and export again",
        }
    ]


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_import_errors_are_one_line_in_either_format(tmp_path: Path, fmt: str) -> None:
    ws, bad = _workspace_and_file(tmp_path, "account_id,employees\nA1,約500名\n")
    for args in ((str(bad), "--strict"), (str(tmp_path / "nothere.csv"),)):
        proc = run("import", "accounts", *args, "-w", str(ws), "--format", fmt)
        assert proc.returncode == 1 and no_traceback(proc), proc.stderr
        assert proc.stdout == ""
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert proc.stderr.startswith("エラー / error: ")


def test_import_summary_says_what_the_time_zone_and_lost_formulas_did(tmp_path: Path) -> None:
    import openpyxl

    ws, accounts = _workspace_and_file(tmp_path, "account_id,name\nA1,アクメ\n")
    assert run("import", "accounts", str(accounts), "-w", str(ws)).returncode == 0
    orders = tmp_path / "注文.csv"
    orders.write_text(
        "注文ID,取引先ID,注文日\nO1,A1,2024-03-31T15:30:00.000Z\nO2,A1,2024-03-31T01:00:00Z\n",
        encoding="utf-8",
    )
    proc = run("import", "orders", str(orders), "-w", str(ws))
    assert proc.returncode == 0, proc.stderr
    assert (
        "  UTCなど時差付きの日時 2 件を Asia/Tokyo の日付に換算しました (うち 1 件は書かれた"
        "日付と日が変わりました; 列: 注文日)。時間帯は rashinban.toml の [data] timezone で"
        "変えられます / "
        "2 date-times with another UTC offset converted to Asia/Tokyo dates (1 fell on another "
        "day than written; columns: ordered at)"
    ) in proc.stdout
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(["注文ID", "取引先ID", "注文日", "金額"])
    sheet.append(["O3", "A1", "2024-04-02", "=1+1"])
    wb.save(tmp_path / "注文.xlsx")
    proc = run("import", "orders", str(tmp_path / "注文.xlsx"), "-w", str(ws), "-f", "json")
    assert proc.returncode == 0, proc.stderr
    (f,) = json.loads(proc.stdout)["files"]
    assert (f["formulas"], f["formula_columns"], f["timezone"]) == (1, ["金額"], "Asia/Tokyo")
    note = next(n["text"] for n in f["notes"] if n["kind"] == "formulas")
    assert note.startswith("計算結果が保存されていない数式 1 件を空欄として読みました (列: 金額)")
    assert "Open and save the file in Excel (or export values)" in note

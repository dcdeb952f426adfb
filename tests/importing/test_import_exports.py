"""Import of the exports sales teams really have: Salesforce report footers, Excel-saved
CSV quirks, Salesforce ids in two lengths, workbooks under the wrong name or locked."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from import_helpers import read_rejects, rows

from rashinban import EncodingError, ImportFileError, MappingError, init_workspace
from rashinban.importing import import_files
from rashinban.importing._convert import salesforce_checksum
from rashinban.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures"

SF_FOOTER = (
    "\r\n"
    '"Confidential Information - Do Not Distribute"\r\n'
    '"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."\r\n'
    '""\r\n'
    '"生成日時: 2024/04/02 10:00"\r\n'
    "\r\n"
)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return init_workspace(tmp_path / "ws")


def csv_text(rows: list[list[str]]) -> str:
    """Rows as Excel writes them: CRLF between records, a bare LF inside a cell."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


# ------------------------------------------------------------------ Salesforce report exports
def test_salesforce_report_footer_is_left_out(ws: Workspace, tmp_path: Path) -> None:
    # CP932 with characters Shift_JIS lacks (髙 﨑 ㈱ and NEC/IBM extensions), CRLF, a
    # quoted cell holding a line break and a comma, and the footer Salesforce appends.
    body = csv_text(
        [
            ["取引先 ID", "取引先名", "請求先都道府県", "従業員数", "年間売上", "作成日", "説明"],
            ["0015g00000AbCdE", "㈱髙橋製作所", "東京都", "1,200", "￥1,234,567",
             "2024/04/01 9:05", "本社\n工場あり, 第二"],
            ["0015g00000AbCdF", "﨑山商事株式会社", "大阪府", "350", "JPY 1,234,567",
             "2024/4/1 9:05:07", "纊褜鍈ⅰ"],
            ["0015g00000AbCdG", "有限会社テスト", "神奈川県", "12", "△1,000",
             "2024-04-01T09:05:00.000+0000", ""],
        ]
    )  # fmt: skip
    path = tmp_path / "report.csv"
    path.write_bytes((body + SF_FOOTER).encode("cp932"))
    result = import_files(ws, "accounts", [path])
    assert result.rejects_file is None
    assert result.files[0].footer == (
        "Confidential Information - Do Not Distribute",
        "Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved.",
        "生成日時: 2024/04/02 10:00",
    )
    got = rows(
        ws,
        'select account_id, name, legal_form, employees, annual_revenue, created_at, "説明" '
        "from accounts order by 1",
    )
    day = dt.date(2024, 4, 1)
    assert got == [
        ("0015g00000AbCdE", "髙橋製作所", "株式会社", 1200, 1234567.0, day, "本社\n工場あり, 第二"),
        ("0015g00000AbCdF", "﨑山商事", "株式会社", 350, 1234567.0, day, "纊褜鍈ⅰ"),
        ("0015g00000AbCdG", "テスト", "有限会社", 12, -1000.0, day, None),
    ]


def test_a_one_cell_line_right_below_the_data_is_a_record_not_a_footer(
    ws: Workspace, tmp_path: Path
) -> None:
    # Without the blank line a footer starts with, a one-cell last line is a row whose
    # trailing cells are empty (short rows are padded), not a footer.
    path = tmp_path / "cut.csv"
    path.write_text("product_id,name\r\nP1,a\r\nP2\r\n", encoding="utf-8")
    result = import_files(ws, "products", [path])
    assert result.files[0].footer == ()
    assert rows(ws, "select product_id, name from products order by 1") == [
        ("P1", "a"),
        ("P2", None),
    ]


def test_salesforce_workbook_footer_is_left_out(ws: Workspace, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(["取引先 ID", "取引先名", "従業員数"])
    sheet.append(["0015g00000AbCdE", "髙橋製作所", 1200])
    sheet.append(["0015g00000AbCdF", "山田商店", 35])
    sheet.append([])
    sheet.append(["Confidential Information - Do Not Distribute"])
    sheet.append(["Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."])
    path = tmp_path / "report.xlsx"
    wb.save(path)
    result = import_files(ws, "accounts", [path])
    assert rows(ws, "select account_id from accounts order by 1") == [
        ("0015g00000AbCdE",),
        ("0015g00000AbCdF",),
    ]
    assert result.files[0].footer[0] == "Confidential Information - Do Not Distribute"


def test_salesforce_ids_in_15_and_18_characters_name_one_record(
    ws: Workspace, tmp_path: Path
) -> None:
    # Salesforce's published example: a0D30000001n7Pi is a0D30000001n7PiEAI in 18.
    assert salesforce_checksum("a0D30000001n7Pi") == "EAI"
    report = tmp_path / "report.csv"  # a report: 15 characters
    report.write_text("取引先 ID,取引先名\r\n0015g00000AbCdE,髙橋製作所\r\n", encoding="utf-8")
    loader = tmp_path / "dataloader.csv"  # Data Loader: 18 characters
    loader.write_text(
        "取引先 ID,取引先名,従業員数\r\n0015g00000AbCdEAAV,髙橋製作所,1200\r\n"
        "0015g00000AbCdEAAX,チェックが合わない,1\r\n",
        encoding="utf-8",
    )
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "取引先責任者 ID,取引先 ID,氏名\r\n0035g00000QwErTAAV,0015g00000AbCdEAAV,山田 太郎\r\n",
        encoding="utf-8",
    )
    import_files(ws, "accounts", [report])
    import_files(ws, "accounts", [loader])
    import_files(ws, "contacts", [contacts])
    assert rows(ws, "select account_id, employees from accounts order by 1") == [
        ("0015g00000AbCdE", 1200),
        # a suffix that is not the checksum is not Salesforce's: the id is kept whole
        ("0015g00000AbCdEAAX", 1),
    ]
    assert rows(ws, "select contact_id, account_id from contacts") == [
        ("0035g00000QwErT", "0015g00000AbCdE")
    ]


# ------------------------------------------------------------------ Excel-saved CSV quirks
def test_a_header_cell_with_a_line_break(ws: Workspace, tmp_path: Path) -> None:
    # Alt+Enter in a header cell: a bare LF inside quotes in a CRLF file. DuckDB alone
    # reads no rows at all from such a file.
    path = tmp_path / "alt_enter.csv"
    path.write_text(
        csv_text([["取引先ID", "取引先名", "従業員\n数", "備考\n(社内)"], ["A1", "一", "10", "x"]]),
        encoding="utf-8",
    )
    result = import_files(ws, "accounts", [path])
    assert result.files[0].extra_columns == ("備考 (社内)",)
    assert rows(ws, 'select account_id, employees, "備考 (社内)" from accounts') == [
        ("A1", 10, "x")
    ]


def test_rows_after_a_blank_line_keep_their_spreadsheet_numbers(
    ws: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text(
        "取引先一覧\r\n\r\n"  # a title and a blank line above the header (rows 1-2)
        "取引先ID,取引先名,従業員数\r\n"  # row 3
        'A1,一社,"10"\r\n'  # row 4
        "A2,二社,約20名\r\n"  # row 5
        "\r\n\r\n"  # rows 6-7
        "A3,三社,多数\r\n"  # row 8
        "A4,四社,1,余分\r\n"  # row 9: one cell too many
        "A5,五社,abc\r\n",  # row 10
        encoding="utf-8",
    )
    result = import_files(ws, "accounts", [path])
    assert [(r["行/row"], r["値/value"]) for r in read_rejects(result.rejects_file)] == [
        ("5", "約20名"),
        ("8", "多数"),
        ("9", "A4,四社,1,余分"),  # a malformed line shows as written
        ("10", "abc"),
    ]


def test_rows_of_empty_cells_are_not_records(ws: Workspace, tmp_path: Path) -> None:
    # Excel writes a formatted but empty row as ",,": no record, and nothing to reject.
    path = tmp_path / "commas.csv"
    path.write_text("取引先ID,取引先名,従業員数\r\nA1,一社,1\r\n,,\r\n , ,\r\n", encoding="utf-8")
    result = import_files(ws, "accounts", [path])
    assert result.rejects_file is None
    assert result.files[0].rows_read == 1
    assert rows(ws, "select account_id from accounts") == [("A1",)]


def test_headers_equal_but_for_case_are_both_kept(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "memo.csv"
    path.write_text("product_id,Memo,memo,メモ,メモ\r\nP1,a,b,c,d\r\n", encoding="utf-8")
    result = import_files(ws, "products", [path])
    assert result.files[0].extra_columns == ("Memo", "memo_2", "メモ", "メモ_2")
    assert rows(ws, 'select "Memo", "memo_2", "メモ", "メモ_2" from products') == [
        ("a", "b", "c", "d")
    ]


def test_excel_serial_numbers_in_a_date_column(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "serials.csv"
    path.write_text(
        "取引先ID,取引先名,作成日\r\nA1,一社,45383\r\nA2,二社,45383.375\r\n"
        "A3,三社,2024/4/1\r\nA4,四社,99999\r\n",
        encoding="utf-8",
    )
    result = import_files(ws, "accounts", [path])
    day = dt.date(2024, 4, 1)
    assert rows(ws, "select account_id, created_at from accounts order by 1") == [
        ("A1", day),
        ("A2", day),
        ("A3", day),
        ("A4", None),  # kept with its 作成日 empty; the value is listed
    ]
    [reject] = read_rejects(result.rejects_file)
    assert reject["行/row"] == "5" and "2173-10-13" in reject["理由/reason"]


def test_an_id_in_exponent_notation_is_rejected(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text(
        "取引先ID,取引先名\r\n1.23457E+11,一社\r\n123456789012,二社\r\n1E10,三社\r\n",
        encoding="utf-8",
    )
    result = import_files(ws, "accounts", [path])
    assert rows(ws, "select account_id from accounts order by 1") == [("123456789012",), ("1E10",)]
    [reject] = read_rejects(result.rejects_file)
    assert (reject["行/row"], reject["値/value"]) == ("2", "1.23457E+11")
    assert "指数表記" in reject["理由/reason"] and "exponent" in reject["理由/reason"]


# ------------------------------------------------------------------ wrong files
@pytest.mark.parametrize("name", ["取引先.csv", "取引先.xls"])
def test_a_workbook_under_another_name_is_read_as_a_workbook(
    ws: Workspace, tmp_path: Path, name: str
) -> None:
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(["取引先ID", "取引先名"])
    sheet.append(["A1", "一社"])
    path = tmp_path / name
    wb.save(path)
    import_files(ws, "accounts", [path])
    assert rows(ws, "select account_id, name from accounts") == [("A1", "一社")]


def test_a_password_protected_workbook_says_so(ws: Workspace, tmp_path: Path) -> None:
    # An .xlsx encrypted by Excel's "Encrypt with Password" (made with msoffcrypto-tool).
    path = FIXTURES / "取引先_パスワード付き.xlsx"
    with pytest.raises(ImportFileError, match=r"パスワード.*password-protected.*fix: .*Excel"):
        import_files(ws, "accounts", [path])
    renamed = tmp_path / "取引先.csv"
    shutil.copyfile(path, renamed)
    with pytest.raises(ImportFileError, match="password-protected"):
        import_files(ws, "accounts", [renamed])


def test_a_zip_archive_is_refused_with_what_to_do(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Account.csv", "Id,Name\r\n")
    with pytest.raises(ImportFileError, match=r"ZIP.*Account\.csv.*fix: .*unzip"):
        import_files(ws, "accounts", [path])


def test_binary_data_is_not_text(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(EncodingError, match=r"テキストファイルではありません.*not text"):
        import_files(ws, "accounts", [path])


def test_utf16_without_a_bom(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes("取引先ID\t取引先名\r\nA1\t髙橋㈱\r\n".encode("utf-16-le"))
    result = import_files(ws, "accounts", [path])
    assert result.files[0].encoding == "utf-16-le"
    assert rows(ws, "select name, legal_form from accounts") == [("髙橋", "株式会社")]


@pytest.mark.parametrize("name", ["shift_jis", "Shift-JIS", "sjis", "MS932", "windows-31j"])
def test_shift_jis_by_any_name_is_read_as_cp932(ws: Workspace, tmp_path: Path, name: str) -> None:
    path = tmp_path / "sjis.csv"
    path.write_bytes("取引先ID,取引先名\r\nA1,㈱髙橋\r\n".encode("cp932"))
    result = import_files(ws, "accounts", [path], encoding=name)
    assert result.files[0].encoding == "cp932"
    assert rows(ws, "select name from accounts") == [("髙橋",)]


def test_a_failed_import_of_several_files_keeps_no_copy(ws: Workspace, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("取引先ID,取引先名\r\nA1,一社\r\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(EncodingError):
        import_files(ws, "accounts", [good, bad])
    assert not any((ws.path / "imports").glob("*"))
    assert rows(ws, "select count(*) from accounts") == [(0,)]


def test_a_missing_file_or_a_folder_is_named_before_anything_is_read(
    ws: Workspace, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text("取引先ID,取引先名\r\nA1,一社\r\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="ファイルが見つかりません / file not found"):
        import_files(ws, "accounts", [good, tmp_path / "nai.csv"])
    with pytest.raises(ImportFileError, match=r"フォルダ.*folder"):
        import_files(ws, "accounts", [tmp_path])
    assert not (ws.path / "imports").exists() or not any((ws.path / "imports").glob("*"))


def test_an_empty_file_is_one_clear_error(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(ImportFileError, match=r"見出し行がありません.*no header row"):
        import_files(ws, "accounts", [path])


def test_a_table_exported_from_a_workspace_imports_back(ws: Workspace, tmp_path: Path) -> None:
    # Canonical headers, including both stage and outcome (which a Salesforce export's
    # "Stage" would map onto): the canonical names win, no preset is guessed.
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,name\nA1,一社\n", encoding="utf-8")
    import_files(ws, "accounts", [accounts])
    path = tmp_path / "deals.csv"
    path.write_text(
        "deal_id,account_id,created_at,closed_at,stage,amount,outcome,loss_reason,kind\n"
        "D1,A1,2024-04-01,2024-05-01,受注,1200000,won,,new\n"
        "D2,A1,2024-04-02,2024-06-01,失注,300000,lost,価格,expansion\n",
        encoding="utf-8",
    )
    import_files(ws, "deals", [path])
    assert rows(ws, "select deal_id, stage, outcome, kind from deals order by 1") == [
        ("D1", "受注", "won", "new"),
        ("D2", "失注", "lost", "expansion"),
    ]


# ------------------------------------------------------------------ units in headers
def test_a_unit_in_the_header_converts_the_column(ws: Workspace, tmp_path: Path) -> None:
    # Japanese spreadsheets put the unit in the header: 年間売上（千円）, 従業員数(名).
    path = tmp_path / "取引先.csv"
    path.write_bytes(
        (
            "取引先ID,取引先名,年間売上（千円）,従業員数(名),資本金(百万円)\r\n"
            'A1,一社,"1,200",30,5\r\n'  # the slow path (a separator)
            "A2,二社,1.1,12,\r\n"  # the fast path
            "A3,三社,3億円,7,\r\n"  # a cell with its own unit keeps it
            "A4,四社,約500,7,\r\n"  # still refused: approximate
        ).encode("cp932")
    )
    result = import_files(ws, "accounts", [path])
    assert rows(ws, "select account_id, annual_revenue, employees from accounts order by 1") == [
        ("A1", 1_200_000.0, 30),
        ("A2", 1_100.0, 12),
        ("A3", 300_000_000.0, 7),
        ("A4", None, 7),
    ]
    [fr] = result.files
    assert fr.units == ("年間売上（千円） → annual_revenue ×1,000",)
    assert fr.extra_columns == ("資本金(百万円)",)  # no canonical column: kept, unconverted
    [reject] = read_rejects(result.rejects_file)
    assert reject["行/row"] == "5"


@pytest.mark.parametrize(
    ("header", "factor"),
    [
        ("金額(円)", 1.0),
        ("金額【単位：百万円】", 1e6),
        ("金額（税込）", 1.0),
        ("金額[税抜・万円]", 1e4),
    ],
)
def test_money_units_and_tax_notes(
    ws: Workspace, tmp_path: Path, header: str, factor: float
) -> None:
    load = tmp_path / "a.csv"
    load.write_text("account_id,name\nA1,一社\n", encoding="utf-8")
    import_files(ws, "accounts", [load])
    path = tmp_path / "orders.csv"
    path.write_text(f"注文ID,取引先ID,注文日,{header}\nO1,A1,2024-04-01,12\n", encoding="utf-8")
    import_files(ws, "orders", [path])
    assert rows(ws, "select amount from orders") == [(12 * factor,)]


def test_a_unit_that_does_not_fit_its_column_is_refused(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "取引先.csv"
    path.write_text("取引先ID,取引先名,従業員数(千円)\nA1,一社,30\n", encoding="utf-8")
    with pytest.raises(MappingError, match="千円") as err:
        import_files(ws, "accounts", [path])
    assert "does not fit employees" in str(err.value) and "--mapping" in str(err.value)
    assert rows(ws, "select count(*) from accounts") == [(0,)]


@pytest.mark.parametrize("name", ["_mapping", "_convert", "_tablefit", "_repeats"])
def test_docstring_examples(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"rashinban.importing.{name}"))
    assert result.failed == 0 and result.attempted > 0


def test_a_cp932_file_whose_japanese_starts_late_is_read_as_cp932(
    ws: Workspace, tmp_path: Path
) -> None:
    # More than the first megabyte is ASCII (ids, numbers, dates); Japanese comes later.
    path = tmp_path / "受注.csv"
    ascii_rows = "".join(f"O{i:07d},2024-04-01,{1000 + i}\r\n" for i in range(60_000))
    path.write_bytes(
        b"order_id,ordered_at,amount\r\n"
        + ascii_rows.encode("ascii")
        + "O9999999,令和6年4月2日,５００\r\n".encode("cp932")
    )
    assert path.stat().st_size > 1 << 20
    result = import_files(ws, "orders", [path])
    assert result.files[0].encoding == "cp932"
    assert rows(ws, "select ordered_at, amount from orders where order_id = 'O9999999'") == [
        (dt.date(2024, 4, 2), 500.0)
    ]


def test_imports_in_the_same_second_keep_both_rejects_files(ws: Workspace, tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("取引先ID,取引先名,従業員数\nA1,一社,約10名\n", encoding="utf-8")
    second.write_text("取引先ID,取引先名,従業員数\nB1,二社,約20名\n", encoding="utf-8")
    a = import_files(ws, "accounts", [first])
    assert a.rejects_file is not None
    # Same table, most likely the same second (names are stamped to the second).
    b = import_files(ws, "accounts", [second])
    assert b.rejects_file is not None and b.rejects_file != a.rejects_file
    assert [r["値/value"] for r in read_rejects(a.rejects_file)] == ["約10名"]
    assert [r["値/value"] for r in read_rejects(b.rejects_file)] == ["約20名"]


def test_a_taken_rejects_name_gets_a_number(tmp_path: Path) -> None:
    from rashinban.importing._importer import _unused

    path = tmp_path / "20250401-090000_accounts.csv"
    assert _unused(path) == path
    path.write_text("x")
    (tmp_path / "20250401-090000_accounts_2.csv.part").write_text("x")
    assert _unused(path).name == "20250401-090000_accounts_3.csv"

"""Import error reporting: malformed CSV lines, the rejects file's order, encoding
errors and the ``--strict`` message say what is wrong and where, in the user's terms."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_helpers import read_rejects, rows

from rashinban import EncodingError, RejectedRowsError, init_workspace
from rashinban.importing import import_files
from rashinban.importing._readers import bad_byte_position
from rashinban.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return init_workspace(tmp_path / "ws")


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


# 1. malformed lines -------------------------------------------------------------------


def test_too_many_fields_is_explained_and_a_short_row_is_padded(
    ws: Workspace, tmp_path: Path
) -> None:
    path = write(tmp_path / "extra_cols.csv", "取引先ID,取引先名\nZ001,多い,余分,もっと\nZ002\n")
    result = import_files(ws, "accounts", [path])
    [reject] = read_rejects(result.rejects_file)
    assert (reject["行/row"], reject["種別/kind"]) == ("2", "parse_error")
    assert reject["値/value"] == "Z001,多い,余分,もっと"
    reason = reject["理由/reason"]
    assert reason.startswith("列が多すぎます: 見出しは2列、この行は4列 / ")
    assert "too many fields: the header has 2 columns, this row 4" in reason
    assert "unquoted comma" in reason and "Expected" not in reason
    # Z002 lacks only a trailing empty cell: it is read with that cell empty.
    assert rows(ws, "select account_id, name from accounts") == [("Z002", None)]
    # 読込 counts every row read, loaded or rejected, as it does for rejected values.
    [fr] = result.files
    assert (fr.rows_read, fr.inserted, fr.rejected) == (2, 1, 1)


def test_a_row_short_of_trailing_empty_cells_is_read(ws: Workspace, tmp_path: Path) -> None:
    path = write(
        tmp_path / "short.csv", "取引先ID,取引先名,業種\r\nZ002,列が少ない\r\nZ003,全部,製造業\r\n"
    )
    result = import_files(ws, "accounts", [path])
    assert result.rejects_file is None
    assert rows(ws, "select account_id, name, industry from accounts order by 1") == [
        ("Z002", "列が少ない", None),
        ("Z003", "全部", "製造業"),
    ]


def test_a_quote_never_closed_costs_its_row_only(ws: Workspace, tmp_path: Path) -> None:
    path = write(
        tmp_path / "quote.csv", '取引先ID,取引先名\nQ001,"unterminated\nQ002,ok\nQ003,良い\n'
    )
    result = import_files(ws, "accounts", [path])
    assert rows(ws, "select account_id, name from accounts order by 1") == [
        ("Q002", "ok"),
        ("Q003", "良い"),
    ]
    [reject] = read_rejects(result.rejects_file)
    assert (reject["行/row"], reject["値/value"]) == ("2", 'Q001,"unterminated')
    assert reject["理由/reason"].startswith('「"」で始まった値が閉じていません')
    assert "never closed" in reject["理由/reason"] and "Value with" not in reject["理由/reason"]
    assert (result.files[0].rows_read, result.files[0].rejected) == (3, 1)


def test_broken_lines_after_a_quoted_line_break_keep_spreadsheet_rows(
    ws: Workspace, tmp_path: Path
) -> None:
    # DuckDB gives up on this file (a line break in a cell, then broken lines); the
    # careful reader keeps every good row with the number Excel shows.
    path = write(
        tmp_path / "mixed.csv",
        "product_id,name,category\r\n"
        'P1,"二行の\r\n名前",a\r\n'  # row 2 (two lines)
        'P2,"閉じた"後ろ,b\r\n'  # row 3: text after a closing quote
        "P3,良い,c\r\n"  # row 4
        'P4,"b\r\nc",EXTRA,more\r\n'  # row 5: a line break and too many fields
        "\r\n"  # row 6: blank
        "P5,短い\r\n",  # row 7: short, padded
    )
    result = import_files(ws, "products", [path])
    assert rows(ws, "select product_id, name, category from products order by 1") == [
        ("P1", "二行の 名前", "a"),  # name text: the break becomes a space
        ("P3", "良い", "c"),
        ("P5", "短い", None),
    ]
    listed = read_rejects(result.rejects_file)
    assert [r["行/row"] for r in listed] == ["3", "5"]
    assert "text follows a closing quote" in listed[0]["理由/reason"]
    assert "見出しは3列、この行は4列" in listed[1]["理由/reason"]


# 2. the rejects file's order ----------------------------------------------------------


def test_rejects_are_ordered_by_file_then_row_then_column(ws: Workspace, tmp_path: Path) -> None:
    one = write(
        tmp_path / "one.csv",
        "account_id,name,employees,founded_year\n"
        "A1,a,x1,1990\n"  # row 2: employees
        "A2,b,10,abc\n"  # row 3: founded_year
        "A3,c,x3,zz\n"  # row 4: both
        "A4,d,5,1999,extra\n"  # row 5: too many fields
        "A5,e,x5,1999\n",  # row 6: employees
    )
    two = write(tmp_path / "two.csv", "account_id,name,employees\nB1,f,y1\nB2,g,y2\n")
    result = import_files(ws, "accounts", [one, two])
    got = [
        (r["ファイル/file"], r["行/row"], r["列/column"]) for r in read_rejects(result.rejects_file)
    ]
    assert got == [
        ("one.csv", "2", "従業員数"),
        ("one.csv", "3", "設立年"),
        ("one.csv", "4", "従業員数"),
        ("one.csv", "4", "設立年"),
        ("one.csv", "5", ""),
        ("one.csv", "6", "従業員数"),
        ("two.csv", "2", "従業員数"),
        ("two.csv", "3", "従業員数"),
    ]


def test_a_number_too_large_to_store_is_rejected_as_out_of_range(
    ws: Workspace, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "big.csv",
        "account_id,name,employees,annual_revenue\n"
        "E1,a,99999999999999999999,1\n"  # beyond 64-bit integers
        "E2,b,１２３４５６７８９０１２３４５６７８９０１２３４５,2\n"  # full-width digits
        "E3,c,10,1234567890123456789012345678901\n"  # more digits than a number holds
        "E4,d,12,5\n",
    )
    result = import_files(ws, "accounts", [path])
    got = [
        (r["行/row"], r["列/column"], r["値/value"], r["理由/reason"])
        for r in read_rejects(result.rejects_file)
    ]
    kept = ("(空欄にして行を取り込みました)", "(the row was kept with this value empty)")
    employees = (
        f"従業員数 は 0–1e+07 の範囲外です {kept[0]} / employees out of range 0–1e+07 {kept[1]}"
        " — 値を確認してください / check the value"
    )
    revenue = (
        f"年間売上 は扱える範囲を超えています {kept[0]} / annual revenue out of range {kept[1]}"
        " — 値を確認してください / check the value"
    )
    assert got == [
        ("2", "従業員数", "99999999999999999999", employees),
        ("3", "従業員数", "１２３４５６７８９０１２３４５６７８９０１２３４５", employees),
        ("4", "年間売上", "1234567890123456789012345678901", revenue),
    ]
    assert rows(ws, "select account_id, employees, annual_revenue from accounts order by 1") == [
        ("E1", None, 1.0),
        ("E2", None, 2.0),
        ("E3", 10, None),
        ("E4", 12, 5.0),
    ]


def test_an_xlsx_number_too_large_is_out_of_range_not_unreadable(
    ws: Workspace, tmp_path: Path
) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(["account_id", "name", "annual_revenue", "employees"])
    sheet.append(["X1", "a", 1e30, 10])
    sheet.append(["X2", "b", 5e9, 10**20])
    sheet.append(["X3", "c", 5e9, 20])
    path = tmp_path / "big.xlsx"
    wb.save(path)
    result = import_files(ws, "accounts", [path])
    got = {
        (r["行/row"], r["列/column"]): r["理由/reason"] for r in read_rejects(result.rejects_file)
    }
    assert set(got) == {("2", "年間売上"), ("3", "従業員数")}
    assert got["2", "年間売上"].startswith("年間売上 は扱える範囲を超えています (空欄に")
    assert got["3", "従業員数"].startswith("従業員数 は 0–1e+07 の範囲外です (空欄に")
    assert not any("数値として読めません" in reason for reason in got.values())
    assert rows(ws, "select account_id, annual_revenue from accounts order by 1") == [
        ("X1", None),
        ("X2", 5e9),
        ("X3", 5e9),
    ]


def test_numbers_in_exponent_notation_import(ws: Workspace, tmp_path: Path) -> None:
    import openpyxl
    import pandas as pd

    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(["account_id", "name", "annual_revenue", "employees"])
    sheet.append(["X1", "a", 1.5e-07, 2.5e3])  # a tiny amount: openpyxl's repr is 1.5e-07
    sheet.append(["X2", "b", 1234.5, 1e30])
    xlsx = tmp_path / "exp.xlsx"
    wb.save(xlsx)
    csv = write(
        tmp_path / "exp.csv",
        "account_id,name,annual_revenue,employees\n"
        "C1,c,1.5E+03,１．５Ｅ＋０３\nC2,d,▲1.2e3,1.5e-07\nC3,e,1.23457E+11,3\n",
    )
    parquet = tmp_path / "exp.parquet"
    pd.DataFrame(
        {"account_id": ["P1", "P2"], "name": ["p", "q"], "employees": [1.5e-07, 1e30]}
    ).to_parquet(parquet)
    result = import_files(ws, "accounts", [xlsx, csv, parquet])
    # A value that cannot be stored is left empty; its row is kept.
    assert rows(ws, "select account_id, annual_revenue, employees from accounts order by 1") == [
        ("C1", 1500.0, 1500),
        ("C2", -1200.0, None),
        ("C3", None, 3),
        ("P1", None, None),
        ("P2", None, None),
        ("X1", 1.5e-07, 2500),
        ("X2", 1234.5, None),
    ]
    listed = read_rejects(result.rejects_file)
    assert {r["種別/kind"] for r in listed} == {"value_dropped"}
    kept = (" (空欄にして行を取り込みました)", " (the row was kept with this value empty)")
    got = {
        (r["ファイル/file"], r["行/row"], r["列/column"]): r["理由/reason"]
        .split(" — ")[0]
        .replace(kept[0], "")
        .replace(kept[1], "")
        for r in listed
    }
    out_of_range = "従業員数 は 0–1e+07 の範囲外です / employees out of range 0–1e+07"
    assert got == {
        # A cell or a Parquet float holds the number: too large is out of range.
        ("exp.xlsx", "3", "従業員数"): out_of_range,
        ("exp.parquet", "3", "従業員数"): out_of_range,
        ("exp.parquet", "2", "従業員数"): "整数ではありません / not a whole number",
        ("exp.csv", "3", "従業員数"): "整数ではありません / not a whole number",
        # Excel's 標準 writes 123,456,789,012 as 1.23457E+11: the digits are gone.
        ("exp.csv", "4", "年間売上"): "指数表記では桁が失われている可能性があります / "
        "exponent notation may have lost digits",
    }


# 3. encoding errors name the row ------------------------------------------------------


def test_an_undetectable_encoding_names_the_row_and_column(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes("取引先ID,取引先名\nE1,あ\n".encode() + b"E2,\xff\xfe\n")
    with pytest.raises(EncodingError) as info:
        import_files(ws, "accounts", [path])
    err = info.value
    assert (err.row, err.column) == (3, "2")
    assert "3行目・2列目" in str(err) and "UTF-8" in str(err) and "--encoding" in str(err)


def test_a_cp932_file_with_a_bad_byte_names_its_row(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "sjis.csv"
    path.write_bytes("取引先ID,取引先名\r\nS1,髙橋\r\n".encode("cp932") + b"S2,\x81\xff\r\n")
    with pytest.raises(EncodingError) as auto:
        import_files(ws, "accounts", [path])
    with pytest.raises(EncodingError) as given:
        import_files(ws, "accounts", [path], encoding="cp932")
    assert (auto.value.row, auto.value.column) == (3, "2")
    assert (given.value.row, given.value.column) == (3, "2")
    assert "CP932" in str(auto.value)


def test_bad_byte_position_follows_quotes() -> None:
    head = b"a,b,c\n"
    assert bad_byte_position(head, b'a,b,c\nx,"1,2",') == (2, 3)
    assert bad_byte_position(head, b"x\ty", 10) == (11, 1)  # a comma-separated file


# 4. --strict names the files with rejects and the first reject ------------------------


def test_strict_names_only_the_bad_file_and_the_value(ws: Workspace, tmp_path: Path) -> None:
    good = write(tmp_path / "good.csv", "account_id,name\nG1,良い\n")
    bad = write(tmp_path / "bad.csv", "account_id,name,employees\nB1,悪い,10\nB2,悪い,約500名\n")
    with pytest.raises(RejectedRowsError) as info:
        import_files(ws, "accounts", [good, bad], strict=True)
    err = info.value
    assert (err.file, err.row, err.column, err.value) == ("bad.csv", 3, "従業員数", "約500名")
    text = str(err)
    assert "good.csv" not in text
    assert text.startswith("bad.csv, row 3, column 従業員数: 1 件の値を読めなかった")
    assert "'約500名'" in text and "数値として読めません" in text
    assert rows(ws, "select count(*) from accounts") == [(0,)]


def test_strict_with_many_rejects_points_to_the_rejects_file(ws: Workspace, tmp_path: Path) -> None:
    good = write(tmp_path / "good.csv", "account_id,name\nG1,良い\n")
    bad = write(
        tmp_path / "bad.csv",
        "account_id,name,employees\n" + "".join(f"B{i},悪い,約{i}名\n" for i in range(4)),
    )
    with pytest.raises(RejectedRowsError) as info:
        import_files(ws, "accounts", [good, bad], strict=True)
    text = str(info.value)
    assert text.startswith("bad.csv: 4 件の値を読めなかった")
    assert "約0名" not in text and "rejects" in text


def test_strict_across_files_names_the_first_reject(ws: Workspace, tmp_path: Path) -> None:
    one = write(tmp_path / "one.csv", "account_id,name,employees\nA1,a,約1名\n")
    two = write(tmp_path / "two.csv", "account_id,name\nB1,b,余分\n")
    with pytest.raises(RejectedRowsError) as info:
        import_files(ws, "accounts", [one, two], strict=True)
    text = str(info.value)
    assert text.startswith("one.csv, two.csv: 2 件")
    assert "最初の値: one.csv 2行目, 従業員数: '約1名': 概数は数値として読めません" in text
    assert "first value: one.csv row 2, 従業員数: '約1名': an approximate figure" in text
    # With --lang, each language reads whole: the reason's own halves are split too.
    en = info.value.text("en")
    assert en.startswith("one.csv, two.csv: 2 rejected values; nothing was loaded (--strict);")
    assert "概数" not in en and "正確な数値" not in en and "write the exact number" in en
    ja = info.value.text("ja")
    assert "正確な数値を入力するか列をマッピングしてください" in ja
    assert "approximate" not in ja and "rejected" not in ja

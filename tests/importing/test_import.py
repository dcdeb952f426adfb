"""Import: formats, encodings, Japanese conventions, rejects, idempotence, matching."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from import_helpers import rows

from rashinban import ImportFileError, MappingError, RejectedRowsError, init_workspace
from rashinban.importing import import_files
from rashinban.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return init_workspace(tmp_path / "ws")


def write_csv(path: Path, header: list[str], rows: list[list[object]], encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def read_rejects(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "rejects file must carry a BOM so Excel reads UTF-8"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


ACCOUNTS_JA = [
    "取引先ID",
    "取引先名",
    "業種",
    "都道府県",
    "従業員数",
    "年間売上",
    "法人番号",
    "作成日",
]


def sf_accounts(tmp_path: Path) -> Path:
    """A Salesforce-like export in CP932 with the messiness real exports have."""
    data = [
        [
            "A001",
            "㈱髙橋製作所",
            "製造業",
            "東京",
            "１，２００名",
            "1,234千円",
            "1180301018771",
            "令和6年4月1日",
        ],
        ["A002", "ｶﾌﾞｼｷｶﾞｲｼｬ ﾃｽﾄ", "情報通信業", "大阪", "350", "￥45,000,000", "", "2024/4/2"],
        [
            "A003",
            "有限会社 山田商店～本店",
            "卸売業・小売業",
            "Tokyo",
            "12人",
            "▲1,000",
            "",
            "R6.4.3",
        ],
        ["A004", "株式会社丸①", "建設業", "13", "約500名", "", "", "2024-04-04"],
    ]
    return write_csv(tmp_path / "取引先.csv", ACCOUNTS_JA, data, "cp932")


def test_cp932_japanese_headers_and_values(ws: Workspace, tmp_path: Path) -> None:
    result = import_files(ws, "accounts", [sf_accounts(tmp_path)])
    got = {
        r[0]: r[1:]
        for r in rows(
            ws,
            "select account_id, name, legal_form, prefecture, prefecture_code, employees, "
            "annual_revenue, corporate_number, created_at from accounts order by 1",
        )
    }
    assert got["A001"] == (
        "髙橋製作所",
        "株式会社",
        "東京都",
        "13",
        1200,
        1_234_000.0,
        "1180301018771",
        dt.date(2024, 4, 1),
    )
    assert got["A002"][2:4] == ("大阪府", "27")
    assert got["A002"][5] == 45_000_000.0
    assert got["A003"][0:2] == ("山田商店~本店", "有限会社")
    assert got["A003"][4:6] == (12, -1000.0)
    assert got["A003"][7] == dt.date(2024, 4, 3)
    # 約500名 is not an exact number: the row is kept with 従業員数 empty, and the
    # value is listed with the reason.
    assert got["A004"][4] is None
    assert result.rejected == 0 and result.files[0].dropped == 1
    assert result.files[0].dropped_columns == ("employees",)
    assert result.rejects_file is not None
    rej = read_rejects(result.rejects_file)
    assert [(r["行/row"], r["列/column"], r["値/value"], r["種別/kind"]) for r in rej] == [
        ("5", "従業員数", "約500名", "value_dropped")
    ]
    assert result.files[0].encoding == "cp932"


def test_strict_loads_nothing(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(RejectedRowsError, match="nothing was loaded"):
        import_files(ws, "accounts", [sf_accounts(tmp_path)], strict=True)
    assert rows(ws, "select count(*) from accounts") == [(0,)]
    assert rows(ws, "select count(*) from rb_meta.imports") == [(0,)]
    assert list((ws.path / "rejects").glob("*.csv")), "the rejects file explains the refusal"


def test_reimport_is_a_noop(ws: Workspace, tmp_path: Path) -> None:
    f = sf_accounts(tmp_path)
    first = import_files(ws, "accounts", [f])
    before = rows(ws, "select * from accounts order by account_id")
    again = import_files(ws, "accounts", [f])
    assert rows(ws, "select * from accounts order by account_id") == before
    assert first.files[0].inserted == 4
    assert (again.files[0].inserted, again.files[0].updated) == (0, 0)
    assert again.files[0].unchanged == 4


def test_empty_field_never_erases(ws: Workspace, tmp_path: Path) -> None:
    f1 = write_csv(
        tmp_path / "a.csv", ["account_id", "name", "employees"], [["A1", "テスト", 100]], "utf-8"
    )
    f2 = write_csv(
        tmp_path / "b.csv", ["account_id", "name", "employees"], [["A1", "", 150]], "utf-8"
    )
    f3 = write_csv(tmp_path / "c.csv", ["account_id", "employees"], [["A1", ""]], "utf-8")
    import_files(ws, "accounts", [f1])
    r2 = import_files(ws, "accounts", [f2])
    import_files(ws, "accounts", [f3])
    assert rows(ws, "select name, employees from accounts") == [("テスト", 150)]
    assert r2.files[0].updated == 1


def test_whitespace_only_values_are_empty(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text(
        "account_id,name,employees,created_at\n"
        "A1,テスト,\u3000,\t\n"
        "A2, 二号 ,\u300012\u3000,2024-04-01\n",
        encoding="utf-8",
    )
    result = import_files(ws, "accounts", [path])
    assert result.rejected == 0
    assert rows(ws, "select account_id, name, employees, created_at from accounts order by 1") == [
        ("A1", "テスト", None, None),
        ("A2", "二号", 12, dt.date(2024, 4, 1)),
    ]


def test_english_locale_dates(ws: Workspace, tmp_path: Path) -> None:
    # An English-locale CRM export writes month names; a date without its year is
    # listed with the reason and left empty, the rest of the file loads.
    f = write_csv(
        tmp_path / "accounts_en.csv",
        ["account_id", "name", "created_at"],
        [
            ["A1", "Alpha", "Apr 1, 2024"],
            ["A2", "Beta", "01-APR-2024 09:15"],
            ["A3", "Gamma", "Monday, April 1, 2024"],
            ["A4", "Delta", "Apr 1"],
        ],
        "utf-8",
    )
    result = import_files(ws, "accounts", [f])
    assert rows(ws, "select account_id, created_at from accounts order by 1") == [
        ("A1", dt.date(2024, 4, 1)),
        ("A2", dt.date(2024, 4, 1)),
        ("A3", dt.date(2024, 4, 1)),
        ("A4", None),
    ]
    assert result.rejects_file is not None
    (reject,) = read_rejects(result.rejects_file)
    assert (reject["行/row"], reject["値/value"]) == ("5", "Apr 1")
    assert reject["種別/kind"] == "value_dropped"
    assert "年が書かれていません" in reject["理由/reason"]


def test_duplicates_in_one_file_are_merged_and_reported(ws: Workspace, tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "dup.csv",
        ["account_id", "name", "industry", "employees"],
        [["A1", "一号", "製造業", ""], ["A2", "二号", "", 5], ["A1", "", "建設業", 40]],
        "utf-8",
    )
    result = import_files(ws, "accounts", [f])
    assert rows(ws, "select account_id, name, industry, employees from accounts order by 1") == [
        ("A1", "一号", "建設業", 40),
        ("A2", "二号", None, 5),
    ]
    assert result.files[0].merged_duplicates == 1
    assert result.rejects_file is not None
    merged = read_rejects(result.rejects_file)
    assert merged[0]["種別/kind"] == "merged" and merged[0]["行/row"] == "4"
    f0 = result.files[0]
    # A1's later row filled employees and replaced industry 製造業 with 建設業: a clash.
    assert (f0.merged_keys, f0.conflicting_duplicates) == (("A1",), 1)
    assert (f0.conflicting_keys, f0.conflicting_columns) == (("A1",), ("industry",))


def test_merged_duplicates_name_their_keys_and_the_conflicting_ones(
    ws: Workspace, tmp_path: Path
) -> None:
    f = tmp_path / "dup.csv"
    f.write_text(
        "account_id,name,prefecture,employees\n"
        "X001,㈱アルファ,東京都,120\n"
        "X002,ベータ,大阪府,\n"
        "X001,有限会社 重複,東京都,10\n"
        "X002,,大阪府,30\n"
        "X003,ガンマ,,\n"
        "X003,ガンマ,,\n",
        encoding="utf-8",
    )
    result = import_files(ws, "accounts", [f])
    (fr,) = result.files
    assert fr.merged_duplicates == 3
    assert fr.merged_keys == ("X001", "X002", "X003")
    # X002 only had a blank filled and X003 repeats itself: X001 alone clashed.
    assert fr.conflicting_duplicates == 1 and fr.conflicting_keys == ("X001",)
    assert fr.conflicting_columns == ("name", "legal_form", "employees")
    # What is stored is unchanged: later non-empty values win.
    assert rows(ws, "select account_id, name, legal_form, employees from accounts order by 1") == [
        ("X001", "重複", "有限会社", 10),
        ("X002", "ベータ", None, 30),
        ("X003", "ガンマ", None, None),
    ]
    # X002's blank name on row 5 was filled by row 3: no account lacks a name.
    assert fr.nameless == 0


def test_unknown_account_is_rejected(ws: Workspace, tmp_path: Path) -> None:
    import_files(
        ws,
        "accounts",
        [write_csv(tmp_path / "a.csv", ["account_id", "name"], [["A1", "x"]], "utf-8")],
    )
    deals = write_csv(
        tmp_path / "d.csv",
        ["deal_id", "account_id", "created_at", "amount", "outcome"],
        [["D1", "A1", "2024-04-01", "100", "受注"], ["D2", "A9", "2024-04-01", "200", "失注"]],
        "utf-8",
    )
    result = import_files(ws, "deals", [deals])
    assert rows(ws, "select deal_id, outcome from deals") == [("D1", "won")]
    assert result.rejects_file is not None
    rej = read_rejects(result.rejects_file)
    assert rej[0]["行/row"] == "3" and "A9" in rej[0]["理由/reason"]


def test_xlsx(ws: Workspace, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(["product_id", "name", "list_price"])
    sheet.append(["P1", "コア", 50000])
    sheet.append(["P2", "分析オプション", "¥12,000"])
    sheet.append([None, None, None])
    sheet.append(["P3", "トレーニング", 1.5e5])
    path = tmp_path / "products.xlsx"
    wb.save(path)
    result = import_files(ws, "products", [path])
    assert rows(ws, "select product_id, list_price from products order by 1") == [
        ("P1", 50000.0),
        ("P2", 12000.0),
        ("P3", 150000.0),
    ]
    assert result.rejected == 0


def test_xlsx_dates_are_dates(ws: Workspace, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(["campaign_id", "name", "started_at", "cost"])
    sheet.append(["C1", "展示会", dt.datetime(2024, 5, 1), 1_000_000])
    path = tmp_path / "campaigns.xlsx"
    wb.save(path)
    import_files(ws, "campaigns", [path])
    assert rows(ws, "select started_at, cost from campaigns") == [(dt.date(2024, 5, 1), 1e6)]


def test_parquet(ws: Workspace, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "usage.parquet"
    pq.write_table(
        pa.table(
            {
                "account_id": ["A1", "A1"],
                "date": [dt.date(2024, 1, 1), dt.date(2024, 1, 8)],
                "metric": ["logins", "logins"],
                "value": [10.0, 12.0],
            }
        ),
        path,
    )
    import_files(
        ws,
        "accounts",
        [write_csv(tmp_path / "a.csv", ["account_id", "name"], [["A1", "x"]], "utf-8")],
    )
    import_files(ws, "usage", [path])
    again = import_files(ws, "usage", [path])
    assert rows(ws, "select count(*), sum(value) from usage") == [(2, 22.0)]
    assert again.files[0].unchanged == 2


def test_utf8_bom_and_tsv(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "p.tsv"
    path.write_text("product_id\tname\nP1\tコア\n", encoding="utf-8-sig")
    import_files(ws, "products", [path])
    assert rows(ws, "select product_id, name from products") == [("P1", "コア")]


def test_wrong_encoding_names_the_row_and_the_fix(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes("product_id,name\nP1,コア\n".encode() + b"P2,\xff\xfe\xfa\n")
    with pytest.raises(ImportFileError, match=r"row 3.*--encoding"):
        import_files(ws, "products", [path], encoding="utf-8")
    assert rows(ws, "select count(*) from products") == [(0,)]


def test_missing_key_column(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", ["金額"], [["100"]], "utf-8")
    with pytest.raises(ImportFileError, match="deal_id"):
        import_files(ws, "deals", [path])


def test_mapping_file_with_value_map(ws: Workspace, tmp_path: Path) -> None:
    import_files(
        ws,
        "accounts",
        [write_csv(tmp_path / "a.csv", ["account_id", "name"], [["A1", "x"]], "utf-8")],
    )
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "columns:\n  案件番号: deal_id\n  会社コード: account_id\n  結果区分: outcome\n"
        "  起票日: created_at\n"
        "values:\n  outcome: {○: won, ×: lost}\n",
        encoding="utf-8",
    )
    deals = write_csv(
        tmp_path / "d.csv",
        ["案件番号", "会社コード", "結果区分", "起票日", "担当メモ"],
        [["X1", "A1", "○", "2024/4/1", "良好"]],
        "cp932",
    )
    result = import_files(ws, "deals", [deals], mapping=mapping)
    assert rows(ws, 'select deal_id, outcome, "担当メモ" from deals') == [("X1", "won", "良好")]
    assert result.files[0].extra_columns == ("担当メモ",)


def test_bad_mapping_is_a_clear_error(ws: Workspace, tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns:\n  案件番号: no_such_column\n", encoding="utf-8")
    path = write_csv(tmp_path / "d.csv", ["案件番号"], [["1"]], "utf-8")
    with pytest.raises(MappingError, match="no_such_column"):
        import_files(ws, "deals", [path], mapping=mapping)


def test_accounts_matched_by_corporate_number_then_name(ws: Workspace, tmp_path: Path) -> None:
    first = write_csv(
        tmp_path / "sf.csv",
        ["account_id", "name", "prefecture", "corporate_number"],
        [
            ["SF1", "株式会社髙橋製作所", "東京都", "1180301018771"],
            ["SF2", "山田商店", "大阪府", ""],
        ],
        "utf-8",
    )
    import_files(ws, "accounts", [first])
    # Another system's list, without ids: ㈱/前株 variants, prefecture spellings.
    second = write_csv(
        tmp_path / "list.csv",
        ["name", "prefecture", "corporate_number", "employees"],
        [["髙橋製作所(株)", "東京", "1180301018771", "300"], ["（有）山田商店", "大阪", "", "8"]],
        "utf-8",
    )
    result = import_files(ws, "accounts", [second])
    assert result.files[0].inserted == 0 and result.files[0].updated == 2
    assert rows(ws, "select account_id, employees from accounts order by 1") == [
        ("SF1", 300),
        ("SF2", 8),
    ]
    # and a third system's file with its own ids becomes aliases of the same accounts
    third = write_csv(
        tmp_path / "hs.csv",
        ["account_id", "name", "prefecture", "corporate_number"],
        [["HS-77", "髙橋製作所", "東京都", "1180301018771"]],
        "utf-8",
    )
    import_files(ws, "accounts", [third])
    deals = write_csv(
        tmp_path / "d.csv",
        ["deal_id", "account_id", "created_at"],
        [["D1", "HS-77", "2024-04-01"]],
        "utf-8",
    )
    import_files(ws, "deals", [deals])
    assert rows(ws, "select account_id from deals") == [("SF1",)]
    assert rows(ws, "select count(*) from accounts") == [(2,)]


def test_list_without_ids_is_idempotent(ws: Workspace, tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "l.csv",
        ["name", "prefecture"],
        [["㈱テスト", "京都"], ["テスト", "東京"]],
        "utf-8",
    )
    import_files(ws, "accounts", [f])
    import_files(ws, "accounts", [f])
    assert rows(ws, "select count(*), count(distinct account_id) from accounts") == [(2, 2)]


def test_original_file_and_record_kept(ws: Workspace, tmp_path: Path) -> None:
    f = sf_accounts(tmp_path)
    import_files(ws, "accounts", [f])
    (stored,) = rows(ws, "select stored_as from rb_meta.imports")[0]
    assert (ws.path / str(stored)).read_bytes() == f.read_bytes()


def test_every_import_keeps_its_own_history_record(ws: Workspace, tmp_path: Path) -> None:
    # The same file twice in one call and again right after, all within a second or so:
    # the history is append-only, so three records with three ids, none replaced.
    f = sf_accounts(tmp_path)
    import_files(ws, "accounts", [f, f])
    import_files(ws, "accounts", [f])
    history = rows(ws, "select import_id, rows_inserted from rb_meta.imports order by 1")
    assert len(history) == 3
    assert len({i for i, _ in history}) == 3
    assert sum(n for _, n in history) == rows(ws, "select count(*) from accounts")[0][0]


def test_malformed_csv_line_is_rejected_with_its_row(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("product_id,name\nP1,a\nP2,b,EXTRA\nP3,c\n", encoding="utf-8")
    result = import_files(ws, "products", [path])
    assert rows(ws, "select product_id from products order by 1") == [("P1",), ("P3",)]
    assert result.rejects_file is not None
    rej = read_rejects(result.rejects_file)
    assert rej[0]["行/row"] == "3" and rej[0]["種別/kind"] == "parse_error"


def test_unknown_table(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="unknown table"):
        import_files(ws, "customers", [tmp_path / "x.csv"])


# ------------------------------------------------------------------ files made for people
def test_title_rows_above_the_header_are_skipped(ws: Workspace, tmp_path: Path) -> None:
    # A title and a blank line above the table, as Japanese Excel exports often have;
    # rows keep the numbers a spreadsheet shows (the bad value is on row 5).
    path = tmp_path / "title.csv"
    path.write_text(
        "取引先一覧（2025年3月末）\n\n取引先ID,取引先名,従業員数\nA1,一社,10\nA2,二社,約20名\n",
        encoding="cp932",
    )
    result = import_files(ws, "accounts", [path])
    assert result.files[0].header_row == 3
    assert rows(ws, "select account_id, employees from accounts order by 1") == [
        ("A1", 10),
        ("A2", None),
    ]
    assert result.rejects_file is not None
    (reject,) = read_rejects(result.rejects_file)
    assert (reject["行/row"], reject["値/value"]) == ("5", "約20名")


def test_title_rows_in_a_workbook(ws: Workspace, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(["製品マスタ", None, None])
    sheet.append(["出力日", "2025/03/31", None])
    sheet.append([None, None, None])
    sheet.append(["製品ID", "製品名", "定価"])
    sheet.append(["P1", "コア", 50000])
    sheet.append(["P2", "分析", "abc"])
    path = tmp_path / "products.xlsx"
    wb.save(path)
    result = import_files(ws, "products", [path])
    assert result.files[0].header_row == 4
    assert rows(ws, "select product_id, list_price from products order by 1") == [
        ("P1", 50000.0),
        ("P2", None),
    ]
    assert result.rejects_file is not None
    assert read_rejects(result.rejects_file)[0]["行/row"] == "6"


def test_no_header_in_the_first_rows_is_the_usual_error(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="no column for the key account_id"):
        import_files(ws, "accounts", [path])


def test_totals_rows_are_listed_not_loaded(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "totals.csv"
    path.write_text(
        "取引先ID,取引先名,従業員数,,\n"
        "A1,一社,10,,\n"
        "A2,二社,20,,\n"
        "合 計,,30,,\n"
        "ＴＯＴＡＬ,,30,,\n"
        "Grand Total,,30,,\n",
        encoding="utf-8",
    )
    result = import_files(ws, "accounts", [path])
    assert rows(ws, "select account_id from accounts order by 1") == [("A1",), ("A2",)]
    assert result.rejected == 3
    assert result.rejects_file is not None
    listed = read_rejects(result.rejects_file)
    assert [r["行/row"] for r in listed] == ["4", "5", "6"]
    assert all("合計・小計の行" in r["理由/reason"] for r in listed)
    # the trailing empty columns of an Excel CSV are not kept as extra columns
    assert result.files[0].extra_columns == ()


def test_an_unnamed_column_with_values_is_kept(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text("取引先ID,取引先名,\nA1,一社,メモ\n", encoding="utf-8")
    result = import_files(ws, "accounts", [path])
    assert result.files[0].extra_columns == ("column_3",)


FIXTURES = Path(__file__).parent / "fixtures"


def test_old_excel_xls_with_a_cover_sheet(ws: Workspace, tmp_path: Path) -> None:
    # Written with xlwt (Excel 97–2003 format): a cover sheet, then the data sheet with a
    # title row, a blank row, Excel dates, a 令和 date as text, ▲ money, a bad amount on
    # row 7 and a totals row on row 8.
    import_files(
        ws,
        "accounts",
        [
            write_csv(
                tmp_path / "a.csv", ["account_id", "name"], [["A1", "一"], ["A2", "二"]], "utf-8"
            )
        ],
    )
    result = import_files(ws, "orders", [FIXTURES / "注文明細_旧形式.xls"])
    f = result.files[0]
    assert (f.sheet, f.header_row, f.extra_columns) == ("明細", 3, ("備考",))
    assert rows(ws, "select order_id, ordered_at, amount from orders order by 1") == [
        ("O1", dt.date(2024, 4, 1), 120000.0),
        ("O2", dt.date(2024, 5, 15), 80000.5),
        ("O3", dt.date(2024, 6, 1), -5000.0),
        ("O4", dt.date(2024, 6, 30), None),  # its amount abc is listed, the order kept
    ]
    assert result.rejects_file is not None
    listed = {r["行/row"]: r for r in read_rejects(result.rejects_file)}
    assert (listed["7"]["値/value"], listed["7"]["種別/kind"]) == ("abc", "value_dropped")
    assert "合計・小計の行" in listed["8"]["理由/reason"]


def test_xlsx_data_on_a_later_sheet(ws: Workspace, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    cover = wb.active
    assert cover is not None
    cover.title = "表紙"
    cover.append(["製品マスタ"])
    data = wb.create_sheet("一覧")
    data.append(["製品ID", "製品名"])
    data.append(["P1", "コア"])
    path = tmp_path / "p.xlsx"
    wb.save(path)
    result = import_files(ws, "products", [path])
    assert result.files[0].sheet == "一覧"
    assert rows(ws, "select product_id, name from products") == [("P1", "コア")]


def test_a_damaged_xls_is_a_clear_error(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "broken.xls"
    path.write_bytes(b"not an excel file at all")
    with pytest.raises(ImportFileError, match=r"cannot open the \.xls workbook"):
        import_files(ws, "accounts", [path])


def test_accounts_added_without_a_name_are_counted_with_their_rows(
    ws: Workspace, tmp_path: Path
) -> None:
    ids_only = write_csv(tmp_path / "ids.csv", ["account_id", "employees"], [["A1", 10]], "utf-8")
    first = import_files(ws, "accounts", [ids_only]).files[0]
    assert (first.inserted, first.nameless, first.nameless_rows) == (1, 1, (2,))
    # Blank names count, named rows and accounts already stored do not.
    mixed = write_csv(
        tmp_path / "mixed.csv",
        ["取引先ID", "取引先名", "従業員数"],
        [["A1", "", 12], ["A2", "株式会社二号", 5], ["A3", "", 7], ["A4", "", 9]],
        "utf-8",
    )
    second = import_files(ws, "accounts", [mixed]).files[0]
    assert (second.inserted, second.updated) == (3, 1)
    assert (second.nameless, second.nameless_rows) == (2, (4, 5))
    assert rows(ws, "SELECT account_id FROM accounts WHERE name IS NULL ORDER BY 1") == [
        ("A1",),
        ("A3",),
        ("A4",),
    ]

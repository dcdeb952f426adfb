"""A file imported into the wrong table is refused before anything is written; header
synonyms; header rows repeated inside the data; founded years written as years."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from import_helpers import read_rejects, rows

from rashinban import ImportFileError, init_workspace
from rashinban.demo import generate, write_exports
from rashinban.importing import import_files
from rashinban.importing._mapping import HEADER_SYNONYMS, Mapping, detect_preset, header_key
from rashinban.importing._readers import read_raw
from rashinban.importing._tablefit import better_table, table_fit
from rashinban.schema import TABLES
from rashinban.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return init_workspace(tmp_path / "ws")


def write_csv(
    path: Path, header: list[str], data: list[list[str]], encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(data)
    return path


SF_DEALS = ["商談 ID", "取引先 ID", "作成日", "完了予定日", "フェーズ", "商談ステージ", "金額"]
SF_DEALS += ["失注理由", "競合", "商品コード", "種別"]
DEAL_ROWS = [
    [
        "D1",
        "A1",
        "2023/01/15",
        "2023-02-11",
        "受注",
        "受注",
        "￥1,881,600",
        "",
        "",
        "P01",
        "新規顧客",
    ],
    ["D2", "A2", "2023-01-21", "2023/06/25", "失注", "失注", "8589600", "時期尚早", "", "", ""],
]


def accounts_columns(ws: Workspace) -> list[str]:
    return [
        r[0]
        for r in rows(
            ws,
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'accounts'",
        )
    ]


# ------------------------------------------------------------------ the wrong table
def test_a_deals_export_into_accounts_is_refused_and_nothing_is_written(
    ws: Workspace, tmp_path: Path
) -> None:
    f = write_csv(tmp_path / "商談.csv", SF_DEALS, DEAL_ROWS, "cp932")
    before = accounts_columns(ws)
    with pytest.raises(ImportFileError) as err:
        import_files(ws, "accounts", [f])
    msg = str(err.value)
    assert "商談 ID" in msg and "deals" in msg and "deal_id" in msg
    assert f"rashinban import deals {f}" in (err.value.fix or "")
    ja, sep, en = err.value.message.partition(" / ")
    assert sep and "商談" in ja and "nothing was imported" in en
    assert rows(ws, "SELECT count(*) FROM accounts") == [(0,)]
    assert accounts_columns(ws) == before  # no deal columns added as extras
    assert not any((ws.path / "imports").iterdir())
    assert not (ws.path / "rejects").exists() or not any((ws.path / "rejects").iterdir())
    assert rows(ws, "SELECT count(*) FROM rb_meta.imports") == [(0,)]
    # ... and the command it names works.
    import_files(
        ws,
        "accounts",
        [write_csv(tmp_path / "a.csv", ["取引先ID", "取引先名"], [["A1", "一社"], ["A2", "二社"]])],
    )
    assert import_files(ws, "deals", [f]).loaded == 2


def test_a_deals_workbook_into_accounts_is_refused(ws: Workspace, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(SF_DEALS)
    for r in DEAL_ROWS:
        sheet.append(r)
    path = tmp_path / "商談.xlsx"
    wb.save(path)
    with pytest.raises(ImportFileError, match="rashinban import deals"):
        import_files(ws, "accounts", [path])
    assert rows(ws, "SELECT count(*) FROM accounts") == [(0,)]


def test_a_wrong_table_report_below_its_title_is_named_too(ws: Workspace, tmp_path: Path) -> None:
    # Deals' key (商談ID) is on no row of an orders report: the header is still found
    # below the title, and the refusal names orders instead of the title's headers.
    report = tmp_path / "受注明細.csv"
    report.write_text(
        "受注明細レポート\n出力日: 2024/04/01\n\n注文ID,取引先ID,注文日,数量,金額\n"
        "O1,A1,2024/01/05,1,100000\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFileError) as err:
        import_files(ws, "deals", [report])
    assert "orders" in str(err.value) and "受注明細レポート" not in str(err.value)
    assert f"rashinban import orders {report}" in (err.value.fix or "")
    # A workbook whose first sheet is a cover page and whose second holds the report.
    wb = openpyxl.Workbook()
    cover = wb.active
    assert cover is not None
    cover.title = "表紙"
    cover.append(["受注明細"])
    cover.append(["作成: 営業企画部"])
    data = wb.create_sheet("明細")
    data.append(["受注明細レポート"])
    data.append(["注文ID", "取引先ID", "注文日", "数量", "金額"])
    data.append(["O1", "A1", "2024/01/05", 1, 100000])
    book = tmp_path / "受注明細.xlsx"
    wb.save(book)
    with pytest.raises(ImportFileError, match="rashinban import orders"):
        import_files(ws, "deals", [book])
    # A title with nothing below that fits any table keeps the usual message.
    lone = tmp_path / "lone.csv"
    lone.write_text("一覧\n\nメモ,備考\nx,y\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="deal_id"):
        import_files(ws, "deals", [lone])
    assert rows(ws, "SELECT count(*) FROM deals") == [(0,)]


def test_a_second_file_of_the_wrong_table_undoes_the_first(ws: Workspace, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "a.csv", ["取引先ID", "取引先名"], [["A1", "一社"]])
    wrong = write_csv(tmp_path / "商談.csv", SF_DEALS, DEAL_ROWS)
    with pytest.raises(ImportFileError, match="deals"):
        import_files(ws, "accounts", [good, wrong])
    assert rows(ws, "SELECT count(*) FROM accounts") == [(0,)]


@pytest.mark.parametrize("label", ["name", "ja"])
@pytest.mark.parametrize("source", list(TABLES))
def test_every_table_fits_its_own_file_and_no_other(source: str, label: str) -> None:
    # A file with all of a table's columns, by name or by Japanese label: its own table
    # takes it; every other table either names it in the refusal or lacks its key
    # (refused by the usual missing-key check).
    spec = TABLES[source]
    headers = tuple(getattr(c, label) for c in spec.columns)
    for target in TABLES.values():
        m = detect_preset(target, headers)
        found = better_table(target, headers, m)
        if target is spec:
            assert found is None and table_fit(target, headers, m).identified
        else:
            refused = found is not None and found[1].table is spec
            assert refused or not table_fit(target, headers, m).identified, target.name


def test_the_demo_exports_fit_their_tables_and_only_those(tmp_path: Path) -> None:
    import duckdb

    con = duckdb.connect()
    for export in write_exports(generate(60, seed=1), tmp_path):
        headers = read_raw(export.path, con).headers
        for target in TABLES.values():
            m = detect_preset(target, headers)
            found = better_table(target, headers, m)
            if target.name == export.table:
                assert found is None, (export.path.name, found)
            else:
                assert found is not None or not table_fit(target, headers, m).identified, (
                    export.path.name,
                    target.name,
                )


def test_an_update_of_stored_accounts_by_id_is_still_accepted(
    ws: Workspace, tmp_path: Path
) -> None:
    # No company-name column, but nothing fits better: a file of ids and counts.
    import_files(
        ws, "accounts", [write_csv(tmp_path / "a.csv", ["取引先ID", "取引先名"], [["A1", "一社"]])]
    )
    result = import_files(
        ws,
        "accounts",
        [write_csv(tmp_path / "b.csv", ["account_id", "employees"], [["A1", "120"]])],
    )
    assert result.rejected == 0
    assert rows(ws, "SELECT name, employees FROM accounts") == [("一社", 120)]


def test_a_contact_report_with_account_columns_stays_a_contacts_file() -> None:
    # A Salesforce contact report carries its account's name and industry too.
    headers = ("取引先責任者 ID", "取引先 ID", "取引先名", "業種", "氏名", "役職", "メール")
    contacts = TABLES["contacts"]
    assert better_table(contacts, headers, detect_preset(contacts, headers)) is None


def test_a_mapping_file_decides_the_table(ws: Workspace, tmp_path: Path) -> None:
    # With --mapping the user has said what the headers are; the fit is not second-guessed.
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns:\n  商談 ID: account_id\n  取引先 ID: industry_code\n", "utf-8")
    f = write_csv(tmp_path / "odd.csv", SF_DEALS, DEAL_ROWS)
    result = import_files(ws, "accounts", [f], mapping=mapping)
    assert result.loaded == 2


# ------------------------------------------------------------------ header synonyms
def test_common_japanese_synonyms_map_without_a_mapping(ws: Workspace, tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "顧客.csv",
        ["会社コード", "会社名", "社員数"],
        [["K001", "株式会社テスト", "120名"], ["K002", "山田商店", "８"]],
    )
    result = import_files(ws, "accounts", [f])
    assert result.files[0].extra_columns == ()
    assert rows(ws, "SELECT account_id, name, employees FROM accounts ORDER BY 1") == [
        ("K001", "テスト", 120),
        ("K002", "山田商店", 8),
    ]


@pytest.mark.parametrize("header", ["取引先コード", "顧客コード", "顧客ID"])
def test_account_code_synonyms_in_accounts_and_in_deals(
    ws: Workspace, tmp_path: Path, header: str
) -> None:
    import_files(
        ws, "accounts", [write_csv(tmp_path / "a.csv", [header, "取引先名"], [["A1", "一社"]])]
    )
    assert rows(ws, "SELECT account_id FROM accounts") == [("A1",)]
    deals = write_csv(
        tmp_path / "d.csv", ["商談ID", header, "作成日", "金額"], [["D1", "A1", "2024/4/1", "1000"]]
    )
    import_files(ws, "deals", [deals])
    assert rows(ws, "SELECT deal_id, account_id FROM deals") == [("D1", "A1")]


def test_a_synonym_never_takes_a_column_a_stronger_header_claims(
    ws: Workspace, tmp_path: Path
) -> None:
    # 取引先ID is the label; 顧客コード stays an extra column instead of colliding.
    f = write_csv(
        tmp_path / "a.csv", ["顧客コード", "取引先ID", "取引先名"], [["K1", "A1", "一社"]]
    )
    result = import_files(ws, "accounts", [f])
    assert result.files[0].extra_columns == ("顧客コード",)
    assert rows(ws, "SELECT account_id FROM accounts") == [("A1",)]


def test_synonyms_name_real_columns_and_never_shadow_a_label() -> None:
    for scope, columns in HEADER_SYNONYMS.items():
        tables = list(TABLES.values()) if scope == "*" else [TABLES[scope]]
        if scope != "*":
            assert set(columns) <= set(TABLES[scope].column_names), scope
        for table in tables:
            labels = {
                header_key(label): c.name for c in table.columns for label in (c.name, c.ja, c.en)
            }
            for column, headers in columns.items():
                if column not in table.column_names:
                    continue
                for h in headers:
                    assert labels.get(header_key(h), column) == column, (table.name, h)
    # and a synonym resolves through the canonical mapping
    spec = TABLES["accounts"]
    assert Mapping().resolve(spec, ("社員数",)) == {"社員数": "employees"}


# ------------------------------------------------------------------ repeated header rows
def test_a_header_row_repeated_in_the_middle_is_one_reject(ws: Workspace, tmp_path: Path) -> None:
    header = ["取引先ID", "取引先名", "従業員数", "設立年", "作成日"]
    f = write_csv(
        tmp_path / "貼り合わせ.csv",
        header,
        [
            ["A1", "一社", "10", "1990", "2024/1/1"],
            ["A2", "二社", "20", "1991", "2024/1/2"],
            header,
            ["A3", "三社", "30", "1992", "2024/1/3"],
        ],
        "cp932",
    )
    result = import_files(ws, "accounts", [f])
    rejects = read_rejects(result.rejects_file)
    assert len(rejects) == 1
    assert rejects[0]["行/row"] == "4"
    assert "見出し行の繰り返し" in rejects[0]["理由/reason"]
    assert "repeats the header" in rejects[0]["理由/reason"]
    assert rows(ws, "SELECT account_id FROM accounts ORDER BY 1") == [("A1",), ("A2",), ("A3",)]


def test_a_repeated_header_in_a_workbook_and_with_a_unit_header(
    ws: Workspace, tmp_path: Path
) -> None:
    header = ["取引先ID", "取引先名", "年間売上(千円)", "メモ", "メモ"]
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(header)
    sheet.append(["A1", "一社", 1000, "x", "y"])
    sheet.append(header)
    sheet.append(["A2", "二社", 2000, None, None])
    path = tmp_path / "a.xlsx"
    wb.save(path)
    result = import_files(ws, "accounts", [path])
    [reject] = read_rejects(result.rejects_file)
    assert reject["行/row"] == "3" and "repeats the header" in reject["理由/reason"]
    assert rows(ws, "SELECT annual_revenue FROM accounts ORDER BY 1") == [(1e6,), (2e6,)]


def test_a_record_that_names_a_header_once_is_still_a_record(ws: Workspace, tmp_path: Path) -> None:
    # A company called 取引先名 is odd but a record: one cell is not a header row.
    f = write_csv(
        tmp_path / "a.csv", ["取引先ID", "取引先名", "業種"], [["A1", "取引先名", "製造業"]]
    )
    result = import_files(ws, "accounts", [f])
    assert result.rejected == 0 and result.loaded == 1


# ------------------------------------------------------------------ founded years
def test_founded_years_written_as_years_and_eras(ws: Workspace, tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "a.csv",
        ["取引先ID", "取引先名", "設立年"],
        [
            ["A1", "一社", "2020年"],
            ["A2", "二社", "令和2年"],
            ["A3", "三社", "昭和６０年"],
            ["A4", "四社", "令和元年"],
            ["A5", "五社", "1999"],
            ["A6", "六社", "創業100年"],
        ],
        "cp932",
    )
    result = import_files(ws, "accounts", [f])
    assert rows(ws, "SELECT account_id, founded_year FROM accounts ORDER BY 1") == [
        ("A1", 2020),
        ("A2", 2020),
        ("A3", 1985),
        ("A4", 2019),
        ("A5", 1999),
        ("A6", None),  # kept, its 設立年 left empty and listed
    ]
    [reject] = read_rejects(result.rejects_file)
    assert (reject["値/value"], reject["種別/kind"]) == ("創業100年", "value_dropped")
    assert "年として読めません" in reject["理由/reason"]
    assert "昭和60年" in reject["理由/reason"] and "1,234,000" not in reject["理由/reason"]

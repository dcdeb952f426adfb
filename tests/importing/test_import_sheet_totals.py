"""Spreadsheet traps: formulas saved without their result, totals rows without a label."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from import_helpers import read_rejects, rows, write

from rashinban import RejectedRowsError, init_workspace
from rashinban.importing import import_files
from rashinban.workspace import Workspace

HEADER = ["注文ID", "取引先ID", "注文日", "金額", "備考"]


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    ws = init_workspace(tmp_path / "ws")
    accounts = write(tmp_path / "a.csv", "取引先ID,取引先名\nA1,一社\nA2,二社\n")
    import_files(ws, "accounts", [accounts])
    return ws


def workbook(path: Path, *data: list[object]) -> Path:
    """An .xlsx written by openpyxl, which saves formulas without calculating them."""
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    for row in (HEADER, *data):
        sheet.append(row)
    wb.save(path)
    return path


def test_formulas_without_a_saved_result_are_said_and_listed_not_lost_silently(
    ws: Workspace, tmp_path: Path
) -> None:
    path = workbook(
        tmp_path / "o.xlsx",
        ["O1", "A1", "2024-04-01", 100, '="x"&"y"'],
        ["O2", "A2", "2024-04-02", "=D2*2", None],
        ['="O"&3', "A2", "2024-04-03", 50, None],  # the key itself is lost: the row too
        ["O4", "A2", "2024-04-04", 70, None],
    )
    result = import_files(ws, "orders", [path])
    f = result.files[0]
    assert (f.formulas, f.formula_columns) == (3, ("注文ID", "金額", "備考"))
    assert (f.inserted, f.rejected, f.dropped) == (3, 1, 2)
    assert f.dropped_columns == ("amount", "備考")
    assert rows(ws, "select order_id, amount, 備考 from orders order by 1") == [
        ("O1", 100.0, None),
        ("O2", None, None),
        ("O4", 70.0, None),
    ]
    listed = {(r["行/row"], r["列/column"]): r for r in read_rejects(result.rejects_file)}
    assert listed[("3", "金額")]["値/value"] == "=D2*2"
    assert listed[("3", "金額")]["種別/kind"] == "value_dropped"
    assert "the formula has no saved result" in listed[("3", "金額")]["理由/reason"]
    assert "open and save the file in Excel" in listed[("3", "金額")]["理由/reason"]
    assert listed[("4", "注文ID")]["種別/kind"] == "rejected"
    assert "(the row was not imported)" in listed[("4", "注文ID")]["理由/reason"]
    with pytest.raises(RejectedRowsError):  # a lost value fails --strict, as any does
        import_files(ws, "orders", [path], strict=True)


def test_a_formula_that_saved_an_empty_text_is_no_lost_value(ws: Workspace, tmp_path: Path) -> None:
    # What Excel saves for =IF(E2="","",E2) that gave "": the formula and an empty text.
    import zipfile

    path = workbook(tmp_path / "o.xlsx", ["O1", "A1", "2024-04-01", 100, None])
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(
        b"</row></sheetData>",
        b'<c r="E2" t="str"><f>IF(D2="","",D2*0&amp;"")</f><v></v></c></row></sheetData>',
    )
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    f = import_files(ws, "orders", [path]).files[0]
    assert (f.formulas, f.inserted, f.rejected) == (0, 1, 0)


def test_a_totals_row_without_a_label_is_recognised_when_it_sums_the_rows_above(
    ws: Workspace, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "o.csv",
        "注文ID,取引先ID,注文日,金額\n"
        'O1,A1,2024-04-01,"1,000"\n'
        "O2,A2,2024-04-02,2000.5\n"
        ',,,"3,000.5"\n',
    )
    result = import_files(ws, "orders", [path])
    assert rows(ws, "select order_id from orders order by 1") == [("O1",), ("O2",)]
    assert result.rejected == 1
    listed = read_rejects(result.rejects_file)
    assert [r["行/row"] for r in listed] == ["4"]
    assert (
        "a totals row (no key, and 金額 holds the sum of the rows above)"
        in (listed[0]["理由/reason"])
    )


@pytest.mark.parametrize(
    "body",
    [
        # the amount is not the sum of the rows above: a record that lacks its id
        "O1,A1,2024-04-01,1000\nO2,A2,2024-04-02,2000\n,,,2500\n",
        # one row above: its amount "summed" is the same number twice
        "O1,A1,2024-04-01,1000\n,,,1000\n",
        # not the last row: a record further up with no id
        "O1,A1,2024-04-01,1000\n,,,3000\nO2,A2,2024-04-02,2000\n",
        # another cell holds text that is no totals label
        "O1,A1,2024-04-01,1000\nO2,A2,2024-04-02,2000\n,A1,,3000\n",
    ],
)
def test_an_empty_key_row_that_is_not_a_clear_total_is_still_rejected_as_such(
    ws: Workspace, tmp_path: Path, body: str
) -> None:
    path = write(tmp_path / "o.csv", "注文ID,取引先ID,注文日,金額\n" + body)
    result = import_files(ws, "orders", [path])
    reasons = [r["理由/reason"] for r in read_rejects(result.rejects_file)]
    assert reasons and all("the key order_id is empty" in r for r in reasons)


def test_a_workbook_totals_row_of_an_uncalculated_sum_is_a_totals_row(
    ws: Workspace, tmp_path: Path
) -> None:
    path = workbook(
        tmp_path / "o.xlsx",
        ["O1", "A1", "2024-04-01", 100, None],
        ["O2", "A2", "2024-04-02", 200, None],
        [None, None, None, "=SUM(D2:D3)", None],
    )
    result = import_files(ws, "orders", [path])
    f = result.files[0]
    assert (f.inserted, f.rejected, f.formulas) == (2, 1, 0)
    listed = read_rejects(result.rejects_file)
    assert len(listed) == 1 and "a totals row" in listed[0]["理由/reason"]

"""Exports look like a real company's files and the presets map onto the schema."""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook
from stdnum.jp import cn

from rashinban.demo import BAD_ROWS, ExportFile, write_exports
from rashinban.demo._exports import SALESFORCE_HEADERS, SALESFORCE_VALUES
from rashinban.schema import LOAD_ORDER, TABLES

PRESETS = Path(__file__).parents[2] / "src" / "rashinban" / "importing" / "presets"


def _norm(header: str) -> str:
    return "".join(unicodedata.normalize("NFKC", header).casefold().split())


@pytest.fixture(scope="module")
def exported(tables, tmp_path_factory) -> list[ExportFile]:  # type: ignore[no-untyped-def]
    return write_exports(tables, tmp_path_factory.mktemp("exports"))


def _read_cp932(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("cp932")
    return list(csv.DictReader(io.StringIO(text)))


def _xlsx_rows(path: Path) -> list[tuple[object, ...]]:
    wb = load_workbook(path, read_only=True)
    try:
        return list(wb.active.iter_rows(values_only=True))  # type: ignore[union-attr]
    finally:
        wb.close()


def test_files_in_import_order(exported) -> None:
    assert [f.table for f in exported] == list(LOAD_ORDER)
    for f in exported:
        assert f.path.exists() and f.path.stat().st_size > 0
    presets = {f.table: f.preset for f in exported}
    assert presets["accounts"] == presets["contacts"] == presets["deals"] == "salesforce_ja"
    assert presets["leads"] is None


def test_salesforce_files_are_cp932_and_messy(exported) -> None:
    by = {f.table: f.path for f in exported}
    raw = by["accounts"].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    rows = _read_cp932(by["accounts"])
    assert list(rows[0]) == list(SALESFORCE_HEADERS["accounts"])
    names = [r["取引先名"] for r in rows]
    assert any("㈱" in n for n in names)
    assert any(n.startswith("株式会社") for n in names) and any(
        n.endswith("株式会社") for n in names
    )
    assert any("(株)" in n or "（株）" in n for n in names)
    assert any(any("\uff66" <= ch <= "\uff9f" for ch in n) for n in names)  # half-width kana
    emp = [r["従業員数"] for r in rows]
    assert any(any("０" <= ch <= "９" for ch in e) and "，" in e for e in emp)
    revenue = [r["年間売上"] for r in rows]
    assert any(v.endswith("千円") for v in revenue) and any(v.startswith("￥") for v in revenue)
    created = [r["作成日"] for r in rows]
    assert any(v.startswith("令和") for v in created) and any("/" in v for v in created)
    prefs = {r["請求先都道府県"] for r in rows}
    assert {"東京都", "東京", "Tokyo"} <= prefs
    deals = _read_cp932(by["deals"])
    assert {"受注", "失注", "商談中"} <= {r["フェーズ"] for r in deals}


def test_salesforce_values_round_trip(tables, exported) -> None:
    by = {f.table: f.path for f in exported}
    rows = [r for r in _read_cp932(by["accounts"]) if not r["取引先 ID"].startswith("A-BAD")]
    back = {v: k for k, v in SALESFORCE_VALUES["accounts"]["status"].items()}
    status = pd.Series([back[r["ステータス"]] for r in rows])
    assert (status.to_numpy() == tables["accounts"]["status"].to_numpy()).all()
    # Full-width and comma'd head counts read back to the canonical numbers.
    emp = [
        int(unicodedata.normalize("NFKC", r["従業員数"]).replace(",", "").removesuffix("名"))
        for r in rows
    ]
    assert emp == tables["accounts"]["employees"].tolist()


def test_bad_rows_are_there(exported) -> None:
    by = {f.table: f.path for f in exported}
    acc = {r["取引先 ID"]: r for r in _read_cp932(by["accounts"])}
    assert acc["A-BAD-1"]["従業員数"] == "約500名"
    assert not cn.is_valid(acc["A-BAD-2"]["法人番号"])
    assert acc["A-BAD-3"]["作成日"] == "2024/2/30"
    deals = {r["商談 ID"]: r for r in _read_cp932(by["deals"])}
    assert deals["D-BAD-1"]["取引先 ID"] == "A-UNKNOWN"
    values = _xlsx_rows(by["orders"])
    assert values[-1][0] == "O-BAD-1" and values[-1][-1] == "要確認"
    assert len(BAD_ROWS) == 5


def test_valid_corporate_numbers_in_export(exported) -> None:
    by = {f.table: f.path for f in exported}
    nums = [
        r["法人番号"]
        for r in _read_cp932(by["accounts"])
        if r["法人番号"] and not r["取引先 ID"].startswith("A-BAD")
    ]
    assert len(nums) > 100
    assert all(cn.is_valid(x) for x in nums)


def test_xlsx_opens_with_credits(tables, exported) -> None:
    by = {f.table: f.path for f in exported}
    rows = _xlsx_rows(by["orders"])
    assert list(rows[0]) == list(TABLES["orders"].column_names)
    assert len(rows) == len(tables["orders"]) + 2  # header + the bad row
    amounts = [r[5] for r in rows[1:]]
    assert any(isinstance(a, str) and a.startswith("▲") for a in amounts)


def test_canonical_files_read_back_equal(tables, exported) -> None:
    by = {f.table: f for f in exported}
    notes = pd.read_csv(by["notes"].path, encoding="utf-8-sig", dtype=str)
    assert list(notes.columns) == list(TABLES["notes"].column_names)
    assert notes["text"].tolist() == tables["notes"]["text"].tolist()
    assert by["notes"].path.read_bytes().startswith(b"\xef\xbb\xbf")
    usage = pd.read_parquet(by["usage"].path)
    assert len(usage) == len(tables["usage"])
    assert usage["value"].sum() == pytest.approx(tables["usage"]["value"].sum())


def _presets() -> dict[str, dict]:  # type: ignore[type-arg]
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in PRESETS.glob("*.yaml")}


def test_presets_parse_and_map_to_canonical_columns() -> None:
    presets = _presets()
    assert set(presets) == {"salesforce_ja", "hubspot", "kintone"}
    for name, preset in presets.items():
        assert preset["name"] == name
        assert preset["description"]
        for table, spec in preset["tables"].items():
            assert table in TABLES, (name, table)
            cols = set(TABLES[table].column_names)
            seen: dict[str, str] = {}
            for header, column in spec["columns"].items():
                assert column in cols, (name, table, header, column)
                # Two headers that normalise alike must not map to different columns.
                key = _norm(header)
                assert seen.setdefault(key, column) == column, (name, table, header)
            for column, mapping in (spec.get("values") or {}).items():
                assert column in spec["columns"].values(), (name, table, column)
                col = TABLES[table].column(column)
                if col.kind == "enum":
                    assert set(mapping.values()) <= set(col.values), (name, table, column)
            assert TABLES[table].key[0] in spec["columns"].values(), (name, table)


def test_salesforce_preset_matches_the_exporter() -> None:
    preset = _presets()["salesforce_ja"]
    for table, headers in SALESFORCE_HEADERS.items():
        spec = preset["tables"][table]
        for header, column in headers.items():
            assert spec["columns"][header] == column, (table, header)
        for column, values in SALESFORCE_VALUES.get(table, {}).items():
            for canonical, source in values.items():
                assert spec["values"][column][source] == canonical
    # Every フェーズ value the exporter writes maps to an outcome.
    outcome = preset["tables"]["deals"]["values"]["outcome"]
    for stage in ("受注", "失注", "商談中"):
        assert stage in outcome

"""Dates written with a UTC offset are read in the workspace's time zone ([data] timezone)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from import_helpers import rows, write

from rashinban import ConfigError, init_workspace, open_workspace
from rashinban.importing import import_files
from rashinban.workspace import Workspace

ORDERS = "注文ID,取引先ID,注文日,金額\n"


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    ws = init_workspace(tmp_path / "ws")
    import_files(ws, "accounts", [write(tmp_path / "a.csv", "取引先ID,取引先名\nA1,一社\n")])
    return ws


def dates(ws: Workspace) -> dict[str, object]:
    return {str(k): v for k, v in rows(ws, "select order_id, ordered_at from orders")}


def test_a_utc_export_lands_on_the_japanese_day_and_fiscal_year(
    ws: Workspace, tmp_path: Path
) -> None:
    # Salesforce Data Loader writes UTC: 2024-03-31 15:30 UTC is 2024-04-01 00:30 in
    # Tokyo, the first day of fiscal 2024; 01:00 UTC is still 31 March in Tokyo.
    path = write(
        tmp_path / "o.csv",
        ORDERS + "O1,A1,2024-03-31T15:30:00.000Z,100\n"
        "O2,A1,2024-03-31T15:30:00.000+0000,200\n"
        "O3,A1,2024-03-31T01:00:00Z,300\n",
    )
    result = import_files(ws, "orders", [path])
    assert dates(ws) == {
        "O1": dt.date(2024, 4, 1),
        "O2": dt.date(2024, 4, 1),
        "O3": dt.date(2024, 3, 31),
    }
    f = result.files[0]
    assert (f.timezone, f.zoned, f.zoned_days, f.zoned_columns) == (
        "Asia/Tokyo",
        3,
        2,
        ("ordered_at",),
    )


def test_japanese_offsets_and_values_without_an_offset_are_kept_as_written(
    ws: Workspace, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "o.csv",
        ORDERS + "O1,A1,2024-03-31T23:30:00+09:00,1\n"
        "O2,A1,2024-03-31 23:30,2\n"
        "O3,A1,2024/03/31 23:59:59,3\n"
        "O4,A1,2024-03-31,4\n",
    )
    result = import_files(ws, "orders", [path])
    assert set(dates(ws).values()) == {dt.date(2024, 3, 31)}
    assert (result.files[0].zoned, result.files[0].zoned_columns) == (0, ())


def test_another_configured_zone(tmp_path: Path) -> None:
    init_workspace(tmp_path / "ws")
    toml = tmp_path / "ws" / "rashinban.toml"
    toml.write_text(
        toml.read_text("utf-8").replace('timezone = "Asia/Tokyo"', 'timezone = "America/New_York"'),
        "utf-8",
    )
    ws = open_workspace(tmp_path / "ws")
    import_files(ws, "accounts", [write(tmp_path / "a.csv", "取引先ID,取引先名\nA1,一社\n")])
    path = write(
        tmp_path / "o.csv",
        ORDERS + "O1,A1,2024-04-01T02:00:00Z,1\n"  # 22:00 on 31 March in New York (EDT)
        "O2,A1,2024-04-01T09:00:00+09:00,2\n"  # 20:00 on 31 March in New York
        "O3,A1,2024-04-01 02:00,3\n",  # local already
    )
    result = import_files(ws, "orders", [path])
    assert dates(ws) == {
        "O1": dt.date(2024, 3, 31),
        "O2": dt.date(2024, 3, 31),
        "O3": dt.date(2024, 4, 1),
    }
    assert (result.files[0].timezone, result.files[0].zoned) == ("America/New_York", 2)


def test_an_unknown_zone_is_a_config_error_naming_the_file_key_and_fix(tmp_path: Path) -> None:
    init_workspace(tmp_path / "ws")
    toml = tmp_path / "ws" / "rashinban.toml"
    toml.write_text('[data]\ntimezone = "Asia/Tokio"\n', "utf-8")
    with pytest.raises(ConfigError) as bad:
        open_workspace(tmp_path / "ws")
    assert bad.value.file == str(toml)
    assert bad.value.message == (
        "[data] timezone = 'Asia/Tokio' はタイムゾーンとして見つかりません / "
        "[data] timezone = 'Asia/Tokio' is not a known time zone"
    )
    assert bad.value.fix is not None and 'timezone = "Asia/Tokyo"' in bad.value.fix
    toml.write_text('[data]\ntimezone = "JST"\n', "utf-8")
    with pytest.raises(ConfigError, match="JST") as jst:
        open_workspace(tmp_path / "ws")
    assert jst.value.fix is not None and "Asia/Tokyo" in jst.value.fix
    toml.write_text('[data]\ntimezone = "Nowhere/Land"\n', "utf-8")
    with pytest.raises(ConfigError) as none:
        open_workspace(tmp_path / "ws")
    assert none.value.fix is not None and "IANA" in none.value.fix


def test_reimporting_a_converted_file_changes_nothing(ws: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path / "o.csv", ORDERS + "O1,A1,2024-03-31T15:30:00.000Z,100\n")
    import_files(ws, "orders", [path])
    again = import_files(ws, "orders", [path]).files[0]
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)
    assert dates(ws) == {"O1": dt.date(2024, 4, 1)}


def test_xlsx_text_and_parquet_timestamps_with_a_zone(ws: Workspace, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(["注文ID", "取引先ID", "注文日"])
    sheet.append(["X1", "A1", "2024-03-31T15:30:00.000Z"])  # text, as an export writes it
    sheet.append(["X2", "A1", dt.datetime(2024, 3, 31, 23, 30)])  # an Excel date: local
    wb.save(tmp_path / "o.xlsx")
    utc = dt.UTC
    table = pa.table(
        {
            "order_id": ["P1", "P2"],
            "account_id": ["A1", "A1"],
            "ordered_at": pa.array(
                [dt.datetime(2024, 3, 31, 15, 30, tzinfo=utc), dt.datetime(2024, 3, 31, 23, 30)],
                pa.timestamp("us", tz="UTC"),
            ),
        }
    )
    pq.write_table(table, tmp_path / "o.parquet")
    naive = pa.table(
        {"order_id": ["P3"], "account_id": ["A1"], "ordered_at": [dt.datetime(2024, 3, 31, 23)]}
    )
    pq.write_table(naive, tmp_path / "naive.parquet")
    xlsx = import_files(ws, "orders", [tmp_path / "o.xlsx"]).files[0]
    parquet = import_files(ws, "orders", [tmp_path / "o.parquet", tmp_path / "naive.parquet"])
    assert dates(ws) == {
        "X1": dt.date(2024, 4, 1),
        "X2": dt.date(2024, 3, 31),
        "P1": dt.date(2024, 4, 1),
        "P2": dt.date(2024, 4, 1),  # 23:30 UTC is 08:30 the next morning in Tokyo
        "P3": dt.date(2024, 3, 31),  # a timestamp without a zone is local
    }
    assert (xlsx.zoned, [f.zoned for f in parquet.files]) == (1, [2, 0])

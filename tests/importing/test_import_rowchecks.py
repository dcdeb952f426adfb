"""Checks across a row's columns: required dates, dates in order, and unreadable values
in columns a row does not depend on, which are left empty while the row is kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from import_helpers import read_rejects, rows, write

from rashinban import RejectedRowsError, init_workspace
from rashinban.importing import import_files
from rashinban.workspace import Workspace

ACCOUNTS = (
    "account_id,name,industry,prefecture,employees,annual_revenue,created_at,status\n"
    'C001,㈱テスト製作所,製造業,東京都,１２０,"1,200,000,000",2023-01-10,customer\n'
    "C002,株式会社サンプル商事,卸売業・小売業,大阪府,45,5億円,2023/02/01,customer\n"
    "C003,(株)ベータ情報,情報通信業,神奈川県,300,¥3000000000,令和5年3月1日,customer\n"
    "C004,有限会社ガンマ,建設業,愛知県,abc,,,prospect\n"
    "C005,デルタ工業,製造業,東京,80,,2023-04-01,customer\n"
)
DEALS = (
    "deal_id,account_id,created_at,closed_at,stage,amount,outcome,kind\n"
    'D1,C001,2023-02-01,2023-03-01,受注,"1,000,000円",won,new\n'
    "D2,C002,2023-03-01,2023-02-01,受注,¥500000,won,new\n"
    "D3,C003,2023-04-01,,商談中,３００万円,open,new\n"
    "D5,C005,,2023-05-01,受注,200000,won,new\n"
    "D6,C004,2023-06-01,2023-06-15,失注,▲50000,lost,new\n"
)
ORDERS = (
    "order_id,account_id,ordered_at,product_id,quantity,amount\n"
    'O1,C001,2023-03-05,P1,1,"¥120,000"\n'
    "O5,C003,,P1,1,1000\n"
)
SUBSCRIPTIONS = (
    "subscription_id,account_id,product_id,plan,mrr,started_at,ended_at\n"
    'S1,C001,P1,Standard,"50,000",2023-03-01,\n'
    "S2,C002,P1,Standard,３００００円,2023-04-01,2023-03-01\n"
    "S3,C003,P1,Business,¥80000,,\n"
    "S6,C004,P1,Standard,-5000,2023-06-01,2024-01-01\n"
)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return init_workspace(tmp_path / "ws")


def listed(result_path: Path | None) -> list[tuple[str, str, str, str]]:
    """(row, column, value, kind) of each line of a rejects file."""
    return [
        (r["行/row"], r["列/column"], r["値/value"], r["種別/kind"])
        for r in read_rejects(result_path)
    ]


def reasons(result_path: Path | None) -> dict[str, str]:
    return {r["行/row"]: r["理由/reason"] for r in read_rejects(result_path)}


@pytest.fixture
def accounts(ws: Workspace, tmp_path: Path) -> Workspace:
    import_files(ws, "accounts", [write(tmp_path / "accounts.csv", ACCOUNTS)])
    return ws


# 1. dates across columns -----------------------------------------------------------------


def test_a_contract_that_ends_before_it_starts_is_rejected(
    accounts: Workspace, tmp_path: Path
) -> None:
    result = import_files(accounts, "subscriptions", [write(tmp_path / "s.csv", SUBSCRIPTIONS)])
    assert rows(accounts, "select subscription_id, started_at, ended_at from subscriptions") == [
        ("S1", dt.date(2023, 3, 1), None),
        ("S6", dt.date(2023, 6, 1), dt.date(2024, 1, 1)),
    ]
    assert listed(result.rejects_file) == [
        ("3", "終了日", "2023-03-01", "rejected"),
        ("4", "開始日", "", "rejected"),
    ]
    why = reasons(result.rejects_file)
    assert why["3"] == (
        "終了日 2023-03-01 が 開始日 2023-04-01 より前です / "
        "ended at 2023-03-01 is before started at 2023-04-01 — "
        "2つの日付が入れ替わっていないか確かめて直してください / "
        "check whether the two dates are swapped and correct them"
    )
    assert why["4"].startswith("開始日 が空です (分析はこの日付で数えます) / started at is empty")
    assert result.rejected == 2 and result.files[0].rejected == 2


def test_a_deal_closed_before_it_was_created_or_without_created_at_is_rejected(
    accounts: Workspace, tmp_path: Path
) -> None:
    result = import_files(accounts, "deals", [write(tmp_path / "d.csv", DEALS)])
    # D6 belongs to C004, whose unreadable 従業員数 only blanked that cell: it loads.
    assert rows(accounts, "select deal_id, account_id, amount from deals order by 1") == [
        ("D1", "C001", 1_000_000.0),
        ("D3", "C003", 3_000_000.0),
        ("D6", "C004", -50_000.0),
    ]
    assert listed(result.rejects_file) == [
        ("3", "完了予定日", "2023-02-01", "rejected"),
        ("5", "作成日", "", "rejected"),
    ]
    why = reasons(result.rejects_file)
    assert "完了予定日 2023-02-01 が 作成日 2023-03-01 より前です" in why["3"]
    assert "closed at 2023-02-01 is before created at 2023-03-01" in why["3"]
    assert why["5"] == (
        "作成日 が空です (分析はこの日付で数えます) / "
        "created at is empty (the analyses count by this date) — "
        "日付を入れるか行を削除してください / fill in the date or remove the row"
    )


def test_an_order_without_its_date_is_rejected(accounts: Workspace, tmp_path: Path) -> None:
    result = import_files(accounts, "orders", [write(tmp_path / "o.csv", ORDERS)])
    assert rows(accounts, "select order_id, ordered_at from orders") == [
        ("O1", dt.date(2023, 3, 5))
    ]
    assert listed(result.rejects_file) == [("3", "注文日", "", "rejected")]
    assert "ordered at is empty" in reasons(result.rejects_file)["3"]


@pytest.mark.parametrize(
    ("table", "text", "column"),
    [
        ("subscriptions", SUBSCRIPTIONS, "終了日"),
        ("deals", DEALS, "完了予定日"),
        ("orders", ORDERS, "注文日"),
    ],
)
def test_strict_stops_on_dates(
    accounts: Workspace, tmp_path: Path, table: str, text: str, column: str
) -> None:
    with pytest.raises(RejectedRowsError, match="nothing was loaded") as info:
        import_files(accounts, table, [write(tmp_path / f"{table}.csv", text)], strict=True)
    assert info.value.column == column
    assert rows(accounts, f"select count(*) from {table}") == [(0,)]
    assert rows(accounts, f"select count(*) from rb_meta.imports where table_name = '{table}'") == [
        (0,)
    ]
    [rejects] = (accounts.path / "rejects").glob(f"*_{table}.csv")
    assert listed(rejects)[0][1] == column


def test_an_update_is_judged_with_the_stored_dates(accounts: Workspace, tmp_path: Path) -> None:
    import_files(accounts, "subscriptions", [write(tmp_path / "s.csv", SUBSCRIPTIONS)])
    # A later file that only gives end dates: S1's is before the stored 開始日, S6's
    # empty 開始日 keeps the stored one (an empty field never erases), and S9 is new
    # and has none.
    update = write(
        tmp_path / "ends.csv",
        "subscription_id,account_id,started_at,ended_at\n"
        "S1,C001,,2023-01-31\nS6,C004,,2024-03-31\nS9,C001,,2024-03-31\n",
    )
    result = import_files(accounts, "subscriptions", [update])
    assert rows(accounts, "select subscription_id, started_at, ended_at from subscriptions") == [
        ("S1", dt.date(2023, 3, 1), None),
        ("S6", dt.date(2023, 6, 1), dt.date(2024, 3, 31)),
    ]
    assert listed(result.rejects_file) == [
        ("2", "終了日", "2023-01-31", "rejected"),
        ("4", "開始日", "", "rejected"),
    ]
    assert reasons(result.rejects_file)["2"].startswith(
        "終了日 2023-01-31 が 取り込み済みの開始日 2023-03-01 より前です / "
        "ended at 2023-01-31 is before the stored started at 2023-03-01 — "
    )
    # A file without the 開始日 column updates stored contracts; a new one is refused.
    no_column = write(
        tmp_path / "plans.csv", "subscription_id,account_id,plan\nS1,C001,Pro\nS7,C001,Pro\n"
    )
    result = import_files(accounts, "subscriptions", [no_column])
    assert rows(accounts, "select subscription_id, plan from subscriptions order by 1") == [
        ("S1", "Pro"),
        ("S6", "Standard"),
    ]
    assert listed(result.rejects_file) == [("3", "開始日", "", "rejected")]
    assert reasons(result.rejects_file)["3"] == (
        "開始日 の列がなく、取り込み済みの値もありません / no started at column and no stored "
        "value — 開始日 の列を含むファイルで取り込んでください / "
        "import a file with the started at column"
    )


def test_same_day_dates_and_later_rows_of_a_key_are_fine(ws: Workspace, tmp_path: Path) -> None:
    import_files(ws, "accounts", [write(tmp_path / "a.csv", "account_id\nC1\n")])
    # T1 closes the day it opens; T2's second row supplies the 受付日 the first lacked.
    tickets = write(
        tmp_path / "t.csv",
        "ticket_id,account_id,opened_at,closed_at\n"
        "T1,C1,2024-04-01,2024-04-01\nT2,C1,,2024-04-03\nT2,C1,2024-04-02,\n"
        "T3,C1,2024-04-05,2024-04-04\n",
    )
    result = import_files(ws, "tickets", [tickets])
    assert rows(ws, "select ticket_id, opened_at, closed_at from tickets order by 1") == [
        ("T1", dt.date(2024, 4, 1), dt.date(2024, 4, 1)),
        ("T2", dt.date(2024, 4, 2), dt.date(2024, 4, 3)),
    ]
    assert [(r[0], r[1], r[3]) for r in listed(result.rejects_file)] == [
        ("4", "問い合わせID", "merged"),
        ("5", "完了日", "rejected"),
    ]


def test_a_lead_qualified_before_it_was_created_is_rejected(ws: Workspace, tmp_path: Path) -> None:
    import_files(ws, "accounts", [write(tmp_path / "a.csv", "account_id\nC1\n")])
    leads = write(
        tmp_path / "l.csv",
        "lead_id,account_id,created_at,mql_at,sql_at\n"
        "L1,C1,2024-04-01,2024-04-01,2024-04-10\n"  # same day: fine
        "L2,C1,2024-04-01,2024-03-20,\n"  # MQL before created
        "L3,C1,2024-04-01,2024-04-05,2024-04-02\n"  # SQL before MQL
        "L4,C1,2024-04-01,,\n",  # not qualified yet: fine
    )
    result = import_files(ws, "leads", [leads])
    assert rows(ws, "select lead_id from leads order by 1") == [("L1",), ("L4",)]
    assert listed(result.rejects_file) == [
        ("3", "MQL日", "2024-03-20", "rejected"),
        ("4", "SQL日", "2024-04-02", "rejected"),
    ]
    why = reasons(result.rejects_file)
    assert why["3"].startswith(
        "MQL日 2024-03-20 が 作成日 2024-04-01 より前です / "
        "MQL at 2024-03-20 is before created at 2024-04-01 — "
    )
    assert why["4"].startswith(
        "SQL日 2024-04-02 が MQL日 2024-04-05 より前です / "
        "SQL at 2024-04-02 is before MQL at 2024-04-05 — "
    )


def test_a_lead_accepted_by_sales_before_it_was_created_is_rejected_without_an_mql_date(
    ws: Workspace, tmp_path: Path
) -> None:
    import_files(ws, "accounts", [write(tmp_path / "a.csv", "account_id\nC1\n")])
    leads = write(
        tmp_path / "l.csv",
        "lead_id,account_id,created_at,mql_at,sql_at\n"
        "L1,C1,2024-04-01,,2024-04-01\n"  # same day, no MQL date: fine
        "L2,C1,2024-04-01,,2024-03-25\n"  # SQL before created, no MQL date
        # Both steps backwards: each is named once, SQL before created is not added.
        "L3,C1,2024-04-10,2024-04-05,2024-04-02\n",
    )
    result = import_files(ws, "leads", [leads])
    assert rows(ws, "select lead_id, sql_at from leads order by 1") == [("L1", dt.date(2024, 4, 1))]
    assert listed(result.rejects_file) == [
        ("3", "SQL日", "2024-03-25", "rejected"),
        ("4", "MQL日", "2024-04-05", "rejected"),
        ("4", "SQL日", "2024-04-02", "rejected"),
    ]
    lines = read_rejects(result.rejects_file)
    assert lines[0]["ファイル/file"] == "l.csv"
    assert lines[0]["理由/reason"] == (
        "SQL日 2024-03-25 が 作成日 2024-04-01 より前です / "
        "SQL at 2024-03-25 is before created at 2024-04-01 — "
        "2つの日付が入れ替わっていないか確かめて直してください / "
        "check whether the two dates are swapped and correct them"
    )
    assert result.rejected == 2
    # A file without the MQL column is checked the same way when no MQL date is stored.
    again = write(
        tmp_path / "l2.csv",
        "lead_id,account_id,created_at,sql_at\nL4,C1,2024-05-01,2024-04-30\n",
    )
    second = import_files(ws, "leads", [again])
    assert listed(second.rejects_file) == [("2", "SQL日", "2024-04-30", "rejected")]
    assert rows(ws, "select count(*) from leads") == [(1,)]


# 2. unreadable values in columns a row does not depend on -----------------------------


def test_an_unreadable_optional_value_is_left_empty_and_listed(
    ws: Workspace, tmp_path: Path
) -> None:
    text = ACCOUNTS + "C006,イプシロン,製造業,北海道,−50,,2099-01-01,customer\n,名前だけ,,,10,,,\n"
    result = import_files(ws, "accounts", [write(tmp_path / "accounts.csv", text)])
    assert rows(ws, "select account_id, name, employees, status from accounts order by 1") == [
        ("C001", "テスト製作所", 120, "customer"),
        ("C002", "サンプル商事", 45, "customer"),
        ("C003", "ベータ情報", 300, "customer"),
        ("C004", "ガンマ", None, "prospect"),
        ("C005", "デルタ工業", 80, "customer"),
        ("C006", "イプシロン", None, "customer"),
    ]
    assert listed(result.rejects_file) == [
        ("5", "従業員数", "abc", "value_dropped"),
        ("7", "従業員数", "−50", "value_dropped"),
        ("8", "取引先ID", "", "rejected"),
    ]
    why = reasons(result.rejects_file)
    assert why["5"] == (
        "数値として読めません (空欄にして行を取り込みました) / not a number "
        "(the row was kept with this value empty) — 数字で書いてください(例: 1,234,000) / "
        "write the number in digits, e.g. 1,234,000"
    )
    assert why["7"].startswith("従業員数 は 0–1e+07 の範囲外です (空欄にして行を取り込みました)")
    [fr] = result.files
    assert (fr.inserted, fr.rejected, fr.dropped, fr.dropped_columns) == (
        6,
        1,
        2,
        ("employees",),
    )
    # The account's deals and contracts now find it.
    deals = import_files(ws, "deals", [write(tmp_path / "d.csv", DEALS)])
    subs = import_files(ws, "subscriptions", [write(tmp_path / "s.csv", SUBSCRIPTIONS)])
    for result in (deals, subs):
        assert not any("C004" in r["値/value"] for r in read_rejects(result.rejects_file))
    assert rows(ws, "select account_id from subscriptions where subscription_id = 'S6'") == [
        ("C004",)
    ]


def test_a_dropped_value_never_erases_the_stored_one(ws: Workspace, tmp_path: Path) -> None:
    import_files(ws, "accounts", [write(tmp_path / "a.csv", "account_id,employees\nA1,100\n")])
    again = write(tmp_path / "b.csv", "account_id,name,employees\nA1,一社,約120名\n")
    result = import_files(ws, "accounts", [again])
    assert rows(ws, "select account_id, name, employees from accounts") == [("A1", "一社", 100)]
    assert (result.files[0].updated, result.files[0].dropped) == (1, 1)


def test_strict_stops_on_a_dropped_value(ws: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path / "accounts.csv", ACCOUNTS)
    with pytest.raises(RejectedRowsError) as info:
        import_files(ws, "accounts", [path], strict=True)
    err = info.value
    assert (err.row, err.column, err.value) == (5, "従業員数", "abc")
    assert rows(ws, "select count(*) from accounts") == [(0,)]
    [rejects] = (ws.path / "rejects").glob("*_accounts.csv")
    # Nothing was kept, so the reason does not say the row was.
    assert listed(rejects) == [("5", "従業員数", "abc", "value_dropped")]
    assert "取り込みました" not in reasons(rejects)["5"]


def test_values_that_a_row_depends_on_still_reject_it(ws: Workspace, tmp_path: Path) -> None:
    import_files(ws, "accounts", [write(tmp_path / "a.csv", "account_id\nC1\n")])
    # An unreadable 終了日 left empty would make an ended contract look current; a row
    # rejected for its key lists its unreadable optional value as rejected too.
    subs = write(
        tmp_path / "s.csv",
        "subscription_id,account_id,mrr,started_at,ended_at\n"
        "S1,C1,1000,2024-01-01,2024-13-45\n,C1,abc,2024-01-01,\nS3,C1,abc,2024-01-01,\n",
    )
    result = import_files(ws, "subscriptions", [subs])
    assert rows(ws, "select subscription_id, mrr from subscriptions") == [("S3", None)]
    assert listed(result.rejects_file) == [
        ("2", "終了日", "2024-13-45", "rejected"),
        ("3", "月額", "abc", "rejected"),
        ("3", "契約ID", "", "rejected"),
        ("4", "月額", "abc", "value_dropped"),
    ]
    # A list of accounts without ids finds them by 法人番号 and name: an unreadable
    # 法人番号 there rejects the row, as it would give the account another identity.
    no_ids = write(tmp_path / "l.csv", "name,corporate_number,employees\n一社,123,約5名\n")
    result = import_files(ws, "accounts", [no_ids])
    assert [(r[1], r[3]) for r in listed(result.rejects_file)] == [
        ("法人番号", "rejected"),
        ("従業員数", "rejected"),
    ]
    assert rows(ws, "select count(*) from accounts") == [(1,)]

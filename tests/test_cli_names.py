"""Customer lists name the accounts and products, not only their ids (table, CSV, JSON)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from tests.test_cli import run

from rashinban import Workspace, open_workspace
from rashinban.pipeline import analyze
from rashinban.report import build_report

AS_OF = "2025-12-31"


@pytest.fixture(scope="module")
def ws(demo_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The demo, analysed for the stored lists (score, report)."""
    path = Path(tmp_path_factory.mktemp("names")) / "ws"
    shutil.copytree(demo_ws.path, path)
    done = analyze(open_workspace(path), only=["score", "churn", "crosssell", "clv"])
    assert not done.failures, done.failures
    return open_workspace(path)


def _names(ws: Workspace, table: str) -> dict[str, str | None]:
    key = "account_id" if table == "accounts" else "product_id"
    with ws.connect(read_only=True) as con:
        return dict(con.execute(f"SELECT {key}, name FROM {table}").fetchall())


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def _ok(*args: str) -> str:
    proc = run(*args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_churn_names_each_account_in_json_csv_and_table(ws: Workspace) -> None:
    accounts = _names(ws, "accounts")
    assert accounts["A000005"] == "林工業"
    w = ("churn", "-w", str(ws.path), "--as-of", AS_OF, "--top", "3")
    rows = json.loads(_ok(*w, "-f", "json"))["accounts"]
    assert rows[0]["account_id"] == "A000550" and rows[0]["account_name"] == "松田ファイナンス"
    assert [r["account_name"] for r in rows] == [accounts[r["account_id"]] for r in rows]
    # the contract's keys stay, the name is added right after the id
    assert list(rows[0])[:4] == ["account_id", "account_name", "risk", "reasons"]
    table = _csv(_ok(*w, "-f", "csv"))
    assert list(table[0])[:3] == ["account_id", "account_name", "risk"]
    assert [r["account_name"] for r in table] == [r["account_name"] for r in rows]
    ja, en = _ok(*w), _ok(*w, "--lang", "en")
    assert "取引先名" in ja and "account name" in en
    for shown in (ja, en):
        assert all(r["account_name"] in shown for r in rows)


def test_crosssell_names_the_account_and_the_product(ws: Workspace) -> None:
    products = _names(ws, "products")
    w = ("crosssell", "-w", str(ws.path), "--as-of", AS_OF, "--account", "A000005")
    rows = json.loads(_ok(*w, "-f", "json"))["recommendations"]
    assert rows and {r["account_name"] for r in rows} == {"林工業"}
    assert [r["product_name"] for r in rows] == [products[r["product_id"]] for r in rows]
    assert list(rows[0])[:5] == [
        "account_id",
        "account_name",
        "product_id",
        "product_name",
        "score",
    ]
    assert {"reason", "kind", "source"} <= set(rows[0])
    table = _csv(_ok(*w, "-f", "csv", "--lang", "en"))
    assert [(r["account_name"], r["product_name"]) for r in table] == [
        (r["account_name"], r["product_name"]) for r in rows
    ]
    ja, en = _ok(*w), _ok(*w, "--lang", "en")
    assert "製品名" in ja and "取引先名" in ja and "account name" in en
    for shown in (ja, en):
        assert "林工業" in shown and rows[0]["product_name"] in shown


def test_a_missing_name_is_empty_never_none_or_nan(ws: Workspace, tmp_path: Path) -> None:
    shutil.copytree(ws.path, tmp_path / "ws")
    w = ("crosssell", "-w", str(tmp_path / "ws"), "--as-of", AS_OF, "--account", "A000005")
    product = json.loads(_ok(*w, "-f", "json"))["recommendations"][0]["product_id"]
    with open_workspace(tmp_path / "ws").connect() as con:
        con.execute("UPDATE accounts SET name = NULL WHERE account_id = 'A000005'")
        con.execute(f"UPDATE products SET name = '' WHERE product_id = '{product}'")
    rows = json.loads(_ok(*w, "-f", "json"))["recommendations"]
    assert rows[0]["account_name"] is None and rows[0]["product_name"] is None
    table = _csv(_ok(*w, "-f", "csv"))
    assert table[0]["account_name"] == "" and table[0]["product_name"] == ""
    page = build_report(open_workspace(tmp_path / "ws"), lang="en")
    lines = [*_ok(*w).splitlines(), *_ok(*w, "--lang", "en").splitlines()]
    lines += re.findall(r"<tr>.*?</tr>", page)
    mine = [line for line in lines if "A000005" in line]
    assert mine and not [line for line in mine if "None" in line or "nan" in line]
    churn = ("churn", "-w", str(tmp_path / "ws"), "--as-of", AS_OF, "-f", "json")
    named = {r["account_id"]: r["account_name"] for r in json.loads(_ok(*churn))["accounts"]}
    assert named["A000005"] is None


def test_score_names_the_account_of_every_record(ws: Workspace) -> None:
    accounts = _names(ws, "accounts")
    with ws.connect(read_only=True) as con:
        owner = dict(con.execute("SELECT lead_id, account_id FROM leads").fetchall())
        owner |= dict(con.execute("SELECT deal_id, account_id FROM deals").fetchall())
    w = ("score", "-w", str(ws.path), "-f", "json", "--top", "5")
    for kind in ("account", "lead", "deal"):
        rows = json.loads(_ok(*w, "--kind", kind))["records"]
        assert rows and list(rows[0])[:3] == ["id", "account_name", "kind"]
        want = [accounts.get(r["id"] if kind == "account" else owner.get(r["id"])) for r in rows]
        assert [r["account_name"] for r in rows] == want, kind
        assert all(want), kind
    table = _ok("score", "-w", str(ws.path), "--kind", "account", "--top", "3", "--lang", "en")
    assert "account name" in table


def test_clv_and_rfm_customers_are_named(ws: Workspace) -> None:
    accounts = _names(ws, "accounts")
    clv = json.loads(_ok("clv", "-w", str(ws.path), "--as-of", AS_OF, "--top", "3", "-f", "json"))
    rows = clv["customers"]
    assert [r["account_name"] for r in rows] == [accounts[r["account_id"]] for r in rows]
    assert list(rows[0])[:2] == ["account_id", "account_name"]
    rfm = _csv(_ok("rfm", "-w", str(ws.path), "--as-of", AS_OF, "--customers", "-f", "csv"))
    assert {r["account_id"]: r["account_name"] for r in rfm}["A000005"] == "林工業"
    assert "取引先名" in _ok("clv", "-w", str(ws.path), "--as-of", AS_OF, "--top", "3")


def test_lookalikes_are_named(ws: Workspace) -> None:
    accounts = _names(ws, "accounts")
    w = (
        "lookalike",
        "A000005",
        "A000009",
        "A000039",
        "-w",
        str(ws.path),
        "--as-of",
        AS_OF,
        "--top",
        "3",
    )
    rows = json.loads(_ok(*w, "-f", "json"))["lookalikes"]
    assert len(rows) == 3 and list(rows[0])[:2] == ["account_id", "account_name"]
    assert [r["account_name"] for r in rows] == [accounts[r["account_id"]] for r in rows]


@pytest.mark.parametrize(
    ("lang", "account", "product"),
    [("ja", "取引先名", "製品名"), ("en", "account name", "product")],
)
def test_report_tables_name_accounts_and_products(
    ws: Workspace, lang: str, account: str, product: str
) -> None:
    page = build_report(ws, lang=lang)
    tables = re.findall(r"<table>.*?</table>", page, re.S)
    heads = [re.findall(r"<th>(.*?)</th>", t) for t in tables]
    named = [h for h in heads if account in h]
    # churn watchlist, top recommendations, up-sell signals, top customers by CLV
    assert len(named) >= 4, heads
    assert any(product in h for h in named)
    accounts, products = _names(ws, "accounts"), _names(ws, "products")
    for table, head in zip(tables, heads, strict=True):
        if account in head:  # the first row names its account
            cells = re.findall(r"<td[^>]*>(.*?)</td>", table)
            assert cells[head.index(account)] == accounts[cells[head.index(account) - 1]]
        if product in head:
            assert cells[head.index(product)] == products[cells[head.index(product) - 1]]

from pathlib import Path

import pytest

from rashinban import ConfigError, WorkspaceError, init_workspace, open_workspace
from rashinban.schema import TABLES


def test_init_creates_all_canonical_tables(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "acme")
    with ws.connect(read_only=True) as con:
        names = {
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name='main'"
            ).fetchall()
        }
    assert set(TABLES) <= names
    assert ws.config["workspace"]["name"] == "acme"


def test_init_is_idempotent(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path)
    with ws.connect() as con:
        con.execute("insert into products (product_id, name) values ('P1', 'x')")
    init_workspace(tmp_path)
    with open_workspace(tmp_path).connect(read_only=True) as con:
        assert con.execute("select count(*) from products").fetchone() == (1,)


def test_open_missing_workspace_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="rashinban init"):
        open_workspace(tmp_path / "nowhere")


def test_bad_config_value_is_a_clear_error(tmp_path: Path) -> None:
    init_workspace(tmp_path)
    (tmp_path / "rashinban.toml").write_text('[workspace]\nlang = "fr"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="lang"):
        open_workspace(tmp_path)


def test_ibis_backend_reads_canonical_tables(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path)
    with ws.connect() as con:
        con.execute(
            "insert into accounts (account_id, name, employees) values ('A1', 'テスト', 120)"
        )
    t = ws.table("accounts")
    assert t.employees.sum().execute() == 120

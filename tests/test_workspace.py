from pathlib import Path

import pytest

from rashinban import ConfigError, UserError, WorkspaceError, init_workspace, open_workspace
from rashinban.schema import TABLES, get_table


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


def test_config_and_path_errors_read_japanese_first_with_english_alongside(
    tmp_path: Path,
) -> None:
    init_workspace(tmp_path / "ws")
    (tmp_path / "ws" / "rashinban.toml").write_text('[workspace]\nlang = "fr"\n', "utf-8")
    with pytest.raises(ConfigError) as bad:
        open_workspace(tmp_path / "ws")
    assert bad.value.message == (
        "[workspace] lang = 'fr' は使えません / [workspace] lang = 'fr' is not allowed"
    )
    assert bad.value.fix == "次のいずれかにしてください / use one of 'ja', 'en'"
    (tmp_path / "file").write_text("", "utf-8")
    with pytest.raises(WorkspaceError) as file:
        init_workspace(tmp_path / "file")
    path = tmp_path / "file"
    assert file.value.message == (
        f"{path} はフォルダではありません / {path} exists and is not a folder"
    )
    assert file.value.fix == (
        "ワークスペースには別の場所を指定してください / choose another path for the workspace"
    )
    with pytest.raises(UserError) as table:
        get_table("orderz")
    assert table.value.message == "テーブル 'orderz' はありません / unknown table 'orderz'"
    assert table.value.fix is not None
    assert table.value.fix.startswith("次のいずれかを指定してください / use one of: accounts")


def test_ibis_backend_reads_canonical_tables(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path)
    with ws.connect() as con:
        con.execute(
            "insert into accounts (account_id, name, employees) values ('A1', 'テスト', 120)"
        )
    t = ws.table("accounts")
    assert t.employees.sum().execute() == 120


def test_init_refuses_a_language_it_could_not_open_again(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="'fr'"):
        init_workspace(tmp_path / "fr", lang="fr")
    assert not (tmp_path / "fr").exists()


def test_a_damaged_database_names_the_fix_for_sql_and_analytics(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "acme")
    ws.data_path.write_bytes(b"\0" * 10 + b"not duckdb")
    with pytest.raises(WorkspaceError, match=r"not a readable DuckDB file.*rashinban init"):
        ws.backend()
    with pytest.raises(WorkspaceError, match="not a readable DuckDB file"), ws.connect():
        pass

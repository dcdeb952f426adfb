from pathlib import Path

import pytest

from rashinban import (
    ConfigError,
    UserError,
    Workspace,
    WorkspaceError,
    init_workspace,
    open_workspace,
)
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


def test_a_command_run_in_process_leaves_the_file_free_for_writing(
    tiny_ws: Workspace, tmp_path: Path
) -> None:
    # Ibis' table expressions refer back to their backend, so the read-only backend a
    # command opened would wait for the garbage collector; with the collector off it
    # would hold the file until then, and DuckDB refuses a read-write connection meanwhile.
    import gc
    import shutil

    import duckdb
    from typer.testing import CliRunner

    from rashinban.cli import app

    shutil.copytree(tiny_ws.path, tmp_path / "ws")
    gc.disable()
    try:
        res = CliRunner().invoke(app, ["motions", "-w", str(tmp_path / "ws"), "-f", "json"])
        assert res.exit_code == 0, res.output
        con = duckdb.connect(str(tmp_path / "ws" / "data.duckdb"))  # read-write: not refused
        assert con.sql("SELECT count(*) FROM accounts").fetchall() == [(5,)]
        con.close()
    finally:
        gc.enable()


def test_a_dropped_backend_in_a_reference_cycle_does_not_block_writing(tmp_path: Path) -> None:
    import gc

    ws = init_workspace(tmp_path / "ws")
    gc.disable()
    try:
        holder: dict[str, object] = {"backend": ws.backend()}  # read-only
        holder["self"] = holder  # a cycle only the collector frees
        del holder
        with ws.connect() as con:  # read-write: collects the dropped backend and retries
            assert con.sql("SELECT 1").fetchall() == [(1,)]
    finally:
        gc.enable()


def test_close_disconnects_the_backends_the_workspace_opened(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    backend = ws.backend()
    assert backend.table("accounts").count().execute() == 0
    ws.close()
    with ws.connect() as con:  # nothing holds the file read-only any more
        assert con.sql("SELECT count(*) FROM accounts").fetchall() == [(0,)]


def test_the_data_time_zone_is_japan_unless_set(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path)
    assert ws.config["data"]["timezone"] == "Asia/Tokyo"
    assert '[data]\ntimezone = "Asia/Tokyo"' in (tmp_path / "rashinban.toml").read_text("utf-8")
    (tmp_path / "rashinban.toml").write_text('[workspace]\nname = "x"\n', encoding="utf-8")
    assert open_workspace(tmp_path).config["data"]["timezone"] == "Asia/Tokyo"  # older file
    (tmp_path / "rashinban.toml").write_text('[data]\ntimezone = "UTC"\n', encoding="utf-8")
    assert open_workspace(tmp_path).config["data"]["timezone"] == "UTC"
    (tmp_path / "rashinban.toml").write_text("[data]\ntimezone = 9\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[data\] timezone"):
        open_workspace(tmp_path)

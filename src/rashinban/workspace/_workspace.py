"""A workspace: one folder holding settings, the canonical tables and app state.

Layout::

    DIR/
      rashinban.toml      settings (see rashinban.workspace.SETTINGS)
      data.duckdb         the canonical tables under their canonical names;
                          import records in schema ``rb_meta``; analysis results
                          in schema ``rb_results``
      imports/            original files of every import, content-addressed
      rejects/            rejected rows of each import (UTF-8 with BOM, opens in Excel)
      report.html         the latest report
"""

from __future__ import annotations

import gc
import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rashinban._errors import ConfigError, WorkspaceError
from rashinban.schema import TABLES, ddl
from rashinban.workspace._config import SETTINGS, default_config, read_config, write_config

if TYPE_CHECKING:
    # DuckDB and Ibis load when a workspace is first connected to, not when the package
    # is imported, so that ``rashinban --help`` and a usage error answer without them.
    import duckdb
    import ibis
    from ibis.backends.duckdb import Backend as DuckDBBackend

CONFIG_FILE = "rashinban.toml"
DATA_FILE = "data.duckdb"
META_SCHEMA = "rb_meta"
RESULTS_SCHEMA = "rb_results"

_META_DDL = (
    f"CREATE SCHEMA IF NOT EXISTS {META_SCHEMA}",
    f"CREATE SCHEMA IF NOT EXISTS {RESULTS_SCHEMA}",
    f"""CREATE TABLE IF NOT EXISTS {META_SCHEMA}.imports (
        import_id VARCHAR PRIMARY KEY,
        imported_at TIMESTAMP,
        table_name VARCHAR,
        file_name VARCHAR,
        file_sha256 VARCHAR,
        stored_as VARCHAR,
        encoding VARCHAR,
        mapping VARCHAR,
        rows_read BIGINT,
        rows_inserted BIGINT,
        rows_updated BIGINT,
        rows_unchanged BIGINT,
        rows_rejected BIGINT,
        rejects_file VARCHAR
    )""",
)


class Workspace:
    """An opened workspace folder.

    Use :func:`init_workspace` to create one and :func:`open_workspace` to open
    an existing one. Connections are opened per use so that a reader and a
    writer in different processes do not hold the file longer than needed.
    """

    def __init__(self, path: Path, config: dict[str, dict[str, Any]]) -> None:
        self.path = path
        self.config = config
        # The backends backend() opened, for close(): Ibis' table expressions refer
        # back to their backend, so a dropped backend can wait for the garbage collector.
        self._backends: weakref.WeakSet[Any] = weakref.WeakSet()

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"

    @property
    def data_path(self) -> Path:
        return self.path / DATA_FILE

    @property
    def lang(self) -> str:
        """The display language: ``RASHINBAN_LANG`` when set, else ``[workspace] lang``."""
        return env_language() or str(self.config["workspace"]["lang"])

    @property
    def currency(self) -> str:
        return str(self.config["workspace"]["currency"])

    @property
    def churn_horizon_days(self) -> int:
        """``[analysis] churn_horizon_days``: how far ahead churn risk looks (default 90)."""
        return int(self.config.get("analysis", {}).get("churn_horizon_days", 90))

    @contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A DuckDB connection to ``data.duckdb``, closed on exit."""
        import duckdb

        try:
            con = _connect(self.data_path, read_only)
        except duckdb.Error as exc:
            raise database_error(self.data_path, exc) from None
        try:
            yield con
        finally:
            con.close()

    def backend(self, *, read_only: bool = True) -> DuckDBBackend | Any:
        """The Ibis backend analytics run on.

        Embedded DuckDB on ``data.duckdb`` unless ``[backend] url`` names another
        engine (``postgres://…``, ``pyspark://…``): the same expressions then run
        there.
        """
        import duckdb
        import ibis

        url = str(self.config.get("backend", {}).get("url") or "")
        if url:
            backend = ibis.connect(url)
        else:
            try:
                backend = ibis.duckdb.connect(str(self.data_path), read_only=read_only)
            except duckdb.Error as exc:
                raise database_error(self.data_path, exc) from None
        self._backends.add(backend)
        return backend

    def close(self) -> None:
        """Disconnect every backend :meth:`backend` opened and that is still open.

        The command line calls it when a command ends, so that a program which runs
        commands in-process and then writes to the workspace (``analyze``) is not
        refused by DuckDB, which lets one process open a file read-only or
        read-write but not both at once.
        """
        for backend in list(self._backends):
            backend.disconnect()
        self._backends.clear()

    def table(self, name: str, backend: Any = None) -> ibis.Table:
        """The canonical table ``name`` as an Ibis expression."""
        be = backend if backend is not None else self.backend()
        return be.table(name)

    def save_config(self) -> None:
        write_config(self.path / CONFIG_FILE, self.config)


#: The environment variable that sets the display language for every command.
LANG_VARIABLE = "RASHINBAN_LANG"


def env_language() -> str | None:
    """``RASHINBAN_LANG`` (``ja`` or ``en``), or None when it is not set or empty.

    It comes before a workspace's ``[workspace] lang`` (a person's language over the
    team's) and after a command's ``--lang``.
    """
    value = os.environ.get(LANG_VARIABLE, "").strip().lower()
    if not value:
        return None
    if value not in ("ja", "en"):
        given = f"{LANG_VARIABLE}={os.environ[LANG_VARIABLE]!r}"
        raise ConfigError(
            f"環境変数 {given} は ja でも en でもありません / "
            f"the environment variable {given} is neither ja nor en",
            fix=f"{LANG_VARIABLE} を ja か en にするか、設定を外してください / "
            f"set {LANG_VARIABLE} to ja or en, or unset it",
        )
    return value


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect``; when this process still holds the file in the other mode
    through a connection nothing refers to any more (waiting for the garbage collector
    in a reference cycle), collect it and try once more."""
    import duckdb

    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.ConnectionException as exc:
        if "different configuration" not in str(exc):
            raise
        gc.collect()
        return duckdb.connect(str(path), read_only=read_only)


def database_error(path: Path | str, exc: Exception) -> WorkspaceError:
    """Why a database (``data.duckdb``, the state store) cannot be opened or written,
    with the fix that matches the cause."""
    text = str(getattr(exc, "orig", None) or exc)  # SQLAlchemy wraps the driver's error
    lowered = text.lower()
    if "lock" in lowered:
        why = "別のプログラムが使用中です / another program holds it open"
        fix = (
            "そのプログラム (DuckDB, Python, 別の rashinban) を閉じてから再実行してください / "
            "close that program (DuckDB, Python, another rashinban) and try again"
        )
    elif any(w in lowered for w in ("permission", "not permitted", "read-only", "readonly")):
        why = "書き込みが許可されていません / it cannot be written here"
        fix = (
            "ファイルとフォルダの書き込み権限を確かめてください / "
            "make the file and its folder writable, or work on a copy"
        )
    elif "not a valid duckdb" in lowered or "could not read" in lowered or "corrupt" in lowered:
        why = "DuckDB のデータベースとして読めません / it is not a readable DuckDB file"
        fix = (
            "バックアップから戻すか、'rashinban init' で作り直して取り込み直してください / "
            "restore it from a backup, or move it away, run 'rashinban init' and import again"
        )
    else:
        why = "開けません / it cannot be opened"
        fix = "メッセージの原因を取り除いてください / remove the cause named in the message"
    return WorkspaceError(f"{path}: {why} ({text})", fix=fix)


def _resolve(path: str | os.PathLike[str] | None) -> Path:
    if path is None:
        env = os.environ.get("RASHINBAN_WORKSPACE")
        return Path(env) if env else Path.cwd()
    return Path(path)


def init_workspace(
    path: str | os.PathLike[str] | None = None, *, name: str | None = None, lang: str = "ja"
) -> Workspace:
    """Create (or complete) a workspace at ``path`` and return it.

    Idempotent: running it on an existing workspace adds what is missing and
    changes nothing else.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> ws = init_workspace(pathlib.Path(tempfile.mkdtemp()) / "acme")
    >>> (ws.path / "rashinban.toml").exists()
    True
    """
    root = _resolve(path)
    langs = next(s.choices for s in SETTINGS if (s.section, s.name) == ("workspace", "lang"))
    if lang not in langs:
        raise ConfigError(
            f"言語 {lang!r} には対応していません / language {lang!r} is not supported",
            fix=f"次のいずれかにしてください / use one of {', '.join(map(repr, langs))}",
        )
    if root.exists() and not root.is_dir():
        raise WorkspaceError(
            f"{root} はフォルダではありません / {root} exists and is not a folder",
            fix="ワークスペースには別の場所を指定してください / "
            "choose another path for the workspace",
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkspaceError(
            f"{root} を作れません / cannot create {root}: {exc.strerror}",
            fix="書き込める場所のフォルダを指定してください / choose a folder you can write to",
        ) from None
    cfg_path = root / CONFIG_FILE
    if cfg_path.exists():
        cfg = read_config(cfg_path)
    else:
        cfg = default_config(name or root.resolve().name)
        cfg["workspace"]["lang"] = lang
        write_config(cfg_path, cfg)
    for sub in ("imports", "rejects"):
        (root / sub).mkdir(exist_ok=True)
    ws = Workspace(root, cfg)
    with ws.connect() as con:
        for stmt in _META_DDL:
            con.execute(stmt)
        for table in TABLES.values():
            con.execute(ddl(table))
    return ws


def open_workspace(path: str | os.PathLike[str] | None = None) -> Workspace:
    """Open the workspace at ``path`` (default: ``$RASHINBAN_WORKSPACE`` or the current folder)."""
    root = _resolve(path)
    cfg_path = root / CONFIG_FILE
    if root.exists() and not root.is_dir():
        # A file (often the workspace's own rashinban.toml or data.duckdb): 'init' on
        # it would fail too, so the fix names the folder to give instead.
        folder = root.parent if (root.parent / CONFIG_FILE).is_file() else None
        raise WorkspaceError(
            f"{root} はファイルです。ワークスペースはフォルダです / "
            f"{root} is a file, not a workspace folder",
            fix=(
                f"-w {folder} のようにフォルダを指定してください / pass the folder: -w {folder}"
                if folder is not None
                else "-w (または RASHINBAN_WORKSPACE) にはワークスペースのフォルダを指定して"
                "ください / pass a workspace folder to -w (or RASHINBAN_WORKSPACE)"
            ),
        )
    if not cfg_path.is_file():
        raise WorkspaceError(
            f"{root} はワークスペースではありません / no workspace at {root} "
            f"({CONFIG_FILE} not found)",
            fix=f"'rashinban init {root}' で作るか -w で指定してください / "
            f"run 'rashinban init {root}' or pass -w DIR",
        )
    ws = Workspace(root, read_config(cfg_path))
    if not ws.data_path.exists():
        raise WorkspaceError(
            f"{ws.data_path} がありません / {ws.data_path} is missing",
            fix=f"'rashinban init {root}' で作り直してください / "
            f"run 'rashinban init {root}' to re-create it",
        )
    return ws

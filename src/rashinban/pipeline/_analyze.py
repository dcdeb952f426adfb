"""``analyze``: run every registered analysis for an as-of date and store the results."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from rashinban._errors import InvalidValueError, NotEnoughDataError, RashinbanError
from rashinban._rows import first_row
from rashinban.engine import check_as_of, data_span
from rashinban.engine._periods import as_date
from rashinban.pipeline._registry import ANALYSES, AnalysisResult, Context
from rashinban.workspace import META_SCHEMA, RESULTS_SCHEMA, Workspace, open_workspace

_RUNS_DDL = f"""CREATE TABLE IF NOT EXISTS {META_SCHEMA}.runs (
    run_id VARCHAR, analysis VARCHAR, as_of DATE, computed_at TIMESTAMP,
    seconds DOUBLE, summary JSON, status VARCHAR, message VARCHAR)"""


@dataclass
class RunReport:
    run_id: str
    as_of: dt.date
    results: dict[str, AnalysisResult] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def resolve_as_of(ws: Workspace, as_of: dt.date | str | None, backend: Any = None) -> dt.date:
    """The given date, else ``[analysis] as_of`` from settings, else the end of the data.

    ``as_of`` may be a ``datetime.date``, ``datetime.datetime``, ``pandas.Timestamp``
    (their day) or ISO text such as ``"2025-12-31"``.

    A date after the end of the data (:func:`rashinban.engine.data_span`, the date the
    default is) or before its start is refused: the analyses would bill subscriptions
    on and count empty months past the end, and find nothing before the start.

    Raises
    ------
    InvalidValueError
        ``as_of`` is not a date.
    NotEnoughDataError
        No activity data and no date given, or the date lies outside the data.
    """
    configured = str(ws.config.get("analysis", {}).get("as_of") or "")
    day = None if as_of is None else as_date(as_of, "as_of")
    if day is None and configured:
        day = dt.date.fromisoformat(configured)
    span = data_span(backend if backend is not None else ws.backend())
    if span is None:
        if day is not None:  # nothing to check it against
            return day
        raise NotEnoughDataError(
            "分析できる活動データがありません / the workspace holds no activity data to analyse",
            fix="注文・契約・商談・リード・利用状況のいずれかを取り込んでください / "
            "import orders, subscriptions, deals, leads or usage first (rashinban import …)",
        )
    if day is None:
        return span[1]
    option = "--as-of" if as_of is not None else "[analysis] as_of (rashinban.toml)"
    check_as_of(day, *span, option=option)
    return day


def analyze(
    ws: Workspace | str | os.PathLike[str],
    *,
    as_of: dt.date | str | None = None,
    only: str | Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> RunReport:
    """Run the analyses (all, or ``only``) as of ``as_of`` and store their results.

    ``ws`` is a :class:`~rashinban.Workspace` or the path of one (opened with
    :func:`~rashinban.open_workspace`); ``as_of`` is read as
    :func:`resolve_as_of` reads it (a date, a timestamp or ISO text). An analysis
    that cannot run (too little data, a model that does not converge) records why
    and the others still run.

    Raises
    ------
    WorkspaceError
        ``ws`` is a path with no workspace.
    InvalidValueError
        ``ws`` is neither a workspace nor a path, or ``as_of`` is not a date.
    NotEnoughDataError
        ``as_of`` lies outside the data (:func:`resolve_as_of`).
    """
    if isinstance(ws, str | os.PathLike):
        ws = open_workspace(ws)
    elif not isinstance(ws, Workspace):
        raise InvalidValueError(
            f"ws = {type(ws).__name__} はワークスペースではありません / "
            f"ws = {type(ws).__name__} is not a workspace",
            fix="rashinban.open_workspace('acme') で開いたものか、そのフォルダのパスを"
            "渡してください / pass a workspace from rashinban.open_workspace('acme'), or "
            "its folder's path",
        )
    say = progress or (lambda _m: None)
    backend = ws.backend(read_only=True)
    day = resolve_as_of(ws, as_of, backend)
    ctx = Context(ws, backend, day)
    run_id = hashlib.sha256(f"{day}|{time.time_ns()}".encode()).hexdigest()[:16]
    report = RunReport(run_id, day)
    wanted = _only_names(only)
    for analysis in ANALYSES:
        if wanted is not None and analysis.name not in wanted:
            continue
        say(f"{analysis.title_ja} / {analysis.title_en}")
        t0 = time.perf_counter()
        try:
            result = analysis.run(ctx)
        except RashinbanError as exc:
            # Too little data, a model that did not converge, …: record why and go on,
            # so one analysis cannot take the others down with it.
            report.failures[analysis.name] = str(exc)
            continue
        report.seconds[analysis.name] = time.perf_counter() - t0
        ctx.results[analysis.name] = result
        report.results[analysis.name] = result
    backend.disconnect()
    _store(ws, report)
    return report


def _store(ws: Workspace, report: RunReport) -> None:
    """Write all results in one transaction: a run is stored whole or not at all."""
    now = dt.datetime.now()
    with ws.connect() as con:
        con.execute(_RUNS_DDL)
        con.execute("BEGIN TRANSACTION")
        try:
            for name, result in report.results.items():
                for key, frame in result.tables.items():
                    table = f'{RESULTS_SCHEMA}."{name}__{key}"'
                    con.register("_frame", frame)
                    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _frame")
                    con.unregister("_frame")
                con.execute(
                    f"INSERT INTO {META_SCHEMA}.runs VALUES (?, ?, ?, ?, ?, ?, 'ok', NULL)",
                    [
                        report.run_id,
                        name,
                        report.as_of,
                        now,
                        report.seconds.get(name, 0.0),
                        json.dumps(result.summary, ensure_ascii=False, default=str),
                    ],
                )
            for name, message in report.failures.items():
                con.execute(
                    f"INSERT INTO {META_SCHEMA}.runs VALUES (?, ?, ?, ?, 0, NULL, 'skipped', ?)",
                    [report.run_id, name, report.as_of, now, message],
                )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


def latest_results(ws: Workspace) -> dict[str, dict[str, Any]]:
    """The summaries of the latest stored run, by analysis name (empty before ``analyze``)."""
    return _stored_runs(
        ws, f"run_id = (SELECT run_id FROM {META_SCHEMA}.runs ORDER BY computed_at DESC LIMIT 1)"
    )


def latest_run(ws: Workspace, analysis: str) -> dict[str, Any] | None:
    """The latest stored run of one analysis (None before ``analyze`` ran it).

    Its ``as_of`` is the date the stored result tables are as of: ``analyze --only``
    runs leave the other analyses' tables (and runs) as they were, so the latest run of
    the workspace need not hold this analysis.
    """
    latest = f"""run_id = (SELECT run_id FROM {META_SCHEMA}.runs WHERE analysis = ?
                           ORDER BY computed_at DESC LIMIT 1) AND analysis = ?"""
    return _stored_runs(ws, latest, [analysis, analysis]).get(analysis)


def _stored_runs(
    ws: Workspace, where: str, params: list[Any] | None = None
) -> dict[str, dict[str, Any]]:
    with ws.connect(read_only=True) as con:
        exists = first_row(
            con,
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = 'runs'",
            [META_SCHEMA],
        )
        if not exists or not exists[0]:
            return {}
        rows = con.execute(
            f"""SELECT analysis, as_of, summary, status, message FROM {META_SCHEMA}.runs
                WHERE {where}""",
            params or [],
        ).fetchall()
    return {
        a: {
            "as_of": d,
            "summary": json.loads(s) if s else {},
            "status": st,
            "message": msg,
        }
        for a, d, s, st, msg in rows
    }


def load_result_table(ws: Workspace, analysis: str, key: str) -> Any:
    """A stored result table as a DataFrame, or None if the analysis has not stored it."""
    with ws.connect(read_only=True) as con:
        found = first_row(
            con,
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
            [RESULTS_SCHEMA, f"{analysis}__{key}"],
        )
        if not found or not found[0]:
            return None
        return con.execute(f'SELECT * FROM {RESULTS_SCHEMA}."{analysis}__{key}"').df()


def _only_names(only: str | Iterable[str] | None) -> set[str] | None:
    """The analysis names ``only`` asks for (None: all), refusing unknown names.

    A single name may be passed as a string; an empty selection runs everything.
    """
    if only is None:
        return None
    names = [only] if isinstance(only, str) else list(only)
    if not names:
        return None
    valid = [a.name for a in ANALYSES]
    unknown = [n for n in names if n not in valid]
    if unknown:
        shown = ", ".join(repr(n) for n in unknown)
        raise InvalidValueError(
            f"分析名 {shown} はありません / unknown analysis name(s) {shown}",
            fix=f"次の名前から選んでください / choose from: {', '.join(valid)}",
        )
    return set(names)

"""Import files into a workspace's canonical tables: atomic, idempotent, explained.

The steps for one command (one or more files of one table):

1. keep a content-addressed copy of each original file under ``imports/``;
2. read it as text columns (:mod:`._readers`), map headers (:mod:`._mapping`);
3. convert every canonical column (:mod:`._convert`; a date-time written with a UTC
   offset is read in the workspace's time zone, :mod:`._zones`), collecting a reason
   for each value that cannot be read (a workbook formula without a saved result is
   one, :mod:`._formulas`);
4. resolve account ids (法人番号 first, then normalised name + prefecture),
   translate aliases, reject rows that refer to unknown accounts, that leave a
   required date empty or whose dates are the wrong way round (:mod:`._rowchecks`);
   an unreadable value in a column the row does not depend on is left empty and
   listed (``value_dropped``), the row kept;
5. merge duplicate keys inside the file (later non-empty values win);
6. upsert on the key in **one transaction**: an empty source field never erases
   a stored value, unchanged rows are not rewritten, and a crash or kill before
   the commit leaves the workspace exactly as it was;
7. write the rejects file (UTF-8 with BOM, so Excel opens it) and the import record.

With ``strict=True`` nothing is loaded if any row is rejected.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from rashinban._errors import ImportFileError, RashinbanError
from rashinban._rows import first_row
from rashinban.importing._accounts import refresh_account_keys, resolve_accounts, translate_aliases
from rashinban.importing._convert import (
    blank_to_null,
    conversion,
    lit,
    out_of_range,
    q,
    scaled,
    slow_path,
)
from rashinban.importing._duplicates import merge_duplicates
from rashinban.importing._formulas import lost_formulas
from rashinban.importing._lost_accounts import fill_keys, lost_accounts
from rashinban.importing._mapping import Mapping, detect_preset, load_mapping, preset_mapping
from rashinban.importing._readers import (
    HEADER,
    NOT_HEADER,
    OTHER_TABLE_HEADER,
    UNNAMED,
    HeaderTest,
    RawFile,
    check_file,
    file_sha256,
    keep_original,
    read_raw,
)
from rashinban.importing._rejects import Reject, by_row, strict_error, write_rejects
from rashinban.importing._rowchecks import DROPPED, check_dates, droppable_columns, settle_dropped
from rashinban.importing._stages import stage_outcomes
from rashinban.importing._tablefit import check_table_fit, fits_another_table
from rashinban.importing._totals import drop_repeated_headers, drop_totals_rows
from rashinban.importing._upsert import ensure_extra_columns, upsert
from rashinban.importing._zones import data_zone, zone_counts
from rashinban.schema import TABLES, Column, Table, get_table
from rashinban.workspace import META_SCHEMA, Workspace

Progress = Callable[[str], None]

_META_EXTRA = (
    f"""CREATE TABLE IF NOT EXISTS {META_SCHEMA}.account_keys (
        account_id VARCHAR, name_key VARCHAR, prefecture VARCHAR, corporate_number VARCHAR)""",
    f"""CREATE TABLE IF NOT EXISTS {META_SCHEMA}.account_aliases (
        source_id VARCHAR, account_id VARCHAR)""",
)


@dataclass
class FileResult:
    """What happened to one file."""

    file: str
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    merged_duplicates: int = 0
    #: The first keys merged, and the keys (and columns) where the merged rows held
    #: different non-empty values: a later row replaced an earlier row's values.
    merged_keys: tuple[str, ...] = ()
    conflicting_duplicates: int = 0
    conflicting_keys: tuple[str, ...] = ()
    conflicting_columns: tuple[str, ...] = ()
    mapping: str = "canonical"
    encoding: str | None = None
    extra_columns: tuple[str, ...] = ()
    header_row: int = 1
    sheet: str | None = None
    #: The words of a report footer below the table (Salesforce's "Confidential
    #: Information - Do Not Distribute", "Copyright …"), left out of the import.
    footer: tuple[str, ...] = ()
    #: Workbook columns (by header) where a cell merged over several rows gave its
    #: value to each row it covers.
    merged_cells: tuple[str, ...] = ()
    #: Money columns whose header gave a unit: ``年間売上(千円) → annual_revenue ×1,000``.
    units: tuple[str, ...] = ()
    #: Accounts this file added without a company name (shown by id until one is imported),
    #: and the file rows of the first few.
    nameless: int = 0
    nameless_rows: tuple[int, ...] = ()
    #: Values that could not be read in a column the row does not depend on
    #: (従業員数 ``abc``): the row was kept with that cell empty, and each value is
    #: listed in the rejects file (kind ``value_dropped``). The columns, canonical names.
    dropped: int = 0
    dropped_columns: tuple[str, ...] = ()
    #: A deals file without an outcome column whose stage says won or lost: the
    #: outcome was read from the stage, ``成立 → won`` for each stage value.
    outcome_from_stage: tuple[str, ...] = ()
    #: The workspace's time zone (``[data] timezone``), and the dates read from a date-time
    #: written with another UTC offset (``2024-03-31T15:30:00Z``), converted to it: how
    #: many, how many of them fell on another day than the one written, and the columns.
    timezone: str = ""
    zoned: int = 0
    zoned_days: int = 0
    zoned_columns: tuple[str, ...] = ()
    #: Workbook cells holding a formula without a saved result (a file written by a
    #: program that never calculated it): how many, and their columns (headers).
    formulas: int = 0
    formula_columns: tuple[str, ...] = ()


@dataclass
class ImportResult:
    """The outcome of one import command."""

    table: str
    files: list[FileResult] = field(default_factory=list)
    rejects_file: Path | None = None

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    @property
    def loaded(self) -> int:
        return sum(f.inserted + f.updated + f.unchanged for f in self.files)


def import_files(
    ws: Workspace,
    table: str,
    files: Sequence[str | os.PathLike[str]],
    *,
    mapping: str | os.PathLike[str] | None = None,
    preset: str | None = None,
    encoding: str = "auto",
    strict: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import ``files`` into canonical table ``table`` of workspace ``ws``.

    Parameters
    ----------
    ws
        An opened workspace.
    table
        A canonical table name (``accounts``, ``deals``, …).
    files
        CSV/TSV (UTF-8, UTF-8 with BOM, CP932, UTF-16), XLSX or Parquet files.
    mapping
        A YAML mapping file; default: a built-in preset is detected from the
        headers, else canonical headers are expected.
    preset
        Force a built-in preset (``salesforce_ja``, ``hubspot``, ``kintone``).
    encoding
        ``auto`` (default), ``utf-8``, ``utf-8-sig``, ``cp932`` or ``utf-16``.
    strict
        Load nothing if any row is rejected (raises :class:`RejectedRowsError`).

    Returns
    -------
    ImportResult
        Counts per file and the path of the rejects file (None if no rejects).

    Examples
    --------
    >>> result = import_files(ws, "accounts", ["取引先.csv"])  # doctest: +SKIP
    >>> result.rejected, result.rejects_file  # doctest: +SKIP
    (3, PosixPath('acme/rejects/20260401-101500_accounts.csv'))
    """
    spec = get_table(table)
    if not files:
        raise ImportFileError(
            "ファイルが指定されていません / no files given",
            fix=f"取り込むファイルを指定してください / rashinban import {table} FILE…",
        )
    for raw_path in files:
        check_file(Path(raw_path))  # every file before any is read: nothing half-done
    say = progress or (lambda _msg: None)
    result = ImportResult(table)
    rejects: list[Reject] = []
    started = dt.datetime.now()
    stamp = started.strftime("%Y%m%d-%H%M%S")
    rejects_path = ws.path / "rejects" / f"{stamp}_{table}.csv"
    records: list[tuple[object, ...]] = []
    zone = data_zone(ws)
    copies: list[Path] = []  # originals this call stored, taken back if it fails

    with ws.connect() as con:
        con.execute("SET preserve_insertion_order = true")
        for stmt in _META_EXTRA:
            con.execute(stmt)
        # Every file is read before the transaction begins: a file DuckDB fails on is
        # then read again the careful way (an error inside the transaction would abort
        # it), and a file that cannot be imported stops the command before any write.
        read: list[tuple[Path, str, RawFile, Mapping]] = []
        for i, raw_path in enumerate(files):
            path = Path(raw_path)
            say(f"{path.name}: 読み込み中 / reading")
            raw = read_raw(
                path,
                con,
                name=f"_raw_{i}",
                encoding=encoding,
                is_header=_header_test(spec, mapping, preset),
            )
            m = _choose_mapping(spec, raw.headers, mapping, preset)
            if mapping is None:  # a mapping file says which table it is for
                check_table_fit(
                    spec,
                    raw.headers,
                    m,
                    file_name=path.name,
                    file_arg=str(raw_path),
                    preset=preset,
                )
            read.append((path, file_sha256(path), raw, m))
        con.execute("BEGIN TRANSACTION")
        try:
            for path, sha, raw, m in read:
                con.execute("DROP TABLE IF EXISTS _raw")
                con.execute(f'ALTER TABLE "{raw.table}" RENAME TO _raw')
                fr = FileResult(
                    path.name,
                    raw.rows + len(raw.parse_errors),  # read, whether loaded or rejected
                    mapping=m.source,
                    encoding=raw.encoding,
                    header_row=raw.header_row,
                    sheet=raw.sheet,
                    footer=raw.footer,
                    merged_cells=raw.merged_cells,
                    timezone=zone.key,
                )
                found: list[Reject] = [
                    Reject(path.name, line, "", text, reason, "parse_error")
                    for line, reason, text in raw.parse_errors
                ]
                fr.rejected += len(raw.parse_errors)
                say(f"{path.name}: 変換中 / converting {raw.rows:,} rows")
                _load_one(con, ws, spec, path.name, raw, m, fr, found, strict=strict, zone=zone)
                rejects += by_row(found)  # in the order people work through them
                stored, created = keep_original(path, ws.path / "imports", sha)
                if created:
                    copies.append(stored)
                records.append(
                    (
                        f"{stamp}-{sha[:12]}",
                        started,
                        table,
                        path.name,
                        sha,
                        str(stored.relative_to(ws.path)),
                        raw.encoding,
                        m.source,
                        fr.rows_read,
                        fr.inserted,
                        fr.updated,
                        fr.unchanged,
                        fr.rejected,
                    )
                )
                result.files.append(fr)
            hard = [r for r in rejects if r.kind != "merged"]
            if rejects:
                rejects_path = _unused(rejects_path)
                write_rejects(rejects, rejects_path.with_suffix(".csv.part"))
                result.rejects_file = rejects_path
            if strict and hard:
                con.execute("ROLLBACK")
                _finish_rejects(rejects_path)
                raise strict_error(hard, rejects_path)
            for rec in records:
                con.execute(
                    f"INSERT INTO {META_SCHEMA}.imports VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        _free_import_id(con, str(rec[0])),
                        *rec[1:],
                        str(rejects_path.relative_to(ws.path)) if rejects else None,
                    ],
                )
            con.execute("COMMIT")
        except BaseException:
            try:
                con.execute("ROLLBACK")
            except Exception:  # noqa: S110 — already rolled back (strict path) or connection gone
                pass
            partial = rejects_path.with_suffix(".csv.part")
            if partial.exists() and not (strict and rejects):
                partial.unlink()
            for copy in copies:
                copy.unlink(missing_ok=True)
            raise
    if rejects:
        _finish_rejects(rejects_path)
    return result


def _free_import_id(con: duckdb.DuckDBPyConnection, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… when the history holds it already.

    The id is the second and the file's hash: the same file imported twice within a
    second (or twice in one call) gets two records, as the history is append-only.
    """
    taken = {
        row[0]
        for row in con.execute(
            f"SELECT import_id FROM {META_SCHEMA}.imports WHERE import_id LIKE ? || '%'",
            [base],
        ).fetchall()
    }
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _unused(path: Path) -> Path:
    """``path``, or ``…_2.csv``, ``…_3.csv`` when an import in the same second took it."""
    candidate, n = path, 1
    while candidate.exists() or candidate.with_suffix(".csv.part").exists():
        n += 1
        candidate = path.with_name(f"{path.stem}_{n}{path.suffix}")
    return candidate


def _finish_rejects(path: Path) -> None:
    partial = path.with_suffix(".csv.part")
    if partial.exists():
        partial.replace(path)


def _header_test(
    spec: Table, mapping: str | os.PathLike[str] | None, preset: str | None
) -> HeaderTest:
    """Rank a row of cells as a header (see :func:`rashinban.importing._readers.header_match`).

    :data:`HEADER` when the table's key columns map (accounts: the company name will
    do). Without a mapping file or preset, a row where two or more headers of another
    table map, its key or name among them, is :data:`OTHER_TABLE_HEADER`: a report of
    orders given as deals is then found below its title and named by the table check,
    instead of being refused for the title's lack of a 商談ID.
    """
    fixed = None
    if mapping is not None or preset is not None:
        fixed = _choose_mapping(spec, (), mapping, preset)

    def is_header(cells: tuple[str, ...]) -> int:
        try:
            m = fixed or _choose_mapping(spec, cells, mapping, preset)
            present = set(m.resolve(spec, cells).values())
        except RashinbanError:
            present = set()
        if spec.name == "accounts" and "name" in present:
            return HEADER  # account ids can be resolved from 法人番号 / name + prefecture
        if present and all(k in present for k in spec.key):
            return HEADER
        if fixed is None and fits_another_table(spec, cells):
            return OTHER_TABLE_HEADER
        return NOT_HEADER

    return is_header


def _choose_mapping(
    spec: Table,
    headers: tuple[str, ...],
    mapping: str | os.PathLike[str] | None,
    preset: str | None,
) -> Mapping:
    if mapping is not None:
        return load_mapping(Path(mapping), spec.name)
    if preset is not None:
        return preset_mapping(preset, spec.name)
    return detect_preset(spec, headers)


def _load_one(
    con: duckdb.DuckDBPyConnection,
    ws: Workspace,
    spec: Table,
    file_name: str,
    raw: RawFile,
    m: Mapping,
    fr: FileResult,
    rejects: list[Reject],
    *,
    strict: bool = False,
    zone: ZoneInfo | None = None,
) -> None:
    headers = raw.headers
    resolved = m.resolve(spec, headers)
    present = list(dict.fromkeys(resolved.values()))
    src_of = {dst: src for src, dst in resolved.items()}
    extras = [h for h in headers if h not in resolved and not _blank_unnamed(con, h)]
    fr.extra_columns = tuple(extras)
    missing_keys = [k for k in spec.key if k not in present]
    if spec.name == "accounts" and missing_keys == ["account_id"] and "name" in present:
        missing_keys = []  # ids are resolved from 法人番号 / name + prefecture
    if missing_keys:
        wanted = ", ".join(f"{k} ({spec.column(k).ja})" for k in missing_keys)
        raise ImportFileError(
            f"キー {wanted} の列がありません (見出し: {', '.join(headers)}) / "
            f"no column for the key {wanted} (headers: {', '.join(headers)})",
            file=file_name,
            fix="見出しを直すか --mapping で対応付けてください / "
            "rename the header or map it with --mapping",
        )
    label_cols = [src_of[k] for k in spec.key if k in src_of] or [src_of.get("name", headers[0])]
    fr.rejected += drop_repeated_headers(
        con, headers, [*label_cols, headers[0]], file_name, rejects
    )
    fr.rejected += drop_totals_rows(
        con,
        [*label_cols, headers[0]],
        file_name,
        rejects,
        keys=label_cols,
        headers=headers,
        formulas=raw.formulas,
    )
    lost = lost_formulas(con, spec, resolved, extras, raw.formulas, file_name, rejects)
    fr.rejected += lost.rows_rejected
    fr.formulas, fr.formula_columns = lost.cells, lost.columns

    # 1. trimmed text and the SQL fast path, computed once per value
    value_maps = {c: m.value_map(c) for c in present}
    from_stage = stage_outcomes(con, spec, present, src_of, m)
    if from_stage is not None:  # a deals file whose フェーズ decides won / lost / open
        present.append("outcome")
        src_of["outcome"] = src_of["stage"]
        value_maps["outcome"], fr.outcome_from_stage = from_stage
    convs = {c: conversion(spec.column(c), value_maps[c], zone) for c in present}
    scales = m.scales(spec, resolved)
    for c, (factor, _unit) in scales.items():
        convs[c] = scaled(convs[c], factor)
    fr.units = tuple(f"{src_of[c]} → {c} ×{factor:,.0f}" for c, (factor, _u) in scales.items())
    stage = ["_row"]
    trimmed = [f"{blank_to_null(q(src_of[c]))} AS v{i}" for i, c in enumerate(present)]
    trimmed += [f"{blank_to_null(q(h))} AS {q('x:' + h)}" for h in extras]
    fast = [
        f"CAST({convs[c].fast.replace('{v}', f'v{i}')} AS {convs[c].sql_type}) AS f{i}"
        for i, c in enumerate(present)
    ]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _t AS SELECT *, {', '.join(fast) or 'NULL AS _none'} "
        f"FROM (SELECT {', '.join(stage + trimmed)} FROM _raw)"
    )

    # 2. the Python slow path on the distinct values the fast path left open, then
    # typed values, bounds and derived columns in one pass (no UPDATE passes)
    inner: list[str] = ["t._row AS _row"]
    outer: list[str] = ["_row"]
    joins: list[str] = []
    errs: list[str] = []
    derived = _derived_columns(spec, present)
    droppable = droppable_columns(spec, present)
    for i, c in enumerate(present):
        col, conv = spec.column(c), convs[c]
        leftovers = slow_path(con, "_t", f"v{i}", f"f{i}", conv, f"_slow_{i}")
        if leftovers:
            joins.append(f"LEFT JOIN _slow_{i} s{i} ON s{i}.src = t.v{i}")
            value, slow_err = f"coalesce(t.f{i}, s{i}.val)", f"s{i}.err"
            blank = f"(s{i}.src IS NOT NULL AND s{i}.err IS NULL AND s{i}.val IS NULL)"
            extra_of = {extra: f"s{i}.{q(extra)}" for extra, _ in conv.extra}
        else:
            value, slow_err, blank = f"t.f{i}", "NULL::VARCHAR", "false"
            extra_of = {extra: "NULL" for extra, _ in conv.extra}
        inner.append(f"CASE WHEN {blank} THEN NULL ELSE t.v{i} END AS {q('_s_' + c)}")
        inner.append(f"CAST({value} AS {conv.sql_type}) AS {q('_v_' + c)}")
        inner.append(f"{slow_err} AS {q('_se_' + c)}")
        for extra, typ in conv.extra:
            inner.append(f"CAST({extra_of[extra]} AS {typ}) AS {q('_xv_' + extra)}")
        err = _error_expr(col, c)
        outer.append(f"{err} AS {q('_e_' + c)}")
        if c not in derived:
            outer.append(f"CASE WHEN {err} IS NULL THEN {q('_v_' + c)} END AS {q(c)}")
        outer.append(f"CASE WHEN {err} IS NOT NULL THEN {q('_s_' + c)} END AS {q('_s_' + c)}")
        if c not in droppable:  # a droppable value is only left empty
            errs.append(f"{err} IS NOT NULL")
    outer += [
        q("_xv_" + extra) for c in present for extra, _ in conversion(spec.column(c), {}).extra
    ]
    inner += [f"t.{q('x:' + h)}" for h in extras]
    outer += [q("x:" + h) for h in extras]
    outer += _derived_exprs(spec, present)
    keys_missing = [f"{q('_v_' + k)} IS NULL" for k in spec.key if k in present]
    outer.append(f"({' OR '.join(errs + keys_missing) or 'false'}) AS _rejected")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _typed AS SELECT {', '.join(outer)} FROM "
        f"(SELECT {', '.join(inner)} FROM _t t {' '.join(joins)})"
    )
    con.execute("DROP TABLE _t")
    found_from = len(rejects)
    _collect_value_rejects(con, file_name, spec, present, droppable, rejects)
    rejects += lost.dropped  # settled with the other values left empty

    # 3. account ids, aliases and references
    if spec.name == "accounts":
        resolve_accounts(con, present)
    else:
        translate_aliases(con, spec, present)
    _check_references(con, ws.path, spec, present, file_name, rejects)
    check_dates(con, spec, present, file_name, rejects)
    fr.dropped = settle_dropped(con, rejects[found_from:], strict=strict)
    fr.dropped_columns = tuple(  # an extra column (a formula's lost value) by its header
        c
        for c in [*present, *extras]
        if any(
            r.kind == DROPPED and r.column == (spec.column(c).ja if c in present else c)
            for r in rejects[found_from:]
        )
    )

    bad = first_row(con, "SELECT count(*) FROM _typed WHERE _rejected")
    fr.rejected += int(bad[0]) if bad else 0

    # 4. duplicate keys inside the file: later non-empty values win
    cols = [c for c in spec.column_names if c in present or c in derived]
    if spec.name == "accounts" and "account_id" not in cols:
        cols.insert(0, "account_id")
    extra_cols = [f"x:{h}" for h in extras]
    merged = merge_duplicates(con, spec, cols, extra_cols, file_name, rejects)
    fill_keys(con, spec, headers, src_of, rejects)
    fr.merged_duplicates, fr.merged_keys = merged.rows, merged.keys
    fr.conflicting_duplicates = merged.conflicting
    fr.conflicting_keys, fr.conflicting_columns = (
        merged.conflicting_keys,
        merged.conflicting_columns,
    )

    fr.zoned, fr.zoned_days, fr.zoned_columns = zone_counts(con, spec, present)

    # 5. upsert
    if spec.name == "accounts":
        fr.nameless, fr.nameless_rows = _new_nameless_accounts(con, present)
    ensure_extra_columns(con, spec, extras)
    ins, upd, same = upsert(con, spec, cols, extras)
    fr.inserted, fr.updated, fr.unchanged = ins, upd, same
    if spec.name == "accounts":
        refresh_account_keys(con)


def _new_nameless_accounts(
    con: duckdb.DuckDBPyConnection, present: list[str]
) -> tuple[int, tuple[int, ...]]:
    """How many accounts about to be added have no company name, and their first rows.

    Such accounts are kept (their id identifies them) but every table and the report
    can only show them by id, so the import says so.
    """
    # After merging: a later row of the same id that names the company names it.
    blank = "c.name IS NULL" if "name" in present else "true"
    rows = con.execute(
        f"""SELECT min(t._row) AS r FROM _clean c JOIN _typed t
              ON t.account_id = c.account_id AND NOT t._rejected
            WHERE {blank} AND c.account_id NOT IN (SELECT account_id FROM accounts)
            GROUP BY c.account_id ORDER BY r"""
    ).fetchall()
    return len(rows), tuple(int(r[0]) for r in rows[:5])


def _blank_unnamed(con: duckdb.DuckDBPyConnection, header: str) -> bool:
    """A column with no header and no value (trailing commas of an Excel CSV): not kept."""
    if not UNNAMED.fullmatch(header):
        return False
    row = first_row(
        con, f"SELECT count(*) FROM _raw WHERE nullif(trim({q(header)}), '') IS NOT NULL"
    )
    return not row or row[0] == 0


def _error_expr(col: Column, c: str) -> str:
    """Why ``c``'s value is rejected (NULL when it is fine): unreadable or out of range."""
    value, src, slow_err = q("_v_" + c), q("_s_" + c), q("_se_" + c)
    unreadable = lit(
        f"{col.ja} として読めません / cannot be read as {col.en}"
        " — 値を確認してください / check the value"
    )
    cases = [f"WHEN {src} IS NOT NULL AND {value} IS NULL THEN coalesce({slow_err}, {unreadable})"]
    if col.low is not None or col.high is not None:
        cond = []
        if col.low is not None:
            cond.append(f"{value} < {col.low}")
        if col.high is not None:
            cond.append(f"{value} > {col.high}")
        reason, fix = out_of_range(col)
        msg = lit(f"{reason} — {fix}")
        cases.append(f"WHEN {' OR '.join(cond)} THEN {msg}")
    return "(CASE " + " ".join(cases) + " END)"


def _derived_columns(spec: Table, present: list[str]) -> set[str]:
    """Columns filled from another column's parse: legal_form (from the name), prefecture_code."""
    out = set()
    if spec.name == "accounts" and "name" in present:
        out.add("legal_form")
    if "prefecture" in present:
        out.add("prefecture_code")
    return out


def _derived_exprs(spec: Table, present: list[str]) -> list[str]:
    """The derived columns' values (a given value wins for legal_form, the parse for codes)."""
    derived = _derived_columns(spec, present)
    out = []
    if "legal_form" in derived:
        given = q("_v_legal_form") if "legal_form" in present else "NULL"
        out.append(f"coalesce({given}, _xv_legal_form) AS legal_form")
    elif spec.name == "accounts":
        out.append("NULL::VARCHAR AS _xv__name_key")
    if "prefecture_code" in derived:
        given = q("_v_prefecture_code") if "prefecture_code" in present else "NULL"
        out.append(f"coalesce(_xv_prefecture_code, {given}) AS prefecture_code")
    return out


def _collect_value_rejects(
    con: duckdb.DuckDBPyConnection,
    file_name: str,
    spec: Table,
    present: list[str],
    droppable: set[str],
    rejects: list[Reject],
) -> None:
    for c in present:
        kind = DROPPED if c in droppable else "rejected"
        for row, value, reason in con.execute(
            f"SELECT _row, {q('_s_' + c)}, {q('_e_' + c)} FROM _typed "
            f"WHERE {q('_e_' + c)} IS NOT NULL ORDER BY _row"
        ).fetchall():
            rejects.append(Reject(file_name, row, spec.column(c).ja, value, reason, kind))
    for k in spec.key:
        if k not in present:
            continue
        for (row,) in con.execute(
            f"SELECT _row FROM _typed WHERE {q(k)} IS NULL AND {q('_e_' + k)} IS NULL ORDER BY _row"
        ).fetchall():
            rejects.append(
                Reject(
                    file_name,
                    row,
                    spec.column(k).ja,
                    None,
                    f"キー {spec.column(k).ja} が空です / the key {k} is empty — "
                    "fill it in or remove the row",
                )
            )


def _check_references(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    spec: Table,
    present: list[str],
    file_name: str,
    rejects: list[Reject],
) -> None:
    """Reject rows whose account does not exist; other references only when their table has rows.

    An account that an earlier import rejected is named with the row that rejected it.
    """
    for c in present:
        col = spec.column(c)
        ref = col.references
        if not ref or ref == spec.name:
            continue
        key = TABLES[ref].key[0]
        if ref != "accounts":
            n = first_row(con, f"SELECT count(*) FROM {q(ref)}")
            if not n or n[0] == 0:
                continue
        label = col.ja
        msg = (
            f"{label} '{{v}}' は {TABLES[ref].ja} にありません / unknown {col.en} — "
            f"import {ref} first or correct the id"
        )
        bad = con.execute(
            f"""SELECT _row, {q(c)} FROM _typed
                WHERE NOT _rejected AND {q(c)} IS NOT NULL
                  AND {q(c)} NOT IN (SELECT {q(key)} FROM {q(ref)} WHERE {q(key)} IS NOT NULL)
                ORDER BY _row"""
        ).fetchall()
        if not bad:
            continue
        lost = lost_accounts(con, root, {str(v) for _, v in bad}) if ref == "accounts" else {}
        for row, v in bad:
            why = lost[v].explain(v) if v in lost else msg.replace("{v}", str(v))
            rejects.append(Reject(file_name, row, label, v, why))
        con.execute(
            f"""UPDATE _typed SET _rejected = true
                WHERE NOT _rejected AND {q(c)} IS NOT NULL
                  AND {q(c)} NOT IN (SELECT {q(key)} FROM {q(ref)} WHERE {q(key)} IS NOT NULL)"""
        )

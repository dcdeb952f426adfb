"""Commands that create and fill a workspace: init, import."""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from rashinban._labels import bilingual, count_en
from rashinban.cli._app import Lang, WorkspaceOpt, app, err_console, open_ws, out_console
from rashinban.cli._render import Format, render

if TYPE_CHECKING:
    from rashinban.importing import FileResult, ImportResult


class ImportFormat(StrEnum):
    """What ``rashinban import`` prints: the summary lines, or the same as JSON."""

    table = "table"
    json = "json"


@app.command()
def init(
    directory: Annotated[Path | None, typer.Argument(help="作成するフォルダ / folder")] = None,
    workspace: WorkspaceOpt = None,
    lang: Annotated[Lang, typer.Option(help="既定の言語 / default language: ja|en")] = Lang.ja,
) -> None:
    """ワークスペースを作成する / create a workspace."""
    from rashinban.workspace import init_workspace

    ws = init_workspace(directory or workspace, lang=lang.value)
    ready = bilingual("ワークスペースを作成しました", "workspace ready", ws.lang)
    out_console.print(f"{ready}: {ws.path}", highlight=False)


@app.command("import")
def import_(
    table: Annotated[
        str, typer.Argument(help="取り込み先のテーブル / canonical table, e.g. accounts")
    ],
    files: Annotated[
        list[Path],
        typer.Argument(
            help="取り込むファイル (複数可) / files to import: CSV, TSV, XLSX or Parquet"
        ),
    ],
    workspace: WorkspaceOpt = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="列マッピングYAML / column mapping YAML")
    ] = None,
    preset: Annotated[
        str | None,
        typer.Option("--preset", help="組み込みプリセット / preset: salesforce_ja|hubspot|kintone"),
    ] = None,
    encoding: Annotated[
        str, typer.Option("--encoding", help="文字コード / encoding: auto|utf-8|cp932|utf-16")
    ] = "auto",
    strict: Annotated[
        bool, typer.Option("--strict", help="1行でも不正なら何も取り込まない / all or nothing")
    ] = False,
    fmt: Annotated[
        ImportFormat,
        typer.Option("--format", "-f", help="出力形式 / output format: table|json"),
    ] = ImportFormat.table,
) -> None:
    """ファイルを取り込む / import files into a canonical table."""
    from rashinban.importing import import_files

    ws = open_ws(workspace)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        # Off the terminal (a script reading --format json) the spinner would leave an
        # empty line on standard error, before the one line an error is.
        disable=not err_console.is_terminal,
    ) as bar:
        task = bar.add_task("import", total=None)
        result = import_files(
            ws,
            table,
            files,
            mapping=mapping,
            preset=preset,
            encoding=encoding,
            strict=strict,
            progress=lambda msg: bar.update(task, description=msg),
        )
    notes = [_file_notes(result.table, f, ws.lang) for f in result.files]
    if fmt is ImportFormat.json:
        render(_import_payload(result, notes), "files", Format.json)
        return
    en = ws.lang == "en"
    for f, said in zip(result.files, notes, strict=True):
        counts = (
            f"read {count_en(f.rows_read, 'row')} / inserted {f.inserted:,} / "
            f"updated {f.updated:,} / "
            f"unchanged {f.unchanged:,} / rejected {f.rejected:,} / "
            f"merged duplicates {f.merged_duplicates:,}"
            if en
            else f"読込 {f.rows_read:,} 行 / 追加 {f.inserted:,} / 更新 {f.updated:,} / "
            f"変更なし {f.unchanged:,} / 除外 {f.rejected:,} / 重複統合 {f.merged_duplicates:,}"
        )
        out_console.print(
            f"{f.file}: {counts} (mapping: {f.mapping}, encoding: {f.encoding or '-'})",
            highlight=False,
        )
        for note in said:  # text, not console markup: a note may quote "[data] timezone"
            out_console.print("  " + note["text"], highlight=False, markup=False)
    if result.rejects_file:
        out_console.print(
            bilingual(
                "除外・統合した行の一覧",
                f"rejected and merged rows: {result.rejects_file}",
                ws.lang,
            ),
            highlight=False,
        )


def _import_payload(result: ImportResult, notes: list[list[dict[str, str]]]) -> dict[str, Any]:
    """``rashinban import --format json``: the summary's counts, per file and in all,
    with every field of :class:`~rashinban.importing.FileResult` and the notes the
    summary prints under each file."""
    files = [
        {
            **dataclasses.asdict(f),
            "rows_written": f.inserted + f.updated,
            "notes": said,
        }
        for f, said in zip(result.files, notes, strict=True)
    ]
    return {
        "table": result.table,
        "rows_read": sum(f.rows_read for f in result.files),
        "rows_written": sum(f["rows_written"] for f in files),
        "rejected": result.rejected,
        "rejects_file": None if result.rejects_file is None else str(result.rejects_file),
        "files": files,
    }


def _file_notes(table: str, f: FileResult, lang: str) -> list[dict[str, str]]:
    """What the summary says under one file's counts, each note with its kind, in the
    workspace's language (Japanese first with the English alongside)."""
    notes: list[tuple[str, str, str]] = []
    if f.rows_read == 0:
        # Nothing was read, and nothing changed: most often an export whose filter
        # matched no record. Said, not an error, so a scheduled import of an empty
        # delta does not fail.
        notes.append(
            (
                "no_data_rows",
                "データ行がありません (見出し行のみ)。抽出条件を確かめて出力し直してください",
                "no data rows (only the header): check the export's filter and export again",
            )
        )
    if f.sheet is not None:
        notes.append(("sheet", f"シート「{f.sheet}」", f"sheet {f.sheet!r}"))
    if f.header_row > 1:
        notes.append(
            (
                "header_row",
                f"見出しは{f.header_row}行目 (上の行は表題として読み飛ばし)",
                f"headers on row {f.header_row}, the rows above skipped as a title",
            )
        )
    if f.extra_columns:
        notes.append(
            (
                "extra_columns",
                "対応する列がない見出しは追加の列として保存",
                f"kept as extra columns: {', '.join(f.extra_columns)}",
            )
        )
    if f.units:
        notes.append(
            (
                "units",
                "見出しの単位で換算",
                f"converted by the unit in the header: {'; '.join(f.units)}",
            )
        )
    if f.footer:
        notes.append(
            (
                "footer",
                "表の下の注記は読み飛ばし",
                f"report footer left out: {' | '.join(f.footer)}",
            )
        )
    if f.merged_cells:
        cols = ", ".join(f.merged_cells)
        notes.append(
            (
                "merged_cells",
                f"結合セルの値を、結合された各行に入れました (列: {cols})",
                f"a merged cell's value given to each row it spans (columns: {cols})",
            )
        )
    if f.outcome_from_stage:
        pairs = ", ".join(f.outcome_from_stage)
        notes.append(
            (
                "outcome_from_stage",
                f"結果の列がないため、フェーズから結果を判定 ({pairs})",
                f"no outcome column: the outcome was read from the stage ({pairs})",
            )
        )
    if f.zoned:
        notes.append(("timezone", *_zone_lines(table, f)))
    if f.formulas:
        cols = ", ".join(f.formula_columns)
        notes.append(
            (
                "formulas",
                f"計算結果が保存されていない数式 {f.formulas:,} 件を空欄として読みました "
                f"(列: {cols})。数式は除外・統合した行の一覧にあります。Excelで開いて保存し直すか、"
                "値として書き出してから取り込み直してください",
                f"{count_en(f.formulas, 'formula')} without a saved result read as empty "
                f"(columns: {cols}); the formulas are in the list of rejected rows. Open and "
                "save the file in Excel (or export values) and import it again",
            )
        )
    if f.merged_duplicates:
        notes.append(("merged_duplicates", *_merged_lines(table, f)))
    if f.nameless:
        rows = ", ".join(map(str, f.nameless_rows)) + (" …" if f.nameless > 5 else "")
        notes.append(
            (
                "nameless",
                f"会社名のない取引先を {f.nameless:,} 件追加 (行 {rows}): 表やレポートでは ID で"
                "表示されます。会社名の列を含むファイルを取り込むと名前が入ります",
                f"{count_en(f.nameless, 'account')} added without a company name "
                f"({'row' if f.nameless == 1 else 'rows'} {rows}): "
                "tables and the report show their ids; import a file with a company-name "
                "column to name them",
            )
        )
    if f.dropped:
        notes.append(("value_dropped", *_dropped_lines(table, f)))
    return [{"kind": kind, "text": bilingual(ja, en, lang)} for kind, ja, en in notes]


def _dropped_lines(table: str, f: FileResult) -> tuple[str, str]:
    """Values left empty while their rows were kept, in Japanese and English."""
    from rashinban.schema import get_table

    spec = get_table(table)
    # an extra column (a formula that lost its value) by its header
    ja = ", ".join(spec.column(c).ja if c in spec.column_names else c for c in f.dropped_columns)
    en = ", ".join(spec.column(c).en if c in spec.column_names else c for c in f.dropped_columns)
    return (
        f"読めない値 {f.dropped:,} 件を空欄にして取り込みました (列: {ja})。"
        "値と理由は除外・統合した行の一覧にあります",
        f"{count_en(f.dropped, 'unreadable value')} stored as empty, "
        f"the {'row' if f.dropped == 1 else 'rows'} kept "
        f"(columns: {en}); the values and reasons are in the list of rejected rows",
    )


def _zone_lines(table: str, f: FileResult) -> tuple[str, str]:
    """Dates read from date-times with another UTC offset, in Japanese and English."""
    from rashinban.schema import get_table

    spec = get_table(table)
    ja = ", ".join(spec.column(c).ja for c in f.zoned_columns)
    en = ", ".join(spec.column(c).en for c in f.zoned_columns)
    return (
        f"UTCなど時差付きの日時 {f.zoned:,} 件を {f.timezone} の日付に換算しました "
        f"(うち {f.zoned_days:,} 件は書かれた日付と日が変わりました; 列: {ja})。"
        "時間帯は rashinban.toml の [data] timezone で変えられます",
        f"{count_en(f.zoned, 'date-time')} with another UTC offset converted to {f.timezone} "
        f"dates ({f.zoned_days:,} fell on another day than written; columns: {en}); "
        "the time zone is [data] timezone in rashinban.toml",
    )


def _merged_lines(table: str, f: FileResult) -> tuple[str, str]:
    """What merging duplicate keys did, in Japanese and English: how many rows, the first
    keys, and the keys where a later row replaced an earlier row's non-empty values."""
    from rashinban.schema import get_table

    spec = get_table(table)

    def label(name: str, en: bool) -> str:
        if name not in spec.column_names:
            return name  # an extra column, by its header
        col = spec.column(name)
        return col.en if en else col.ja

    def keys(shown: tuple[str, ...], total: int) -> str:
        return ", ".join(shown) + (", …" if total > len(shown) else "")

    merged = keys(f.merged_keys, f.merged_duplicates)
    ja = f"同じキーの行を前の行に {f.merged_duplicates:,} 行統合 ({merged})"
    en = (
        f"{count_en(f.merged_duplicates, 'row')} merged into an earlier row with the same key "
        f"({merged})"
    )
    if f.conflicting_duplicates:
        clash = keys(f.conflicting_keys, f.conflicting_duplicates)
        ja += (
            f"。うち {f.conflicting_duplicates:,} 件のキーは空でない値が食い違い、後の行の値で"
            f"上書き ({clash}; 列: {', '.join(label(c, False) for c in f.conflicting_columns)})。"
            "取り込んだ値と除外・統合した行の一覧を確かめてください"
        )
        en += (
            f"; {count_en(f.conflicting_duplicates, 'key')} had different non-empty values, "
            f"the later row's kept ({clash}; columns: "
            f"{', '.join(label(c, True) for c in f.conflicting_columns)}): check the stored "
            "values and the list of rejected and merged rows"
        )
    else:
        ja += "。後の行は空欄を埋めただけです"
        en += (
            "; the later row only filled blanks"
            if f.merged_duplicates == 1
            else ("; the later rows only filled blanks")
        )
    return ja, en

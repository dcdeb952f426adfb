"""Commands that run analyses and write the report: analyze, report, demo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from rashinban._labels import bilingual, in_language
from rashinban.cli._app import LangOpt, WorkspaceOpt, app, err_console, open_ws, out_console
from rashinban.cli._render import heading
from rashinban.workspace import Workspace

AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="基準日 (YYYY-MM-DD、省略でデータの最終日) / "
        "as-of date (YYYY-MM-DD; default: end of the data)",
    ),
]


def parse_as_of(value: str | None, option: str = "--as-of") -> dt.date | None:
    """The date given to ``option`` (``None`` when not given); a clear error when it is not one."""
    if value is None:
        return None
    from rashinban._errors import InvalidValueError, UserError
    from rashinban.normalize import parse_date

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    try:  # the forms imports read: 2025/4/1, 2025年4月1日, 令和7年4月1日, R7.4.1 …
        return parse_date(value)
    except InvalidValueError:
        raise UserError(
            f"{option} {value!r} は日付ではありません / {option} {value!r} is not a date",
            fix="YYYY-MM-DD (2025-03-31)、2025/3/31 や 令和7年3月31日 の形で書いてください / "
            "write it as YYYY-MM-DD, e.g. 2025-03-31 (2025/3/31 and 令和7年3月31日 work too)",
        ) from None


def require_id(backend: Any, table: str, column: str, value: str | None, option: str) -> None:
    """A clear error when ``value`` (given to ``option``) is not in ``table.column``."""
    if value is None:
        return
    from rashinban._errors import UnknownIdError

    t = backend.table(table)
    article = "an" if column[:1].lower() in "aeiou" else "a"  # an account_id, a lead_id
    if not int(t.filter(t[column] == value).count().execute()):
        raise UnknownIdError(
            f"{option} {value!r} は {table} にありません / {option} {value!r}: no such {column} "
            f"in {table}",
            value=value,
            fix=f"{table} の {column} を指定してください / use {article} {column} from the "
            f"{table} table",
        )


def as_of_date(ws: Workspace, value: str | None, backend: Any = None) -> dt.date:
    """``--as-of`` if given, else the workspace's as-of date (settings, then end of data)."""
    from rashinban.pipeline import resolve_as_of

    return resolve_as_of(ws, parse_as_of(value), backend)


def open_at(workspace: Path | None, value: str | None) -> tuple[Workspace, Any, dt.date]:
    """The workspace, its analytics backend and the as-of date a read command works on."""
    ws = open_ws(workspace)
    backend = ws.backend()
    return ws, backend, as_of_date(ws, value, backend)


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        # Off the terminal (a log file, a scheduled job) the spinner would leave an empty
        # line on standard error, before the one line an error is.
        disable=not err_console.is_terminal,
    )


@app.command()
def analyze(workspace: WorkspaceOpt = None, as_of: AsOfOpt = None) -> None:
    """全分析を実行して結果を保存する / run every analysis and store the results."""
    from rashinban.pipeline import analyze as run
    from rashinban.pipeline._registry import analysis_title

    ws = open_ws(workspace)
    with _progress() as bar:
        task = bar.add_task("analyze", total=None)
        report = run(
            ws, as_of=parse_as_of(as_of), progress=lambda m: bar.update(task, description=m)
        )
    out_console.print(f"{bilingual('基準日', 'as of', ws.lang)}: {report.as_of}")
    for name, secs in report.seconds.items():
        out_console.print(f"  ✓ {analysis_title(name, ws.lang)} ({secs:.1f}s)", highlight=False)
    for name, why in report.failures.items():
        title = analysis_title(name, ws.lang)
        out_console.print(f"  – {title}: {in_language(why, ws.lang)}", highlight=False)


@app.command()
def report(
    workspace: WorkspaceOpt = None,
    lang: LangOpt = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="出力先 / output file (default: report.html)"),
    ] = None,
) -> None:
    """HTMLレポートを書き出す (オフラインで開けます) / write the self-contained HTML report."""
    from rashinban.report import write_report

    ws = open_ws(workspace)
    path = write_report(ws, output, lang=lang)
    out_console.print(f"{heading('レポート', 'report')}: {path}", highlight=False)


@app.command()
def demo(
    directory: Annotated[
        Path, typer.Argument(help="デモ用ワークスペース / demo workspace folder")
    ] = Path("demo"),
    size: Annotated[int, typer.Option("--size", help="取引先数 / number of accounts")] = 3000,
    seed: Annotated[int, typer.Option("--seed", help="乱数シード / random seed")] = 7,
    lang: LangOpt = None,
) -> None:
    """デモ企業のデータを生成・取込・分析しレポートを書く / build the demo workspace end to end."""
    from rashinban.pipeline import run_demo

    with _progress() as bar:
        task = bar.add_task("demo", total=None)
        summary = run_demo(
            directory,
            size=size,
            seed=seed,
            lang=lang,
            progress=lambda m: bar.update(task, description=m),
        )
    out_console.print(summary.text, highlight=False)

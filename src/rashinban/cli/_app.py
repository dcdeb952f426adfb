"""Typer application: parse arguments, call one library function, render the result.

User errors (:class:`rashinban.UserError`) become one line on standard error and
exit code 1; ``--debug`` shows the traceback. Wrong usage exits 2 (Click's rule).
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from rashinban._errors import RashinbanError, UserError, pick_language
from rashinban.cli._render import (
    Format,
    OutputConsole,
    error_language,
    set_display_language,
)
from rashinban.cli._usage import HelpGroup
from rashinban.workspace import Workspace

app = typer.Typer(
    name="rashinban",
    cls=HelpGroup,  # --help and usage lines in rashinban's languages (cli/_usage.py)
    help="羅針盤: 拡販ターゲット定義を生きた仮説として育てる / keep your target definition alive.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err_console = Console(stderr=True)
out_console = OutputConsole(soft_wrap=True)

_state: dict[str, bool] = {"debug": False}

FormatOpt = Annotated[
    Format,
    typer.Option("--format", "-f", help="出力形式 / output format: table|csv|json"),
]


class Lang(StrEnum):
    """The display languages (a ``str``, so it passes wherever "ja" / "en" does)."""

    ja = "ja"
    en = "en"


def _remember_lang(value: Lang | None) -> Lang | None:
    set_display_language(value, explicit=True)
    return value


LangOpt = Annotated[
    Lang | None,
    typer.Option(
        "--lang",
        help="表示言語 (省略でワークスペースの設定) / language (default: the workspace's)",
        callback=_remember_lang,
        # Read before the other options, so that --help and the usage errors of the
        # rest of the line are in the language chosen.
        is_eager=True,
    ),
]

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "-w",
        "--workspace",
        help="ワークスペースのフォルダ (省略で $RASHINBAN_WORKSPACE、なければ現在のフォルダ) / "
        "workspace folder (default: $RASHINBAN_WORKSPACE or .)",
        envvar="RASHINBAN_WORKSPACE",
    ),
]


def _show_version(value: bool) -> None:
    """``--version``: print ``rashinban X.Y.Z`` and end, before any workspace is opened."""
    if value:
        from rashinban._version import __version__

        typer.echo(f"rashinban {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    debug: Annotated[
        bool, typer.Option("--debug", help="エラー時にトレースバックを表示 / show tracebacks")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            help="バージョンを表示して終了します / show the version and exit",
            callback=_show_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    _state["debug"] = debug or bool(os.environ.get("RASHINBAN_DEBUG"))
    # A program that runs commands in-process and then writes to the workspace
    # (analyze) is not refused by DuckDB for a read-only connection left open.
    ctx.call_on_close(_close_opened)
    set_display_language(None, explicit=True)
    set_display_language(None)


def open_ws(path: Path | None) -> Workspace:
    from rashinban.workspace import open_workspace

    ws = open_workspace(path)
    set_display_language(ws.lang)
    _opened.append(ws)
    return ws


#: The workspaces this invocation opened; their backends are closed when it ends.
_opened: list[Workspace] = []


def _close_opened() -> None:
    """Disconnect the backends the command opened (:meth:`Workspace.close`)."""
    while _opened:
        _opened.pop().close()


def main() -> None:
    """Console entry point with rashinban's error policy.

    Usage errors exit 2 with Click's message, Japanese put first
    (:mod:`rashinban.cli._usage`); rashinban's own errors are caught here and
    printed as one line (exit 1), and so are the file-system errors a user can fix
    (a folder that does not exist, no permission) and a terminal whose encoding
    cannot show the output.
    """
    from rashinban.cli._usage import is_usage_error, show_usage_error

    try:
        # Not standalone: Click's usage errors come here to be worded Japanese first;
        # ``--help`` and ``typer.Exit`` come back as the exit code.
        code = app(standalone_mode=False)
    except RashinbanError as exc:
        if _state["debug"]:
            raise
        _fail(exc.text(error_language()) if isinstance(exc, UserError) else str(exc))
    except UnicodeEncodeError as exc:
        if _state["debug"] or not _is_terminal_encoding(exc.encoding):
            raise
        # The terminal cannot show Japanese, so this message stays in ASCII.
        sys.stderr.write(
            f"error: the output encoding ({exc.encoding}) cannot show the results - "
            "fix: set PYTHONIOENCODING=utf-8 (or a UTF-8 locale such as LANG=ja_JP.UTF-8)\n"
        )
        sys.exit(1)
    except OSError as exc:
        if _state["debug"] or exc.strerror is None:
            raise
        where = exc.filename if exc.filename is not None else ""
        fix = pick_language(
            "パスと書き込み権限を確かめてください / check the path and that you may write there",
            error_language(),
        )
        _fail(f"{where}: {exc.strerror} — {_FIX_LABEL[error_language()]}: {fix}")
    except Exception as exc:
        if type(exc).__name__ == "Abort":  # Ctrl-C or end of input at a prompt
            err_console.print("中断しました / aborted", highlight=False)
            sys.exit(1)
        if not is_usage_error(exc):
            raise
        show_usage_error(exc)  # wrong usage is exit 2 with or without --debug
    if isinstance(code, int) and code:
        sys.exit(code)


_ERROR_LABEL = {"ja": "エラー", "en": "error", None: "エラー / error"}
_FIX_LABEL = {"ja": "対処", "en": "fix", None: "fix"}


def _fail(message: str) -> NoReturn:
    label = _ERROR_LABEL[error_language()]
    # A message may quote "[analysis] …" from the settings: text, not console markup.
    err_console.print(f"[bold red]{label}:[/] {escape(message)}", highlight=False, soft_wrap=True)
    sys.exit(1)


def _is_terminal_encoding(encoding: str) -> bool:
    """Whether ``encoding`` is the one standard output or standard error writes in."""
    import codecs

    def name(enc: str | None) -> str | None:
        try:
            return codecs.lookup(enc).name if enc else None
        except LookupError:
            return None

    return name(encoding) in {name(sys.stdout.encoding), name(sys.stderr.encoding)}

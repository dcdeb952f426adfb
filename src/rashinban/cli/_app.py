"""Typer application: parse arguments, call one library function, render the result.

User errors (:class:`rashinban.UserError`) become one line on standard error and
exit code 1; ``--debug`` shows the traceback. Wrong usage exits 2 (Click's rule).
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from rashinban._errors import RashinbanError
from rashinban.cli._render import Format, set_display_language
from rashinban.workspace import Workspace

app = typer.Typer(
    name="rashinban",
    help="羅針盤: 拡販ターゲット定義を生きた仮説として育てる / keep your target definition alive.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err_console = Console(stderr=True)
out_console = Console(soft_wrap=True)

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
        help="表示言語 / language: ja|en (default: the workspace's)",
        callback=_remember_lang,
    ),
]

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "-w",
        "--workspace",
        help="ワークスペースのフォルダ / workspace folder (default: $RASHINBAN_WORKSPACE or .)",
        envvar="RASHINBAN_WORKSPACE",
    ),
]


@app.callback()
def _root(
    debug: Annotated[
        bool, typer.Option("--debug", help="エラー時にトレースバックを表示 / show tracebacks")
    ] = False,
) -> None:
    _state["debug"] = debug or bool(os.environ.get("RASHINBAN_DEBUG"))
    set_display_language(None, explicit=True)
    set_display_language(None)


def open_ws(path: Path | None) -> Workspace:
    from rashinban.workspace import open_workspace

    ws = open_workspace(path)
    set_display_language(ws.lang)
    return ws


def main() -> None:
    """Console entry point with rashinban's error policy.

    Click's standalone mode owns usage errors (exit 2) and ``--help``; rashinban's
    own errors are caught here and printed as one line (exit 1).
    """
    try:
        app()
    except RashinbanError as exc:
        if _state["debug"]:
            raise
        err_console.print(f"[bold red]エラー / error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)

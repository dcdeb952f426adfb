"""Typer application: parse arguments, call one library function, render the result.

User errors (:class:`rashinban.UserError`) become one line on standard error and
exit code 1; ``--debug`` shows the traceback. Wrong usage exits 2 (Click's rule).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from rashinban._errors import RashinbanError

app = typer.Typer(
    name="rashinban",
    help="羅針盤: 拡販ターゲット定義を生きた仮説として育てる / keep your target definition alive.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err_console = Console(stderr=True)
out_console = Console()

_state: dict[str, bool] = {"debug": False}

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


@app.command()
def init(
    directory: Annotated[Path | None, typer.Argument(help="作成するフォルダ / folder")] = None,
    workspace: WorkspaceOpt = None,
    lang: Annotated[str, typer.Option(help="既定の言語 / default language: ja|en")] = "ja",
) -> None:
    """ワークスペースを作成する / create a workspace."""
    from rashinban.workspace import init_workspace

    ws = init_workspace(directory or workspace, lang=lang)
    out_console.print(f"ワークスペースを作成しました / workspace ready: {ws.path}")


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

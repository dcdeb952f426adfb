"""Every ``--help`` text reads Japanese first, English alongside: ``"日本語 / English"``.

The scan walks the Click command tree Typer builds (every group and command) and
checks each command's help and each option's and argument's help, with the check of
:mod:`tests.test_error_messages`. ``--help`` itself is Click's own option and is left
out.
"""

from __future__ import annotations

from typing import Any

import pytest
import typer
from tests.test_error_messages import _problem

from rashinban.cli import app


def _helps(command: Any, path: str) -> list[tuple[str, str | None]]:
    """``(where, help)`` of ``command``, its parameters and every subcommand below it."""
    text = command.help or command.short_help
    found = [(path, text.split("\n\n")[0] if text else None)]
    found += [(f"{path} {p.name}", getattr(p, "help", None)) for p in command.params]
    for name, sub in getattr(command, "commands", {}).items():
        found += _helps(sub, f"{path} {name}")
    return found


def _problems(helps: list[tuple[str, str | None]]) -> list[str]:
    return [
        f"{where}: {text!r}: {why}"
        for where, text in helps
        if (why := "no help" if not text else _problem(text))
    ]


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("対象日 / business date", True),
        ("種類 / canvas kind: 3c|swot", True),
        ("3c | swot", False),
        ("合う / 合わない", False),
        ("対象日", False),
        (None, False),
    ],
)
def test_the_check_itself(text: str | None, ok: bool) -> None:
    assert (not _problems([("rashinban x --y", text)])) == ok


def test_every_help_text_reads_japanese_first_with_english_alongside() -> None:
    helps = _helps(typer.main.get_command(app), "rashinban")
    assert len(helps) > 200  # the scan sees every option of every command (not vacuous)
    where = {w for w, _ in helps}
    assert {"rashinban feedback add on", "rashinban target canvas kind"} <= where
    problems = _problems(helps)
    assert not problems, "\n".join(problems)

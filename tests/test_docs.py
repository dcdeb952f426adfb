"""Docs are derived and tested: the data model matches the registry; every command is documented."""

from pathlib import Path

import typer.main

from rashinban.cli import app
from rashinban.schema import data_model_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_data_model_page_is_current() -> None:
    page = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    assert page == data_model_markdown(), "run: python -m rashinban.schema docs/data-model.md"


def test_every_command_has_help_and_is_in_the_cli_docs() -> None:
    group = typer.main.get_group(app)
    cli_doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert group.commands
    for name, command in group.commands.items():
        assert command.help, f"command {name} has no help text"
        assert f"rashinban {name}" in cli_doc, f"docs/cli.md does not document 'rashinban {name}'"

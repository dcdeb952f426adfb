"""Docs are derived and tested: the data model matches the registry; every command is
documented; every Python example runs and prints what the text says."""

import ast
import datetime
import io
import re
import shutil
import tokenize
from pathlib import Path
from typing import Any

import pytest
import typer.main

from rashinban import Workspace
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


# ---------------------------------------------------------------- the Python examples
# Every ```python block of README.md and docs/*.md runs as written, in a folder that holds
# the demo company as the workspace "acme" (the name the examples use). A top-level
# expression with a comment that reads as its value (`# datetime.date(2019, 5, 1)`,
# `# True`, or `# <BetaGeoModel fitted: r=…>` with … for any text) must print that.
# None of them takes minutes, so none is skipped.

_PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _python_examples() -> list[Any]:
    examples = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        for match in _PYTHON_BLOCK.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            examples.append(pytest.param(match.group(1), id=f"{page.name}:{line}"))
    return examples


def _comments(code: str) -> dict[int, str]:
    """Line number -> the text of the comment that ends it."""
    tokens = tokenize.generate_tokens(io.StringIO(code).readline)
    return {t.start[0]: t.string[1:].strip() for t in tokens if t.type == tokenize.COMMENT}


def _matches(value: object, comment: str) -> bool | None:
    """Whether ``value`` is what ``comment`` says; None when the comment is prose."""
    if comment.startswith("<"):
        pattern = ".*".join(re.escape(part) for part in comment.split("…"))
        return re.fullmatch(pattern, repr(value)) is not None
    try:
        expected = eval(comment, {"__builtins__": {}, "datetime": datetime})  # noqa: S307
    except Exception:  # anything that is not a value is prose
        return None
    return bool(value == expected)


def run_example(code: str) -> int:
    """Run ``code`` statement by statement; return how many printed values were checked."""
    namespace: dict[str, Any] = {"__name__": "__doc_example__"}
    comments = _comments(code)
    checked = 0
    for node in ast.parse(code).body:
        if not isinstance(node, ast.Expr):
            exec(compile(ast.Module([node], []), "<doc>", "exec"), namespace)  # noqa: S102
            continue
        value = eval(compile(ast.Expression(node.value), "<doc>", "eval"), namespace)  # noqa: S307
        comment = comments.get(node.end_lineno or node.lineno)
        verdict = None if comment is None else _matches(value, comment)
        if verdict is not None:
            source = ast.get_source_segment(code, node)
            assert verdict, f"{source} gives {value!r}, the docs say {comment}"
            checked += 1
    return checked


@pytest.fixture(scope="module")
def docs_folder(demo_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a writable copy of the demo workspace as ``acme``."""
    folder = tmp_path_factory.mktemp("docs")
    shutil.copytree(demo_ws.path, folder / "acme")
    return folder


@pytest.mark.parametrize("code", _python_examples())
def test_python_examples_run_as_written(
    code: str, docs_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(docs_folder)
    run_example(code)


def test_printed_values_in_the_examples_are_checked() -> None:
    # The checker is not vacuous: the parser examples compare their values, and a wrong
    # value in a comment fails.
    normalisation = next(p for p in _python_examples() if "normalisation" in str(p.id))
    assert run_example(normalisation.values[0]) == 3
    with pytest.raises(AssertionError, match="the docs say 1"):
        run_example("1 + 1  # 1\n")
    with pytest.raises(AssertionError, match="the docs say <int …>"):
        run_example("1  # <int …>\n")
    assert (
        run_example("from rashinban.clv import BetaGeoModel\nBetaGeoModel()  # <BetaGeo…>\n") == 1
    )

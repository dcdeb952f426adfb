"""The ``rashinban`` command line: a thin adapter over the library."""

from rashinban.cli import _data, _run, _targets, _value  # noqa: F401  (registers commands)
from rashinban.cli._app import app, main

__all__ = ["app", "main"]

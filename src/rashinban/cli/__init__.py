"""The ``rashinban`` command line: a thin adapter over the library."""

from rashinban.cli import _data, _run, _targeting, _targets, _value, _voice  # noqa: F401
from rashinban.cli._app import app, main

__all__ = ["app", "main"]

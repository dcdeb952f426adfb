"""The ``rashinban`` command line: a thin adapter over the library."""

from rashinban.cli._app import app, main

__all__ = ["app", "main"]

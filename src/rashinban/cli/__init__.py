"""The ``rashinban`` command line: a thin adapter over the library."""

from rashinban.cli import (  # noqa: F401  (registers commands)
    _data,
    _defend,
    _run,
    _targeting,
    _targets,
    _value,
    _voice,
)
from rashinban.cli._app import app, main

__all__ = ["app", "main"]

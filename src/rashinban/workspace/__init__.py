"""Workspaces: the folder that holds settings, data and app state."""

from rashinban.workspace._config import SCHEMA_VERSION, SETTINGS, Setting
from rashinban.workspace._workspace import (
    CONFIG_FILE,
    DATA_FILE,
    META_SCHEMA,
    RESULTS_SCHEMA,
    Workspace,
    init_workspace,
    open_workspace,
)

__all__ = [
    "CONFIG_FILE",
    "DATA_FILE",
    "META_SCHEMA",
    "RESULTS_SCHEMA",
    "SCHEMA_VERSION",
    "SETTINGS",
    "Setting",
    "Workspace",
    "init_workspace",
    "open_workspace",
]

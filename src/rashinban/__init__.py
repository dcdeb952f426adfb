"""rashinban (羅針盤): keep your sales-expansion target definition alive.

The public surface is re-exported here; implementation lives in private modules.
"""

from rashinban._errors import (
    ConfigError,
    ConvergenceError,
    EncodingError,
    ImportFileError,
    InvalidValueError,
    MappingError,
    NotEnoughDataError,
    NotFittedError,
    RashinbanError,
    RejectedRowsError,
    RuleSyntaxError,
    UnknownIdError,
    UserError,
    WorkspaceError,
)
from rashinban._version import __version__
from rashinban.schema import TABLES
from rashinban.workspace import Workspace, init_workspace, open_workspace

__all__ = [
    "TABLES",
    "ConfigError",
    "ConvergenceError",
    "EncodingError",
    "ImportFileError",
    "InvalidValueError",
    "MappingError",
    "NotEnoughDataError",
    "NotFittedError",
    "RashinbanError",
    "RejectedRowsError",
    "RuleSyntaxError",
    "UnknownIdError",
    "UserError",
    "Workspace",
    "WorkspaceError",
    "__version__",
    "init_workspace",
    "open_workspace",
]

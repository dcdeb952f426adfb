"""App state: versioned target definitions and canvases, approvals, reviews, sales
feedback, users and the audit log — SQLite in the workspace, PostgreSQL for teams.

>>> from rashinban.state import content_id
>>> len(content_id({"kind": "target"}))
64
"""

from rashinban.state._content import (
    CANVAS_FIELDS,
    CONTENT_SCHEMA,
    Canvas,
    Evidence,
    Hypothesis,
    TargetDefinition,
    canonical_json,
    content_id,
    from_content,
)
from rashinban.state._diff import canvas_note, diff_contents
from rashinban.state._feedback import FEEDBACK_REASONS, check_feedback
from rashinban.state._store import (
    DEPARTMENTS,
    STATE_FILE,
    Revision,
    StateStore,
    migrate,
    open_store,
)

__all__ = [
    "CANVAS_FIELDS",
    "CONTENT_SCHEMA",
    "DEPARTMENTS",
    "FEEDBACK_REASONS",
    "STATE_FILE",
    "Canvas",
    "Evidence",
    "Hypothesis",
    "Revision",
    "StateStore",
    "TargetDefinition",
    "canonical_json",
    "canvas_note",
    "check_feedback",
    "content_id",
    "diff_contents",
    "from_content",
    "migrate",
    "open_store",
]

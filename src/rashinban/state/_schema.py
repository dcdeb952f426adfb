"""Tables of the app-state store (targets, canvases, reviews, feedback, users, audit).

Declared once with SQLAlchemy Core; the Alembic migrations in ``migrations/``
create the same tables, and a test checks that the two agree. Version content is
immutable and append-only: there is no UPDATE or DELETE anywhere in the store,
and the database refuses one (triggers installed by the migration).
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "activations",
    "approvals",
    "audit",
    "definitions",
    "feedback",
    "metadata",
    "reviews",
    "revisions",
    "users",
    "versions",
]

metadata = sa.MetaData()

users = sa.Table(
    "rb_users",
    metadata,
    sa.Column("user_id", sa.String(100), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    # marketing / sales / other: activation needs one marketing and one sales approval.
    sa.Column("department", sa.String(20), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

definitions = sa.Table(
    "rb_definitions",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    # target / canvas_3c / canvas_swot
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
)

versions = sa.Table(
    "rb_versions",
    metadata,
    # SHA-256 of canonical JSON (sorted keys) + schema version: same content, same id.
    sa.Column("version_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), sa.ForeignKey("rb_definitions.name"), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

revisions = sa.Table(
    "rb_revisions",
    metadata,
    # The append-only history of a definition: each change points at a version.
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), sa.ForeignKey("rb_definitions.name"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("version_id", sa.String(64), sa.ForeignKey("rb_versions.version_id"), nullable=False),
    sa.Column("parent_id", sa.String(64), nullable=True),
    sa.Column("author", sa.String(100), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.UniqueConstraint("name", "number", name="uq_rb_revisions_name_number"),
)

approvals = sa.Table(
    "rb_approvals",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("version_id", sa.String(64), sa.ForeignKey("rb_versions.version_id"), nullable=False),
    sa.Column("user_id", sa.String(100), sa.ForeignKey("rb_users.user_id"), nullable=False),
    sa.Column("department", sa.String(20), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("version_id", "user_id", name="uq_rb_approvals_version_user"),
)

activations = sa.Table(
    "rb_activations",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), sa.ForeignKey("rb_definitions.name"), nullable=False),
    sa.Column("version_id", sa.String(64), sa.ForeignKey("rb_versions.version_id"), nullable=False),
    sa.Column("by", sa.String(100), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)

reviews = sa.Table(
    "rb_reviews",
    metadata,
    sa.Column("review_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), sa.ForeignKey("rb_definitions.name"), nullable=False),
    sa.Column("version_id", sa.String(64), sa.ForeignKey("rb_versions.version_id"), nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("author", sa.String(100), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
)

feedback = sa.Table(
    "rb_feedback",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("lead_id", sa.String(100), nullable=True),
    sa.Column("account_id", sa.String(100), nullable=True),
    sa.Column("fits", sa.Boolean, nullable=False),
    sa.Column("reason", sa.String(40), nullable=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("author", sa.String(100), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    # The business date the feedback is about (analyses filter on it, never on ``at``).
    sa.Column("on", sa.Date, nullable=False),
    sa.Column("target", sa.String(200), nullable=True),
    sa.Column("version_id", sa.String(64), nullable=True),
)

audit = sa.Table(
    "rb_audit",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("object", sa.String(200), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
)

#: Tables whose rows may never change or disappear.
APPEND_ONLY = (
    "rb_versions",
    "rb_revisions",
    "rb_approvals",
    "rb_activations",
    "rb_reviews",
    "rb_feedback",
    "rb_audit",
)

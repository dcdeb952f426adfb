"""App-state store: users, definitions, versions, revisions, approvals, activations,
reviews, feedback and the audit log; append-only guards.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_APPEND_ONLY = (
    "rb_versions",
    "rb_revisions",
    "rb_approvals",
    "rb_activations",
    "rb_reviews",
    "rb_feedback",
    "rb_audit",
)


def upgrade() -> None:
    ts = sa.DateTime(timezone=True)
    op.create_table(
        "rb_users",
        sa.Column("user_id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("department", sa.String(20), nullable=False),
        sa.Column("created_at", ts, nullable=False),
    )
    op.create_table(
        "rb_definitions",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("created_at", ts, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "rb_versions",
        sa.Column("version_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), sa.ForeignKey("rb_definitions.name"), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("created_at", ts, nullable=False),
    )
    op.create_table(
        "rb_revisions",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), sa.ForeignKey("rb_definitions.name"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column(
            "version_id", sa.String(64), sa.ForeignKey("rb_versions.version_id"), nullable=False
        ),
        sa.Column("parent_id", sa.String(64), nullable=True),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("at", ts, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.UniqueConstraint("name", "number", name="uq_rb_revisions_name_number"),
    )
    op.create_table(
        "rb_approvals",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "version_id", sa.String(64), sa.ForeignKey("rb_versions.version_id"), nullable=False
        ),
        sa.Column("user_id", sa.String(100), sa.ForeignKey("rb_users.user_id"), nullable=False),
        sa.Column("department", sa.String(20), nullable=False),
        sa.Column("at", ts, nullable=False),
        sa.UniqueConstraint("version_id", "user_id", name="uq_rb_approvals_version_user"),
    )
    op.create_table(
        "rb_activations",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), sa.ForeignKey("rb_definitions.name"), nullable=False),
        sa.Column(
            "version_id", sa.String(64), sa.ForeignKey("rb_versions.version_id"), nullable=False
        ),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("at", ts, nullable=False),
    )
    op.create_table(
        "rb_reviews",
        sa.Column("review_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), sa.ForeignKey("rb_definitions.name"), nullable=False),
        sa.Column(
            "version_id", sa.String(64), sa.ForeignKey("rb_versions.version_id"), nullable=False
        ),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("at", ts, nullable=False),
        sa.Column("content", sa.Text, nullable=False),
    )
    op.create_table(
        "rb_feedback",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("lead_id", sa.String(100), nullable=True),
        sa.Column("account_id", sa.String(100), nullable=True),
        sa.Column("fits", sa.Boolean, nullable=False),
        sa.Column("reason", sa.String(40), nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("at", ts, nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("target", sa.String(200), nullable=True),
        sa.Column("version_id", sa.String(64), nullable=True),
    )
    op.create_table(
        "rb_audit",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", ts, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("object", sa.String(200), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    # History is never rewritten: the database itself refuses UPDATE and DELETE.
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            """CREATE OR REPLACE FUNCTION rb_append_only() RETURNS trigger AS $$
               BEGIN RAISE EXCEPTION 'rashinban history is append-only (%)', TG_TABLE_NAME;
               END; $$ LANGUAGE plpgsql"""
        )
    for table in _APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            name = f"{table}_no_{action.lower()}"
            if dialect == "sqlite":
                op.execute(
                    f"""CREATE TRIGGER {name} BEFORE {action} ON {table}
                        BEGIN SELECT RAISE(ABORT, 'rashinban history is append-only'); END"""
                )
            elif dialect == "postgresql":
                op.execute(
                    f"""CREATE TRIGGER {name} BEFORE {action} ON {table}
                        FOR EACH ROW EXECUTE FUNCTION rb_append_only()"""
                )


def downgrade() -> None:
    for table in reversed(
        (
            "rb_users",
            "rb_definitions",
            "rb_versions",
            "rb_revisions",
            "rb_approvals",
            "rb_activations",
            "rb_reviews",
            "rb_feedback",
            "rb_audit",
        )
    ):
        op.drop_table(table)

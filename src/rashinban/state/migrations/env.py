"""Alembic environment: run migrations on the connection the store hands over."""

from __future__ import annotations

from alembic import context

from rashinban.state._schema import metadata
from rashinban.state._store import VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    version_table=VERSION_TABLE,
)
with context.begin_transaction():
    context.run_migrations()

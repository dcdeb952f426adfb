"""Alembic migrations of the app-state store (run on open)."""

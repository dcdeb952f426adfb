"""The app-state store under test: SQLite always, PostgreSQL when a server is given.

The PostgreSQL leg needs ``RASHINBAN_TEST_POSTGRES_URL`` (``.ci/run`` starts a
server and sets it) and is skipped only when that variable is unset. Each test
gets its own PostgreSQL schema, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from rashinban.state import StateStore, open_store
from rashinban.state._store import sqlalchemy_url

# Given as a plain libpq URL (postgres://…) that Ibis-based tests use too.
PG_URL = sqlalchemy_url(os.environ.get("RASHINBAN_TEST_POSTGRES_URL", ""))


def _pg_schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'state.sqlite'}"
        return
    if not PG_URL:
        pytest.skip("RASHINBAN_TEST_POSTGRES_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as con:
        con.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        yield _pg_schema_url(PG_URL, schema)
    finally:
        with admin.begin() as con:
            con.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def store(store_url: str) -> Iterator[StateStore]:
    st = open_store(url=store_url)
    st.add_user("mkt", "佐藤 (マーケ)", "marketing")
    st.add_user("sls", "鈴木 (営業)", "sales")
    st.add_user("sls2", "高橋 (営業)", "sales")
    yield st
    st.close()

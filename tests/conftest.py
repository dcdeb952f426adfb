"""Shared fixtures: one demo company per test session, and a workspace holding it.

The demo is generated once at the default size (its plants are documented as
detectable there) and loaded straight into a workspace with
:func:`rashinban.importing.load_frames`; tests of the import path itself use
real export files instead.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from rashinban import Workspace, init_workspace
from rashinban.importing import load_frames

DEMO_N = 3000
DEMO_SEED = 7


@pytest.fixture(scope="session")
def demo_tables() -> dict[str, pd.DataFrame]:
    from rashinban.demo import generate

    return generate(DEMO_N, seed=DEMO_SEED)


@pytest.fixture(scope="session")
def demo_ws(
    demo_tables: dict[str, pd.DataFrame], tmp_path_factory: pytest.TempPathFactory
) -> Workspace:
    """A read-only demo workspace shared by the session: do not write to it in tests."""
    ws = init_workspace(Path(tmp_path_factory.mktemp("demo")) / "ws")
    load_frames(ws, demo_tables)
    return ws

"""Cross-sell fixtures: the demo workspace's backend, opened once."""

from __future__ import annotations

import pytest

from rashinban import Workspace


@pytest.fixture(scope="session")
def demo_backend(demo_ws: Workspace):  # type: ignore[no-untyped-def]
    backend = demo_ws.backend()
    yield backend
    backend.disconnect()

"""One demo per test session: generation takes about a second at the default size."""

from __future__ import annotations

import pytest

from rashinban.demo import Demo, generate_demo

#: The default size: the plants are documented as detectable at this size.
DEFAULT_N = 3000


@pytest.fixture(scope="session")
def demo() -> Demo:
    return generate_demo(DEFAULT_N, seed=7)


@pytest.fixture(scope="session")
def tables(demo: Demo):  # type: ignore[no-untyped-def]
    return demo.tables

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


@pytest.fixture(autouse=True)
def _no_language_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests expect the workspace's language: a ``RASHINBAN_LANG`` in the shell that
    runs them must not reach the commands (tests that want it set it themselves)."""
    monkeypatch.delenv("RASHINBAN_LANG", raising=False)


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


def tiny_tables() -> dict[str, pd.DataFrame]:
    """Five accounts as a first import leaves them: two customers with one order each
    (one of unknown size), one more after a single order, an order-only buyer of unknown
    industry, and one prospect with a lost deal. As of 2025-01-15 (the last order)."""
    day = pd.Timestamp
    return {
        "products": pd.DataFrame(
            {
                "product_id": ["P1", "P2"],
                "name": ["基本プラン", "追加オプション"],
                "category": ["サブスクリプション", "オプション"],
                "list_price": [100000.0, 30000.0],
            }
        ),
        "accounts": pd.DataFrame(
            {
                "account_id": ["T1", "T2", "T3", "T4", "T6"],
                "name": ["株式会社アルファ", "(株)ベータ", "ガンマ商事", "デルタ", "ゼータ"],
                "industry": ["製造業", "製造業", "卸売業・小売業", "情報通信業", None],
                "employees": pd.array([120, None, 45, 80, 50], dtype="Int64"),
                "created_at": [
                    day(d) for d in ("2024-01-10", "2024-02-01", "2024-03-15", "2024-04-01")
                ]
                + [day("2024-06-01")],
                "status": ["customer", "customer", "churned", "prospect", "customer"],
            }
        ),
        "deals": pd.DataFrame(
            {
                "deal_id": ["D1", "D2", "D3", "D4", "D6"],
                "account_id": ["T1", "T2", "T3", "T4", "T1"],
                "created_at": [
                    day(d)
                    for d in ("2024-01-15", "2024-02-05", "2024-03-20", "2024-04-10", "2024-08-01")
                ],
                "closed_at": [
                    day(d)
                    for d in ("2024-02-20", "2024-03-10", "2024-04-25", "2024-05-30", "2024-09-01")
                ],
                "amount": [1000000.0, 800000.0, 500000.0, 700000.0, 300000.0],
                "outcome": ["won", "won", "won", "lost", "won"],
                "product_id": ["P1", "P1", "P1", "P1", "P2"],
                "kind": ["new", "new", "new", "new", "expansion"],
            }
        ),
        "orders": pd.DataFrame(
            {
                "order_id": ["O1", "O2", "O3", "O4", "O5", "O7"],
                "account_id": ["T1", "T1", "T2", "T3", "T1", "T6"],
                "ordered_at": [
                    day(d)
                    for d in (
                        "2024-02-20",
                        "2024-09-01",
                        "2024-03-10",
                        "2024-04-25",
                        "2025-01-15",
                        "2024-12-01",
                    )
                ],
                "product_id": ["P1", "P2", "P1", "P1", "P1", "P1"],
                "quantity": [1, 1, 1, 1, 1, 1],
                "amount": [1000000.0, 300000.0, 800000.0, 500000.0, None, 400000.0],
            }
        ),
    }


@pytest.fixture(scope="session")
def tiny_ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A read-only workspace of :func:`tiny_tables` shared by the session (copy it to write)."""
    ws = init_workspace(Path(tmp_path_factory.mktemp("tiny")) / "ws")
    load_frames(ws, tiny_tables())
    return ws

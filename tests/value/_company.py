"""Hand-built companies for the customer-value tests: subscriptions and orders by account."""

from __future__ import annotations

import pandas as pd


def company_tables(
    subs: list[tuple[str, str, str | None]],
    orders: list[tuple[str, str, float]],
    *,
    mrr: float,
) -> dict[str, pd.DataFrame]:
    """``accounts``, ``subscriptions`` and ``orders`` from ``(account, started_at,
    ended_at or None)`` and ``(account, ordered_at, amount)`` rows; every account named
    in either is a customer, every subscription bills ``mrr`` a month."""
    day = pd.Timestamp
    ids = sorted({s[0] for s in subs} | {o[0] for o in orders})
    return {
        "accounts": pd.DataFrame(
            {
                "account_id": ids,
                "name": [f"会社{i}" for i in ids],
                "status": ["customer"] * len(ids),
            }
        ),
        "subscriptions": pd.DataFrame(
            {
                "subscription_id": [f"S{i}" for i in range(len(subs))],
                "account_id": [s[0] for s in subs],
                "product_id": ["P1"] * len(subs),
                "mrr": [mrr] * len(subs),
                "started_at": [day(s[1]) for s in subs],
                "ended_at": [day(s[2]) if s[2] else pd.NaT for s in subs],
            }
        ),
        "orders": pd.DataFrame(
            {
                "order_id": [f"O{i}" for i in range(len(orders))],
                "account_id": [o[0] for o in orders],
                "ordered_at": [day(o[1]) for o in orders],
                "product_id": ["P2"] * len(orders),
                "quantity": [1] * len(orders),
                "amount": [o[2] for o in orders],
            }
        ),
    }

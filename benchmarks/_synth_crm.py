"""A large synthetic CRM, generated inside DuckDB with range() (no Python rows).

Shared by bench_churn.py and bench_crosssell.py. ``n`` customers, every one with
a running core subscription, options with the planted-style bundles, 17 weeks of
three usage metrics (51 rows per customer), tickets, surveys, meeting notes,
orders and contacts. Values come from ``hash()`` of the row numbers, so a run
is deterministic.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

AS_OF = dt.date(2025, 6, 30)
WEEKS = 17


def _u(expr: str, salt: int) -> str:
    """A uniform number in [0, 1) from ``hash(expr, salt)``."""
    return f"((hash({expr}, {salt}) % 1000000) / 1000000.0)"


def build(con: Any, n: int, *, usage: bool = True) -> dict[str, int]:
    """Create the canonical tables the analyses read for ``n`` customers; return row counts.

    ``usage=False`` leaves the usage table empty (cross-sell does not read it).
    """
    a = f"DATE '{AS_OF}'"
    aid = "('A' || lpad(c::VARCHAR, 8, '0'))"
    industries = "['製造業','情報通信業','卸売業・小売業','建設業','医療・福祉','サービス業']"
    con.execute("SET preserve_insertion_order = false")
    con.execute(
        f"""CREATE OR REPLACE TABLE accounts AS
        SELECT {aid} AS account_id, ({industries})[1 + (hash(c, 1) % 6)::INT] AS industry,
               (10 + (hash(c, 2) % 2000))::BIGINT AS employees,
               DATE '2021-01-01' AS created_at, 'customer' AS status
        FROM range({n}) t(c)"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE subscriptions AS
        WITH base AS (
            SELECT c, {aid} AS account_id,
                   (DATE '2022-01-01' + (hash(c, 3) % 1000)::INT) AS started_at
            FROM range({n}) t(c)),
        opts AS (
            SELECT c, account_id, started_at, p,
                   CASE p WHEN 'P01' THEN 1.0
                          WHEN 'P02' THEN 0.3 WHEN 'P03' THEN 0.25 WHEN 'P04' THEN 0.15
                          WHEN 'P05' THEN CASE WHEN {_u("c", 4)} < 0.25 THEN 0.85 ELSE 0.05 END
                          WHEN 'P08' THEN CASE WHEN {_u("c", 5)} < 0.3 THEN 0.6 ELSE 0.06 END
                   END AS prob
            FROM base, (VALUES ('P01'), ('P02'), ('P03'), ('P04'), ('P05'), ('P08')) v(p))
        SELECT 'S' || account_id || p AS subscription_id, account_id, p AS product_id,
               CASE p WHEN 'P01' THEN 'Standard-50' ELSE '標準' END AS plan,
               (CASE p WHEN 'P01' THEN 85000 ELSE 20000 END)::DOUBLE AS mrr,
               started_at,
               CASE WHEN {_u("c", 6)} < 0.05 THEN {a} + (1 + hash(c, 7) % 200)::INT END AS ended_at
        FROM opts WHERE {_u("c || p", 8)} < prob"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE usage AS
        SELECT {aid} AS account_id, ({a} - (w * 7)::INT) AS date, m AS metric,
               round(CASE m WHEN 'active_users' THEN 1 WHEN 'logins' THEN 4 ELSE 9 END
                     * (5 + hash(c, 9) % 45) * (0.9 + 0.2 * {_u("c * 31 + w", 10)})) AS value
        FROM range({n if usage else 0}) t(c), range({WEEKS}) s(w),
             (VALUES ('logins'), ('active_users'), ('records_created')) v(m)"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE tickets AS
        SELECT 'T' || lpad(i::VARCHAR, 9, '0') AS ticket_id,
               ('A' || lpad((hash(i, 11) % {n})::VARCHAR, 8, '0')) AS account_id,
               ({a} - (hash(i, 12) % 400)::INT) AS opened_at,
               CASE WHEN {_u("i", 13)} < 0.1 THEN NULL
                    ELSE {a} - (hash(i, 12) % 400)::INT + (hash(i, 14) % 20)::INT END AS closed_at,
               ['低','中','高'][1 + (hash(i, 15) % 3)::INT] AS priority,
               (1 + hash(i, 16) % 5)::BIGINT AS satisfaction
        FROM range({n * 6 // 10}) t(i)"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE surveys AS
        SELECT 'R' || lpad(i::VARCHAR, 9, '0') AS response_id,
               ('A' || lpad((hash(i, 21) % {n})::VARCHAR, 8, '0')) AS account_id,
               ({a} - (hash(i, 22) % 500)::INT) AS answered_at,
               (hash(i, 23) % 11)::BIGINT AS nps
        FROM range({n * 4 // 10}) t(i)"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE notes AS
        SELECT 'N' || lpad(i::VARCHAR, 9, '0') AS note_id,
               ('A' || lpad((hash(i, 31) % {n})::VARCHAR, 8, '0')) AS account_id,
               ({a} - (hash(i, 32) % 300)::INT) AS written_at, 'meeting' AS kind
        FROM range({n * 8 // 10}) t(i)"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE orders AS
        SELECT 'O' || lpad(i::VARCHAR, 9, '0') AS order_id,
               ('A' || lpad((hash(i, 41) % {n})::VARCHAR, 8, '0')) AS account_id,
               ({a} - (hash(i, 42) % 700)::INT) AS ordered_at,
               ['P06','P07'][1 + (hash(i, 43) % 2)::INT] AS product_id,
               (30000 + hash(i, 44) % 600000)::DOUBLE AS amount
        FROM range({n}) t(i)"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE contacts AS
        SELECT 'C' || lpad(i::VARCHAR, 9, '0') AS contact_id,
               ('A' || lpad((hash(i, 51) % {n})::VARCHAR, 8, '0')) AS account_id,
               DATE '2021-06-01' AS created_at,
               CASE WHEN {_u("i", 52)} < 0.3 THEN 'decision_maker' ELSE 'user' END AS role
        FROM range({n * 15 // 10}) t(i)"""
    )
    con.execute(
        """CREATE OR REPLACE TABLE products AS
        SELECT * FROM (VALUES ('P01','コアプラットフォーム'), ('P02','分析オプション'),
            ('P03','ワークフロー'), ('P04','セキュリティ強化'), ('P05','API連携'),
            ('P06','導入支援サービス'), ('P07','トレーニング'), ('P08','プレミアムサポート'))
            v(product_id, name)"""
    )
    counts = {}
    for t in ("accounts", "subscriptions", "usage", "tickets", "surveys", "notes", "orders"):
        row = con.execute(f"SELECT count(*) FROM {t}").fetchone()
        counts[t] = int(row[0]) if row else 0
    return counts

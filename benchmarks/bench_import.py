"""Import throughput: a 10,000,000-row CP932 orders CSV and 1,000,000 accounts.

Targets (issue: foundation): orders under 60 s, accounts under 60 s on a 2-core machine.
Peer, measured in the same run: pandas ``read_csv(encoding="cp932")`` followed by a
bulk insert into DuckDB — a plain loader that does *no* normalisation, no rejects, no
upsert and no atomicity. The ratio shows what rashinban's safety and Japanese-aware
normalisation cost against that floor.

Usage::

    python benchmarks/bench_import.py [--orders 10000000] [--accounts 1000000]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from rashinban import init_workspace
from rashinban.importing import import_files


def make_orders_csv(path: Path, n: int, n_accounts: int) -> None:
    """Write ``n`` orders as a CP932 CSV with Japanese-export habits mixed in.

    Every 10th date is written 2024/4/1-style and every 7th amount as ``￥1,234``;
    the rest are clean ISO dates and plain numbers, as in real exports.
    """
    utf8 = path.with_suffix(".utf8.csv")
    con = duckdb.connect()
    con.execute(
        f"""COPY (
            SELECT 'O' || i AS order_id,
                   'A' || (hash(i) % {n_accounts}) AS account_id,
                   CASE WHEN i % 10 = 0
                        THEN strftime(DATE '2023-01-01' + CAST(i % 1000 AS INT), '%Y/%-m/%-d')
                        ELSE strftime(DATE '2023-01-01' + CAST(i % 1000 AS INT), '%Y-%m-%d') END
                     AS ordered_at,
                   'P' || lpad(CAST(i % 8 + 1 AS VARCHAR), 2, '0') AS product_id,
                   1 + i % 5 AS quantity,
                   CASE WHEN i % 7 = 0 THEN '￥' || format('{{:,}}', (i % 3000) * 1000)
                        ELSE CAST((i % 3000) * 1000 AS VARCHAR) END AS amount
            FROM range({n}) t(i)
        ) TO '{utf8}' (HEADER, DELIMITER ',')"""
    )
    con.close()
    with utf8.open("r", encoding="utf-8") as fin, path.open("w", encoding="cp932") as fout:
        shutil.copyfileobj(fin, fout, 16 << 20)
    utf8.unlink()


def make_accounts_csv(path: Path, n: int) -> None:
    """``n`` accounts in CP932 with Japanese headers, ㈱ variants, prefectures, 千円 amounts."""
    utf8 = path.with_suffix(".utf8.csv")
    con = duckdb.connect()
    con.execute(
        f"""COPY (
            SELECT 'A' || i AS "取引先ID",
                   CASE i % 4 WHEN 0 THEN '㈱' WHEN 1 THEN '株式会社' ELSE '' END
                     || 'テスト' || i || CASE i % 4 WHEN 2 THEN '(株)' ELSE '' END AS "取引先名",
                   ['製造業', '情報通信業', '卸売業・小売業', '建設業'][1 + i % 4] AS "業種",
                   ['東京', '大阪府', 'Tokyo', '13', '愛知県', '福岡'][1 + i % 6] AS "都道府県",
                   CASE WHEN i % 5 = 0 THEN format('{{:,}}名', 10 + i % 4000)
                        ELSE CAST(10 + i % 4000 AS VARCHAR) END AS "従業員数",
                   format('{{:,}}千円', (i % 9000) * 100) AS "年間売上",
                   strftime(DATE '2020-01-01' + CAST(i % 1500 AS INT), '%Y/%-m/%-d') AS "作成日"
            FROM range({n}) t(i)
        ) TO '{utf8}' (HEADER, DELIMITER ',')"""
    )
    con.close()
    with utf8.open("r", encoding="utf-8") as fin, path.open("w", encoding="cp932") as fout:
        shutil.copyfileobj(fin, fout, 16 << 20)
    utf8.unlink()


def peer_pandas(path: Path, table: str) -> float:
    t0 = time.perf_counter()
    frame = pd.read_csv(path, encoding="cp932", dtype=str)
    con = duckdb.connect()
    con.register("f", frame)
    con.execute(f"CREATE TABLE {table} AS SELECT * FROM f")
    con.close()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rashinban-bench-") as tmp:
        root = Path(tmp)
        acc = root / "取引先.csv"
        orders = root / "orders.csv"
        t0 = time.perf_counter()
        make_accounts_csv(acc, args.accounts)
        make_orders_csv(orders, args.orders, args.accounts)
        print(
            f"generated inputs in {time.perf_counter() - t0:.1f}s "
            f"(accounts {acc.stat().st_size / 1e6:.0f} MB, "
            f"orders {orders.stat().st_size / 1e6:.0f} MB)"
        )
        ws = init_workspace(root / "ws")
        results = []
        for table, path, n in (("accounts", acc, args.accounts), ("orders", orders, args.orders)):
            t0 = time.perf_counter()
            result = import_files(ws, table, [path])
            ours = time.perf_counter() - t0
            assert result.loaded == n, (result.loaded, n, result.rejected)
            peer = peer_pandas(path, table)
            results.append((table, n, ours, peer))
        print(
            f"{'table':<10}{'rows':>12}{'rashinban s':>13}{'rows/s':>12}"
            f"{'pandas s':>10}{'ratio':>8}  target"
        )
        for table, n, ours, peer in results:
            print(
                f"{table:<10}{n:>12,}{ours:>13.1f}{n / ours:>12,.0f}{peer:>10.1f}"
                f"{ours / peer:>7.2f}x  {'OK' if ours < 60 else 'MISSED'} (< 60 s)"
            )


if __name__ == "__main__":
    main()

"""Benchmark: ICP discovery (rashinban.icp.discover_subgroups) on 1,000,000 accounts × 10 columns.

Synthetic, seeded accounts with a planted over-represented subgroup (industry
pair × size band). Target: under 60 s for the full search (selector matrix,
3-level WRAcc beam search of width 30, pruning). The peer, pysubgroup's
BeamSearch with the same selectors, same width and depth, runs on a subsample
(``--peer-rows``, default 20,000) in the same run; both are timed on that
subsample and the ratio printed. pysubgroup on the full million is not attempted:
it evaluates every candidate with a pandas pass.

Run: ``PYTHONPATH=src python benchmarks/bench_icp.py [--rows 1000000] [--peer-rows 20000]``
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd

INDUSTRIES = [
    "製造業",
    "情報通信業",
    "建設業",
    "卸売業・小売業",
    "医療・福祉",
    "運輸業・郵便業",
    "金融業・保険業",
    "不動産業・物品賃貸業",
    "サービス業",
    "教育・学習支援業",
]
PREFS = [
    "東京都",
    "大阪府",
    "愛知県",
    "神奈川県",
    "福岡県",
    "北海道",
    "宮城県",
    "広島県",
    "埼玉県",
    "千葉県",
    "京都府",
    "兵庫県",
]
CHANNELS = ["紹介", "ウェビナー", "展示会", "SEO", "Web広告", "アウトバウンド"]


def make_accounts(n: int, seed: int = 7) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    f = pd.DataFrame(
        {
            "industry": rng.choice(INDUSTRIES, n),
            "prefecture": rng.choice(PREFS, n),
            "employees": np.round(rng.lognormal(4.3, 1.2, n)).astype(int) + 5,
            "annual_revenue": np.round(rng.lognormal(21, 1.5, n)),
            "founded_year": rng.integers(1950, 2024, n),
            "source": rng.choice(["紹介", "Web", "展示会", "名刺"], n),
            "channel": rng.choice(CHANNELS, n),
            "has_decision_maker": rng.random(n) < 0.4,
            "leads": rng.poisson(2, n),
            "nps_mean": np.round(rng.normal(7, 2, n), 1),
        }
    )
    ideal = f["industry"].isin(["製造業", "情報通信業"]) & f["employees"].between(100, 999)
    p = np.where(ideal, 0.35, 0.08) + 0.05 * f["has_decision_maker"]
    return f, rng.random(n) < p


def run_ours(frame: pd.DataFrame, y: np.ndarray) -> tuple[float, pd.DataFrame]:
    from rashinban.icp import discover_subgroups

    t0 = time.perf_counter()
    res = discover_subgroups(frame, y, columns=list(frame.columns), beam_width=30, top=10)
    return time.perf_counter() - t0, res.rules


def run_peer(frame: pd.DataFrame, y: np.ndarray) -> float:
    import pysubgroup as ps

    from rashinban.icp import build_selectors

    selectors, _ = build_selectors(
        frame, list(frame.columns), min_support=max(10, len(frame) // 100)
    )
    space = []
    for s in selectors:
        c = s.as_dict()
        if c["op"] == "in":
            vals = c["values"]
            sels = [ps.EqualitySelector(c["column"], v) for v in vals]
            space.append(sels[0] if len(sels) == 1 else ps.Disjunction(sels))
        else:
            lo = -np.inf if c["low"] is None else c["low"]
            hi = np.inf if c["high"] is None else np.nextafter(float(c["high"]), np.inf)
            space.append(ps.IntervalSelector(c["column"], lo, hi))
    data = frame.assign(_y=y)
    task = ps.SubgroupDiscoveryTask(
        data, ps.BinaryTarget("_y", True), space, result_set_size=10, depth=3, qf=ps.WRAccQF()
    )
    t0 = time.perf_counter()
    with np.errstate(all="ignore"):
        ps.BeamSearch(beam_width=30).execute(task)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--peer-rows", type=int, default=20_000)
    args = ap.parse_args()
    print(f"load average: {os.getloadavg()}")
    frame, y = make_accounts(args.rows)
    secs, rules = run_ours(frame, y)
    print(
        f"rashinban ICP discovery, {args.rows:,} accounts × {frame.shape[1]} columns: "
        f"{secs:.1f} s (target < 60 s)"
    )
    print(rules[["description_ja", "support", "lift"]].head(3).to_string(index=False))
    sub, ysub = frame.head(args.peer_rows), y[: args.peer_rows]
    ours_small, _ = run_ours(sub, ysub)
    peer = run_peer(sub, ysub)
    print(
        f"{args.peer_rows:,} accounts: rashinban {ours_small:.2f} s, pysubgroup BeamSearch "
        f"{peer:.2f} s, ratio {peer / ours_small:.1f}×"
    )


if __name__ == "__main__":
    main()

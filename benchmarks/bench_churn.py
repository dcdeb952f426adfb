"""Benchmark: churn features and scores for 1M customers with 51M usage rows.

rashinban computes every churn feature as one Ibis expression on DuckDB and scores
it with the fitted logistic model (plus reasons for the customers on alert). The
named peer is pandas: the usage-trend features alone (the heaviest part: 51M rows),
computed with a pandas groupby on the same rows already in memory, and checked equal.

Run: ``PYTHONPATH=src python benchmarks/bench_churn.py [--customers 1000000]``
(target: features + scores under 90 s on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import ibis
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _synth_crm import AS_OF, build
from rashinban.churn import ChurnModel, churn_features, explain_row
from rashinban.churn._features import _usage


def pandas_usage_trend(usage: pd.DataFrame) -> pd.DataFrame:
    """Peer: recent (6 weeks) / earlier (18 weeks) mean per account and metric, in pandas."""
    a = pd.Timestamp(AS_OF)
    u = usage[(usage["date"] <= a) & (usage["date"] > a - pd.Timedelta(days=168))]
    recent = u["date"] > a - pd.Timedelta(days=42)
    r = u[recent].groupby(["account_id", "metric"])["value"].mean().unstack()
    b = u[~recent].groupby(["account_id", "metric"])["value"].mean().unstack()
    return (1 - (r / b).fillna(1.0)).clip(0, 1)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    args = parser.parse_args()
    n = args.customers
    print(f"load average: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        with duckdb.connect(str(path)) as con:
            counts = build(con, n)
        print(f"generated in {time.perf_counter() - t0:.1f}s: {counts}")
        backend = ibis.duckdb.connect(str(path), read_only=True)

        t0 = time.perf_counter()
        feats = churn_features(backend, AS_OF).execute()
        t_feat = time.perf_counter() - t0

        # Fit on a sample with a synthetic label (the benchmark times scoring, not learning).
        rng = np.random.default_rng(1)
        sample = feats.sample(50_000, random_state=1) if len(feats) > 50_000 else feats
        logit = -3 + 3 * sample["usage_drop_active_users"] + sample["open_high_tickets"]
        y = rng.random(len(sample)) < 1 / (1 + np.exp(-logit))
        model = ChurnModel().fit(sample, y)
        t0 = time.perf_counter()
        risk = model.predict_risk(feats)
        alert = np.flatnonzero(risk >= model.threshold_)
        contrib = model.contributions(feats.iloc[alert])
        rows = feats.iloc[alert].to_dict("records")
        reasons = [
            explain_row(r, c, 3) for r, c in zip(rows, contrib.to_dict("records"), strict=True)
        ]
        t_score = time.perf_counter() - t0
        total = t_feat + t_score
        print(f"customers scored: {len(feats):,}; on alert (with reasons): {len(reasons):,}")
        print(f"rashinban features (Ibis/DuckDB): {t_feat:6.1f}s")
        print(f"rashinban scores + reasons:       {t_score:6.1f}s")
        print(f"rashinban total:                  {total:6.1f}s  (target < 90 s)")

        with duckdb.connect(str(path), read_only=True) as con:
            t0 = time.perf_counter()
            usage = con.execute("SELECT * FROM usage").df()
            t_load = time.perf_counter() - t0
        t0 = time.perf_counter()
        peer = pandas_usage_trend(usage)
        t_peer = time.perf_counter() - t0
        del usage
        ours = feats.set_index("account_id")["usage_drop_active_users"]
        np.testing.assert_allclose(
            ours.sort_index().to_numpy(), peer["active_users"].sort_index().to_numpy(), atol=1e-9
        )
        dates = ibis.memtable({"as_of": [AS_OF]}, schema={"as_of": "date"})
        t0 = time.perf_counter()
        _usage(backend.table("usage"), dates).execute()
        t_usage = time.perf_counter() - t0
        print(f"peer pandas usage trend only:     {t_peer:6.1f}s (+{t_load:.1f}s to load the rows)")
        print(f"rashinban usage trend only:       {t_usage:6.1f}s")
        print(
            f"ratio pandas / rashinban, usage trend: {t_peer / t_usage:.2f}x "
            f"({(t_peer + t_load) / t_usage:.2f}x with loading the rows into pandas)"
        )
        backend.disconnect()
    return 0 if total < 90 else 1


if __name__ == "__main__":
    sys.exit(main())

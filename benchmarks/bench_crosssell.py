"""Benchmark: cross-sell recommendations for 1M customers, rules against mlxtend.

rashinban builds baskets, association rules, item similarity and segment rates
as Ibis/DuckDB queries and returns the top 3 offers (with reasons) of every
customer. The named peer is mlxtend (``apriori`` + ``association_rules``) for
the rules on the same baskets, given as the one-hot frame it needs (building
that frame is timed separately); the rules are checked equal.

Run: ``PYTHONPATH=src python benchmarks/bench_crosssell.py [--customers 1000000]``
(target: recommendations under 60 s on 2 cores; the ``bench`` extra installs mlxtend).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import duckdb
import ibis
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _synth_crm import AS_OF, build
from rashinban.crosssell import association_rules, baskets, recommend


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        with duckdb.connect(str(path)) as con:
            counts = build(con, args.customers, usage=False)
        print(f"generated in {time.perf_counter() - t0:.1f}s: {counts}")
        backend = ibis.duckdb.connect(str(path), read_only=True)

        t0 = time.perf_counter()
        recs = recommend(backend, AS_OF, k=3)
        t_rec = time.perf_counter() - t0
        print(
            f"rashinban recommend: {t_rec:6.1f}s for {recs['account_id'].nunique():,} customers "
            f"({len(recs):,} offers with reasons; target < 60 s)"
        )

        t0 = time.perf_counter()
        b = baskets(backend, AS_OF)
        ours = association_rules(b, min_count=1).execute()
        t_rules = time.perf_counter() - t0
        print(f"rashinban association_rules: {t_rules:6.2f}s ({len(ours)} rules)")

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from mlxtend.frequent_patterns import apriori
            from mlxtend.frequent_patterns import association_rules as mlx_rules

            t0 = time.perf_counter()
            frame = b.execute()[["account_id", "product_id"]]
            onehot = pd.crosstab(frame["account_id"], frame["product_id"]).astype(bool)
            t_hot = time.perf_counter() - t0
            t0 = time.perf_counter()
            with np.errstate(all="ignore"):
                items = apriori(onehot, min_support=1e-9, use_colnames=True, max_len=2)
                theirs = mlx_rules(items, metric="lift", min_threshold=0.0)
            t_mlx = time.perf_counter() - t0
        theirs = theirs[theirs["antecedents"].map(len) == 1]
        theirs = theirs.assign(
            antecedent=theirs["antecedents"].map(lambda s: next(iter(s))),
            consequent=theirs["consequents"].map(lambda s: next(iter(s))),
        )
        m = ours.merge(theirs, on=["antecedent", "consequent"], suffixes=("", "_mlx"))
        assert len(m) == len(ours)
        np.testing.assert_allclose(m["lift"], m["lift_mlx"], rtol=1e-9)
        print(f"peer mlxtend apriori + rules: {t_mlx:6.2f}s (+{t_hot:.1f}s one-hot frame)")
        print(
            f"ratio mlxtend / rashinban (rules): {t_mlx / t_rules:.2f}x; "
            f"with one-hot: {(t_mlx + t_hot) / t_rules:.2f}x"
        )
        backend.disconnect()
    return 0 if t_rec < 60 else 1


if __name__ == "__main__":
    sys.exit(main())

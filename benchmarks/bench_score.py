"""Benchmark: scoring 1,000,000 records with a fitted FitModel (probabilities + reasons).

The model is fitted on 20,000 synthetic closed deals; then 1,000,000 records are
scored with their calibrated probability and their top reasons in Japanese and
English (target: under 30 s). The peer is scikit-learn's own pipeline doing only
the probability part (OneHotEncoder + calibrated LogisticRegression
``predict_proba``), measured in the same run, so the ratio shows the cost of the
reasons.

Run: ``PYTHONPATH=src python benchmarks/bench_score.py [--rows 1000000]``
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd

from rashinban.icp import FEATURES, FitModel


def make_records(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    f = pd.DataFrame(
        {
            "industry": rng.choice(
                ["製造業", "情報通信業", "建設業", "卸売業・小売業", "医療・福祉"], n
            ),
            "size_band": rng.choice(
                ["1〜29名", "30〜99名", "100〜299名", "300〜999名", "1000名以上"], n
            ),
            "region": rng.choice(["関東", "近畿", "中部", "九州・沖縄", "東北"], n),
            "revenue_band": rng.choice(["1億円未満", "1〜10億円", "10〜100億円"], n),
            "channel": rng.choice(["紹介", "ウェビナー", "展示会", "SEO", "Web広告"], n),
            "decision_maker": rng.choice(["あり", "なし"], n),
            "competitor": rng.choice(
                ["なし", "アルファクラウド", "ベータシステムズ", "ガンマソフト"], n
            ),
        }
    )
    f["industry_size"] = f["industry"] + "×" + f["size_band"]
    f["id"] = [f"R{i:07d}" for i in range(n)]
    logit = (
        -1.7
        + 1.2 * f["industry"].isin(["製造業", "情報通信業"])
        + 0.8 * (f["decision_maker"] == "あり")
        + 2.0 * (f["competitor"] == "ガンマソフト")
    )
    return f, rng.random(n) < 1 / (1 + np.exp(-logit))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    print(f"load average: {os.getloadavg()}")
    train, y = make_records(20_000, 1)
    model = FitModel(FEATURES).fit(train, y)
    records, _ = make_records(args.rows, 2)
    t0 = time.perf_counter()
    scored = model.score_records(records, "id", "lead")
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    xe = model.encoder_.transform(records[list(FEATURES)].astype(str))
    model.calibrated_.predict_proba(xe)
    peer = time.perf_counter() - t0
    print(
        f"rashinban score_records, {args.rows:,} records with reasons (ja+en): {ours:.1f} s "
        f"(target < 30 s)"
    )
    print(
        f"scikit-learn predict_proba only: {peer:.1f} s; ratio {ours / peer:.1f}× "
        f"(the rest is the reasons)"
    )
    print(scored.head(2).to_string())


if __name__ == "__main__":
    main()

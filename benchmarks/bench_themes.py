"""Themes over a million short texts: tokenise with SudachiPy, then c-TF-IDF per segment.

Run: ``python benchmarks/bench_themes.py [N] [WORKERS]`` (defaults 1,000,000 and 2).
Texts are short Japanese notes drawn from the demo generator's sentence pools in four
segments. We time tokenising (noun-phrase keywords, in ``WORKERS`` processes) and the
c-TF-IDF step separately, and as a peer, in the same run, scikit-learn's
``TfidfVectorizer`` with a character 2–3-gram analyzer (no dictionary, no noun phrases)
followed by the same per-segment sum. Target: themes over 1,000,000 texts in < 5 minutes.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from rashinban.demo import _text as T
from rashinban.text import batch_keywords, ctfidf

GROUPS = ("ideal", "retail", "ict", "other")


def _texts(n: int, seed: int = 11) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    group = rng.integers(0, len(GROUPS), size=n)
    text = T.choose(rng, group, [T.THEMES[g] for g in GROUPS])
    extra = T.draw(rng, T.NEUTRAL, n) + T.draw(rng, T.NEXT_STEP, n)
    # Each text: an opening, one theme sentence and a neutral tail (40–90 characters).
    full = T.draw(rng, T.OPENING, n) + text + extra
    return full.tolist(), [GROUPS[g] for g in group]


def _chunk(texts: list[str]) -> list[list[str]]:
    return batch_keywords(texts)


def _tokenise(texts: list[str], workers: int) -> list[list[str]]:
    size = 20_000
    chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
    if workers <= 1:
        return [doc for c in chunks for doc in _chunk(c)]
    with mp.get_context("fork").Pool(workers) as pool:
        return [doc for part in pool.imap(_chunk, chunks) for doc in part]


def main(n: int = 1_000_000, workers: int = 2) -> None:
    texts, groups = _texts(n)
    print(
        f"{n:,} texts, mean {np.mean([len(t) for t in texts]):.0f} characters, "
        f"{workers} worker(s), load average {os.getloadavg()[0]:.2f}"
    )
    t0 = time.perf_counter()
    tokens = _tokenise(texts, workers)
    t1 = time.perf_counter()
    table = ctfidf(tokens, groups, top_n=10)
    t2 = time.perf_counter()
    ours = t2 - t0
    print(
        f"rashinban: tokenise {t1 - t0:,.1f}s ({n / (t1 - t0):,.0f} texts/s), "
        f"c-TF-IDF {t2 - t1:,.1f}s, total {ours:,.1f}s"
    )
    for g in GROUPS:
        print(f"  {g:<7}", "、".join(table[table["group"] == g]["term"].head(6)))

    t0 = time.perf_counter()
    x = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), min_df=3).fit_transform(texts)
    codes = np.array([GROUPS.index(g) for g in groups])
    member = sparse.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(len(GROUPS), n))
    _ = member @ x
    peer = time.perf_counter() - t0
    print(f"peer scikit-learn TfidfVectorizer(char 2-3) + group sum: {peer:,.1f}s")
    print(f"ratio rashinban / peer: {ours / peer:.2f}x (ours: Japanese noun phrases via SudachiPy)")
    print("target < 300 s for 1,000,000 texts:", "met" if ours * 1_000_000 / n < 300 else "missed")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 2,
    )

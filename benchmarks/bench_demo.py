"""Time ``rashinban.demo.generate`` at growing sizes (target: 1,000,000 accounts < 120 s).

Run: ``PYTHONPATH=src python benchmarks/bench_demo.py [N ...]``. Prints seconds,
rows and rows per second for each size, and the peer ratio against Faker: how
long Faker would take just to make the account names one call per row (the
approach this generator avoids), measured on a sample and extrapolated.
"""

from __future__ import annotations

import sys
import time

from faker import Faker

from rashinban.demo import generate


def _faker_per_row_seconds(n: int, sample: int = 20_000) -> float:
    fake = Faker("ja_JP")
    fake.seed_instance(0)
    t0 = time.perf_counter()
    for _ in range(sample):
        fake.company()
        fake.name()
    return (time.perf_counter() - t0) / sample * n


def main(sizes: list[int]) -> None:
    for n in sizes:
        t0 = time.perf_counter()
        tables = generate(n, seed=7)
        sec = time.perf_counter() - t0
        rows = sum(len(t) for t in tables.values())
        faker = _faker_per_row_seconds(n)
        print(
            f"n_accounts={n:>9,}  {sec:7.1f} s  rows={rows:>12,}  "
            f"{rows / sec:>12,.0f} rows/s  "
            f"faker per-row names alone ≈ {faker:7.1f} s (ratio {faker / sec:5.2f}x)"
        )
        for name, t in tables.items():
            print(f"    {name:<14}{len(t):>12,}")
        del tables


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [3_000, 100_000, 1_000_000])

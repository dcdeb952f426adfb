"""Run every benchmark in this folder, one after another, each in its own process.

Benchmarks are not part of the test suite: they print times and ratios against a named
peer measured in the same run. ``python benchmarks/run.py [NAME…]`` runs the named ones
(``import``, ``clv``, …) or all of them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    wanted = set(sys.argv[1:])
    failed = 0
    for script in sorted(HERE.glob("bench_*.py")):
        name = script.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        print(f"\n=== {name} ===", flush=True)
        failed += subprocess.call([sys.executable, str(script)]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

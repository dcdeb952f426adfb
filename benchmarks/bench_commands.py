"""Wall-clock time of everyday read commands on the demo workspace (3,000 accounts).

Run: ``python benchmarks/bench_commands.py [WORKSPACE] [--runs N] [--only NAME…]
[--save DIR]``. Without a workspace, a demo is built in a temporary folder first (~20 s)
and removed at the end. Each command runs N times (default 3) in a fresh process, JSON
output as a script would call it, and the best and median times are printed, with the
load average, since other work on a shared machine slows every figure. ``--only`` keeps
the commands whose name starts with one of the given words (``--only kpi churn``).
``--save DIR`` writes each command's output to DIR so two runs can be compared byte for
byte. Peers: ``python -c pass`` and ``rashinban --help``, the floor any command pays
(interpreter start, then the CLI's own imports), and a usage error, which should cost no
more than ``--help``.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXE = Path(sys.executable).with_name("rashinban")
TARGET = "中堅製造・情報通信"  # the demo's target definition
COMMANDS: list[tuple[str, list[str]]] = [
    ("kpi", ["kpi"]),
    ("kpi --segment", ["kpi", "--segment", "業種 = 製造業"]),
    ("rfm", ["rfm"]),
    ("clv", ["clv"]),
    ("churn", ["churn"]),
    ("segments", ["segments"]),
    ("icp", ["icp"]),
    ("score", ["score"]),
    ("crosssell", ["crosssell"]),
    ("motions", ["motions"]),
    ("triggers", ["triggers"]),
    ("personas", ["personas"]),
    ("themes", ["themes"]),
    ("winloss", ["winloss"]),
    ("workshop ×3", ["workshop", "A000154", "A000029", "A000620"]),
    ("lookalike ×3", ["lookalike", "A000154", "A000029", "A000620"]),
    ("feedback summary", ["feedback", "summary"]),
    ("target list", ["target", "list"]),
    ("target show", ["target", "show", TARGET]),
    ("target history", ["target", "history", TARGET]),
]


def _times(argv: list[str], runs: int, *, ok: bool = True) -> tuple[float, float, bytes]:
    """Best and median wall time of ``runs`` fresh runs, and the last run's output."""
    took: list[float] = []
    out = b""
    for _ in range(runs):
        t0 = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, check=ok)
        took.append(time.perf_counter() - t0)
        out = done.stdout
    return min(took), statistics.median(took), out


def _option(argv: list[str], name: str) -> list[str]:
    if name not in argv:
        return []
    rest = argv[argv.index(name) + 1 :]
    values = []
    for a in rest:
        if a.startswith("--"):
            break
        values.append(a)
    return values


def main(argv: list[str]) -> None:
    save = Path(_option(argv, "--save")[0]) if "--save" in argv else None
    runs = int(_option(argv, "--runs")[0]) if "--runs" in argv else 3
    only = _option(argv, "--only")
    flagged = {v for name in ("--save", "--runs", "--only") for v in _option(argv, name)}
    args = [a for a in argv if not a.startswith("--") and a not in flagged]
    tmp = None
    if args:
        ws = Path(args[0])
    else:
        tmp = Path(tempfile.mkdtemp(prefix="rashinban-bench-"))
        ws = tmp / "ws"
        subprocess.run([str(EXE), "demo", str(ws)], capture_output=True, check=True)
    if save:
        save.mkdir(parents=True, exist_ok=True)
    print(f"workspace {ws}, load average {os.getloadavg()[0]:.2f}, {runs} runs (seconds)")
    print(f"  {'command':<18} {'best':>6} {'median':>7}")
    rows: list[tuple[str, list[str], bool]] = [
        ("python -c pass", [sys.executable, "-c", "pass"], True),
        ("--help", [str(EXE), "--help"], True),
        ("usage error", [str(EXE), "--bogus"], False),
    ]
    rows += [
        (name, [str(EXE), *cmd, "-w", str(ws), "-f", "json"], True)
        for name, cmd in COMMANDS
        if not only or any(name.startswith(word) for word in only)
    ]
    try:
        for name, cmd, ok in rows:
            best, median, out = _times(cmd, runs, ok=ok)
            print(f"  {name:<18} {best:6.2f} {median:7.2f}", flush=True)
            if save and cmd[-2:] == ["-f", "json"]:
                (save / (re.sub(r"\W+", "_", name).strip("_") + ".json")).write_bytes(out)
    finally:
        if tmp:
            shutil.rmtree(tmp)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])

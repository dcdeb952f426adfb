"""Wall-clock time of everyday read commands on the demo workspace (3,000 accounts).

Run: ``python benchmarks/bench_commands.py [WORKSPACE] [--save DIR]``. Without a
workspace, a demo is built in a temporary folder first (~20 s). Each command runs
three times in a fresh process (JSON output, as a script would call it) and the best
time is printed, with the load average, since other work on a shared machine slows
every figure. ``--save DIR`` writes each command's output to DIR so two runs can be
compared byte for byte. Peer: ``python -c pass`` and ``rashinban --help``, the floor
any command pays (interpreter start, then the CLI's own imports).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXE = Path(sys.executable).with_name("rashinban")
COMMANDS: list[tuple[str, list[str]]] = [
    ("personas", ["personas"]),
    ("themes", ["themes"]),
    ("winloss", ["winloss"]),
    ("workshop ×3", ["workshop", "A000154", "A000029", "A000620"]),
    ("lookalike ×3", ["lookalike", "A000154", "A000029", "A000620"]),
    ("kpi", ["kpi"]),
    ("kpi --segment", ["kpi", "--segment", "業種 = 製造業"]),
    ("triggers", ["triggers"]),
    ("feedback summary", ["feedback", "summary"]),
    ("segments", ["segments"]),
]


def _best(argv: list[str], runs: int = 3) -> tuple[float, bytes]:
    best, out = float("inf"), b""
    for _ in range(runs):
        t0 = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, check=True)
        best = min(best, time.perf_counter() - t0)
        out = done.stdout
    return best, out


def main(argv: list[str]) -> None:
    save = Path(argv[argv.index("--save") + 1]) if "--save" in argv else None
    args = [a for i, a in enumerate(argv) if a != "--save" and (i == 0 or argv[i - 1] != "--save")]
    tmp = None
    if args:
        ws = Path(args[0])
    else:
        tmp = Path(tempfile.mkdtemp())
        ws = tmp / "ws"
        subprocess.run([str(EXE), "demo", str(ws)], capture_output=True, check=True)
    if save:
        save.mkdir(parents=True, exist_ok=True)
    print(f"workspace {ws}, load average {os.getloadavg()[0]:.2f} (best of 3, seconds)")
    floor, _ = _best([sys.executable, "-c", "pass"])
    print(f"  {'python -c pass':<18} {floor:6.2f}")
    helped, _ = _best([str(EXE), "--help"])
    print(f"  {'--help':<18} {helped:6.2f}")
    for name, cmd in COMMANDS:
        took, out = _best([str(EXE), *cmd, "-w", str(ws), "-f", "json"])
        print(f"  {name:<18} {took:6.2f}", flush=True)
        if save:
            (
                save / (name.split()[0] + ("_seg" if "--segment" in cmd else "") + ".json")
            ).write_bytes(out)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    if tmp:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main(sys.argv[1:])

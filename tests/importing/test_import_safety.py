"""Import safety: corrupted files give clean errors and no partial state; a kill mid-import
leaves the workspace exactly as before."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rashinban import UserError, init_workspace
from rashinban.importing import import_files
from rashinban.workspace import Workspace


def snapshot(ws: Workspace) -> str:
    """A digest of every canonical table's full contents, plus the import log."""
    h = hashlib.sha256()
    with ws.connect(read_only=True) as con:
        for schema, name in con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where schema_name in ('main', 'rb_meta') order by schema_name, table_name"
        ).fetchall():
            rows = con.execute(f'select * from {schema}."{name}" order by all').fetchall()
            h.update(name.encode())
            h.update(repr(rows).encode())
    return h.hexdigest()


GOOD = (
    "取引先ID,取引先名,業種,都道府県,従業員数,年間売上,作成日\n"
    'A1,㈱テスト工業,製造業,東京,１，２００名,"1,234千円",令和6年4月1日\n'
    "A2,ﾔﾏﾀﾞ商店(有),卸売業・小売業,大阪府,35,￥12000,2024/4/2\n"
    "A3,株式会社 髙島屋～,情報通信業,13,200,▲1000,2024-04-03\n"
)


def corrupt(data: bytes, rng: random.Random) -> bytes:
    kind = rng.choice(["flip", "truncate", "insert", "quote", "delete_line", "swap"])
    b = bytearray(data)
    if kind == "flip":
        for _ in range(rng.randint(1, 6)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif kind == "truncate":
        b = b[: rng.randrange(1, len(b))]
    elif kind == "insert":
        pos = rng.randrange(len(b))
        b[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    elif kind == "quote":
        pos = rng.randrange(len(b))
        b[pos:pos] = b'"'
    elif kind == "delete_line":
        lines = bytes(b).split(b"\n")
        del lines[rng.randrange(len(lines))]
        b = bytearray(b"\n".join(lines))
    else:
        i, j = rng.randrange(len(b)), rng.randrange(len(b))
        b[i], b[j] = b[j], b[i]
    return bytes(b)


@pytest.mark.parametrize("encoding", ["cp932", "utf-8"])
def test_random_corruption_gives_clean_errors_and_no_partial_state(
    tmp_path: Path, encoding: str
) -> None:
    ws = init_workspace(tmp_path / "ws")
    base = tmp_path / "base.csv"
    base.write_bytes(GOOD.encode(encoding))
    import_files(ws, "accounts", [base])
    rng = random.Random(20261124)
    outcomes = {"loaded": 0, "error": 0}
    for i in range(60):
        bad = tmp_path / f"bad{i}.csv"
        bad.write_bytes(corrupt(GOOD.encode(encoding), rng))
        before = snapshot(ws)
        for strict in (True, False):
            try:
                import_files(ws, "accounts", [bad], strict=strict)
            except UserError as exc:
                # a user error: the workspace is exactly as it was, and the message says where
                outcomes["error"] += 1
                assert str(exc)
                assert snapshot(ws) == before
            else:
                outcomes["loaded"] += 1
    assert outcomes["error"] > 0 and outcomes["loaded"] > 0, outcomes


KILL_SCRIPT = """
import sys
from rashinban import open_workspace
from rashinban.importing import import_files
ws = open_workspace(sys.argv[1])
print("start", flush=True)
import_files(ws, "orders", [sys.argv[2]])
print("done", flush=True)
"""


def test_kill_mid_import_leaves_workspace_unchanged(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    accounts = tmp_path / "a.csv"
    accounts.write_text(
        "account_id,name\n" + "".join(f"A{i},会社{i}\n" for i in range(100)), "utf-8"
    )
    import_files(ws, "accounts", [accounts])
    big = tmp_path / "orders.csv"
    rng = random.Random(1)
    with big.open("w", encoding="cp932", newline="") as fh:
        fh.write("order_id,account_id,ordered_at,product_id,quantity,amount\n")
        for i in range(600_000):
            account = f"A{rng.randrange(100)}"
            fh.write(f"O{i},{account},2024/{1 + i % 12}/{1 + i % 28},P{i % 7},1,￥{i % 5000}\n")
    script = tmp_path / "run.py"
    script.write_text(KILL_SCRIPT, encoding="utf-8")
    before = snapshot(ws)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    killed_states = []
    for delay in (0.6, 1.5, 3.0):
        proc = subprocess.Popen(
            [sys.executable, str(script), str(ws.path), str(big)],
            stdout=subprocess.PIPE,
            env=env,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"start"
        time.sleep(delay)
        finished = proc.poll() is not None
        if not finished:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        state = snapshot(ws)
        if finished or state != before:
            # The import committed before the kill: then it must be complete.
            with ws.connect(read_only=True) as con:
                assert con.execute("select count(*) from orders").fetchone() == (600_000,)
            break
        killed_states.append(state)
    assert killed_states, "the import finished before any kill; make the file larger"
    assert all(s == before for s in killed_states)

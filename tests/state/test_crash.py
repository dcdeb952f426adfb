"""Killing a process in the middle of a write leaves no half-written version."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import sqlalchemy as sa

from rashinban.state import TargetDefinition, open_store
from rashinban.state import _schema as schema

_CHILD = textwrap.dedent(
    """
    import sys, time
    from rashinban.state import StateStore, TargetDefinition, open_store

    store = open_store(url=sys.argv[1])
    real_audit = StateStore._audit

    def slow_audit(self, con, *args, **kwargs):
        # The version and revision rows are written; the transaction is still open.
        real_audit(self, con, *args, **kwargs)
        print("MID-WRITE", flush=True)
        time.sleep(120)

    StateStore._audit = slow_audit
    store.save("ideal", TargetDefinition(include="業種 = 情報通信業"), author="mkt", note="v2")
    print("COMMITTED", flush=True)
    """
)


def _counts(store) -> tuple[int, int, int]:
    with store.engine.connect() as con:
        return tuple(  # type: ignore[return-value]
            con.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in (schema.versions, schema.revisions, schema.audit)
        )


def test_sigkill_mid_write_leaves_no_trace(store_url: str) -> None:
    store = open_store(url=store_url)
    store.add_user("mkt", "佐藤", "marketing")
    first = store.save("ideal", TargetDefinition(include="業種 = 製造業"), author="mkt", note="v1")
    before = _counts(store)
    store.close()

    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    with subprocess.Popen(
        [sys.executable, "-c", _CHILD, store_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as child:
        assert child.stdout is not None
        line = child.stdout.readline().strip()
        os.kill(child.pid, signal.SIGKILL)
        _, err = child.communicate(timeout=30)
    assert line == "MID-WRITE", err
    assert child.returncode == -signal.SIGKILL

    again = open_store(url=store_url)
    assert _counts(again) == before
    hist = again.history("ideal")
    assert [h.version_id for h in hist] == [first.version_id]
    # The store is usable and the interrupted change can simply be made again.
    redo = again.save(
        "ideal", TargetDefinition(include="業種 = 情報通信業"), author="mkt", note="v2"
    )
    assert redo.number == 2
    again.close()

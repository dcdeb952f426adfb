"""Two processes writing the store at once: the second waits, then is checked against
what the first wrote (never a database error, never a change silently undone)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from rashinban._errors import InvalidValueError
from rashinban.state import TargetDefinition, open_store

_ENV = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))

# Opens a new store and stops inside its migration (holding whatever the migration
# holds) until the parent has tried to open the same store.
# Opens a new store and stops inside its migration, after Alembic has found the store
# empty and before its first table, until the parent has opened the same store.
_MIGRATING = textwrap.dedent(
    """
    import sys, time
    from alembic.operations import Operations
    from rashinban.state import open_store

    real_create_table = Operations.create_table
    paused = []

    def slow_create_table(self, *args, **kwargs):
        if not paused:
            paused.append(True)
            print("MIGRATING", flush=True)
            time.sleep(1.5)
        return real_create_table(self, *args, **kwargs)

    Operations.create_table = slow_create_table
    open_store(url=sys.argv[1]).add_user("sls", "鈴木", "sales")
    print("DONE", flush=True)
    """
)

# A child that holds its write's transaction open for a moment before committing: it
# prints MID-WRITE once the audit row is written, then runs ``action`` on ``store``.
_SLOW_WRITE = textwrap.dedent(
    """
    import sys, time
    from rashinban.state import StateStore, TargetDefinition, open_store

    store = open_store(url=sys.argv[1])
    real_audit = StateStore._audit

    def slow_audit(self, con, *args, **kwargs):
        real_audit(self, con, *args, **kwargs)
        print("MID-WRITE", flush=True)
        time.sleep(1.5)

    StateStore._audit = slow_audit
    """
)

# Saves version 2 of "ideal" (as sales).
_SAVING = _SLOW_WRITE + textwrap.dedent(
    """
    parent = store.revision("ideal").version_id
    store.save("ideal", TargetDefinition(include="業種 = 情報通信業"), author="sls",
               note="by sales", parent=parent)
    print("DONE", flush=True)
    """
)

# Activates version 1 of "ideal" (as sales).
_ACTIVATING = _SLOW_WRITE + textwrap.dedent(
    """
    store.activate("ideal@1", "sls")
    print("DONE", flush=True)
    """
)


def _start(code: str, url: str, first_line: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", code, url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_ENV,
    )
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    if line != first_line:
        child.kill()
        raise AssertionError(child.communicate()[1])
    return child


def test_two_processes_opening_a_new_store_migrate_it_once(store_url: str) -> None:
    child = _start(_MIGRATING, store_url, "MIGRATING")
    store = open_store(url=store_url)  # while the child is in the middle of migrating
    store.add_user("mkt", "佐藤", "marketing")
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert out.strip() == "DONE"
    assert [u["user_id"] for u in store.users()] == ["mkt", "sls"]
    store.close()


def test_a_save_made_while_another_commits_is_checked_against_it(store_url: str) -> None:
    store = open_store(url=store_url)
    store.add_user("mkt", "佐藤", "marketing")
    store.add_user("sls", "鈴木", "sales")
    first = store.save("ideal", TargetDefinition(include="業種 = 製造業"), author="mkt", note="v1")
    child = _start(_SAVING, store_url, "MID-WRITE")
    # Made from version 1 while the child's version 2 is being committed: refused by name
    # (what a stale edit is told), not as a database error and not saved over it.
    with pytest.raises(InvalidValueError) as refused:
        store.save(
            "ideal",
            TargetDefinition(include="業種 = 建設業"),
            author="mkt",
            note="by marketing",
            parent=first.version_id,
        )
    _, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert "@2 by sls was saved after the version this change starts from" in refused.value.message
    assert [(r.number, r.note) for r in store.history("ideal")] == [
        (1, "v1"),
        (2, "by sales"),
    ]
    store.close()


def test_two_people_activating_one_version_at_once_activate_it_once(store_url: str) -> None:
    store = open_store(url=store_url)
    store.add_user("mkt", "佐藤", "marketing")
    store.add_user("sls", "鈴木", "sales")
    store.save("ideal", TargetDefinition(include="業種 = 製造業"), author="mkt", note="v1")
    store.approve("ideal@1", "mkt")
    store.approve("ideal@1", "sls")
    child = _start(_ACTIVATING, store_url, "MID-WRITE")
    # Sees no activation yet, waits for the child's commit, then finds it active.
    got = store.activate("ideal@1", "mkt")
    _, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert (got.name, got.number) == ("ideal", 1)
    activations = [e for e in store.audit_log() if e["action"] == "activate"]
    assert [e["actor"] for e in activations] == ["sls"]
    store.close()

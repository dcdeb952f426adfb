"""A widen proposal says when the accounts it adds are held by another active target."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from rashinban import init_workspace
from rashinban.cli import app
from rashinban.importing import load_frames
from rashinban.state import TargetDefinition, open_store
from rashinban.targets import run_review

IDEAL = "業種 in [製造業, 情報通信業] and 従業員数 between 100 and 999"
RETAIL = "業種 = 卸売業・小売業 and 従業員数 between 1 and 99"
AS_OF = dt.date(2025, 8, 3)


def _ok(*args: str) -> str:
    out = CliRunner().invoke(app, list(args), env={"COLUMNS": "400"})
    assert out.exit_code == 0, out.output
    return out.output


def _activate(w: list[str], name: str, include: str) -> None:
    _ok("target", "create", name, "-u", "mkt", "--include", include, *w)
    for uid in ("mkt", "sls"):
        _ok("target", "approve", name, "-u", uid, *w)
    _ok("target", "activate", name, "-u", "sls", *w)


@pytest.fixture(scope="module")
def ws(demo_tables, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The demo data with target ``ideal`` active (its review proposes widening)."""
    path = tmp_path_factory.mktemp("overlap") / "ws"
    load_frames(init_workspace(path), demo_tables)
    w = ["-w", str(path)]
    for uid, dept in (("mkt", "marketing"), ("sls", "sales")):
        _ok("target", "user", uid, "--name", uid, "--department", dept, *w)
    _ok(
        "target", "create", "ideal", "-u", "mkt", "--include", IDEAL,
        "--hypothesis", "受注率 >= 30%", *w,
    )  # fmt: skip
    for uid in ("mkt", "sls"):
        _ok("target", "approve", "ideal", "-u", uid, *w)
    _ok("target", "activate", "ideal", "-u", "sls", *w)
    return w


def _widen(w: list[str]) -> dict:
    from rashinban import open_workspace

    workspace = open_workspace(w[1])
    review = run_review(
        open_store(workspace), workspace.backend(), "ideal", as_of=AS_OF, author="mkt", save=False
    )
    return next(p for p in review["proposals"] if p["kind"] == "widen")


def test_a_widening_into_another_active_target_says_how_many_accounts(
    ws: list[str], demo_tables: dict[str, pd.DataFrame]
) -> None:
    acc = demo_tables["accounts"]
    before = _widen(ws)
    assert before["rule"] == "industry in [卸売業・小売業] and employees between 30 and 299"
    added = (acc["industry"] == "卸売業・小売業") & acc["employees"].between(30, 299)
    assert before["accounts_added"] == int(added.sum()) > 0
    assert before["overlaps"] == [] and "注意" not in before["reason_ja"]
    # Another target holding the same accounts counts only once it is active.
    _ok("target", "create", "draft", "-u", "mkt", "--include", "業種 = 卸売業・小売業", *ws)
    assert _widen(ws)["overlaps"] == []
    _activate(ws, "retail", RETAIL)
    after = _widen(ws)
    # Counted independently: accounts the widening adds that retail's rule holds.
    rule = TargetDefinition(include=RETAIL).rule()
    held = int((added & rule.mask(acc)).sum())
    assert 0 < held < int(added.sum())
    assert after["overlaps"] == [{"target": "retail", "version": 1, "accounts": held}]
    total = int(added.sum())
    assert after["reason_ja"].endswith(
        f"注意: この拡大で加わる取引先 {total:,}社のうち、{held:,}社は retail@1 "
        "(有効な別のターゲット) にすでに入っています"
    )
    assert after["reason_en"].endswith(
        f"Note: of the {total:,} accounts this widening adds, {held:,} are in retail@1 "
        "(another active target)"
    )
    # The review command shows it in either language and keeps it in JSON.
    args = ("target", "review", "ideal", "-u", "mkt", "--as-of", str(AS_OF), *ws)
    assert f"{held:,}社は retail@1" in _ok(*args)
    en = json.loads(_ok(*args, "-f", "json", "--lang", "en"))
    widen = next(r for r in en["rows"] if r["kind"] == "widen")
    assert f"{held:,} are in retail@1 (another active target)" in widen["reason"]
    assert en["proposals"][0]["overlaps"] == after["overlaps"]

"""target draft chooses proposals by the number the review shows, applies each once, and
says what is next; review text reads in the language asked; audit marks back-tests."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rashinban import init_workspace
from rashinban.cli import app
from rashinban.importing import load_frames

IDEAL = "業種 in [製造業, 情報通信業] and 従業員数 between 100 and 999"
WIDE = {"COLUMNS": "400"}


def _run(*args: str) -> tuple[int, str]:
    out = CliRunner().invoke(app, list(args), env=WIDE)
    return out.exit_code, str(out.exception) if out.exit_code == 1 else out.output


def _ok(*args: str) -> str:
    code, out = _run(*args)
    assert code == 0, out
    return out


@pytest.fixture(scope="module")
def reviewed(demo_tables, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], dict]:
    """The demo data, target ``ideal`` active at @1 and reviewed as of 2025-08-03 (a
    back-test: the version is saved today), which proposes widening."""
    path = tmp_path_factory.mktemp("draft") / "ws"
    load_frames(init_workspace(path), demo_tables)
    w = ["-w", str(path)]
    for uid, dept in (("mkt", "marketing"), ("sls", "sales")):
        _ok("target", "user", uid, "--name", uid, "--department", dept, *w)
    created = _ok(
        "target", "create", "ideal", "-u", "mkt", "--include", IDEAL,
        "--hypothesis", "受注率 >= 30%", *w,
    )  # fmt: skip
    assert "ideal@1" in created
    assert "有効化にはあとマーケティングと営業の承認が必要です" in created
    assert "rashinban target approve ideal@1" in created
    for uid in ("mkt", "sls"):
        _ok("target", "approve", "ideal", "-u", uid, *w)
    _ok("target", "activate", "ideal", "-u", "sls", *w)
    args = ("target", "review", "ideal", "-u", "mkt", "--as-of", "2025-08-03")
    review = json.loads(_ok(*args, "-f", "json", "--lang", "en", *w))
    assert review["back_test"] is True and review["proposals"][0]["kind"] == "widen"
    # Proposals are numbered from 1, the number --accept takes, and say they are proposals.
    results = [r["result"] for r in review["rows"] if r["kind"] != "verdict"]
    assert results == [f"proposal #{i}" for i in range(1, len(review["proposals"]) + 1)]
    assert "提案 #1" in _ok(*args, *w) and "#0" not in _ok(*args, *w)
    return w, review


def test_a_draft_needs_a_choice_and_applies_a_proposal_once(
    reviewed: tuple[list[str], dict],
) -> None:
    w, review = reviewed
    rid = review["review_id"][:10]
    # Without --accept nothing is saved: the proposals are listed by number.
    code, msg = _run("target", "draft", rid, "-u", "mkt", *w)
    assert code == 1 and "--accept" in msg and "#1 widen: 業種が" in msg, msg
    code, msg = _run("target", "draft", rid, "-u", "mkt", "--accept", "99", *w)
    assert code == 1 and "99" in msg and "#1 widen" in msg, msg
    hist = json.loads(_ok("target", "history", "ideal", "-f", "json", *w))["versions"]
    assert [v["version"] for v in hist] == [1]

    out = _ok("target", "draft", rid, "-u", "mkt", "--accept", "1", *w)
    assert "ideal@2" in out and "有効化にはあとマーケティングと営業の承認が必要です" in out
    include = json.loads(_ok("target", "show", "ideal@2", "-f", "json", *w))["include"]
    assert include.count(" or ") == 1
    # The same proposal again changes nothing: it is skipped and no version is saved.
    for accept in (["--accept", "1"], ["--accept", "1", "--accept", "1"]):
        out = _ok("target", "draft", rid, "-u", "mkt", *accept, *w)
        assert "提案 #1 は版2にすでに含まれているので適用しません" in out
        assert "版は保存しません" in out and "ideal@3" not in out
    hist = json.loads(_ok("target", "history", "ideal", "-f", "json", *w))["versions"]
    assert [v["version"] for v in hist] == [1, 2]
    again = json.loads(_ok("target", "show", "ideal@2", "-f", "json", *w))["include"]
    assert again == include


def test_review_text_reads_in_the_language_asked_and_audit_marks_back_tests(
    reviewed: tuple[list[str], dict],
) -> None:
    w, review = reviewed
    p = review["proposals"][0]
    code, _ = _run("target", "show", "ideal@2", *w)
    if code != 0:  # the draft of the other test was not made (run alone)
        _ok("target", "draft", review["review_id"], "-u", "mkt", "--accept", "1", *w)
    en = _ok("target", "show", "ideal@2", "--lang", "en", *w)
    ja = _ok("target", "show", "ideal@2", *w)
    assert p["reason_en"][:40] in en and p["reason_ja"][:20] not in en
    assert p["reason_ja"][:20] in ja
    diff = json.loads(
        _ok("target", "diff", "ideal@1", "ideal@2", "--lang", "en", "-f", "json", *w)
    )["changes"]
    assert any(p["reason_en"][:40] in c["change"] for c in diff), diff
    note = json.loads(_ok("target", "history", "ideal", "-f", "json", *w))["versions"][1]["note"]
    rid = review["review_id"][:12]
    assert note == f"見直し {rid} の提案から作成 / from the proposals of review {rid}"
    audit = json.loads(_ok("target", "audit", "ideal", "--action", "review", "-f", "json", *w))
    assert [e["detail"].get("back_test") for e in audit["entries"]] == [True]
    table = _ok("target", "audit", "ideal", "--action", "review", *w)
    assert f"見直し {rid}" in table and "バックテスト" in table
    assert "back-test" in _ok("target", "audit", "ideal", "--action", "review", "--lang", "en", *w)

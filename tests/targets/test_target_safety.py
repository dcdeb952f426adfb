"""Target commands refuse what would lose or misstate work: duplicate names, edits of a
canvas, stale drafts, unknown users and owners, names that read as references, a store
that cannot be written; a schedule trigger never claims a review that did not happen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rashinban import InvalidValueError, UnknownIdError, WorkspaceError, init_workspace
from rashinban.cli import app
from rashinban.state import Hypothesis, TargetDefinition, open_store
from rashinban.targets import target_triggers

IDEAL = "業種 in [製造業, 情報通信業] and 従業員数 between 100 and 999"


@pytest.fixture
def ws(tmp_path: Path) -> list[str]:
    path = tmp_path / "ws"
    init_workspace(path)
    w = ["-w", str(path)]
    for uid, dept in (("mkt", "marketing"), ("sls", "sales")):
        assert (
            CliRunner()
            .invoke(app, ["target", "user", uid, "--name", uid, "--department", dept, *w])
            .exit_code
            == 0
        )
    return w


def _run(*args: str) -> tuple[int, str]:
    out = CliRunner().invoke(app, list(args))
    return out.exit_code, str(out.exception) if out.exit_code == 1 else out.output


def _ok(*args: str) -> str:
    """Run a command that must succeed; its output."""
    code, out = _run(*args)
    assert code == 0, out
    return out


def test_create_refuses_an_existing_name_and_keeps_the_target(ws: list[str]) -> None:
    _ok(
        "target",
        "create",
        "ideal",
        "-u",
        "mkt",
        "--include",
        IDEAL,
        "--hypothesis",
        "win_rate >= 0.3",
        *ws,
    )
    code, msg = _run("target", "create", "ideal", "-u", "mkt", "--include", "業種 = 建設業", *ws)
    assert code == 1 and "already exists" in msg and "rashinban target edit ideal" in msg
    store = open_store(url=f"sqlite:///{Path(ws[1]) / 'state.sqlite'}")
    assert [r.number for r in store.history("ideal")] == [1]
    assert store.revision("ideal").content["include"] != "業種 = 建設業"


def test_edit_of_a_canvas_is_refused_with_the_canvas_command(ws: list[str]) -> None:
    _ok(
        "target",
        "canvas",
        "自社SWOT",
        "--kind",
        "swot",
        "-u",
        "mkt",
        "--item",
        "strengths=導入実績",
        *ws,
    )
    code, msg = _run("target", "edit", "自社SWOT", "-u", "mkt", "-m", "x", *ws)
    assert code == 1 and "SWOT canvas, not a target" in msg
    assert "rashinban target canvas 自社SWOT --kind swot" in msg


def test_unknown_users_and_owners_of_the_wrong_department_are_refused(ws: list[str]) -> None:
    code, msg = _run(
        "target", "create", "z", "-u", "mkt", "--include", IDEAL, "--marketing", "nobody", *ws
    )
    assert code == 1 and "'nobody' is not registered" in msg
    code, msg = _run(
        "target", "create", "z", "-u", "mkt", "--include", IDEAL, "--sales", "mkt", *ws
    )
    assert code == 1 and "mkt is in the marketing department, not sales" in msg
    assert _run("target", "user", "oth", "--name", "O", "--department", "other", *ws)[0] == 0
    code, msg = _run(
        "target", "create", "z", "-u", "mkt", "--include", IDEAL, "--marketing", "oth", *ws
    )
    assert code == 1 and "oth is in the other department, not marketing" in msg, msg
    # A full-width id is the same user, as everywhere else.
    assert (
        _run("target", "create", "z", "-u", "ｍｋｔ", "--include", IDEAL, "--sales", "sls", *ws)[0]
        == 0
    )
    code, msg = _run("target", "user", " ", "--name", "X", "--department", "sales", *ws)
    assert code == 1 and "user id is empty" in msg
    code, _ = _run("target", "user", "u1", "--name", "X", "--department", "営業", *ws)
    assert code == 2  # not one of marketing | sales | other


@pytest.mark.parametrize("name", ["", "名前@2", "e3105c", " 空白"])
def test_names_that_read_as_references_are_refused(ws: list[str], name: str) -> None:
    code, msg = _run("target", "create", name, "-u", "mkt", "--include", IDEAL, *ws)
    assert code == 1 and ("cannot be used" in msg or "is empty" in msg), msg


def test_a_draft_keeps_a_version_saved_after_the_review(tmp_path: Path, demo_ws) -> None:
    from rashinban.targets import draft_from_review, run_review

    store = open_store(url=f"sqlite:///{tmp_path / 's.sqlite'}")
    store.add_user("mkt", "m", "marketing")
    store.add_user("sls", "s", "sales")
    base = TargetDefinition(include=IDEAL, hypotheses=(Hypothesis("win_rate", ">=", 0.3),))
    first = store.save("ideal", base, author="mkt", note="v1")
    for uid in ("mkt", "sls"):
        store.approve(first.version_id, uid)
    store.activate(first.version_id, "sls")
    review = run_review(store, demo_ws.backend(), "ideal", as_of=dt.date(2025, 8, 3), author="mkt")
    assert review["version"] == 1 and any(p["kind"] == "widen" for p in review["proposals"])
    later = TargetDefinition.from_content(store.revision("ideal").content)
    store.save(
        "ideal",
        TargetDefinition(**{**later.__dict__, "cadence_days": 30}),
        author="sls",
        note="30日",
    )
    draft = draft_from_review(store, review["review_id"], author="mkt")
    assert draft.number == 3 and draft.content["cadence_days"] == 30  # the edit survives
    assert " or " in draft.content["include"] and "@2 に適用" in draft.note
    # An edit made from a version that is no longer the latest is refused.
    with pytest.raises(InvalidValueError, match="was saved after the version"):
        store.save("ideal", base, author="mkt", note="stale", parent=first.version_id)


def test_review_by_an_unknown_user_stores_nothing(tmp_path: Path, demo_ws) -> None:
    from rashinban.targets import run_review

    store = open_store(url=f"sqlite:///{tmp_path / 's.sqlite'}")
    store.add_user("mkt", "m", "marketing")
    store.save("ideal", TargetDefinition(include=IDEAL), author="mkt", note="v1")
    with pytest.raises(UnknownIdError, match="ghost"):
        run_review(store, demo_ws.backend(), "ideal", as_of=dt.date(2025, 8, 3), author="ghost")
    assert store.reviews() == [] and store.audit_log(actor="ghost") == []


def test_a_store_that_cannot_be_written_is_a_user_error(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    open_store(url=f"sqlite:///{path}").add_user("mkt", "m", "marketing")
    read_only = open_store(url=f"sqlite:///file:{path}?mode=ro&uri=true")
    with pytest.raises(WorkspaceError) as err:
        read_only.add_user("sls", "s", "sales")
    assert "cannot be written here" in str(err.value) and "writable" in (err.value.fix or "")


def test_the_schedule_trigger_names_its_anchor_truthfully(demo_ws) -> None:
    target = TargetDefinition(include=IDEAL, cadence_days=90)
    as_of = dt.date(2025, 12, 31)
    never = target_triggers(demo_ws.backend(), "t", target, as_of=as_of)
    first = never[never["kind"] == "schedule"].iloc[0]
    assert (
        first["reason"].startswith("監視開始 (") and "since monitoring began" in first["reason_en"]
    )
    reviewed = target_triggers(
        demo_ws.backend(), "t", target, as_of=as_of, last_review=dt.date(2025, 6, 1)
    )
    row = reviewed[reviewed["kind"] == "schedule"].iloc[0]
    assert row["reason"] == "前回の見直し (2025-06-01) から90日が経過"
    assert row["detected_at"] == dt.date(2025, 8, 30)


def test_canvas_fields_owners_and_hypotheses_read_in_words(ws: list[str]) -> None:
    import json

    _ok(
        "target",
        "canvas",
        "S",
        "--kind",
        "swot",
        "-u",
        "mkt",
        "--item",
        "opportunities=インボイス制度",
        *ws,
    )
    shown = CliRunner().invoke(app, ["target", "show", "S", *ws], env={"COLUMNS": "200"}).output
    assert "機会" in shown and "商談数" not in shown and "インボイス制度" in shown
    _ok(
        "target",
        "canvas",
        "S",
        "--kind",
        "swot",
        "-u",
        "mkt",
        "--item",
        "opportunities=インボイス制度",
        "--item",
        "weaknesses=価格",
        *ws,
    )
    out = CliRunner().invoke(app, ["target", "diff", "S@1", "S@2", "-f", "json", *ws]).output
    assert json.loads(out) == {"changes": [{"change": "弱みに追加: 価格"}]}
    _ok("target", "create", "ideal", "-u", "mkt", "--include", IDEAL, "--marketing", "mkt", *ws)
    _ok(
        "target",
        "edit",
        "ideal",
        "-u",
        "sls",
        "-m",
        "x",
        "--hypothesis",
        "win_rate >= 0.3",
        "--sales",
        "sls",
        *ws,
    )
    out = (
        CliRunner().invoke(app, ["target", "diff", "ideal@1", "ideal@2", "-f", "json", *ws]).output
    )
    changes = [c["change"] for c in json.loads(out)["changes"]]
    assert "仮説を追加: 受注率 ≥ 30%" in changes
    assert "担当を「マーケティング: mkt」から「マーケティング: mkt; 営業: sls」に変更" in changes
    code, msg = _run("target", "diff", "S@1", "ideal@1", *ws)
    assert code == 1 and "cannot be compared" in msg
    history = json.loads(
        CliRunner().invoke(app, ["target", "history", "ideal", "-f", "json", *ws]).output
    )
    first = history["versions"][0]
    assert len(first["version_id"]) == 64 and first["approvals"] == [] and first["active"] is False


def test_a_review_with_no_observation_says_so(demo_ws, tmp_path: Path) -> None:
    from rashinban.targets import review_target

    typo = TargetDefinition(
        include="業種 = 製造行", hypotheses=(Hypothesis("win_rate", ">=", 0.3),)
    )
    review = review_target(demo_ws.backend(), typo, as_of=dt.date(2025, 12, 31))
    verdict = review["verdicts"][0]
    assert verdict["n"] == 0 and verdict["probability"] is None and verdict["more_needed"] is None
    assert "(n=0)" in verdict["reason_ja"] and "no observations" in verdict["reason_en"]
    # The figures docs/targets.md quotes for the day before the planted event.
    ideal = TargetDefinition(include=IDEAL, hypotheses=(Hypothesis("win_rate", ">=", 0.3),))
    before = review_target(demo_ws.backend(), ideal, as_of=dt.date(2024, 9, 30))["verdicts"][0]
    assert (before["n"], round(before["observed"], 3)) == (84, 0.464)
    assert (round(before["low"], 3), round(before["high"], 3)) == (0.377, 0.554)


def test_what_show_prints_can_be_typed_back_and_cadence_reads_full_width(ws: list[str]) -> None:
    """`target show` writes 受注率 ≥ 30% and CAC ≤ ¥300,000: the same text creates a target;
    a cadence of ９０ (full-width) or 90日 is 90 days, 0 is refused before anything is saved."""
    hyps = ["--hypothesis", "受注率 ≥ 30%", "--hypothesis", "顧客獲得単価 (CAC) ≤ ¥300,000"]
    code, out = _run("target", "create", "t", "-u", "mkt", "--include", IDEAL, *hyps,
                     "--cadence", "９０", *ws)  # fmt: skip
    assert code == 0, out
    store = open_store(url=f"sqlite:///{Path(ws[1]) / 'state.sqlite'}")
    saved = store.revision("t").content
    assert saved["cadence_days"] == 90
    assert [(h["kpi"], h["op"], h["value"]) for h in saved["hypotheses"]] == [
        ("win_rate", ">=", 0.3),
        ("cac", "<=", 300000.0),
    ]
    code, out = _run("target", "edit", "t", "-u", "mkt", "--cadence", "0", "-m", "x", *ws)
    assert code == 2 and "1以上の日数" in out
    code, _ = _run("target", "edit", "t", "-u", "mkt", "--cadence", "30日", "-m", "月次", *ws)
    assert code == 0 and store.revision("t").content["cadence_days"] == 30
    code, msg = _run("target", "edit", "t", "-u", "mkt", "--hypothesis", "CAC >= 30%", "-m", "x",
                     *ws)  # fmt: skip
    assert code == 1 and "not measured in percent" in msg
    assert [r.number for r in store.history("t")] == [1, 2]


def test_approvals_say_what_is_missing_and_a_second_activation_changes_nothing(
    ws: list[str],
) -> None:
    """An approval by 'other' is recorded but not counted, and the command says so; activating
    the active version again neither logs nor moves the activation the schedule counts from."""
    _ok("target", "user", "ops", "--name", "ops", "--department", "other", *ws)
    _ok("target", "create", "t", "-u", "mkt", "--include", IDEAL, *ws)
    code, out = _run("target", "approve", "t", "-u", "ops", *ws)
    assert code == 0 and "数えません" in out
    assert "あとマーケティングと営業の承認が必要です" in out
    code, msg = _run("target", "activate", "t", "-u", "ops", *ws)
    assert code == 1 and "lacks an approval from marketing and sales" in msg
    code, out = _run("target", "approve", "t", "-u", "mkt", *ws)
    assert code == 0 and "あと営業の承認が必要です" in out and "数えません" not in out
    code, out = _run("target", "approve", "t", "-u", "sls", *ws)
    assert code == 0 and "有効化できます: rashinban target activate t@1" in out
    _ok("target", "activate", "t", "-u", "sls", *ws)
    store = open_store(url=f"sqlite:///{Path(ws[1]) / 'state.sqlite'}")
    first = store.activated_at("t")
    code, out = _run("target", "activate", "t", "-u", "mkt", *ws)
    assert code == 0 and "すでに有効です" in out
    assert store.activated_at("t") == first
    assert len(store.audit_log(obj="t", action="activate")) == 1
    store.activate("t", "mkt")  # the library call is as quiet
    assert len(store.audit_log(obj="t", action="activate")) == 1
    code, msg = _run("target", "activate", "t", "-u", "ghost", *ws)
    assert code == 1 and "ghost" in msg


def test_a_rule_that_selects_no_account_is_saved_with_a_note(
    tmp_path: Path, demo_tables: dict
) -> None:
    """業種 = 製造 (for 製造業) selects nothing: the target is saved (a new market may not be in
    the CRM yet) but the command says so and names the values there are; a workspace without
    accounts is not checked."""
    from rashinban.importing import load_frames

    path = tmp_path / "ws"
    load_frames(init_workspace(path), {k: demo_tables[k] for k in ("products", "accounts")})
    w = ["-w", str(path)]
    _ok("target", "user", "mkt", "--name", "m", "--department", "marketing", *w)
    typo = CliRunner().invoke(
        app, ["target", "create", "t", "-u", "mkt", "--include", "業種 = 製造", *w]
    )
    assert typo.exit_code == 0 and "t@1" in typo.stdout
    assert "注意 / note: 業種 '製造' に該当する取引先が0社です（候補: 製造業" in typo.stderr
    fixed = CliRunner().invoke(
        app, ["target", "edit", "t", "-u", "mkt", "--include", "業種 = 製造業", "-m", "修正", *w]
    )
    assert fixed.exit_code == 0 and fixed.stderr == ""
    empty = tmp_path / "empty"
    init_workspace(empty)
    e = ["-w", str(empty)]
    _ok("target", "user", "mkt", "--name", "m", "--department", "marketing", *e)
    quiet = CliRunner().invoke(
        app, ["target", "create", "t", "-u", "mkt", "--include", "業種 = 製造", *e]
    )
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_control_characters_in_a_note_are_shown_not_obeyed(ws: list[str]) -> None:
    """A note pasted with ESC [31m must not recolour the terminal of whoever reads the
    history; the stored note keeps what was written."""
    note = "赤\x1b[31m字\x07"
    _ok("target", "create", "t", "-u", "mkt", "--include", IDEAL, "-m", note, *ws)
    table = CliRunner().invoke(app, ["target", "history", "t", *ws], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "\x1b" not in table.output and "\x07" not in table.output
    assert "赤␛[31m字␇" in table.output
    store = open_store(url=f"sqlite:///{Path(ws[1]) / 'state.sqlite'}")
    assert store.history("t")[0].note == note


def test_a_version_a_later_one_replaced_cannot_be_approved(ws: list[str]) -> None:
    """Approving @1 after @2 was saved is refused with the diff and the version to approve,
    and records nothing; a version approved while it was the latest can still be activated
    again (a rollback), and a revert to its content is approvable as the latest."""
    _ok("target", "create", "t", "-u", "mkt", "--include", IDEAL, *ws)
    for uid in ("mkt", "sls"):
        _ok("target", "approve", "t@1", "-u", uid, *ws)
    _ok("target", "activate", "t@1", "-u", "sls", *ws)
    _ok("target", "edit", "t", "-u", "mkt", "-m", "v2", "--cadence", "30", *ws)
    _ok("target", "edit", "t", "-u", "mkt", "-m", "v3", "--cadence", "60", *ws)
    code, msg = _run("target", "approve", "t@2", "-u", "sls", *ws)
    assert code == 1 and "t@2 is not the latest version: @3 by mkt was saved after it" in msg
    assert "rashinban target diff t@2 t@3" in msg and "rashinban target approve t@3" in msg
    store = open_store(url=f"sqlite:///{Path(ws[1]) / 'state.sqlite'}")
    assert store.approvals(store.revision("t", 2).version_id) == []
    assert len(store.audit_log(obj="t", action="approve")) == 2
    _ok("target", "approve", "t@3", "-u", "sls", *ws)
    code, msg = _run("target", "approve", "t@3", "-u", "sls", *ws)
    # Said twice: the fix names what is still missing, not "the other department".
    assert code == 1 and "has already approved t@3" in msg and "needs marketing approval" in msg
    _ok("target", "edit", "t", "-u", "mkt", "-m", "back to 90", "--cadence", "90", *ws)
    assert store.revision("t", 4).version_id == store.revision("t", 1).version_id
    assert "すでに有効です" in _ok("target", "activate", "t@4", "-u", "sls", *ws)


def test_commands_suggested_for_a_name_with_a_space_paste_back(ws: list[str]) -> None:
    """The next step printed for 中堅 製造/IT quotes it, so that it is one argument."""
    out = _ok("target", "create", "中堅 製造/IT", "-u", "mkt", "--include", IDEAL, *ws)
    assert 'rashinban target approve "中堅 製造/IT@1" -u USER' in out
    out = _ok("target", "approve", "中堅 製造/IT@1", "-u", "mkt", *ws)
    out = _ok("target", "approve", "中堅 製造/IT@1", "-u", "sls", *ws)
    assert 'rashinban target activate "中堅 製造/IT@1"' in out
    code, msg = _run("target", "create", "中堅 製造/IT", "-u", "mkt", "--include", IDEAL, *ws)
    assert code == 1 and "'rashinban target edit \"中堅 製造/IT\"'" in msg


def test_audit_of_a_name_never_logged_is_a_user_error(ws: list[str]) -> None:
    """A mistyped target or actor is told as such instead of an empty log; a known name
    with nothing in the period asked for is an empty list. Actors read as NFKC."""
    _ok("target", "create", "t", "-u", "mkt", "--include", IDEAL, *ws)
    code, msg = _run("target", "audit", "tt", *ws)
    assert code == 1 and "'tt' is not in the audit log" in msg
    code, msg = _run("target", "audit", "--actor", "mtk", *ws)
    assert code == 1 and "'mtk' is not in the audit log" in msg
    out = _ok("target", "audit", "t", "--since", "2999-01-01", "-f", "json", *ws)
    assert '"entries": []' in out
    out = _ok("target", "audit", "--actor", "ｍｋｔ", "--action", "save", "-f", "csv", *ws)
    assert ",mkt,save," in out

"""feedback add / summary and target canvas: named in words, impossible input refused."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rashinban import init_workspace, open_workspace
from rashinban.cli import app
from rashinban.importing import load_frames
from rashinban.state import open_store

WIDE = {"COLUMNS": "250"}


@pytest.fixture
def w(tmp_path: Path) -> list[str]:
    """A workspace whose data runs 2024-03-04 … 2024-06-28, with a sales user ``rep``."""
    path = tmp_path / "ws"
    accounts = pd.DataFrame(
        {
            "account_id": ["A1", "A2"],
            "name": ["甲社", "乙社"],
            "industry": ["製造業", None],
            "employees": [120, 50],
        }
    )
    deals = pd.DataFrame(
        {
            "deal_id": ["D1", "D2"],
            "account_id": ["A1", "A2"],
            "created_at": pd.to_datetime(["2024-03-04", "2024-05-01"]),
            "closed_at": pd.to_datetime(["2024-04-01", "2024-06-28"]),
            "outcome": ["won", "lost"],
            "amount": [1_000_000.0, 500_000.0],
            "kind": ["new", "new"],
        }
    )
    leads = pd.DataFrame(
        {
            "lead_id": ["L1", "L2"],
            "account_id": ["A1", "A2"],
            "created_at": pd.to_datetime(["2024-03-04", "2024-04-10"]),
        }
    )
    load_frames(init_workspace(path), {"accounts": accounts, "deals": deals, "leads": leads})
    args = ["-w", str(path)]
    user = ["target", "user", "rep", "--name", "rep", "--department", "sales", *args]
    assert CliRunner().invoke(app, user).exit_code == 0
    return args


def _add(w: list[str], *args: str) -> object:
    return CliRunner().invoke(app, ["feedback", "add", "-u", "rep", *args, *w], env=WIDE)


def test_summary_names_columns_reasons_and_segments_in_the_language(w: list[str]) -> None:
    assert _add(w, "--no-fit", "--reason", "no_budget", "--account", "A1").exit_code == 0
    assert _add(w, "--fits", "--account", "A2").exit_code == 0
    r = CliRunner()
    ja = r.invoke(app, ["feedback", "summary", *w], env=WIDE).output
    en = r.invoke(app, ["feedback", "summary", "--lang", "en", *w], env=WIDE).output
    for header in ("合う", "合わない割合", "合わない割合 (下限)", "最も多い理由", "セグメント"):
        assert header in ja, ja
    assert "予算がない" in ja and "製造業 / 100〜299名" in ja and "(不明) / 30〜99名" in ja
    for raw in ("not_fit_share", "top_reason", "no_budget", "not_fit_low"):
        assert raw not in ja and raw not in en, raw
    for header in ("fits", "does not fit", "not-fit share (low)", "top reason"):
        assert header in en, en
    assert "no budget" in en and "製造業 / 100–299 employees" in en
    assert "(unknown) / 30–99 employees" in en and "〜" not in en
    # The interval reads as the share does, in percent (A1: 1 of 1 does not fit).
    assert "100.0%" in en and "22.9%" in en and "0.2285" not in en
    # CSV and JSON keep the keys and codes.
    out = r.invoke(app, ["feedback", "summary", "-f", "csv", *w]).output
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert {r["segment"]: r["top_reason"] for r in rows} == {
        "製造業 / 100〜299名": "no_budget",
        "(不明) / 30〜99名": "",
    }


def test_an_empty_summary_in_csv_still_has_its_header(w: list[str]) -> None:
    out = CliRunner().invoke(app, ["feedback", "summary", "-f", "csv", *w]).output
    assert out.lstrip("\ufeff").splitlines() == [
        "target,version,segment,n,fits,not_fit,not_fit_share,not_fit_low,not_fit_high,top_reason,"
        "top_reasons"
    ]


def test_feedback_add_help_is_in_both_languages() -> None:
    out = CliRunner().invoke(app, ["feedback", "add", "--help"], env=WIDE).output
    assert "取引先ID / account id" in out and "ターゲット名 (省略時" in out
    assert "target name (default: the one active target" in out


def test_feedback_on_a_day_that_cannot_be_is_refused(w: list[str]) -> None:
    today = dt.date.today()
    later = today + dt.timedelta(days=1)
    for day, needle, fix in (
        (later, f"--on {later} is after today, {today}", "set --on to today or earlier"),
        ("1900-01-01", "--on 1900-01-01 is before the first date of the data, 2024-03-04", ""),
        ("2024-03-03", "before the first date of the data, 2024-03-04", "2024-03-04 以後"),
    ):
        out = _add(w, "--fits", "--account", "A1", "--on", str(day))
        assert out.exit_code == 1 and needle in str(out.exception), out.exception
        assert fix in str(out.exception)
    assert _add(w, "--fits", "--account", "A1", "--on", "2024-03-04").exit_code == 0
    assert _add(w, "--fits", "--account", "A1", "--on", str(today)).exit_code == 0
    store = open_store(open_workspace(Path(w[1])))
    assert sorted(str(f["on"])[:10] for f in store.feedback()) == ["2024-03-04", str(today)]


def test_unknown_account_names_an_account_id(w: list[str]) -> None:
    out = _add(w, "--fits", "--account", "NOPE")
    assert "use an account_id from the accounts table" in str(out.exception)
    out = _add(w, "--fits", "--lead", "NOPE")
    assert "use a lead_id from the leads table" in str(out.exception)


def test_canvas_refuses_an_empty_field_and_notes_its_first_version(w: list[str]) -> None:
    r = CliRunner()
    canvas = ["target", "canvas", "SW", "--kind", "swot", "-u", "rep", *w]
    empty = r.invoke(app, [*canvas, "--item", "strengths=導入実績", "--item", "threats= "])
    assert empty.exit_code == 1
    assert "--item 'threats= ' has no text" in str(empty.exception)
    assert "write 'threats=TEXT', or leave that --item out" in str(empty.exception)
    assert r.invoke(app, [*canvas, "--item", "strengths=導入実績"]).exit_code == 0
    assert r.invoke(app, [*canvas, "--item", "strengths=導入実績 50社"]).exit_code == 0
    # The note says what the save did: the fields whose statements changed.
    more = [
        "--item",
        "strengths=導入実績 50社",
        "--item",
        "threats=値下げ",
        "--item",
        "weaknesses=x",
    ]
    assert r.invoke(app, [*canvas, *more]).exit_code == 0
    assert r.invoke(app, [*canvas, *more, "-m", "手書き"]).exit_code == 1  # nothing changed
    history = json.loads(r.invoke(app, ["target", "history", "SW", "-f", "json", *w]).output)
    notes = [v["note"] for v in history["versions"]]
    assert notes == [
        "初版 / first version",
        "更新: 強み / updated: strengths",
        "更新: 弱み・脅威 / updated: weaknesses, threats",
    ]
    # A target's name is no canvas's: refused, and no version is noted.
    made = ["target", "create", "T", "-u", "rep", "--include", "業種 = 製造業", *w]
    assert r.invoke(app, made).exit_code == 0
    on_target = r.invoke(
        app, ["target", "canvas", "T", "--kind", "3c", "-u", "rep", *w, "--item", "company=x"]
    )
    assert on_target.exit_code == 1 and "is a target" in str(on_target.exception)


def test_a_review_before_its_version_was_saved_says_so(w: list[str]) -> None:
    r = CliRunner()
    made = ["target", "create", "T", "-u", "rep", "--include", "業種 = 製造業", *w]
    assert r.invoke(app, [*made, "--hypothesis", "win_rate >= 0.2"]).exit_code == 0
    saved = dt.date.today()
    review = ["target", "review", "T", "-u", "rep", "--as-of", "2024-06-28", *w]
    ja = r.invoke(app, review, env=WIDE)
    assert ja.exit_code == 0, ja.output
    assert (
        f"基準日 2024-06-28 は版1の保存日 ({saved}) より前です: 仮説を書く前のデータで判定した"
        "振り返り (バックテスト) として保存しました。"
    ) in ja.output
    en = r.invoke(app, [*review, "--lang", "en"], env=WIDE).output
    assert (
        f"The as-of date 2024-06-28 is before version 1 was saved ({saved}): its hypotheses "
        "are judged on data from before they were written, and the review is stored marked "
        "as a back-test."
    ) in en
    # JSON stays one document and carries the mark; so does the stored review.
    payload = json.loads(r.invoke(app, [*review, "-f", "json"]).output)
    assert str(payload["as_of"])[:10] == "2024-06-28"
    assert payload["back_test"] is True and payload["version_saved_on"] == str(saved)
    stored = open_store(open_workspace(Path(w[1]))).reviews("T")
    assert [x["content"]["back_test"] for x in stored] == [True]


def test_a_review_after_its_version_was_saved_is_no_back_test(w: list[str]) -> None:
    from rashinban.state import TargetDefinition
    from rashinban.targets import run_review

    ws = open_workspace(Path(w[1]))
    store = open_store(ws)
    saved = dt.datetime(2024, 3, 10, 12, tzinfo=dt.UTC)
    store.save("T", TargetDefinition(include="業種 = 製造業"), author="rep", note="n", at=saved)
    review = run_review(store, ws.backend(), "T", as_of=dt.date(2024, 6, 28), author="rep")
    assert review["back_test"] is False
    assert review["version_saved_on"] == saved.astimezone().date().isoformat()
    assert review["back_test_ja"] == review["back_test_en"] == ""
    # The day the version was saved is no back-test either; the day before is.
    made = saved.astimezone().date()
    assert run_review(store, ws.backend(), "T", as_of=made, author="rep")["back_test"] is False
    before = run_review(
        store, ws.backend(), "T", as_of=made - dt.timedelta(days=1), author="rep", save=False
    )
    assert before["back_test"] is True
    assert before["back_test_en"].startswith(f"The as-of date {made - dt.timedelta(days=1)} ")


def test_a_verdict_outside_its_target_is_flagged_and_reasons_read_by_name(w: list[str]) -> None:
    """L2's account (A2, no industry) is outside t (業種 = 製造業): recorded, with a warning
    that names the version; L1 is inside and recorded quietly. 予算がない reads as no_budget."""
    mkt = ["target", "user", "mkt", "--name", "m", "--department", "marketing", *w]
    assert CliRunner().invoke(app, mkt).exit_code == 0
    made = CliRunner().invoke(
        app, ["target", "create", "t", "-u", "mkt", "--include", "業種 = 製造業", *w]
    )
    assert made.exit_code == 0, made.output
    day = ["--on", "2024-06-01", "--target", "t"]
    out = _add(w, "--fits", "--lead", "L2", *day)
    assert out.exit_code == 0 and "recorded #1" in out.stdout
    assert "L2 は t@1 の条件に入っていません" in out.stderr and "outside t@1" in out.stderr
    inside = _add(w, "--no-fit", "--lead", "L1", "--reason", "予算がない", *day)
    assert inside.exit_code == 0 and inside.stderr == ""
    english = _add(w, "--no-fit", "--account", "A1", "--reason", "Bad Timing", *day)
    assert english.exit_code == 0 and english.stderr == ""
    store = open_store(open_workspace(Path(w[1])))
    assert [f["reason"] for f in store.feedback("t")] == [None, "no_budget", "bad_timing"]
    bad = _add(w, "--no-fit", "--lead", "L1", "--reason", "高い", *day)
    assert bad.exit_code == 1
    assert "no_budget (予算がない)" in str(bad.exception) and "コードか名前" in str(bad.exception)


def _active(w: list[str], name: str, include: str) -> None:
    """Create target ``name`` and make it active (marketing ``mkt`` and sales ``rep``)."""
    r = CliRunner()
    if "mkt" not in [u["user_id"] for u in open_store(open_workspace(Path(w[1]))).users()]:
        mkt = ["target", "user", "mkt", "--name", "m", "--department", "marketing", *w]
        assert r.invoke(app, mkt).exit_code == 0
    made = r.invoke(app, ["target", "create", name, "-u", "mkt", "--include", include, *w])
    assert made.exit_code == 0, made.output
    for uid in ("mkt", "rep"):
        assert r.invoke(app, ["target", "approve", name, "-u", uid, *w]).exit_code == 0
    assert r.invoke(app, ["target", "activate", name, "-u", "rep", *w]).exit_code == 0


def test_a_verdict_without_target_goes_to_the_one_active_target_holding_it(
    w: list[str],
) -> None:
    """L1's account A1 (製造業) is held by t alone: --target defaults to t. A2 (no
    industry) is held by no active target: recorded without one, as before. Once a
    second active target holds A1 too, a verdict without --target is refused, naming both."""
    _active(w, "t", "業種 = 製造業")
    r = CliRunner()  # a draft holding A1 is not active: it does not count
    draft = ["target", "create", "draft", "-u", "mkt", "--include", "従業員数 >= 100", *w]
    assert r.invoke(app, draft).exit_code == 0
    store = open_store(open_workspace(Path(w[1])))
    day = ["--on", "2024-06-01"]
    one = _add(w, "--no-fit", "--lead", "L1", "--reason", "no_budget", *day)
    assert one.exit_code == 0 and one.stderr == "", one.output
    assert "ターゲット: t (この取引先を持つ唯一の有効なターゲット)" in one.stdout
    assert "target: t (the one active target holding the account)" in one.stdout
    none = _add(w, "--fits", "--account", "A2", *day)
    assert none.exit_code == 0 and "ターゲット:" not in none.stdout
    rows = store.feedback()
    assert [(f["target"], f["lead_id"], f["account_id"]) for f in rows] == [
        ("t", "L1", None),
        (None, None, "A2"),
    ]
    assert rows[0]["version_id"] == store.active("t").version_id
    _active(w, "all", "従業員数 between 1 and 999")
    both = _add(w, "--fits", "--account", "A1", *day)
    assert both.exit_code == 1
    msg = str(both.exception)
    assert "A1 は有効なターゲット 2件 (all@1, t@1) に入っている" in msg, msg
    assert "A1 is in 2 active targets (all@1, t@1)" in msg
    assert "--target NAME でターゲットを指定してください" in msg and "--target all" in msg
    assert len(store.feedback()) == 2  # nothing recorded
    chosen = _add(w, "--fits", "--account", "A1", "--target", "t", *day)
    assert chosen.exit_code == 0 and "ターゲット:" not in chosen.stdout
    assert store.feedback()[-1]["target"] == "t"


def test_summary_shows_every_reason_tied_at_the_top(w: list[str]) -> None:
    """A1: bad timing once, no budget once (a tie); A2: other twice, no budget once."""
    for acc, reason in (
        ("A1", "bad_timing"),
        ("A1", "no_budget"),
        ("A2", "other"),
        ("A2", "no_budget"),
        ("A2", "other"),
    ):
        assert _add(w, "--no-fit", "--account", acc, "--reason", reason).exit_code == 0
    r = CliRunner()
    rows = json.loads(r.invoke(app, ["feedback", "summary", "-f", "json", *w]).output)["feedback"]
    by = {row["segment"]: row for row in rows}
    tied = by["製造業 / 100〜299名"]
    # Ties in the order of the fixed list; the one-value key keeps the first of them.
    assert tied["top_reasons"] == ["no_budget", "bad_timing"]
    assert tied["top_reason"] == "no_budget"
    assert by["(不明) / 30〜99名"]["top_reasons"] == ["other"]
    assert by["(不明) / 30〜99名"]["top_reason"] == "other"
    ja = r.invoke(app, ["feedback", "summary", *w], env=WIDE).output
    en = r.invoke(app, ["feedback", "summary", "--lang", "en", *w], env=WIDE).output
    assert "予算がない; 時期が悪い" in ja and "top_reasons" not in ja
    assert "no budget; bad timing" in en and "top_reasons" not in en


def test_feedback_in_the_audit_log_has_its_verdict_and_lead(w: list[str]) -> None:
    day = ["--on", "2024-06-01"]
    assert _add(w, "--no-fit", "--lead", "L1", "--reason", "予算がない", *day).exit_code == 0
    assert _add(w, "--fits", "--account", "A2", *day).exit_code == 0
    store = open_store(open_workspace(Path(w[1])))
    assert [e["detail"] for e in store.audit_log(action="feedback")] == [
        {"seq": 1, "fits": False, "reason": "no_budget", "lead_id": "L1"},
        {"seq": 2, "fits": True, "account_id": "A2"},
    ]
    r = CliRunner()
    audit = ["target", "audit", "--action", "feedback", *w]
    ja = r.invoke(app, audit, env=WIDE).output
    en = r.invoke(app, [*audit, "--lang", "en"], env=WIDE).output
    assert "フィードバック #1・合わない・理由: 予算がない・リード L1" in ja, ja
    assert "フィードバック #2・合う・取引先 A2" in ja
    assert "feedback #1; does not fit; reason: no budget; lead L1" in en, en
    assert "feedback #2; fits; account A2" in en
    entries = json.loads(r.invoke(app, [*audit, "-f", "json"]).output)["entries"]
    assert entries[0]["detail"]["lead_id"] == "L1" and entries[0]["detail"]["fits"] is False


def test_a_win_story_is_in_the_audit_log(w: list[str]) -> None:
    r = CliRunner()
    story = ["win-story", "A1", "紹介で受注。決め手は導入支援。", "--author", "佐藤", *w]
    empty = r.invoke(app, ["win-story", "A1", " ", "--author", "佐藤", *w])
    assert empty.exit_code == 1  # refused: nothing written, nothing logged
    out = r.invoke(app, [*story, "--deal", "D1", "--date", "2024-06-01"])
    assert out.exit_code == 0, out.output
    store = open_store(open_workspace(Path(w[1])))
    entries = store.audit_log(action="win_story")
    assert [(e["actor"], e["object"], e["detail"]) for e in entries] == [
        ("佐藤", "A1", {"note_id": "N0000001", "deal_id": "D1", "written_at": "2024-06-01"})
    ]
    audit = ["target", "audit", "--action", "受注ストーリー", *w]
    ja = r.invoke(app, audit, env=WIDE).output
    en = r.invoke(app, [*audit, "--lang", "en"], env=WIDE).output
    assert "受注ストーリー" in ja and "メモ N0000001・商談 D1・記入日 2024-06-01" in ja, ja
    assert "win story" in en and "note N0000001; deal D1; written on 2024-06-01" in en, en


def test_a_canvas_named_as_a_target_is_refused_and_nothing_is_recorded(w: list[str]) -> None:
    """A canvas has no rule: a verdict for it, its KPIs or a review of it are user errors
    naming the canvas (not a traceback), and no feedback is stored for it."""
    r = CliRunner()
    swot = ["target", "canvas", "SWOT 2024", "--kind", "swot", "--item", "strengths=実績"]
    assert r.invoke(app, [*swot, "-u", "rep", *w]).exit_code == 0
    out = _add(w, "--fits", "--lead", "L1", "--on", "2024-06-01", "--target", "SWOT 2024")
    assert out.exit_code == 1 and not isinstance(out.exception, KeyError)
    assert "'SWOT 2024' is a SWOT canvas, not a target" in str(out.exception)
    assert open_store(open_workspace(Path(w[1]))).feedback() == []
    kpi = r.invoke(app, ["kpi", "--target", "SWOT 2024", *w])
    assert kpi.exit_code == 1 and "SWOTキャンバスです" in str(kpi.exception)
    review = r.invoke(app, ["target", "review", "SWOT 2024", "-u", "rep", "--lang", "en", *w])
    assert review.exit_code == 1 and "is a SWOT canvas, not a target" in str(review.exception)

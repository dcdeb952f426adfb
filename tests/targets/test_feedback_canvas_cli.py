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
        "target,version,segment,n,fits,not_fit,not_fit_share,not_fit_low,not_fit_high,top_reason"
    ]


def test_feedback_add_help_is_in_both_languages() -> None:
    out = CliRunner().invoke(app, ["feedback", "add", "--help"], env=WIDE).output
    assert "取引先ID / account id" in out and "ターゲット名 / target name" in out


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

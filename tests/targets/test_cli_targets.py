"""The target, kpi, triggers and feedback commands end to end, with the JSON contract."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rashinban import init_workspace
from rashinban.cli import app
from rashinban.cli._render import EMPTY_CSV_COLUMNS
from rashinban.importing import load_frames

IDEAL = "業種 in [製造業, 情報通信業] and 従業員数 between 100 and 999"


@pytest.fixture(scope="module")
def ws_path(demo_tables, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "ws"
    load_frames(init_workspace(path), demo_tables)
    return path


def test_target_lifecycle_kpi_and_triggers(ws_path: Path) -> None:
    r = CliRunner()
    w = ["-w", str(ws_path)]
    for uid, dept in (("mkt", "marketing"), ("sls", "sales")):
        assert (
            r.invoke(
                app, ["target", "user", uid, "--name", uid, "--department", dept, *w]
            ).exit_code
            == 0
        )
    out = r.invoke(
        app,
        [
            "target",
            "create",
            "ideal",
            "-u",
            "mkt",
            "--include",
            IDEAL,
            "--hypothesis",
            "受注率 >= 30%",
            *w,
        ],
    )
    assert out.exit_code == 0 and "ideal@1" in out.output
    bad = r.invoke(app, ["target", "activate", "ideal", "-u", "sls", *w])
    assert bad.exit_code == 1 and "approval" in str(bad.exception or bad.output)
    for uid in ("mkt", "sls"):
        assert r.invoke(app, ["target", "approve", "ideal", "-u", uid, *w]).exit_code == 0
    assert r.invoke(app, ["target", "activate", "ideal", "-u", "sls", *w]).exit_code == 0
    out = r.invoke(
        app,
        [
            "target",
            "edit",
            "ideal",
            "-u",
            "mkt",
            "-m",
            "CAC",
            "--hypothesis",
            "受注率 >= 30%",
            "--hypothesis",
            "cac <= 300000",
            *w,
        ],
    )
    assert out.exit_code == 0 and "ideal@2" in out.output
    diff = json.loads(
        r.invoke(
            app, ["target", "diff", "ideal@1", "ideal@2", "-f", "json", "--lang", "en", *w]
        ).output
    )
    assert diff == {"changes": [{"change": "hypothesis added: CAC ≤ ¥300,000"}]}
    same = json.loads(
        r.invoke(app, ["target", "diff", "ideal@2", "ideal@2", "-f", "json", *w]).output
    )
    assert same == {"changes": []}

    kpi = json.loads(
        r.invoke(
            app,
            [
                "kpi",
                "--target",
                "ideal",
                "--period",
                "quarter",
                "--as-of",
                "2025-12-31",
                "-f",
                "json",
                *w,
            ],
        ).output
    )
    scopes = {row["scope"] for row in kpi["rows"]}
    assert scopes == {"company", "ideal"}
    for row in kpi["rows"]:
        assert {"scope", "period", "leads", "mql", "sql", "win_rate", "cac", "nrr"} <= set(row)
        assert {"win_rate_low", "win_rate_high", "period_start"} <= set(row)
        assert row["leads"] >= row["mql"] >= row["sql"]
    # The table puts each rate and its interval in one cell and leaves the start date out.
    table = r.invoke(
        app,
        ["kpi", "--period", "quarter", "--as-of", "2025-12-31", *w],
        env={"COLUMNS": "400"},
    )
    assert table.exit_code == 0, table.output
    first = kpi["rows"][0]
    cell = f"{first['win_rate']:.0%} ({first['win_rate_low']:.0%}–{first['win_rate_high']:.0%})"
    assert cell in table.output
    assert "受注率 (下限)" not in table.output and "期間の開始" not in table.output
    assert "KPI (四半期 / quarterly)" in table.output
    # A segment's scope reads as the user wrote the rule, not in the canonical English form.
    seg_args = ["kpi", "--segment", "業種  =  製造業", "--as-of", "2025-12-31", "-f", "json"]
    seg = json.loads(r.invoke(app, [*seg_args, *w]).output)
    assert {row["scope"] for row in seg["rows"]} == {"company", "業種 = 製造業"}

    trig = json.loads(r.invoke(app, ["triggers", "--as-of", "2025-12-31", "-f", "json", *w]).output)
    assert trig["triggers"]
    for t in trig["triggers"]:
        assert {"target", "kind", "detected_at", "reason"} <= set(t)
        assert len(t["detected_at"]) == 10
    assert "kpi_shift" in {t["kind"] for t in trig["triggers"]}
    # Lists with rows have the columns an empty list's CSV is headed with.
    for key, args in (
        ("triggers", ["triggers", "--as-of", "2025-12-31"]),
        ("targets", ["target", "list"]),
        ("entries", ["target", "audit"]),
    ):
        lines = r.invoke(app, [*args, "-f", "csv", *w]).output.removeprefix("\ufeff").splitlines()
        assert len(lines) > 1 and lines[0] == ",".join(EMPTY_CSV_COLUMNS[key])

    review = json.loads(
        r.invoke(
            app,
            ["target", "review", "ideal", "-u", "mkt", "--as-of", "2025-12-31", "-f", "json", *w],
        ).output
    )
    assert review["verdicts"][0]["verdict"] == "supported"
    assert review["proposals"][0]["kind"] == "widen"
    draft = r.invoke(
        app, ["target", "draft", review["review_id"][:10], "-u", "mkt", "--accept", "1", *w]
    )
    assert draft.exit_code == 0 and "ideal@3" in draft.output
    hist = json.loads(r.invoke(app, ["target", "history", "ideal", "-f", "json", *w]).output)
    assert [v["version"] for v in hist["versions"]] == [1, 2, 3]

    # The audit log of the target, whole and filtered, in the order things happened.
    audit = json.loads(r.invoke(app, ["target", "audit", "ideal", "-f", "json", *w]).output)
    actions = [(e["actor"], e["action"]) for e in audit["entries"]]
    first = [("mkt", "save"), ("mkt", "approve"), ("sls", "approve"), ("sls", "activate")]
    assert actions[:4] == first
    assert actions[-2:] == [("mkt", "review"), ("mkt", "save")]
    assert [e["seq"] for e in audit["entries"]] == sorted(e["seq"] for e in audit["entries"])
    assert audit["entries"][0]["action_label"] == "版の保存"
    assert audit["entries"][0]["detail"]["number"] == 1
    by_sales = json.loads(
        r.invoke(app, ["target", "audit", "--actor", "sls", "-f", "json", *w]).output
    )["entries"]
    assert {e["actor"] for e in by_sales} == {"sls"}
    assert {e["action"] for e in by_sales} >= {"add_user", "approve", "activate"}
    saves = json.loads(
        r.invoke(
            app, ["target", "audit", "ideal", "--action", "save", "--lang", "en", "-f", "json", *w]
        ).output
    )["entries"]
    assert [e["detail"]["number"] for e in saves] == [1, 2, 3]
    assert {e["action_label"] for e in saves} == {"version saved"}
    # An action by its name in either language; the table reads the detail in words.
    by_name = json.loads(
        r.invoke(app, ["target", "audit", "ideal", "--action", "版の保存", "-f", "json", *w]).output
    )["entries"]
    assert [e["seq"] for e in by_name] == [e["seq"] for e in saves]
    table = r.invoke(
        app, ["target", "audit", "ideal", "--action", "Version Saved", *w], env={"COLUMNS": "300"}
    )
    assert table.exit_code == 0, table.output
    vid = saves[0]["detail"]["version_id"]
    assert f"第1版 ({vid[:12]})" in table.output and vid not in table.output
    assert '{"' not in table.output and "メモ: " in table.output
    future = r.invoke(app, ["target", "audit", "--since", "2999-01-01", "-f", "json", *w])
    assert json.loads(future.output)["entries"] == []
    # target show: for people, labelled fields and hypotheses as written; JSON keeps the keys
    shown = r.invoke(app, ["target", "show", "ideal@2", *w], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    for text in ("仮説", "受注率 ≥ 30%", "顧客獲得単価 (CAC) ≤ ¥300,000", "見直しの周期 (日)"):
        assert text in shown.output, text
    assert "cadence_days" not in shown.output and '"kpi"' not in shown.output
    english = r.invoke(
        app, ["target", "show", "ideal@2", "--lang", "en", *w], env={"COLUMNS": "200"}
    )
    assert "win rate ≥ 30%" in english.output and "review cadence (days)" in english.output
    raw = json.loads(r.invoke(app, ["target", "show", "ideal@2", "-f", "json", *w]).output)
    assert raw["cadence_days"] == 90 and raw["hypotheses"][0]["kpi"] == "win_rate"
    assert {f["field"] for f in raw["fields"]} >= {"cadence_days", "hypotheses"}
    for bad_args, needle in (
        (["--action", "delete"], "unknown action"),
        (["--since", "yesterday"], "--since"),
    ):
        bad = r.invoke(app, ["target", "audit", *bad_args, *w])
        assert bad.exit_code == 1 and needle in str(bad.exception or bad.output)


def test_feedback_commands(ws_path: Path) -> None:
    r = CliRunner()
    w = ["-w", str(ws_path)]
    r.invoke(app, ["target", "user", "rep", "--name", "rep", "--department", "sales", *w])
    ok = r.invoke(
        app,
        [
            "feedback",
            "add",
            "-u",
            "rep",
            "--no-fit",
            "--reason",
            "wrong_size",
            "--account",
            "A000001",
            "--on",
            "2025-01-10",
            *w,
        ],
    )
    assert ok.exit_code == 0, ok.output
    missing = r.invoke(
        app, ["feedback", "add", "-u", "rep", "--no-fit", "--account", "A000001", *w]
    )
    assert missing.exit_code == 1
    # Unknown ids and dates are refused with the option named, and nothing is recorded.
    for bad_args, needle in (
        (["--account", "NOPE"], "--account 'NOPE'"),
        (["--lead", "NOPE"], "--lead 'NOPE'"),
        (["--account", "A000001", "--on", "10/1"], "--on '10/1'"),
    ):
        bad = r.invoke(app, ["feedback", "add", "-u", "rep", "--fits", *bad_args, *w])
        assert bad.exit_code == 1 and needle in str(bad.exception), (bad_args, bad.exception)
    summary = json.loads(r.invoke(app, ["feedback", "summary", "-f", "json", *w]).output)
    assert summary["feedback"][0]["not_fit"] == 1
    assert summary["feedback"][0]["top_reason"] == "wrong_size"


def test_feedback_without_a_target_is_strict_json_with_whole_versions(tmp_path: Path) -> None:
    r = CliRunner()
    path = tmp_path / "ws"
    one = pd.DataFrame({"account_id": ["A1"], "name": ["甲社"], "industry": ["製造業"]})
    load_frames(init_workspace(path), {"accounts": one})
    w = ["-w", str(path)]
    r.invoke(app, ["target", "user", "rep", "--name", "rep", "--department", "sales", *w])
    made = r.invoke(app, ["target", "create", "T1", "-u", "rep", "--include", "業種 = 製造業", *w])
    assert made.exit_code == 0, made.output
    edit = ["target", "edit", "T1", "-u", "rep", "-m", "v2", "--include", "業種 = 情報通信業", *w]
    assert r.invoke(app, edit).exit_code == 0
    add = ["feedback", "add", "-u", "rep", "--account", "A1", *w]
    assert r.invoke(app, [*add, "--fits"]).exit_code == 0
    assert r.invoke(app, [*add, "--no-fit", "--reason", "other", "--target", "T1"]).exit_code == 0
    out = r.invoke(app, ["feedback", "summary", "-f", "json", *w]).output
    assert "NaN" not in out and "2.0" not in out, out
    rows = json.loads(out, parse_constant=lambda c: pytest.fail(c))["feedback"]
    versions = {row["target"]: row["version"] for row in rows}
    assert versions == {"T1": 2, "—": None}
    csv_out = r.invoke(app, ["feedback", "summary", "-f", "csv", *w]).output
    assert "T1,2," in csv_out and "—,," in csv_out and "nan" not in csv_out, csv_out


def test_a_target_named_with_a_slash_keeps_its_name_in_english_titles(tmp_path: Path) -> None:
    r = CliRunner()
    w = ["-w", str(init_workspace(tmp_path / "ws").path)]
    user = ["target", "user", "mkt", "--name", "mkt", "--department", "marketing", *w]
    assert r.invoke(app, user).exit_code == 0
    name = "製造業 / IT"
    made = r.invoke(app, ["target", "create", name, "-u", "mkt", "--include", "業種 = 製造業", *w])
    assert made.exit_code == 0, made.output
    for args in (["history", name], ["audit", name]):
        out = r.invoke(app, ["target", *args, "--lang", "en", *w], env={"COLUMNS": "200"})
        assert out.exit_code == 0, out.output
        assert out.output.lstrip().startswith(name), out.output
    audit = r.invoke(app, ["target", "audit", "--lang", "en", *w], env={"COLUMNS": "200"})
    assert audit.output.lstrip().startswith("audit log"), audit.output


def test_owners_read_by_role_in_the_language() -> None:
    from rashinban.cli._targets import _field_text

    owners = {"marketing": ("mkt",), "sales": ("sls", "sls2")}
    assert _field_text("owners", owners, "ja") == "マーケティング: mkt; 営業: sls, sls2"
    assert _field_text("owners", owners, "en") == "marketing: mkt; sales: sls, sls2"
    assert _field_text("kind", "target", "ja") == "ターゲット"
    assert _field_text("kind", "target", "en") == "target"

"""The analyze pipeline: results stored whole, failures recorded, as-of dates honoured."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from rashinban import (
    ConvergenceError,
    InvalidValueError,
    NotEnoughDataError,
    Workspace,
    WorkspaceError,
    init_workspace,
)
from rashinban.importing import load_frames
from rashinban.pipeline import (
    ANALYSES,
    Analysis,
    AnalysisResult,
    analyze,
    latest_results,
    load_result_table,
    resolve_as_of,
    run_demo,
)


def test_empty_workspace_has_no_as_of(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path)
    with pytest.raises(NotEnoughDataError, match="import"):
        resolve_as_of(ws, None)


def test_default_as_of_covers_deals_won_or_lost_but_not_forecasts(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path)
    accounts = pd.DataFrame({"account_id": ["A1", "A2"], "name": ["甲社", "乙社"]})
    deals = pd.DataFrame(
        {
            "deal_id": ["D1", "D2", "D3"],
            "account_id": ["A1", "A2", "A2"],
            "created_at": [dt.date(2024, 3, 1), dt.date(2024, 4, 5), dt.date(2024, 4, 1)],
            # won in May; D3 is still open with a close forecast in December
            "closed_at": [dt.date(2024, 5, 20), dt.date(2024, 5, 2), dt.date(2024, 12, 1)],
            "outcome": ["won", "lost", "open"],
        }
    )
    load_frames(ws, {"accounts": accounts, "deals": deals})
    # The latest created_at is 2024-04-05; the deals closed later count, the forecast not.
    assert resolve_as_of(ws, None) == dt.date(2024, 5, 20)


def _small_company(tmp_path: Path) -> Workspace:
    """Leads from 2024-01-10, orders to 2024-06-30, an open deal forecast for December."""
    ws = init_workspace(tmp_path / "ws")
    accounts = pd.DataFrame({"account_id": ["A1", "A2"], "name": ["甲社", "乙社"]})
    leads = pd.DataFrame(
        {"lead_id": ["L1"], "account_id": ["A1"], "created_at": [dt.date(2024, 1, 10)]}
    )
    orders = pd.DataFrame(
        {
            "order_id": ["O1", "O2"],
            "account_id": ["A1", "A2"],
            "ordered_at": [dt.date(2024, 2, 1), dt.date(2024, 6, 30)],
            "amount": [1000, 2000],
        }
    )
    deals = pd.DataFrame(
        {
            "deal_id": ["D1"],
            "account_id": ["A2"],
            "created_at": [dt.date(2024, 3, 1)],
            "closed_at": [dt.date(2024, 12, 1)],
            "outcome": ["open"],
        }
    )
    load_frames(ws, {"accounts": accounts, "leads": leads, "orders": orders, "deals": deals})
    return ws


@pytest.mark.parametrize(
    ("day", "message", "fix"),
    [
        (
            dt.date(2024, 7, 1),
            "基準日 2024-07-01 はデータの最終日 2024-06-30 より後です / "
            "the as-of date 2024-07-01 is after the last date of the data, 2024-06-30",
            "--as-of を 2024-06-30 以前にするか、新しいデータを取り込んでください / "
            "set --as-of to 2024-06-30 or earlier, or import newer data",
        ),
        (
            dt.date(2020, 1, 1),
            "基準日 2020-01-01 はデータの開始日 2024-01-10 より前です / "
            "the as-of date 2020-01-01 is before the first date of the data, 2024-01-10",
            "--as-of を 2024-01-10 以後にしてください / set --as-of to 2024-01-10 or later",
        ),
    ],
)
def test_an_as_of_outside_the_data_is_refused_naming_its_end_or_start(
    tmp_path: Path, day: dt.date, message: str, fix: str
) -> None:
    # After the end an analysis would bill subscriptions on and count empty months as
    # no churn; before the start it has nothing to read. The end named is the one the
    # default as-of uses.
    ws = _small_company(tmp_path)
    end = resolve_as_of(ws, None)
    assert end == dt.date(2024, 6, 30)  # the open deal's forecast does not count
    assert resolve_as_of(ws, end) == end
    assert resolve_as_of(ws, dt.date(2024, 1, 10)) == dt.date(2024, 1, 10)
    with pytest.raises(NotEnoughDataError) as err:
        resolve_as_of(ws, day)
    assert (err.value.message, err.value.fix) == (message, fix)


def test_an_as_of_setting_outside_the_data_names_the_setting(tmp_path: Path) -> None:
    ws = _small_company(tmp_path)
    ws.config["analysis"]["as_of"] = "2030-01-01"
    with pytest.raises(NotEnoughDataError) as err:
        resolve_as_of(ws, None)
    assert err.value.fix is not None
    assert err.value.fix.startswith("[analysis] as_of (rashinban.toml) を 2024-06-30 以前にするか")
    ws.config["analysis"]["as_of"] = "2024-03-31"
    assert resolve_as_of(ws, None) == dt.date(2024, 3, 31)


def test_analyze_refuses_a_future_as_of_and_stores_nothing(tmp_path: Path) -> None:
    # The Python API goes through the same check as the command line.
    ws = _small_company(tmp_path)
    with pytest.raises(NotEnoughDataError, match="2024-06-30"):
        analyze(ws, as_of=dt.date(2030, 1, 1))
    assert latest_results(ws) == {}


@pytest.mark.parametrize(
    "given",
    ["2024-03-31", dt.datetime(2024, 3, 31, 9, 30), pd.Timestamp("2024-03-31")],
    ids=["text", "datetime", "timestamp"],
)
def test_the_as_of_date_is_read_in_any_usual_form(tmp_path: Path, given: object) -> None:
    ws = _small_company(tmp_path)
    day = resolve_as_of(ws, given)  # type: ignore[arg-type]
    assert day == dt.date(2024, 3, 31) and type(day) is dt.date
    assert analyze(ws, as_of=given, only=["profile"]).as_of == dt.date(2024, 3, 31)  # type: ignore[arg-type]


def test_an_as_of_that_is_not_a_date_names_the_argument(tmp_path: Path) -> None:
    ws = _small_company(tmp_path)
    with pytest.raises(InvalidValueError) as err:
        resolve_as_of(ws, "2024-02-30")
    assert err.value.message == (
        "as_of = '2024-02-30' は日付ではありません / as_of = '2024-02-30' is not a date"
    )
    with pytest.raises(InvalidValueError, match="is not a date"):
        analyze(ws, as_of="next week")
    assert latest_results(ws) == {}


def test_analyze_opens_a_workspace_given_by_its_path(tmp_path: Path) -> None:
    ws = _small_company(tmp_path)
    report = analyze(str(ws.path), as_of="2024-06-30", only=["profile"])
    assert report.as_of == dt.date(2024, 6, 30) and "profile" in report.results
    assert set(latest_results(ws)) == {"profile"}
    assert analyze(ws.path, only=["profile"]).as_of == dt.date(2024, 6, 30)
    with pytest.raises(WorkspaceError):
        analyze(tmp_path / "nowhere")
    with pytest.raises(InvalidValueError, match="ws = int is not a workspace"):
        analyze(42)  # type: ignore[arg-type]


def test_an_as_of_is_kept_when_there_is_no_data_to_check_it_against(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    assert resolve_as_of(ws, dt.date(2030, 1, 1)) == dt.date(2030, 1, 1)


def test_demo_refuses_a_folder_in_use_in_japanese_and_english(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me", "utf-8")
    with pytest.raises(WorkspaceError) as err:
        run_demo(tmp_path)
    assert err.value.message == (
        f"{tmp_path} はデモ用のワークスペースではありません / "
        f"{tmp_path} exists and is not a demo workspace"
    )
    assert err.value.fix == (
        "デモには空のフォルダか新しいフォルダを指定してください / "
        "choose an empty or new folder for the demo"
    )
    assert (tmp_path / "mine.txt").read_text("utf-8") == "keep me"


def test_failing_analysis_is_recorded_and_others_run(
    tmp_path: Path, demo_tables: dict[str, pd.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = init_workspace(tmp_path)
    load_frames(ws, {k: demo_tables[k] for k in ("products", "accounts", "orders")})

    def broken(_ctx: object) -> AnalysisResult:
        raise ConvergenceError("optimiser stopped: gradient norm 3.2")

    monkeypatch.setattr(
        "rashinban.pipeline._analyze.ANALYSES",
        [ANALYSES[0], Analysis("broken", "壊れた分析", "broken", broken)],
    )
    report = analyze(ws, as_of=dt.date(2025, 6, 30))
    assert "profile" in report.results
    assert "gradient norm" in report.failures["broken"]
    runs = latest_results(ws)
    assert runs["broken"]["status"] == "skipped" and runs["profile"]["status"] == "ok"
    assert runs["profile"]["as_of"] == dt.date(2025, 6, 30)
    profile = load_result_table(ws, "profile", "columns")
    assert profile is not None and set(profile["table"]) >= {"accounts", "orders"}


def test_default_as_of_is_the_end_of_the_data(
    tmp_path: Path, demo_tables: dict[str, pd.DataFrame]
) -> None:
    ws = init_workspace(tmp_path)
    load_frames(ws, demo_tables)
    expected = max(
        pd.Timestamp(demo_tables[t][c].max()).date()
        for t, c in [("orders", "ordered_at"), ("deals", "created_at"), ("usage", "date")]
    )
    assert resolve_as_of(ws, None) >= expected
    assert resolve_as_of(ws, dt.date(2024, 1, 1)) == dt.date(2024, 1, 1)


@pytest.mark.parametrize(
    ("lang", "names", "codes"),
    [
        ("ja", ["RFM分析", "顧客生涯価値 (CLV)", "理想顧客像 (ICP)", "解約予兆"], ["RFM analysis"]),
        (
            "en",
            ["RFM analysis", "Customer lifetime value (CLV)", "Ideal customer profile (ICP)"],
            ["RFM分析", "顧客生涯価値"],
        ),
    ],
)
def test_analyses_not_run_are_named_in_the_language_not_by_code(
    tmp_path: Path, lang: str, names: list[str], codes: list[str]
) -> None:
    import subprocess
    import sys

    from rashinban.demo import generate
    from rashinban.report import build_report

    # Three accounts: RFM, CLV, ICP, churn … have too little data and are not run.
    ws = init_workspace(tmp_path / "ws", lang=lang)
    load_frames(ws, generate(3, seed=1))
    proc = subprocess.run(
        [sys.executable, "-m", "rashinban", "analyze", "-w", str(ws.path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=True,
    )
    failed = {name for name, r in latest_results(ws).items() if r["status"] != "ok"}
    assert {"rfm", "clv", "icp", "churn"} <= failed
    page = build_report(ws, lang=lang)
    skipped = page.split('id="skipped"', 1)[1].split("</section>")[0]
    listed = re.findall(r"<li><b>([^<]*)</b>", skipped)
    assert len(listed) == len(failed)
    lines = re.findall(r"^  (?:✓ (.*) \([0-9.]+s\)|– (.*?): )", proc.stdout, flags=re.M)
    lines = [ok or not_run for ok, not_run in lines]
    assert len(lines) == len(ANALYSES)
    for shown in (listed, lines):
        assert not failed & set(shown), shown  # no bare code (rfm, clv, icp …)
        for name in names:
            assert any(s.startswith(name) for s in shown), (name, shown)
        for other in codes:  # nor the other language's names
            assert not any(s.startswith(other) for s in shown), (other, shown)
    profile = "データ概要" if lang == "ja" else "Data profile"
    assert f"  ✓ {profile} (" in proc.stdout


@pytest.mark.parametrize(("size", "seed"), [(3, 1), (5, 7), (30, 1)])
def test_a_tiny_company_gets_reasons_not_tracebacks(tmp_path: Path, size: int, seed: int) -> None:
    # A new user with a handful of accounts: every analysis either runs or records a
    # user-facing reason (analyze lets anything else through, failing this test), and
    # the report is written in both languages.
    from rashinban.demo import generate
    from rashinban.report import build_report

    ws = init_workspace(tmp_path / "ws")
    load_frames(ws, generate(size, seed=seed))
    run = analyze(ws)
    assert run.results, "some analyses run even on a tiny company"
    for name, reason in run.failures.items():
        assert reason and "Traceback" not in reason, name
    pages = {lang: build_report(ws, lang=lang) for lang in ("ja", "en")}
    assert all("<html" in page for page in pages.values())
    # The analyses not run, each in the report's language only (not "日本語 / English").
    if run.failures:
        skipped = {
            lang: re.sub(r"<[^>]+>", "", page.split('id="skipped"', 1)[1].split("</section>")[0])
            for lang, page in pages.items()
        }
        assert "対処:" in skipped["ja"] and "fix:" not in skipped["ja"]
        assert "fix:" in skipped["en"] and "対処" not in skipped["en"]
        english = re.compile(r" / [a-z]|\b(needs?|found|too few|import (more|orders|leads))\b")
        assert not english.search(skipped["ja"]), skipped["ja"]


@pytest.mark.parametrize(
    ("size", "keep", "must_run"),
    [
        # a company that sells by order alone (returns included): churn risk from
        # BG/NBD and CLV still come out
        (1000, ("accounts", "orders", "products"), {"rfm", "clv", "churn"}),
        # subscriptions only: the as-of date comes from them, RFM from the billings
        (400, ("accounts", "subscriptions", "products"), {"rfm", "churn"}),
        # leads only: the KPI funnel without any closed deal, and its report section
        (400, ("accounts", "leads", "campaigns"), {"kpi"}),
    ],
)
def test_a_company_with_part_of_the_tables(
    tmp_path: Path, size: int, keep: tuple[str, ...], must_run: set[str]
) -> None:
    from rashinban.demo import generate
    from rashinban.report import build_report

    tables = generate(size, seed=3)
    ws = init_workspace(tmp_path / "ws")
    load_frames(ws, {name: frame for name, frame in tables.items() if name in keep})
    run = analyze(ws)
    assert must_run <= set(run.results), run.failures
    for lang in ("ja", "en"):
        assert "<html" in build_report(ws, lang=lang)


def test_too_few_buyers_to_see_dropout_is_said_in_words(tmp_path: Path) -> None:
    # 62 buyers by order and no subscriptions: BG/NBD's dropout runs to zero, and both
    # CLV and churn say so instead of reporting nobody at risk.
    from rashinban.demo import generate

    tables = generate(400, seed=3)
    ws = init_workspace(tmp_path / "ws")
    load_frames(ws, {k: v for k, v in tables.items() if k in ("accounts", "orders")})
    run = analyze(ws, only=["clv", "churn"])
    assert "dropout probability runs to zero" in run.failures["clv"]
    assert "for buyers by order" in run.failures["churn"]


def test_only_takes_a_name_or_names_and_refuses_unknown_ones(tmp_path: Path) -> None:
    ws = _small_company(tmp_path)
    assert set(analyze(ws, as_of="2024-06-30", only="profile").results) == {"profile"}
    assert set(analyze(ws, as_of="2024-06-30", only=("profile",)).results) == {"profile"}
    for wrong in (["bogus"], "c", ["profile", "rfms"]):
        with pytest.raises(InvalidValueError) as info:
            analyze(ws, as_of="2024-06-30", only=wrong)
        assert info.value.message.startswith("分析名 ")
        assert "choose from: profile, rfm, clv" in (info.value.fix or "")
    with pytest.raises(InvalidValueError, match=r"unknown analysis name\(s\) 'rfms'"):
        analyze(ws, only=["profile", "rfms"])

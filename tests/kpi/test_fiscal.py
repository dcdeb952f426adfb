"""Fiscal periods (年度): ``--period fiscal_year`` / ``fiscal_quarter`` and the
``[analysis] fiscal_year_start_month`` setting they start from."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import ibis
import pandas as pd
import pytest
from tests.kpi.test_funnel import _backend
from tests.test_cli import no_traceback, run

from rashinban import ConfigError, Workspace, init_workspace, open_workspace
from rashinban.kpi import funnel, period_label
from rashinban.kpi._funnel import _truncate, period_start

AS_OF = dt.date(2025, 12, 31)
D = dt.date


def _set_start_month(path: Path, value: str) -> None:
    toml = path / "rashinban.toml"
    text = toml.read_text(encoding="utf-8")
    assert "fiscal_year_start_month = 4\n" in text  # a new workspace writes the default
    toml.write_text(
        text.replace("fiscal_year_start_month = 4\n", f"fiscal_year_start_month = {value}\n"),
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    ("day", "period", "month", "start", "ja", "en"),
    [
        # April: 2025年度 is 2025-04-01 .. 2026-03-31, named by the year it starts in.
        (D(2025, 3, 31), "fiscal_year", 4, D(2024, 4, 1), "2024年度", "FY2024"),
        (D(2025, 4, 1), "fiscal_year", 4, D(2025, 4, 1), "2025年度", "FY2025"),
        (D(2026, 3, 31), "fiscal_year", 4, D(2025, 4, 1), "2025年度", "FY2025"),
        (D(2025, 3, 31), "fiscal_quarter", 4, D(2025, 1, 1), "2024年度Q4", "FY2024 Q4"),
        (D(2025, 4, 1), "fiscal_quarter", 4, D(2025, 4, 1), "2025年度Q1", "FY2025 Q1"),
        (D(2025, 6, 30), "fiscal_quarter", 4, D(2025, 4, 1), "2025年度Q1", "FY2025 Q1"),
        (D(2025, 7, 1), "fiscal_quarter", 4, D(2025, 7, 1), "2025年度Q2", "FY2025 Q2"),
        (D(2025, 12, 31), "fiscal_quarter", 4, D(2025, 10, 1), "2025年度Q3", "FY2025 Q3"),
        (D(2026, 1, 1), "fiscal_quarter", 4, D(2026, 1, 1), "2025年度Q4", "FY2025 Q4"),
        # October: 2025年度 is 2025-10-01 .. 2026-09-30.
        (D(2025, 9, 30), "fiscal_year", 10, D(2024, 10, 1), "2024年度", "FY2024"),
        (D(2025, 10, 1), "fiscal_year", 10, D(2025, 10, 1), "2025年度", "FY2025"),
        (D(2025, 10, 1), "fiscal_quarter", 10, D(2025, 10, 1), "2025年度Q1", "FY2025 Q1"),
        (D(2026, 9, 30), "fiscal_quarter", 10, D(2026, 7, 1), "2025年度Q4", "FY2025 Q4"),
        # January: the calendar year and quarters.
        (D(2025, 12, 31), "fiscal_year", 1, D(2025, 1, 1), "2025年度", "FY2025"),
        (D(2025, 3, 31), "fiscal_quarter", 1, D(2025, 1, 1), "2025年度Q1", "FY2025 Q1"),
        (D(2025, 4, 1), "fiscal_quarter", 1, D(2025, 4, 1), "2025年度Q2", "FY2025 Q2"),
        # December: the year starting in December 2025 is 2025年度.
        (D(2025, 12, 1), "fiscal_year", 12, D(2025, 12, 1), "2025年度", "FY2025"),
        (D(2026, 2, 28), "fiscal_quarter", 12, D(2025, 12, 1), "2025年度Q1", "FY2025 Q1"),
        (D(2026, 11, 30), "fiscal_quarter", 12, D(2026, 9, 1), "2025年度Q4", "FY2025 Q4"),
    ],
)
def test_fiscal_period_starts_and_labels(
    day: dt.date, period: str, month: int, start: dt.date, ja: str, en: str
) -> None:
    first = period_start(day, period, fiscal_year_start_month=month)
    assert first.date() == start
    assert period_label(first, period, fiscal_year_start_month=month) == ja
    assert period_label(first, period, lang="en", fiscal_year_start_month=month) == en
    # The backend puts the day in the same period: the Ibis expression, run on DuckDB.
    expr = _truncate(ibis.literal(day), period, month)
    assert pd.Timestamp(ibis.duckdb.connect().execute(expr)).date() == start


def test_calendar_labels_are_the_same_in_either_language() -> None:
    for period, label in (("year", "2025"), ("quarter", "2025-Q2"), ("month", "2025-04")):
        assert period_label(D(2025, 4, 1), period, lang="en") == label
        assert period_label(D(2025, 4, 1), period, lang="ja") == label


def _boundary_tables() -> dict[str, pd.DataFrame]:
    days = ["2025-03-31", "2025-04-01", "2025-06-30", "2025-07-01", "2025-09-30", "2025-10-01"]
    n = len(days)
    return {
        "accounts": pd.DataFrame({"account_id": ["A1"], "industry": ["製造業"]}),
        "leads": pd.DataFrame(
            {
                "lead_id": [f"L{i}" for i in range(n)],
                "account_id": ["A1"] * n,
                "created_at": pd.to_datetime(days),
                "mql_at": pd.to_datetime(days),
                "sql_at": pd.NaT,
                "campaign_id": None,
            }
        ),
        "deals": pd.DataFrame(
            {
                "deal_id": ["D1", "D2"],
                "account_id": ["A1", "A1"],
                "created_at": pd.to_datetime(["2025-03-31", "2025-04-01"]),
                "closed_at": pd.to_datetime(["2025-04-10", "2025-05-01"]),
                "outcome": ["won", "lost"],
                "amount": [100.0, 200.0],
                "kind": ["new", "new"],
            }
        ),
        "subscriptions": pd.DataFrame(
            {
                "account_id": ["A1", "A1"],
                "started_at": pd.to_datetime(["2024-01-01", "2024-01-01"]),
                "ended_at": pd.to_datetime(["2025-03-31", "2025-04-01"]),
                "mrr": [10.0, 10.0],
            }
        ),
        "campaigns": pd.DataFrame(
            {"campaign_id": [], "started_at": [], "ended_at": [], "cost": []}
        ).astype({"started_at": "datetime64[ns]", "ended_at": "datetime64[ns]", "cost": float}),
    }


def test_boundary_days_fall_in_their_fiscal_periods() -> None:
    con = _backend(_boundary_tables())
    f = funnel(con, as_of=D(2025, 12, 31), period="fiscal_year")
    assert f["period"].tolist() == ["2024年度", "2025年度"]
    assert f["period_start"].tolist() == [D(2024, 4, 1), D(2025, 4, 1)]
    assert f["leads"].tolist() == [1, 5] and f["mql"].tolist() == [1, 5]
    # The deal of 31 March is 2024年度's, won in 2025年度: a cohort keeps its period.
    assert f["won"].tolist() == [1, 0] and f["lost"].tolist() == [0, 1]
    # One subscription ends on 31 March (2024年度), the other on 1 April (2025年度).
    assert f["churned"].tolist() == [1, 1] and f["at_risk"].tolist() == [2, 1]
    q = funnel(con, as_of=D(2025, 12, 31), period="fiscal_quarter")
    assert q["period"].tolist() == ["2024年度Q4", "2025年度Q1", "2025年度Q2", "2025年度Q3"]
    assert q["leads"].tolist() == [1, 2, 2, 1]
    en = funnel(con, as_of=D(2025, 12, 31), period="fiscal_quarter", lang="en")
    assert en["period"].tolist() == ["FY2024 Q4", "FY2025 Q1", "FY2025 Q2", "FY2025 Q3"]
    # October: 2025-09-30 is still 2024年度, 2025-10-01 opens 2025年度.
    october = funnel(con, as_of=D(2025, 12, 31), period="fiscal_year", fiscal_year_start_month=10)
    assert october["period"].tolist() == ["2024年度", "2025年度"]
    assert october["period_start"].tolist() == [D(2024, 10, 1), D(2025, 10, 1)]
    assert october["leads"].tolist() == [5, 1]
    # The as-of date cuts the last fiscal year as it cuts a calendar one: 2025年度 so far.
    cut = funnel(con, as_of=D(2025, 6, 30), period="fiscal_year")
    assert cut["period"].tolist() == ["2024年度", "2025年度"] and cut["leads"].tolist() == [1, 2]
    assert cut["won"].tolist() == [1, 0] and cut["lost"].tolist() == [0, 1]


@pytest.mark.parametrize("month", [0, 13, 4.0, True, "4"])
def test_a_start_month_outside_1_to_12_is_refused(month: object) -> None:
    from rashinban._errors import InvalidValueError

    with pytest.raises(InvalidValueError) as err:
        funnel(None, as_of=AS_OF, period="fiscal_year", fiscal_year_start_month=month)  # type: ignore[arg-type]
    assert err.value.message == (
        f"年度の開始月 {month!r} は 1〜12 の整数ではありません / "
        f"fiscal_year_start_month {month!r} is not a whole number from 1 to 12"
    )


@pytest.mark.parametrize(
    ("fiscal", "calendar"), [("fiscal_year", "year"), ("fiscal_quarter", "quarter")]
)
def test_a_fiscal_year_from_january_is_the_calendar_year(
    demo_ws: Workspace, fiscal: str, calendar: str
) -> None:
    backend = demo_ws.backend()
    scopes = {"company": None, "mfg": "業種 = 製造業"}
    cal = funnel(backend, as_of=AS_OF, period=calendar, scopes=scopes)
    fy = funnel(backend, as_of=AS_OF, period=fiscal, scopes=scopes, fiscal_year_start_month=1)
    assert len(fy) == len(cal) > 4
    # Every number (counts, rates, intervals, CLV with its annual churn) is the same.
    pd.testing.assert_frame_equal(fy.drop(columns="period"), cal.drop(columns="period"))
    # Only the names differ: 2024 is 2024年度, 2024-Q2 is 2024年度Q2.
    names = (
        cal["period"].str.replace("-", "年度") if calendar == "quarter" else cal["period"] + "年度"
    )
    assert fy["period"].tolist() == names.tolist()


def _naive_fiscal_years(tables: dict[str, pd.DataFrame], month: int) -> pd.DataFrame:
    """The funnel's counts per fiscal year, in plain pandas."""
    end = pd.Timestamp(AS_OF)

    def fy(day: pd.Series) -> pd.Series:
        return (day.dt.year - (day.dt.month < month)).map(lambda y: f"{y}年度")

    leads = tables["leads"][tables["leads"].created_at <= end]
    sql = leads.sql_at.notna() & (leads.sql_at <= end)
    mql = (leads.mql_at.notna() & (leads.mql_at <= end)) | sql
    lead_counts = pd.DataFrame({"fy": fy(leads.created_at), "mql": mql, "sql": sql})
    by_lead = lead_counts.groupby("fy").agg(
        leads=("mql", "size"), mql=("mql", "sum"), sql=("sql", "sum")
    )
    deals = tables["deals"]
    deals = deals[(deals.created_at <= end) & (deals.kind == "new")]
    closed = deals.closed_at.notna() & (deals.closed_at <= end)
    deal_counts = pd.DataFrame(
        {
            "fy": fy(deals.created_at),
            "won": closed & (deals.outcome == "won"),
            "lost": closed & (deals.outcome == "lost"),
        }
    )
    by_deal = deal_counts.groupby("fy").agg(
        opportunities=("won", "size"), won=("won", "sum"), lost=("lost", "sum")
    )
    return by_lead.join(by_deal, how="outer").fillna(0).astype(int)


@pytest.fixture(scope="module")
def ws_october(demo_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    # A copy of the shared demo workspace whose fiscal year starts in October.
    path = Path(shutil.copytree(demo_ws.path, tmp_path_factory.mktemp("fiscal") / "ws"))
    _set_start_month(path, "10")
    return path


def _rows(*args: str) -> list[dict]:  # type: ignore[type-arg]
    proc = run("kpi", *args, "--as-of", str(AS_OF), "-f", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["rows"]  # type: ignore[no-any-return]


def test_cli_fiscal_years_equal_naive_pandas(
    demo_ws: Workspace, ws_october: Path, demo_tables: dict[str, pd.DataFrame]
) -> None:
    counts = ["leads", "mql", "sql", "opportunities", "won", "lost"]
    for path, month in ((demo_ws.path, 4), (ws_october, 10)):
        rows = _rows("-w", str(path), "--period", "fiscal_year")
        got = pd.DataFrame(rows).set_index("period")[counts]
        expected = _naive_fiscal_years(demo_tables, month)
        pd.testing.assert_frame_equal(got, expected[counts], check_dtype=False, check_names=False)
        first = {r["period"]: r["period_start"] for r in rows}
        assert first["2024年度"] == f"2024-{month:02d}-01"
    # April: the demo starts on 2023-01-01, in 2022年度 (January to March 2023 only); the
    # last fiscal year runs to the as-of date.
    april = _rows("-w", str(demo_ws.path), "--period", "fiscal_year")
    assert [r["period"] for r in april] == ["2022年度", "2023年度", "2024年度", "2025年度"]
    # A fiscal year's churn rate: subscriptions ended within it / active on its first day.
    subs = demo_tables["subscriptions"]
    y0, y1 = pd.Timestamp("2024-04-01"), pd.Timestamp("2025-04-01")
    ended = subs.ended_at.notna() & (subs.ended_at <= pd.Timestamp(AS_OF))
    active = (subs.started_at < y0) & (~ended | (subs.ended_at >= y0))
    churned = active & ended & (subs.ended_at < y1)
    row = next(r for r in april if r["period"] == "2024年度")
    assert row["churn_rate"] == pytest.approx(churned.sum() / active.sum())
    # Four fiscal quarters add up to their fiscal year.
    quarters = _rows("-w", str(demo_ws.path), "--period", "fiscal_quarter")
    in_2024 = [r for r in quarters if r["period"].startswith("2024年度Q")]
    assert [r["period"] for r in in_2024] == [f"2024年度Q{i}" for i in range(1, 5)]
    assert sum(r["leads"] for r in in_2024) == row["leads"]


def test_cli_names_fiscal_periods_in_the_display_language(ws_october: Path) -> None:
    w = ("kpi", "-w", str(ws_october), "--as-of", str(AS_OF), "--period", "fiscal_quarter")
    en = json.loads(run(*w, "--lang", "en", "-f", "json").stdout)["rows"]
    assert [r["period"] for r in en][-2:] == ["FY2024 Q4", "FY2025 Q1"]
    assert en[-1]["period_start"] == "2025-10-01"
    ja, en_table = run(*w), run(*w, "--lang", "en")
    assert ja.returncode == 0 and en_table.returncode == 0, en_table.stderr
    assert "KPI (年度四半期, 10月始まり / fiscal quarters from October)" in ja.stdout
    assert "2025年度Q1" in ja.stdout
    assert "KPI (fiscal quarters from October)" in en_table.stdout
    assert "FY2025 Q1" in en_table.stdout


@pytest.mark.parametrize(
    ("value", "message", "fix"),
    [
        (
            "0",
            "[analysis] fiscal_year_start_month = 0 は範囲外です (1〜12) / "
            "[analysis] fiscal_year_start_month = 0 is out of range (1-12)",
            "fiscal_year_start_month を 1〜12 の整数にしてください (既定 4) / "
            "set fiscal_year_start_month to a whole number from 1 to 12 (default 4)",
        ),
        (
            "13",
            "[analysis] fiscal_year_start_month = 13 は範囲外です (1〜12) / "
            "[analysis] fiscal_year_start_month = 13 is out of range (1-12)",
            "fiscal_year_start_month を 1〜12 の整数にしてください (既定 4) / "
            "set fiscal_year_start_month to a whole number from 1 to 12 (default 4)",
        ),
        (
            '"four"',
            "[analysis] fiscal_year_start_month の値 'four' は整数ではありません / "
            "[analysis] fiscal_year_start_month should be a whole number, got 'four'",
            "4 のように書いてください / write it like 4",
        ),
    ],
)
def test_a_bad_start_month_setting_names_the_setting_and_fix(
    tmp_path: Path, value: str, message: str, fix: str
) -> None:
    ws = tmp_path / "ws"
    init_workspace(ws)
    _set_start_month(ws, value)
    # The CLI says it in one line naming the file, the setting and the fix, and stops.
    proc = run("kpi", "-w", str(ws), "--period", "fiscal_year")
    assert (proc.returncode, proc.stdout) == (1, "") and no_traceback(proc)
    toml = ws / "rashinban.toml"
    assert proc.stderr.strip() == f"エラー / error: {toml}: {message} — fix: {fix}"
    with pytest.raises(ConfigError, match=re.escape(message)):
        open_workspace(ws)


def test_a_workspace_without_the_setting_starts_its_year_in_april(tmp_path: Path) -> None:
    init_workspace(tmp_path / "ws")
    toml = tmp_path / "ws" / "rashinban.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("fiscal_year_start_month = 4\n", ""),
        encoding="utf-8",
    )
    ws = open_workspace(tmp_path / "ws")
    assert ws.config["analysis"]["fiscal_year_start_month"] == 4

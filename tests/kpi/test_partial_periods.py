"""Periods the data or the as-of date cut short are marked (``counted_from``,
``counted_to``, ``partial``), so that a 年度 of three months is not read as a fall."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from tests.test_cli import run

from rashinban import Workspace
from rashinban.kpi import funnel


def _first_lead(ws: Workspace) -> dt.date:
    with ws.connect(read_only=True) as con:
        rows = con.sql("SELECT min(created_at)::DATE FROM leads").fetchall()
    return rows[0][0]  # type: ignore[no-any-return]


def test_fiscal_years_cut_by_the_data_and_the_as_of_date_are_partial(demo_ws: Workspace) -> None:
    first = _first_lead(demo_ws)
    as_of = dt.date(2025, 12, 31)
    f = funnel(demo_ws.backend(), as_of=as_of, period="fiscal_year")
    rows = f.set_index("period")
    # The demo's leads start in January 2023: 2022年度 (April 2022 - March 2023) has three
    # months of them; 2025年度 runs to March 2026 and is cut on the as-of date.
    assert first == dt.date(2023, 1, 1)
    assert rows.loc["2022年度", ["counted_from", "counted_to", "partial"]].tolist() == [
        first,
        dt.date(2023, 3, 31),
        True,
    ]
    assert rows.loc["2025年度", ["counted_from", "counted_to", "partial"]].tolist() == [
        dt.date(2025, 4, 1),
        as_of,
        True,
    ]
    whole = rows.loc[["2023年度", "2024年度"]]
    assert not whole["partial"].any()
    assert whole["counted_from"].tolist() == [dt.date(2023, 4, 1), dt.date(2024, 4, 1)]
    assert whole["counted_to"].tolist() == [dt.date(2024, 3, 31), dt.date(2025, 3, 31)]


def test_the_counted_days_of_every_period_add_up_to_the_data_span(demo_ws: Workspace) -> None:
    as_of = dt.date(2025, 11, 20)
    first = _first_lead(demo_ws)
    for period in ("week", "month", "quarter", "year", "fiscal_quarter", "fiscal_year"):
        f = funnel(demo_ws.backend(), as_of=as_of, period=period)
        days = (pd.to_datetime(f["counted_to"]) - pd.to_datetime(f["counted_from"])).dt.days + 1
        # No day counted twice or left out, from the first lead to the as-of date.
        assert int(days.sum()) == (as_of - first).days + 1, period
        assert f["counted_from"].iloc[0] == first and f["counted_to"].iloc[-1] == as_of
        # Only the last period is cut by 2025-11-20 (the first starts with the data,
        # on a period's first day, except in a fiscal year from April).
        expected_partial = {len(f) - 1} | ({0} if period == "fiscal_year" else set())
        assert set(f.index[f["partial"]]) == expected_partial, period


def test_a_week_joined_by_the_data_s_first_days_is_whole() -> None:
    from tests.kpi.test_fiscal import _boundary_tables
    from tests.kpi.test_funnel import _backend

    # Data from Monday 2025-03-31 is whole weeks; with that lead moved to Wednesday
    # 2025-04-02 the data starts on Tuesday 2025-04-01, and its first days join the
    # next whole week (see _period_bounds).
    tables = _boundary_tables()
    leads = tables["leads"]
    leads.loc[0, ["created_at", "mql_at"]] = pd.Timestamp("2025-04-02")
    tables["deals"].loc[0, "created_at"] = pd.Timestamp("2025-04-02")
    f = funnel(_backend(tables), as_of=dt.date(2025, 4, 16), period="week")
    assert f["period"].tolist() == ["2025-W15", "2025-W16"]
    assert f["counted_from"].tolist() == [dt.date(2025, 4, 1), dt.date(2025, 4, 14)]
    assert f["counted_to"].tolist() == [dt.date(2025, 4, 13), dt.date(2025, 4, 16)]
    # The first row covers its whole week and more; the last is cut on Wednesday.
    assert f["partial"].tolist() == [False, True]


@pytest.mark.parametrize(
    ("lang", "first", "last"),
    [
        (
            "ja",
            "2022年度 (一部: 2023-01-01〜2023-03-31)",
            "2025年度 (一部: 2025-04-01〜2025-12-31)",
        ),
        (
            "en",
            "FY2022 (partial: 2023-01-01 to 2023-03-31)",
            "FY2025 (partial: 2025-04-01 to 2025-12-31)",
        ),
    ],
)
def test_the_table_names_a_partial_period_with_its_days(
    demo_ws: Workspace, lang: str, first: str, last: str
) -> None:
    w = ["-w", str(demo_ws.path), "--as-of", "2025-12-31", "--period", "fiscal_year"]
    table = run("kpi", *w, "--lang", lang)
    assert table.returncode == 0, table.stderr
    assert first in table.stdout and last in table.stdout
    assert ("2023年度 (" if lang == "ja" else "FY2023 (") not in table.stdout
    rows = json.loads(run("kpi", *w, "-f", "json").stdout)["rows"]
    assert [(r["period"], r["partial"]) for r in rows] == [
        ("2022年度", True),
        ("2023年度", False),
        ("2024年度", False),
        ("2025年度", True),
    ]
    assert rows[0]["counted_from"] == "2023-01-01" and rows[-1]["counted_to"] == "2025-12-31"

"""The KPI funnel against naive pandas, its invariants, and no look-ahead."""

from __future__ import annotations

import datetime as dt

import duckdb
import ibis
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from rashinban._errors import InvalidValueError, NotEnoughDataError
from rashinban.demo import PLANTED
from rashinban.kpi import KPIS, beta_interval, funnel, period_label

AS_OF = dt.date(2024, 9, 30)
IDEAL = "業種 in [製造業, 情報通信業] and 従業員数 between 100 and 999"


def _backend(tables: dict[str, pd.DataFrame]):
    """An in-memory DuckDB backend holding ``tables``, with *_at columns as DATE."""
    duck = duckdb.connect()
    for name, frame in tables.items():
        cols = ", ".join(
            f"CAST({c} AS DATE) AS {c}" if c.endswith("_at") else c for c in frame.columns
        )
        duck.register("frame_in", frame)
        duck.execute(f"CREATE TABLE {name} AS SELECT {cols} FROM frame_in")
        duck.unregister("frame_in")
    return ibis.duckdb.from_connection(duck)


@pytest.fixture(scope="module")
def quarterly(demo_ws) -> pd.DataFrame:
    return funnel(
        demo_ws.backend(), as_of=AS_OF, period="quarter", scopes={"company": None, "ideal": IDEAL}
    )


def test_counts_equal_naive_pandas(quarterly: pd.DataFrame, demo_tables) -> None:
    acc = demo_tables["accounts"]
    ideal_ids = set(acc.loc[PLANTED.ideal.mask(acc), "account_id"])
    end = pd.Timestamp(AS_OF)
    leads = demo_tables["leads"]
    deals = demo_tables["deals"]
    for scope, ids in (("company", set(acc["account_id"])), ("ideal", ideal_ids)):
        ld = leads[leads.account_id.isin(ids) & (leads.created_at <= end)]
        dl = deals[deals.account_id.isin(ids) & (deals.created_at <= end) & (deals.kind == "new")]
        for row in quarterly[quarterly.scope == scope].itertuples():
            q0 = pd.Timestamp(row.period_start)
            q1 = q0 + pd.DateOffset(months=3)
            lq = ld[(ld.created_at >= q0) & (ld.created_at < q1)]
            sql = lq.sql_at.notna() & (lq.sql_at <= end)
            mql = (lq.mql_at.notna() & (lq.mql_at <= end)) | sql
            assert (row.leads, row.mql, row.sql) == (len(lq), mql.sum(), sql.sum())
            dq = dl[(dl.created_at >= q0) & (dl.created_at < q1)]
            closed = dq.closed_at.notna() & (dq.closed_at <= end)
            won = closed & (dq.outcome == "won")
            lost = closed & (dq.outcome == "lost")
            assert (row.won, row.lost, row.opportunities) == (won.sum(), lost.sum(), len(dq))
            if won.sum():
                assert row.average_deal == pytest.approx(dq.amount[won].mean())
                days = (dq.closed_at - dq.created_at).dt.days[won].mean()
                assert row.sales_cycle_days == pytest.approx(days)
    assert list(quarterly[quarterly.scope == "ideal"].period)[:2] == ["2023-Q1", "2023-Q2"]


def test_years_are_calendar_years_and_the_last_one_runs_to_the_as_of_date(
    quarterly: pd.DataFrame, demo_ws, demo_tables
) -> None:
    yearly = funnel(
        demo_ws.backend(), as_of=AS_OF, period="year", scopes={"company": None, "ideal": IDEAL}
    )
    # The year in progress on the as-of date (2024, to 30 September) is named as the
    # whole year, as a month or a quarter in progress is.
    assert yearly[yearly.scope == "company"]["period"].tolist() == ["2023", "2024"]
    assert yearly["period_start"].unique().tolist() == [dt.date(2023, 1, 1), dt.date(2024, 1, 1)]
    leads = demo_tables["leads"]
    ld = leads[leads.created_at <= pd.Timestamp(AS_OF)]
    company = yearly[yearly.scope == "company"].set_index("period")
    assert company["leads"].tolist() == [
        (ld.created_at.dt.year == 2023).sum(),
        (ld.created_at.dt.year == 2024).sum(),
    ]
    # Every count of a year is the sum of its quarters' counts.
    counts = ["leads", "mql", "sql", "opportunities", "won", "lost", "open"]
    by_year = quarterly.assign(period=quarterly["period"].str[:4])
    summed = by_year.groupby(["scope", "period"])[counts].sum()
    pd.testing.assert_frame_equal(
        yearly.set_index(["scope", "period"])[counts].sort_index(),
        summed.sort_index(),
        check_dtype=False,
    )
    # A yearly churn rate is subscriptions ended within the year / active on 1 January.
    subs = demo_tables["subscriptions"]
    y0, end = pd.Timestamp("2024-01-01"), pd.Timestamp(AS_OF) + pd.Timedelta(days=1)
    ended = subs.ended_at.notna() & (subs.ended_at <= pd.Timestamp(AS_OF))
    active = (subs.started_at < y0) & (~ended | (subs.ended_at >= y0))
    churned = active & ended & (subs.ended_at < end)
    assert company.loc["2024", "churn_rate"] == pytest.approx(churned.sum() / active.sum())


def test_planted_win_rates_show(quarterly: pd.DataFrame) -> None:
    both = quarterly.groupby("scope")[["won", "closed"]].sum()
    rates = both["won"] / both["closed"]
    print(
        f"\nwin rate before the event: ideal {rates['ideal']:.3f}, company {rates['company']:.3f}"
    )
    assert rates["ideal"] > 2 * rates["company"] * 0.9
    lo, hi = quarterly["win_rate_low"], quarterly["win_rate_high"]
    ok = quarterly["closed"] > 0
    assert ((lo <= quarterly["win_rate"]) & (quarterly["win_rate"] <= hi))[ok].all()


def test_beta_interval_is_the_jeffreys_posterior() -> None:
    lo, hi = beta_interval([3, 0], [10, 0])
    assert lo[0] == pytest.approx(stats.beta.ppf(0.05, 3.5, 7.5))
    assert hi[0] == pytest.approx(stats.beta.ppf(0.95, 3.5, 7.5))
    assert np.isnan(lo[1]) and np.isnan(hi[1])
    lo, hi = beta_interval([0, 5], [5, 5])
    assert lo[0] == 0.0 and hi[0] == pytest.approx(stats.beta.ppf(0.95, 0.5, 5.5))
    assert hi[1] == 1.0


def test_no_look_ahead(demo_tables) -> None:
    """Rows dated after the as-of date can change freely without changing any KPI."""
    end = pd.Timestamp(AS_OF)
    moved = {k: v.copy() for k, v in demo_tables.items()}
    d = moved["deals"]
    later = d.closed_at > end
    d.loc[later, "outcome"] = np.where(d.loc[later, "outcome"] == "won", "lost", "won")
    d.loc[later, "amount"] *= 7
    moved["deals"] = d[(d.created_at <= end)]
    ld = moved["leads"]
    ld.loc[ld.mql_at > end, "mql_at"] = pd.NaT  # not yet known on the as-of date
    ld.loc[ld.sql_at > end, "sql_at"] = end + pd.Timedelta(days=400)
    moved["leads"] = ld[ld.created_at <= end]
    s = moved["subscriptions"]
    s.loc[s.started_at > end, "mrr"] *= 100
    s.loc[s.ended_at > end, "ended_at"] = s.loc[s.ended_at > end, "ended_at"] + pd.Timedelta(
        days=40
    )
    c = moved["campaigns"]
    moved["campaigns"] = c[c.started_at <= end]
    kw = {"as_of": AS_OF, "period": "month", "scopes": {"company": None, "ideal": IDEAL}}
    a = funnel(_backend(demo_tables), **kw)
    b = funnel(_backend(moved), **kw)
    pd.testing.assert_frame_equal(a, b)


# ------------------------------------------------------------------ properties
@st.composite
def _tables(draw) -> dict[str, pd.DataFrame]:
    n_acc = draw(st.integers(1, 6))
    day = st.integers(0, 120).map(lambda i: pd.Timestamp("2024-01-01") + pd.Timedelta(days=i))
    maybe_day = st.none() | day
    accounts = pd.DataFrame(
        {
            "account_id": [f"A{i}" for i in range(n_acc)],
            "industry": draw(
                st.lists(st.sampled_from(["製造業", "建設業"]), min_size=n_acc, max_size=n_acc)
            ),
            "employees": draw(st.lists(st.integers(1, 2000), min_size=n_acc, max_size=n_acc)),
        }
    )
    accs = st.sampled_from(list(accounts.account_id))
    leads = pd.DataFrame(
        draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "account_id": accs,
                        "created_at": day,
                        "mql_at": maybe_day,
                        "sql_at": maybe_day,
                        "campaign_id": st.none() | st.just("C1"),
                    }
                ),
                min_size=1,
                max_size=25,
            )
        )
    )
    deals = pd.DataFrame(
        draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "account_id": accs,
                        "created_at": day,
                        "closed_at": maybe_day,
                        "outcome": st.sampled_from(["won", "lost", "open"]),
                        "amount": st.floats(0, 1e7),
                        "kind": st.sampled_from(["new", "expansion"]),
                    }
                ),
                min_size=1,
                max_size=25,
            )
        )
    )
    subs = pd.DataFrame(
        draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "account_id": accs,
                        "started_at": day,
                        "ended_at": maybe_day,
                        "mrr": st.floats(0, 1e5),
                    }
                ),
                min_size=1,
                max_size=10,
            )
        )
    )
    campaigns = pd.DataFrame(
        {
            "campaign_id": ["C1"],
            "started_at": [pd.Timestamp("2024-01-01")],
            "ended_at": [pd.Timestamp("2024-03-31")],
            "cost": [900_000.0],
        }
    )
    for frame, cols in (
        (leads, ("created_at", "mql_at", "sql_at")),
        (deals, ("created_at", "closed_at")),
        (subs, ("started_at", "ended_at")),
        (campaigns, ("started_at", "ended_at")),
    ):
        for col in cols:
            frame[col] = pd.to_datetime(frame[col])
    return {
        "accounts": accounts,
        "leads": leads,
        "deals": deals,
        "subscriptions": subs,
        "campaigns": campaigns,
    }


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    _tables(),
    st.sampled_from(["week", "month", "quarter", "year", "fiscal_quarter", "fiscal_year"]),
    st.integers(10, 130).map(lambda i: dt.date(2024, 1, 1) + dt.timedelta(days=i)),
)
def test_funnel_invariants(tables, period: str, as_of: dt.date) -> None:
    con = _backend(tables)
    first = min(tables["leads"].created_at)
    if first > pd.Timestamp(as_of):
        # The leads are there, only later: the message names their first date.
        with pytest.raises(NotEnoughDataError, match=f"リードの開始日 {first.date()} より前"):
            funnel(con, as_of=as_of, period=period)
        return
    f = funnel(con, as_of=as_of, period=period, scopes={"company": None, "mfg": "業種 = 製造業"})
    assert (f.leads >= f.mql).all() and (f.mql >= f.sql).all()
    assert (f.won + f.lost + f.open == f.opportunities).all()
    company = f[f.scope == "company"].set_index("period")
    part = f[f.scope == "mfg"].set_index("period")
    assert (part.leads <= company.leads).all() and (part.won <= company.won).all()
    for k in KPIS.values():
        if k.formula == "rate":
            vals = f[k.name].dropna()
            assert ((vals >= 0) & (vals <= 1)).all(), k.name
    assert company.leads.sum() == sum(tables["leads"].created_at <= pd.Timestamp(as_of))


def test_period_labels() -> None:
    assert period_label(dt.date(2024, 10, 1), "quarter") == "2024-Q4"
    assert period_label(dt.date(2024, 10, 1), "month") == "2024-10"
    assert period_label(dt.date(2024, 9, 30), "week") == "2024-W40"
    assert period_label(dt.date(2024, 1, 1), "year") == "2024"
    with pytest.raises(InvalidValueError):
        funnel(None, as_of=AS_OF, period="decade")


def test_unknown_period_reads_japanese_first_with_english_alongside(demo_ws) -> None:
    with pytest.raises(InvalidValueError) as err:
        funnel(demo_ws.backend(), as_of=AS_OF, period="decade")
    assert err.value.message == "期間の単位 'decade' はありません / period 'decade' is not known"
    assert err.value.fix == (
        "week、month、quarter、year、fiscal_quarter、fiscal_year のいずれかにしてください / "
        "use week, month, quarter, year, fiscal_quarter or fiscal_year"
    )


def test_weeks_start_on_the_first_day_of_the_data() -> None:
    # The first lead is on a Sunday (2023-01-01), the last day of ISO week 2022-W52: it
    # joins the first full week, which starts on that Sunday, and no lead is left out.
    leads = pd.DataFrame(
        {
            "lead_id": [f"L{i}" for i in range(5)],
            "account_id": ["A1"] * 5,
            "created_at": pd.to_datetime(
                ["2023-01-01", "2023-01-01", "2023-01-02", "2023-01-08", "2023-01-09"]
            ),
            "mql_at": pd.NaT,
            "sql_at": pd.NaT,
            "campaign_id": None,
        }
    )
    tables = {
        "accounts": pd.DataFrame({"account_id": ["A1"], "industry": ["製造業"]}),
        "leads": leads,
        "deals": pd.DataFrame(
            {
                "deal_id": ["D1"],
                "account_id": ["A1"],
                "created_at": pd.to_datetime(["2023-01-01"]),
                "closed_at": pd.to_datetime(["2023-01-05"]),
                "outcome": ["won"],
                "amount": [100.0],
                "kind": ["new"],
            }
        ),
        # A subscription and a campaign after the as-of date: read, never counted.
        "subscriptions": pd.DataFrame(
            {
                "account_id": ["A1"],
                "started_at": pd.to_datetime(["2023-02-01"]),
                "ended_at": pd.NaT,
                "mrr": [10.0],
            }
        ),
        "campaigns": pd.DataFrame(
            {
                "campaign_id": ["C1"],
                "started_at": pd.to_datetime(["2023-02-01"]),
                "ended_at": pd.to_datetime(["2023-02-28"]),
                "cost": [900.0],
            }
        ),
    }
    con = _backend(tables)
    f = funnel(con, as_of=dt.date(2023, 1, 10), period="week")
    assert f["period"].tolist() == ["2023-W01", "2023-W02"]
    assert f["period_start"].tolist() == [dt.date(2023, 1, 1), dt.date(2023, 1, 9)]
    assert f["leads"].tolist() == [4, 1] and f["won"].tolist() == [1, 0]
    # With only the Sunday before the as-of date, that day is still the start of 2023-W01
    # (so far), as a month is named before it ends: the week keeps its name, never 2022-W52
    # (a week that began before the data).
    one = funnel(con, as_of=dt.date(2023, 1, 1), period="week")
    assert one["period"].tolist() == ["2023-W01"]
    assert one["period_start"].tolist() == [dt.date(2023, 1, 1)] and one["leads"].tolist() == [2]
    two = funnel(con, as_of=dt.date(2023, 1, 2), period="week")
    assert two["period"].tolist() == ["2023-W01"] and two["leads"].tolist() == [3]
    # A last week cut by the as-of date (Monday 9 January only) is named as the whole week.
    assert f["period"].iloc[-1] == "2023-W02" and f["leads"].iloc[-1] == 1
    # Months are calendar months as before.
    month = funnel(con, as_of=dt.date(2023, 1, 10), period="month")
    assert month["period_start"].tolist() == [dt.date(2023, 1, 1)]

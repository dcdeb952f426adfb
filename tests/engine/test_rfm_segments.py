"""Scores, segments, segment summary, transitions and subscriptions, against naive Python."""

from __future__ import annotations

import datetime as dt
import doctest
import importlib

import hypothesis.strategies as st
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from rfm_data import AS_OF, synthetic_transactions, to_table
from rfm_naive import billings, quantile_scores, summary

import rashinban.engine as engine
from rashinban import InvalidValueError
from rashinban.engine import (
    DEFAULT_SEGMENTS,
    NOT_YET_SEGMENT,
    SegmentRule,
    rfm_analysis,
    rfm_scores,
    rfm_segments,
    rfm_summary,
    rfm_summary_from_subscriptions,
    rfm_transitions,
    segment_summary,
    subscription_billings,
)

_fixture_ok = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _first_match(r: int, f: int, m: int, rules=DEFAULT_SEGMENTS) -> str:
    for rule in rules:
        if rule.matches(r, f, m):
            return rule.key
    return "other"


def test_default_rules_cover_every_cell_and_all_nine_names() -> None:
    hit = {_first_match(r, f, m) for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)}
    assert "other" not in hit
    assert hit == {s.key for s in DEFAULT_SEGMENTS}
    labels = {(s.ja, s.en) for s in DEFAULT_SEGMENTS}
    assert ("優良顧客", "Champions") in labels and ("離反", "Lost") in labels
    assert all(s.description_ja and s.description_en for s in DEFAULT_SEGMENTS)


@_fixture_ok
@given(
    values=st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 30), st.sampled_from([0.0, 10.0, 55.5, 99.0])),
        min_size=1,
        max_size=30,
    ),
    bins=st.integers(2, 7),
)
def test_quantile_scores_equal_naive(con, values, bins) -> None:
    df = pd.DataFrame(
        {
            "account_id": [f"c{i}" for i in range(len(values))],
            "frequency": [v[0] for v in values],
            "recency": [0.0] * len(values),
            "T": [float(v[1]) for v in values],
            "monetary_value": [v[2] for v in values],
        }
    )
    got = rfm_scores(to_table(con, df), bins=bins).to_pandas().set_index("account_id")
    got = got.loc[df["account_id"]]
    assert got["R"].tolist() == quantile_scores(df["T"].tolist(), bins, higher_is_better=False)
    assert got["F"].tolist() == quantile_scores(df["frequency"].tolist(), bins, True)
    assert got["M"].tolist() == quantile_scores(df["monetary_value"].tolist(), bins, True)
    assert got[["R", "F", "M"]].isin(range(1, bins + 1)).all().all()


def test_quantile_scores_are_equal_sized_on_distinct_values(con) -> None:
    n = 1000
    df = pd.DataFrame(
        {
            "account_id": [str(i) for i in range(n)],
            "frequency": list(range(n)),
            "recency": [0.0] * n,
            "T": [float(i) for i in range(n)],
            "monetary_value": [float(i) for i in range(n)],
        }
    )
    got = rfm_scores(to_table(con, df)).to_pandas()
    for col in ("R", "F", "M"):
        assert got[col].value_counts().sort_index().tolist() == [200] * 5
    # more recent (smaller time since the last purchase) scores higher
    assert got.loc[got["T"] == 0, "R"].item() == 5


def test_fixed_thresholds(con) -> None:
    df = pd.DataFrame(
        {
            "account_id": list("abcdef"),
            "frequency": [1, 2, 3, 4, 9, 10],
            "recency": [0.0] * 6,
            "T": [0.0, 30.0, 31.0, 180.0, 365.0, 366.0],
            "monetary_value": [0.0, 999.0, 1000.0, 5000.0, 9999.0, 1e6],
        }
    )
    cuts = {"R": [30, 90, 180, 365], "F": [2, 3, 5, 10], "M": [1000, 5000, 10000, 50000]}
    got = rfm_scores(to_table(con, df), method="fixed", thresholds=cuts).to_pandas()
    got = got.set_index("account_id").loc[list("abcdef")]
    assert got["R"].tolist() == [5, 5, 4, 3, 2, 1]
    assert got["F"].tolist() == [1, 2, 3, 3, 4, 5]
    assert got["M"].tolist() == [1, 1, 2, 3, 3, 5]
    assert got["RFM"].tolist()[0] == "511"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"bins": 1}, "bins"),
        ({"method": "kmeans"}, "method"),
        ({"method": "fixed"}, "needs thresholds"),
        (
            {"method": "fixed", "thresholds": {"R": [1, 2, 3, 4], "F": [1, 2], "M": [1, 2, 3, 4]}},
            "F",
        ),
        (
            {
                "method": "fixed",
                "thresholds": {"R": [4, 3, 2, 1], "F": [1, 2, 3, 4], "M": [1, 2, 3, 4]},
            },
            "ascending",
        ),
    ],
)
def test_score_errors(con, kwargs, match) -> None:
    s = rfm_summary(
        to_table(con, synthetic_transactions(1, n_customers=10)), observation_period_end=AS_OF
    )
    with pytest.raises(InvalidValueError, match=match):
        rfm_scores(s, **kwargs)


@_fixture_ok
@given(
    scores=st.lists(
        st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5), st.integers(0, 9)),
        min_size=1,
        max_size=40,
    )
)
def test_segments_follow_rules_and_shares_sum_to_one(con, scores) -> None:
    df = pd.DataFrame(
        {
            "account_id": [f"c{i}" for i in range(len(scores))],
            "R": [s[0] for s in scores],
            "F": [s[1] for s in scores],
            "M": [s[2] for s in scores],
            "frequency": [s[3] for s in scores],
            "monetary_value": [float(s[3] * 10) for s in scores],
        }
    )
    seg = rfm_segments(to_table(con, df))
    got = seg.to_pandas().set_index("account_id").loc[df["account_id"]]
    assert got["segment"].tolist() == [_first_match(*s[:3]) for s in scores]
    ja = {s.key: s.ja for s in DEFAULT_SEGMENTS}
    assert all(ja[k] == v for k, v in zip(got["segment"], got["segment_ja"], strict=True))
    summ = segment_summary(seg).to_pandas().set_index("segment")
    assert summ["share"].sum() == pytest.approx(1.0)
    assert summ["customers"].sum() == len(scores)
    revenue = (df["frequency"] * df["monetary_value"]).sum()
    assert summ["revenue"].sum() == pytest.approx(revenue)
    assert summ["revenue_share"].sum() == pytest.approx(1.0 if revenue > 0 else 0.0)
    for key, row in summ.iterrows():
        mine = got[got["segment"] == key]
        assert row["customers"] == len(mine)
        assert row["mean_R"] == pytest.approx(mine["R"].mean())
        assert row["mean_M"] == pytest.approx(mine["M"].mean())


def test_custom_rules_and_unmatched_customers(con) -> None:
    df = pd.DataFrame({"R": [5, 1], "F": [5, 1], "M": [5, 1]})
    rules = [SegmentRule("vip", "VIP", "VIP", r=(5, 5), f=(5, 5), m=(5, 5))]
    got = rfm_segments(to_table(con, df), rules).to_pandas()
    assert got["segment"].tolist() == ["vip", "other"]
    assert got["segment_ja"].tolist() == ["VIP", "その他"]
    with pytest.raises(InvalidValueError, match="more than once"):
        rfm_segments(to_table(con, df), rules * 2)
    with pytest.raises(InvalidValueError, match="empty range"):
        rfm_segments(to_table(con, df), [SegmentRule("x", "x", "x", r=(4, 2))])
    with pytest.raises(InvalidValueError, match="lacks column"):
        rfm_segments(to_table(con, df.drop(columns="M")))
    with pytest.raises(InvalidValueError, match="revenue"):
        segment_summary(rfm_segments(to_table(con, df)), revenue_col="revenue")


def _naive_segments(df: pd.DataFrame, end: dt.date) -> dict[str, str]:
    rows = list(zip(df["account_id"], df["ordered_at"], df["amount"], strict=True))
    s = summary(rows, end, include_first=True)
    ids = sorted(s)
    r = quantile_scores([s[c]["T"] - s[c]["recency"] for c in ids], 5, False)
    f = quantile_scores([s[c]["frequency"] for c in ids], 5, True)
    m = quantile_scores([s[c]["monetary_value"] for c in ids], 5, True)
    return {c: _first_match(r[i], f[i], m[i]) for i, c in enumerate(ids)}


def test_analysis_equals_naive_pipeline(con) -> None:
    df = synthetic_transactions(21, n_customers=300, with_time=False)
    got = rfm_analysis(to_table(con, df), observation_period_end=AS_OF).to_pandas()
    assert dict(zip(got["account_id"], got["segment"], strict=True)) == _naive_segments(df, AS_OF)
    assert got["segment"].nunique() >= 6


@_fixture_ok
@given(seed=st.integers(0, 10_000), gap=st.integers(1, 200))
def test_transitions_row_sums_equal_segment_sizes(con, seed, gap) -> None:
    df = synthetic_transactions(seed, n_customers=60)
    table = to_table(con, df)
    a = AS_OF - dt.timedelta(days=gap)
    m = rfm_transitions(table, a, AS_OF).to_pandas()
    at_a = rfm_analysis(table, observation_period_end=a).to_pandas()["segment"].value_counts()
    at_b = rfm_analysis(table, observation_period_end=AS_OF).to_pandas()["segment"].value_counts()
    rows = m.groupby("segment_a")["customers"].sum()
    for seg, n in at_a.items():
        assert rows[seg] == n
    cols = m.groupby("segment_b")["customers"].sum()
    assert cols.sort_index().to_dict() == at_b.sort_index().to_dict()
    new = (df["ordered_at"].dt.date <= AS_OF).groupby(df["account_id"]).any().sum() - at_a.sum()
    assert rows.get(NOT_YET_SEGMENT.key, 0) == new


def test_transitions_equal_naive_pairs(con) -> None:
    df = synthetic_transactions(5, n_customers=200, with_time=False)
    a = dt.date(2024, 3, 31)
    m = rfm_transitions(to_table(con, df), a, AS_OF).to_pandas()
    sa, sb = _naive_segments(df, a), _naive_segments(df, AS_OF)
    pairs: dict[tuple[str, str], int] = {}
    for cid, seg in sb.items():
        key = (sa.get(cid, "not_yet"), seg)
        pairs[key] = pairs.get(key, 0) + 1
    got = {(r.segment_a, r.segment_b): r.customers for r in m.itertuples()}
    assert got == pairs
    assert set(m.loc[m["segment_a"] == "not_yet", "segment_a_ja"]) == {"未獲得"}
    with pytest.raises(InvalidValueError, match="not after"):
        rfm_transitions(to_table(con, df), AS_OF, a)


def _subs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "subscription_id": ["s1", "s2", "s3", "s4", "s5", "s6"],
            "account_id": ["a", "a", "b", "c", "d", "e"],
            "mrr": [1000.0, 500.0, 20000.0, 300.0, 800.0, 50.0],
            "started_at": pd.to_datetime(
                ["2023-01-31", "2024-02-15", "2023-11-30", "2024-09-30", "2024-10-01", "2022-05-10"]
            ),
            "ended_at": pd.to_datetime(
                [None, "2024-06-15", "2024-03-01", None, None, "2022-05-11"]
            ),
        }
    )


def test_subscription_billings_equal_naive(con) -> None:
    subs = _subs()
    got = subscription_billings(to_table(con, subs), observation_period_end=AS_OF).to_pandas()
    got = sorted(zip(got["account_id"], got["billed_at"].dt.date, got["amount"], strict=True))
    rows = [
        (
            r.account_id,
            r.mrr,
            r.started_at.date(),
            None if pd.isna(r.ended_at) else r.ended_at.date(),
        )
        for r in subs.itertuples()
    ]
    assert got == sorted(billings(rows, AS_OF))
    # 2023-11-30 start: February bills on the 29th (leap year); ends before 2024-03-01
    assert ("b", dt.date(2024, 2, 29), 20000.0) in got and len([g for g in got if g[0] == "b"]) == 4


@pytest.mark.parametrize("unit", ["M", "D"])
def test_subscription_summary_equals_naive(con, unit) -> None:
    subs = _subs()
    rows = [
        (
            r.account_id,
            r.mrr,
            r.started_at.date(),
            None if pd.isna(r.ended_at) else r.ended_at.date(),
        )
        for r in subs.itertuples()
    ]
    ref = summary(billings(rows, AS_OF), AS_OF, unit)
    got = rfm_summary_from_subscriptions(
        to_table(con, subs), observation_period_end=AS_OF, time_unit=unit
    ).to_pandas()
    got = got.set_index("account_id").sort_index()
    assert list(got.index) == sorted(ref)
    for c in ("frequency", "recency", "T", "monetary_value"):
        assert got[c].tolist() == pytest.approx([ref[k][c] for k in sorted(ref)])
    if unit == "M":  # 'a': Jan 2023 … Sep 2024 monthly, plus a second plan Feb–Jun 2024
        assert got.loc["a", "frequency"] == 20 and got.loc["e", "frequency"] == 0


MODULES = ["_asof", "_periods", "_rfm", "_scores", "_segments", "_subscriptions", "_transitions"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name) -> None:
    module = importlib.import_module(f"rashinban.engine.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_public_surface_is_pinned() -> None:
    assert engine.__all__ == sorted(engine.__all__, key=lambda n: (not n.isupper(), n))
    assert {n for n in engine.__all__ if not n[0].isupper()} == {
        "account_facts",
        "check_as_of",
        "data_end_date",
        "data_span",
        "first_date",
        "name_column",
        "name_rows",
        "names_of",
        "profile",
        "profile_table",
        "rfm_analysis",
        "rfm_scores",
        "rfm_segments",
        "rfm_summary",
        "rfm_summary_from_subscriptions",
        "rfm_transitions",
        "segment_summary",
        "subscription_billings",
        "to_frame",
        "values_of",
    }
    for name in engine.__all__:
        assert getattr(engine, name) is not None

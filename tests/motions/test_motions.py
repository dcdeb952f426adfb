"""Three motions on the demo, the pipeline analyses, the report sections and the CLI commands."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rashinban import Workspace, open_workspace
from rashinban._errors import InvalidValueError
from rashinban.churn import churn_watchlist
from rashinban.cli import app
from rashinban.crosssell import recommend, upsell_signals
from rashinban.demo import PLANTED
from rashinban.motions import segment_filter, three_motions

AS_OF = dt.date(2025, 12, 29)
IDEAL = [
    {"column": "industry", "op": "in", "values": list(PLANTED.ideal.industries)},
    {
        "column": "employees",
        "op": "between",
        "low": PLANTED.ideal.employees_low,
        "high": PLANTED.ideal.employees_high,
    },
]


@pytest.fixture(scope="module")
def parts(demo_ws: Workspace):  # type: ignore[no-untyped-def]
    be = demo_ws.backend()
    out = {
        "backend": be,
        "watchlist": churn_watchlist(be, AS_OF),
        "recommendations": recommend(be, AS_OF),
        "upsell": upsell_signals(be, AS_OF),
    }
    yield out
    be.disconnect()


def _motions(parts, segment=None) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    kw = {k: v for k, v in parts.items() if k != "backend"}
    return three_motions(parts["backend"], AS_OF, segment=segment, **kw).set_index("motion")


def test_counts_equal_a_naive_count(parts, demo_tables: dict[str, pd.DataFrame]) -> None:  # type: ignore[no-untyped-def]
    got = _motions(parts, IDEAL)
    acc = demo_tables["accounts"]
    members = set(acc.loc[PLANTED.ideal.mask(acc), "account_id"])
    ts = pd.Timestamp(AS_OF)
    subs, orders = demo_tables["subscriptions"], demo_tables["orders"]
    running = subs[
        (pd.to_datetime(subs.started_at) <= ts)
        & (subs.ended_at.isna() | (pd.to_datetime(subs.ended_at) > ts))
    ]
    od = pd.to_datetime(orders.ordered_at)
    recent = orders[(od <= ts) & (od > ts - pd.Timedelta(days=365))]
    buyers = set(running.account_id) | set(recent.account_id)
    created = pd.to_datetime(acc.created_at) <= ts
    prospects = set(acc.loc[created, "account_id"]) & members - buyers
    assert got.loc["new", "accounts"] == len(prospects)
    w = parts["watchlist"]
    alerted = set(w.loc[w["alert"], "account_id"]) & members
    assert got.loc["defend", "accounts"] == len(alerted)
    assert got.loc["defend", "revenue"] == pytest.approx(
        w.loc[w["account_id"].isin(alerted), "revenue_at_risk"].sum()
    )
    assert (got["revenue"] >= 0).all()


def test_planted_ideal_segment_is_worth_more_per_prospect(parts) -> None:  # type: ignore[no-untyped-def]
    ideal = _motions(parts, IDEAL)
    other = _motions(parts, lambda t: ~segment_filter(t, IDEAL))
    per_ideal = ideal.loc["new", "revenue"] / ideal.loc["new", "accounts"]
    per_other = other.loc["new", "revenue"] / other.loc["new", "accounts"]
    print(f"\nexpected new revenue per prospect: ideal {per_ideal:,.0f} vs other {per_other:,.0f}")
    assert per_ideal > 1.5 * per_other
    whole = _motions(parts)
    for m in ("new", "defend"):
        assert whole.loc[m, "accounts"] == ideal.loc[m, "accounts"] + other.loc[m, "accounts"]


def test_rule_text_conditions_and_callable_agree(parts) -> None:  # type: ignore[no-untyped-def]
    text = "業種 in [製造業, 情報通信業] and 従業員数 between 100 and 999"
    by_rule = _motions(parts, text)
    by_cond = _motions(parts, IDEAL)
    pd.testing.assert_frame_equal(by_rule, by_cond)


def test_bad_segment_condition_names_the_fix(parts) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidValueError, match="use one of"):
        _motions(parts, [{"column": "業種", "op": "in", "values": ["x"]}])
    with pytest.raises(InvalidValueError, match="between"):
        _motions(parts, [{"column": "industry", "op": "like", "values": ["x"]}])


def test_segment_condition_errors_read_japanese_first(parts) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidValueError) as column:
        _motions(parts, [{"column": "業種", "op": "in", "values": ["x"]}])
    assert column.value.message == (
        "セグメント条件の列 '業種' は取引先にありません / "
        "segment condition names column '業種', which accounts does not have"
    )
    assert column.value.fix is not None
    assert column.value.fix.startswith("次のいずれかを使ってください / use one of: account_id")
    with pytest.raises(InvalidValueError) as op:
        _motions(parts, [{"column": "industry", "op": "like", "values": ["x"]}])
    assert op.value.message == (
        "セグメント条件の演算子 'like' には対応していません / "
        "segment condition op 'like' is not supported"
    )
    assert op.value.fix == (
        '"in" (values と) か "between" (low/high と) を使ってください / '
        'use "in" (with values) or "between" (with low/high)'
    )


def test_pipeline_stores_results_and_report_shows_them(demo_ws: Workspace, tmp_path: Path) -> None:
    from rashinban.pipeline import analyze
    from rashinban.report import build_report

    shutil.copytree(demo_ws.path, tmp_path / "ws")
    ws = open_workspace(tmp_path / "ws")
    run = analyze(ws, as_of=AS_OF, only=["churn", "crosssell", "motions"])
    assert not run.failures, run.failures
    for name in ("churn", "crosssell", "motions"):
        print(f"\n{name}: {run.results[name].summary['headline_en']} ({run.seconds[name]:.1f}s)")
        assert run.results[name].summary["headline_ja"]
    # Counts of a thousand or more are grouped by thousands, in both languages.
    motions = run.results["motions"].summary
    new = motions["new"]["accounts"]
    assert new >= 1000
    assert f"新規 {new:,}社" in motions["headline_ja"]
    assert f"new {new:,} /" in motions["headline_en"]
    val = run.results["churn"].summary["validation"]
    assert val["auc"] > val["auc_rule"]
    page_ja = build_report(ws)
    for text in ("解約予兆", "ウォッチリスト", "提案の上位", "新規・深耕・防衛", "ヒット率@3"):
        assert text in page_ja
    page = build_report(ws, lang="en")
    for text in (
        "Watchlist",
        "Distribution of churn risk",
        "Days from first alert",
        "Top recommendations",
        "New, expand, defend",
    ):
        assert text in page


def test_cli_json_follows_the_contract(demo_ws: Workspace) -> None:
    runner = CliRunner()
    w = ["-w", str(demo_ws.path), "--as-of", str(AS_OF), "-f", "json"]
    res = runner.invoke(app, ["churn", *w])
    assert res.exit_code == 0, res.output
    accounts = json.loads(res.stdout)["accounts"]
    risks = [a["risk"] for a in accounts]
    assert risks == sorted(risks, reverse=True)
    assert all(0 <= r <= 1 for r in risks)
    assert all(
        isinstance(a["reasons"], list) and isinstance(a["account_id"], str) for a in accounts
    )
    res = runner.invoke(app, ["crosssell", *w, "--lang", "en"])
    assert res.exit_code == 0, res.output
    recs = json.loads(res.stdout)["recommendations"]
    assert recs and {"account_id", "product_id", "score", "reason"} <= set(recs[0])
    assert all(r["reason"].isascii() or "%" in r["reason"] for r in recs[:20])
    one = recs[0]["account_id"]
    res = runner.invoke(app, ["crosssell", *w, "--account", one])
    assert res.exit_code == 0 and {
        r["account_id"] for r in json.loads(res.stdout)["recommendations"]
    } == {one}
    res = runner.invoke(app, ["crosssell", *w, "--account", "NOPE"])
    assert res.exit_code == 1 and "no such account_id" in str(res.exception)
    res = runner.invoke(app, ["crosssell", *w, "--lang", "fr"])
    assert res.exit_code == 2 and "fr" in res.output
    res = runner.invoke(app, ["motions", *w, "--industry", "製造業"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["motions"]
    assert [r["motion"] for r in rows] == ["new", "expand", "defend"]
    res = runner.invoke(app, ["motions", *w, "--rule", "業種 = 製造業"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["motions"] == rows


def test_no_churn_history_leaves_defend_empty(parts) -> None:  # type: ignore[no-untyped-def]
    from rashinban.churn import WATCHLIST_COLUMNS

    empty = pd.DataFrame(columns=list(WATCHLIST_COLUMNS))
    got = three_motions(
        parts["backend"],
        AS_OF,
        watchlist=empty,
        recommendations=parts["recommendations"],
        upsell=parts["upsell"].iloc[0:0],
    ).set_index("motion")
    assert got.loc["defend", "accounts"] == 0 and got.loc["defend", "revenue"] == 0
    assert got.loc["expand", "accounts"] > 0


def test_motions_without_churn_history_still_count_new_and_expand(
    tmp_path: Path, demo_tables: dict[str, pd.DataFrame]
) -> None:
    from rashinban import init_workspace
    from rashinban.importing import load_frames

    ws = init_workspace(tmp_path / "ws")
    load_frames(ws, {k: demo_tables[k] for k in ("products", "accounts", "leads", "deals")})
    out = CliRunner().invoke(
        app, ["motions", "-w", str(ws.path), "--as-of", str(AS_OF), "-f", "json"]
    )
    assert out.exit_code == 0, out.output
    rows = {r["motion"]: r for r in json.loads(out.output)["motions"]}
    assert rows["defend"]["accounts"] == 0 and rows["new"]["accounts"] > 0

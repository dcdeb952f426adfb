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
from rashinban.crosssell import MIN_EVIDENCE, SIZE_BANDS, recommend, upsell_signals
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


def _naive_prospects(tables: dict[str, pd.DataFrame]) -> set[str]:
    """Accounts that never subscribed, ordered or won a new deal by AS_OF (plain pandas)."""
    ts = pd.Timestamp(AS_OF)
    acc, subs, orders, deals = (tables[k] for k in ("accounts", "subscriptions", "orders", "deals"))
    bought = set(subs.loc[pd.to_datetime(subs.started_at) <= ts, "account_id"])
    bought |= set(orders.loc[pd.to_datetime(orders.ordered_at) <= ts, "account_id"])
    won = (deals.kind == "new") & (deals.outcome == "won")
    bought |= set(deals.loc[won & (pd.to_datetime(deals.closed_at) <= ts), "account_id"])
    created = pd.to_datetime(acc.created_at) <= ts
    return set(acc.loc[created, "account_id"]) - bought


def _naive_new_revenue(tables: dict[str, pd.DataFrame], ids: set[str]) -> float:
    """Σ over prospects of their industry x size cell's shrunk win rate x median won amount."""
    ts = pd.Timestamp(AS_OF)
    acc = tables["accounts"].set_index("account_id")
    emp = acc["employees"].astype("Float64")
    band = pd.Series("不明", index=acc.index, dtype=object)
    for low, label in SIZE_BANDS:
        band[(emp >= low).fillna(False).to_numpy(dtype=bool)] = label
    cell = acc["industry"].fillna("不明") + "|" + band
    d = tables["deals"]
    d = d[
        (d.kind == "new") & d.outcome.isin(["won", "lost"]) & (pd.to_datetime(d.closed_at) <= ts)
    ].assign(cell=lambda f: f["account_id"].map(cell))
    won = d[d.outcome == "won"]
    p0, amount0 = len(won) / len(d), won["amount"].median()
    total = 0.0
    for account in ids:
        c = cell[account]
        n, w = int((d["cell"] == c).sum()), won[won["cell"] == c]
        rate = (len(w) + 20 * p0) / (n + 20)
        total += rate * (w["amount"].median() if len(w) >= MIN_EVIDENCE else amount0)
    return total


def test_counts_equal_a_naive_count(parts, demo_tables: dict[str, pd.DataFrame]) -> None:  # type: ignore[no-untyped-def]
    got = _motions(parts, IDEAL)
    acc = demo_tables["accounts"]
    members = set(acc.loc[PLANTED.ideal.mask(acc), "account_id"])
    prospects = _naive_prospects(demo_tables) & members
    assert got.loc["new", "accounts"] == len(prospects)
    everyone = _motions(parts)
    assert everyone.loc["new", "accounts"] == len(_naive_prospects(demo_tables))
    assert got.loc["new", "revenue"] == pytest.approx(_naive_new_revenue(demo_tables, prospects))
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


def test_segment_amounts_add_up_to_the_whole(parts, demo_tables) -> None:  # type: ignore[no-untyped-def]
    """Every industry (and the accounts without one) partition the company: each motion's
    accounts and amount over the parts sum to the whole's (a prospect is worth the same in
    its industry's row as in the total)."""
    whole = _motions(parts)
    industries = demo_tables["accounts"]["industry"].dropna().unique()
    rows = [
        _motions(parts, [{"column": "industry", "op": "in", "values": [i]}]) for i in industries
    ]
    if demo_tables["accounts"]["industry"].isna().any():
        rows.append(_motions(parts, lambda t: t.industry.isnull()))
    for m in ("new", "expand", "defend"):
        assert sum(int(r.loc[m, "accounts"]) for r in rows) == whole.loc[m, "accounts"]
        total = sum(float(r.loc[m, "revenue"]) for r in rows)
        assert total == pytest.approx(whole.loc[m, "revenue"], rel=1e-9)
    assert whole.loc["new", "revenue_label_ja"] == "期待売上"
    assert whole.loc["expand", "revenue_label_en"] == "expansion potential"
    assert whole.loc["defend", "revenue_label_ja"] == "リスク金額"
    assert whole.loc["expand", "definition_ja"] == (
        "提案スコア0.3以上のクロスセルかアップセルのシグナルがある現在の顧客"
    )


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
    assert f"new {new:,} accounts /" in motions["headline_en"]
    # Each count says who it is, where it is shown: the cross-sell count (current customers
    # with an offer) and the expand count (a subset: strong offers or up-sell signals).
    cross = run.results["crosssell"].summary
    assert cross["accounts"] <= cross["customers"]
    assert cross["headline_ja"].startswith(
        f"クロスセル提案 {cross['accounts']:,}社（現在の顧客{cross['customers']:,}社のうち"
    )
    expand = motions["expand"]["accounts"]
    assert expand < cross["accounts"]
    assert f"深耕 {expand:,}社（提案スコア0.3以上かアップセルのシグナル）" in motions["headline_ja"]
    assert (
        f"expand {expand:,} accounts (offer score 0.3+ or up-sell signal)"
        in (motions["headline_en"])
    )
    val = run.results["churn"].summary["validation"]
    assert val["auc"] > val["auc_rule"]
    page_ja = build_report(ws)
    for text in (
        "解約予兆",
        "ウォッチリスト",
        "提案の上位",
        "新規・深耕・防衛",
        "ヒット率@3",
        "人気順（比較の基準）",
        "新規 期待売上（年）",
        "深耕 想定拡大額（年）",
        "防衛 リスク金額（年）",
        "深耕: 提案スコア0.3以上のクロスセルかアップセルのシグナルがある現在の顧客",
    ):
        assert text in page_ja
    page = build_report(ws, lang="en")
    for text in (
        "Watchlist",
        "Distribution of churn risk",
        "Days from first alert",
        "Top recommendations",
        "New, expand, defend",
        "most popular (baseline)",
        "rules and segment blended (shipped)",
        "New expected revenue / yr",
        "Expand expansion potential / yr",
        "Defend revenue at risk / yr",
    ):
        assert text in page
    # The validation table names methods, not internal ids.
    for page_text in (page_ja, page):
        for method in ("blend", "popularity", "similarity"):
            assert f"<td>{method}</td>" not in page_text


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
    assert rows["new"]["accounts"] > 0 and rows["new"]["computed"] is True
    # No churn model could be built: not 0 at risk, but no number and the reason.
    defend = rows["defend"]
    assert defend["computed"] is False
    assert defend["accounts"] is None and defend["revenue"] is None
    assert defend["revenue_label"] == "リスク金額"
    assert "契約中の顧客がいません" in defend["reason"]
    assert " / " not in defend["reason"]  # one language: the display language


def test_a_company_without_won_new_deals_gets_no_expected_revenue_but_the_reason(
    tmp_path: Path, demo_tables: dict[str, pd.DataFrame]
) -> None:
    from rashinban import init_workspace
    from rashinban.importing import load_frames

    ws = init_workspace(tmp_path / "ws")
    load_frames(ws, {k: demo_tables[k] for k in ("products", "accounts", "orders")})
    for lang, words in (("ja", "受注した新規商談がまだなく"), ("en", "no new deal won yet")):
        out = CliRunner().invoke(
            app,
            ["motions", "-w", str(ws.path), "--as-of", str(AS_OF), "-f", "json", "--lang", lang],
        )
        assert out.exit_code == 0, out.output
        new = {r["motion"]: r for r in json.loads(out.output)["motions"]}["new"]
        # not "prospects worth ¥0": no number, and why
        assert new["computed"] is False
        assert new["accounts"] is None and new["revenue"] is None
        assert new["reason"].startswith(words)


def test_unknown_industry_is_an_error_naming_the_candidates(demo_ws: Workspace) -> None:
    res = CliRunner().invoke(
        app, ["motions", "-w", str(demo_ws.path), "--as-of", str(AS_OF), "--industry", "存在しない"]
    )
    assert res.exit_code == 1
    message = str(res.exception)
    assert message.startswith("業種 '存在しない' に該当する取引先が0社です（候補: 製造業, ")
    assert " / no account has industry '存在しない' (candidates: 製造業, " in message


def test_tiny_data_says_what_it_cannot_compute(tiny_ws: Workspace, tmp_path: Path) -> None:
    from rashinban.pipeline import analyze
    from rashinban.report import build_report

    shutil.copytree(tiny_ws.path, tmp_path / "ws")
    ws = open_workspace(tmp_path / "ws")
    runner = CliRunner()
    w = ["motions", "-w", str(ws.path)]
    res = runner.invoke(app, [*w, "-f", "json", "--lang", "en"])
    assert res.exit_code == 0, res.output
    rows = {r["motion"]: r for r in json.loads(res.stdout)["motions"]}
    assert rows["new"]["accounts"] == 1 and rows["new"]["revenue_label"] == "expected revenue"
    for m in ("expand", "defend"):
        assert rows[m]["computed"] is False and rows[m]["accounts"] is None
    assert rows["expand"]["reason"].startswith("not enough data for an offer: 4 current customers")
    assert rows["defend"]["reason"].startswith("no customer was active in the 720 days")
    res = runner.invoke(app, [*w])
    assert res.exit_code == 0, res.output
    assert "算出できません:" in res.stdout and "期待売上" in res.stdout
    run = analyze(ws, only=["churn", "crosssell", "motions"])
    assert set(run.failures) == {"churn", "crosssell"}
    table = run.results["motions"].tables["motions"]
    new = table[table["motion"] == "new"].set_index("scope")
    # The one prospect (T4, 情報通信業) is worth the same in its industry's row as in the total.
    assert new.loc["全体", "revenue"] == pytest.approx(new.loc["情報通信業", "revenue"])
    assert new.loc["全体", "accounts"] == new.loc["情報通信業", "accounts"] == 1
    # Company win rate 3 of 4, its cell 0 of 1, shrunk with 20 deals of prior:
    # (0 + 20 x 0.75) / (1 + 20) x median won amount 800,000.
    assert new.loc["全体", "revenue"] == pytest.approx(15 / 21 * 800_000)
    summary = run.results["motions"].summary
    assert summary["headline_ja"] == "新規 1社 / 深耕 算出できません / 防衛 算出できません"
    assert summary["defend"]["computed"] is False and summary["defend"]["accounts"] is None
    page = build_report(ws)
    assert "防衛: 算出できません: " in page and "深耕: 算出できません: 提案の根拠" in page
    assert "n/a: no customer was active" in build_report(ws, lang="en")


def test_as_of_reads_a_timestamp_and_refuses_junk(demo_ws: Workspace) -> None:
    # Every public as-of takes a date, datetime, Timestamp or ISO text alike; junk text is a
    # clear error naming as_of, not a raw ValueError.
    be = demo_ws.backend(read_only=True)
    by_date = recommend(be, AS_OF)
    by_stamp = recommend(be, pd.Timestamp(AS_OF))
    pd.testing.assert_frame_equal(by_date, by_stamp)
    seg = [{"column": "industry", "op": "in", "values": ["製造業"]}]
    a = three_motions(be, AS_OF, segment=seg)
    b = three_motions(be, dt.datetime(2025, 12, 29, 15, 0), segment=seg)
    pd.testing.assert_frame_equal(a, b)
    for call in (lambda: recommend(be, "junk"), lambda: three_motions(be, "2025-13-01")):
        with pytest.raises(InvalidValueError, match=r"as_of = '.*' は日付ではありません"):
            call()

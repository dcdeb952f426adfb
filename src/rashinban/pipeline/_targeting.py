"""Pipeline analyses of who to target: ``icp``, ``segments`` (with competitors and
adjacent opportunities) and ``score``. Result tables hold JSON text where a cell
is a list (conditions, reasons), so every engine can store them.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd

from rashinban._labels import count_en, value_label
from rashinban.engine import account_facts
from rashinban.icp import deal_features
from rashinban.icp._runs import icp_rules, score_workspace
from rashinban.pipeline._registry import AnalysisResult, Context
from rashinban.segments import parse_rule
from rashinban.targeting import (
    adjacent_opportunities,
    cluster_accounts,
    competitor_table,
    grid_segments,
    segment_attractiveness,
)

__all__ = ["run_icp", "run_score", "run_segments"]

#: Days of recent deals that adjacent opportunities are judged on.
RECENT_DAYS = 365


def _json_cells(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    out = frame.copy()
    for c in columns:
        if c in out:
            out[c] = [json.dumps(v, ensure_ascii=False, default=str) for v in out[c]]
    return out


def _value_column(ctx: Context, facts: pd.DataFrame) -> str:
    """Value per account: realised revenue, plus the CLV analysis's prediction when it ran.

    Lifetime value = what the account has paid so far + what the CLV model
    expects over its horizon; the prediction alone would rank a new large
    customer above a loyal long-standing one.
    """
    clv = ctx.results.get("clv")
    frame = clv.tables.get("customers") if clv is not None else None
    if frame is None or "clv" not in frame or frame["clv"].notna().sum() == 0:
        return "revenue"
    values = frame.set_index("account_id")["clv"]
    predicted = facts["account_id"].map(values).astype(float).fillna(0.0)
    facts["clv"] = facts["revenue"].astype(float) + predicted
    return "clv"


def run_icp(ctx: Context) -> AnalysisResult:
    facts = account_facts(ctx.backend, ctx.as_of).execute()
    # "high value" in the ICP outcome is realised revenue by default: on the demo the
    # forward-looking CLV prediction is dominated by company size and hides the
    # industry effect; ctx.params["icp_value"] = "clv" switches to lifetime value.
    reported = _value_column(ctx, facts)
    basis = "clv" if ctx.params.get("icp_value") == "clv" and reported == "clv" else "revenue"
    res = icp_rules(
        ctx.backend, ctx.as_of, facts=facts, value_column=basis, report_value_column=reported
    )
    rules = res.rules
    top = rules.iloc[0] if len(rules) else None
    summary = {
        "outcome": res.outcome,
        "outcome_ja": res.settings["outcome_ja"],
        "outcome_en": res.settings["outcome_en"],
        "base_rate": res.base_rate,
        "value_basis": res.settings.get("value_column", "revenue"),
        "accounts": res.n,
        "settings": {k: v for k, v in res.settings.items() if not k.startswith("outcome")},
    }
    if top is not None:
        summary["headline_ja"] = (
            f"ICP: {top.description_ja}(該当{top.support:,}社、リフト{top.lift:.1f}倍)"
        )
        summary["headline_en"] = (
            f"ICP: {top.description_en} ({count_en(int(top.support), 'account')}, "
            f"lift {top.lift:.1f}×)"
        )
    return AnalysisResult({"rules": _json_cells(rules, "conditions")}, summary)


def run_segments(ctx: Context) -> AnalysisResult:
    facts = account_facts(ctx.backend, ctx.as_of).execute()
    value_column = _value_column(ctx, facts)
    segs: dict[str, Any] = {}
    kinds: dict[str, str] = {}
    icp = ctx.results.get("icp")
    target: list[dict] | None = None
    if icp is not None and len(icp.tables["rules"]):
        for i, row in icp.tables["rules"].head(3).iterrows():
            name = f"ICP{i + 1}"
            segs[name] = json.loads(row["conditions"])
            kinds[name] = "icp"
        target = segs["ICP1"]
    for name, conds in grid_segments(facts).items():
        segs[name] = conds
        kinds[name] = "grid"
    # user-defined rule segments (segment rule language): the workspace's [segments]
    # table in rashinban.toml, plus any passed in (e.g. from a target definition)
    user = {**dict(ctx.ws.config.get("segments", {})), **dict(ctx.params.get("segments", {}))}
    for name, text in user.items():
        segs[name] = parse_rule(text)
        kinds[name] = "rule"
    clusters = cluster_accounts(facts)
    facts["cluster"] = [f"C{k + 1}" for k in clusters.labels]
    for c in clusters.descriptions["cluster"]:
        segs[c] = [{"column": "cluster", "op": "in", "values": [c]}]
        kinds[c] = "cluster"
    table = segment_attractiveness(facts, segs, ctx.as_of, value_column=value_column)
    table.insert(1, "kind", table["name"].map(kinds))
    cdesc = clusters.descriptions.set_index("cluster")
    is_cluster = table["kind"] == "cluster"
    table.loc[is_cluster, "definition"] = table.loc[is_cluster, "name"].map(cdesc["description_ja"])
    table.loc[is_cluster, "definition_en"] = table.loc[is_cluster, "name"].map(
        cdesc["description_en"]
    )
    tables = {
        "attractiveness": _json_cells(table, "conditions"),
        "clusters": clusters.descriptions,
    }
    # segment membership of a deal is its account's (ICP rules speak of account columns)
    deals = deal_features(ctx.backend, ctx.as_of)[
        ["deal_id", "account_id", "competitor", "outcome", "loss_reason"]
    ].merge(facts, on="account_id", how="left")
    comp_segs = {"ICP1": target} if target else {}
    tables["competitors"] = competitor_table(deals, comp_segs)
    summary: dict = {
        "weights": table.attrs["weights"],
        "overall": table.attrs["overall"],
        "value_basis": value_column,
        "k_clusters": clusters.k,
        "silhouettes": {str(k): v for k, v in clusters.silhouettes.items()},
    }
    if target:
        since = ctx.as_of - dt.timedelta(days=RECENT_DAYS)
        recent = account_facts(ctx.backend, ctx.as_of, since=since).execute()
        adj = adjacent_opportunities(recent, target, ctx.as_of, since=since)
        tables["adjacent"] = _json_cells(adj, "conditions")
        flagged = adj[adj["flagged"]]
        summary["adjacent_since"] = since.isoformat()
        summary["adjacent_flagged"] = flagged["name"].tolist()
    best = table.iloc[0]
    flagged_names = summary.get("adjacent_flagged", [])[:3]
    adjacent = {lang: [str(value_label(a, lang)) for a in flagged_names] for lang in ("ja", "en")}
    known = best.win_rate == best.win_rate  # NaN where no deal of the segment has closed
    rate_ja = f"受注率{best.win_rate:.0%}" if known else "受注率はデータ不足"
    rate_en = f"win rate {best.win_rate:.0%}" if known else "win rate: not enough data"
    summary["headline_ja"] = (
        f"最も魅力的なセグメント: {best['name']}"
        f"({rate_ja}、魅力度{best.attractiveness:.2f})"
        + (f" / 隣接機会: {', '.join(adjacent['ja'])}" if flagged_names else "")
    )
    summary["headline_en"] = (
        f"Most attractive segment: {value_label(best['name'], 'en')} "
        f"({rate_en}, index {best.attractiveness:.2f})"
        + (f" / adjacent: {', '.join(adjacent['en'])}" if flagged_names else "")
    )
    return AnalysisResult(tables, summary)


def run_score(ctx: Context) -> AnalysisResult:
    run = score_workspace(ctx.backend, ctx.as_of)
    m = run.metrics.set_index("model")
    fit, nb, rule = (m.loc[k] for k in ("fit", "naive_bayes", "best_rule"))
    summary = {
        "cut": run.cut.isoformat(),
        "model_ids": run.model_ids,
        "fallback": run.fallback,
        "best_rule": run.best_rule,
        "metrics": run.metrics.to_dict(orient="records"),
        "headline_ja": (
            f"適合スコア: AUC {fit.auc:.3f}(ナイーブベイズ {nb.auc:.3f}、"
            f"単一ルール {rule.auc:.3f})、上位10%リフト {fit.top_decile_lift:.2f}倍"
        ),
        "headline_en": (
            f"Fit score: AUC {fit.auc:.3f} (naive Bayes {nb.auc:.3f}, "
            f"single rule {rule.auc:.3f}), top-decile lift {fit.top_decile_lift:.2f}×"
        ),
    }
    # The baselines can win the time split on a small or shifting history: the scores
    # are then indicative (``rashinban score`` shows the headline as its note).
    summary["indicative"] = bool(fit.auc < max(nb.auc, rule.auc))
    if summary["indicative"]:
        # Say it where people read it, with the interval that shows how much the test tells.
        n, low, high = int(fit.n), fit.auc_low, fit.auc_high
        summary["headline_ja"] += (
            f"。検証({n:,}件、AUCの95%区間 {low:.2f}〜{high:.2f})では比較モデルを上回って"
            "いません: スコアは参考値です"
        )
        summary["headline_en"] += (
            f". It does not beat the baselines on the time split ({n:,} deals, AUC 95% "
            f"interval {low:.2f}–{high:.2f}): treat the scores as indicative"
        )
    return AnalysisResult(
        {
            "records": _json_cells(run.records, "reasons", "reasons_en"),
            "validation": run.metrics,
            "lift": run.lift,
            "calibration": run.calibration,
        },
        summary,
    )

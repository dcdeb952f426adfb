"""Pipeline steps for living targets: the ``kpi`` and ``triggers`` analyses.

Both read the targets from the app-state store (active version, else latest) and
compute on the backend as of ``ctx.as_of``; the results are stored like every
other analysis so the report can show KPI trends with triggers on the time axis.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from rashinban._labels import count_en
from rashinban.pipeline._registry import AnalysisResult, Context

_TARGET_COLS = ["target", "version", "version_id", "active", "include", "include_en", "positioning"]
_VERDICT_COLS = [
    "target",
    "kpi",
    "op",
    "value",
    "observed",
    "low",
    "high",
    "probability",
    "verdict",
    "reason_ja",
    "reason_en",
]
_PROPOSAL_COLS = ["target", "kind", "rule", "reason_ja", "reason_en"]


def _targets(ctx: Context) -> list[tuple[str, Any, Any]]:
    from rashinban.state import TargetDefinition, open_store

    store = open_store(ctx.ws)
    out = []
    try:
        for d in store.definitions("target"):
            rev = store.active(d["name"]) or store.revision(d["name"])
            out.append((d["name"], rev, TargetDefinition.from_content(rev.content)))
    finally:
        store.close()
    return out


def run_kpi(ctx: Context) -> AnalysisResult:
    from rashinban.kpi import funnel

    targets = _targets(ctx)
    scopes: dict[str, Any] = {"company": None}
    scopes |= {name: d.rule() for name, _, d in targets}
    frame = funnel(ctx.backend, as_of=ctx.as_of, period="month", scopes=scopes)
    last = frame[frame["scope"] == "company"].tail(12)
    won, closed = int(last["won"].sum()), int(last["closed"].sum())
    rate = won / closed if closed else float("nan")
    return AnalysisResult(
        {"funnel": frame},
        {
            "scopes": list(scopes),
            "headline_ja": f"KPI: 直近12か月の受注率 {rate:.0%} ({won:,}/{closed:,}件)",
            "headline_en": f"KPI: win rate of the last 12 months {rate:.0%} ({won:,}/{closed:,})",
        },
    )


def run_triggers(ctx: Context) -> AnalysisResult:
    from rashinban.state import open_store
    from rashinban.targets import review_target, target_triggers

    store = open_store(ctx.ws)
    trig_frames, targets, verdicts, proposals = [], [], [], []
    try:
        for name, rev, d in _targets(ctx):
            active = store.active(name)
            fb = store.feedback(name)
            past = [r["as_of"] for r in store.reviews(name) if r["as_of"] <= ctx.as_of]
            trig = target_triggers(
                ctx.backend,
                name,
                d,
                as_of=ctx.as_of,
                feedback=fb,
                last_review=max(past) if past else None,
            )
            trig_frames.append(trig.drop(columns=["detail"]).assign(version=rev.number))
            review = review_target(ctx.backend, d, as_of=ctx.as_of, feedback=fb)
            targets.append(
                {
                    "target": name,
                    "version": rev.number,
                    "version_id": rev.version_id[:12],
                    "active": active is not None and active.version_id == rev.version_id,
                    "include": d.rule().describe("ja"),
                    "include_en": d.rule().describe("en"),
                    "positioning": d.positioning,
                }
            )
            verdicts += [
                {
                    "target": name,
                    **{k: v[k] for k in _VERDICT_COLS[1:]},
                }
                for v in review["verdicts"]
            ]
            proposals += [
                {
                    "target": name,
                    "kind": p["kind"],
                    "rule": p.get("rule"),
                    "reason_ja": p["reason_ja"],
                    "reason_en": p["reason_en"],
                }
                for p in review["proposals"]
            ]
    finally:
        store.close()
    trig = (
        pd.concat(trig_frames, ignore_index=True)
        if trig_frames
        else pd.DataFrame(
            columns=["target", "kind", "detected_at", "reason", "reason_en", "version"]
        )
    )
    n_shift = int((trig["kind"] == "kpi_shift").sum())
    return AnalysisResult(
        {
            "triggers": trig,
            "targets": pd.DataFrame(targets, columns=_TARGET_COLS),
            "verdicts": pd.DataFrame(verdicts, columns=_VERDICT_COLS),
            "proposals": pd.DataFrame(proposals, columns=_PROPOSAL_COLS),
        },
        {
            "targets": len(targets),
            "triggers": len(trig),
            "headline_ja": f"ターゲット {len(targets)}件: 見直しのきっかけ {len(trig)}件 "
            f"(うちKPI変化 {n_shift}件)",
            "headline_en": f"{count_en(len(targets), 'target')}: "
            f"{count_en(len(trig), 'review trigger')} ({count_en(n_shift, 'KPI shift')})",
        },
    )

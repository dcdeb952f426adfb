"""Read views of the targeting results, shaped as the public JSON contract.

``segments``: ``{"segments": [{name, definition, size, attractiveness, …}]}``;
``icp``: ``{"rules": [{conditions, support, lift, description, …}]}``;
``score``: ``{"records": [{id, kind, score, reasons, …}]}``; and the live
``lookalike`` view for a few account ids.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from rashinban._errors import NotEnoughDataError, UserError, language_halves
from rashinban.pipeline._analyze import latest_run, load_result_table, resolve_as_of
from rashinban.pipeline._registry import analysis_title
from rashinban.workspace import Workspace

__all__ = [
    "icp_view",
    "lookalike_view",
    "score_validation_caption",
    "score_view",
    "segment_table_row",
    "segments_view",
    "stored_as_of",
]


def _need(ws: Workspace, analysis: str, key: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The stored table ``key`` of ``analysis`` and the run that stored it."""
    # messages name the analysis as the analyze progress list does, with its code beside
    title_ja, title_en = analysis_title(analysis, "ja"), analysis_title(analysis, "en")
    run = latest_run(ws, analysis)
    if run is not None and run["status"] != "ok":
        # The latest run could not compute it: say why instead of sending the user to
        # run the same analysis again, and never show an older run's results as current.
        # The stored message and fix are "日本語 / English" each: each half goes into its
        # own language, so that --lang shows the whole fix (what to import, then analyze).
        why, _, fix = str(run["message"] or "").partition(" — fix: ")
        why_ja, why_en = language_halves(why)
        fix_ja, fix_en = language_halves(fix)
        raise NotEnoughDataError(
            f"最新の分析 (基準日 {run['as_of']}) では「{title_ja}」('{analysis}') を"
            f"計算できませんでした: {why_ja} / the latest analysis (as of {run['as_of']}) "
            f"could not compute {title_en} ('{analysis}'): {why_en}",
            fix=(
                f"{fix_ja.rstrip('。')}。その後 'rashinban analyze' を再実行してください / "
                f"{fix_en}, then run 'rashinban analyze' again"
                if fix
                else "原因を取り除いてから 'rashinban analyze' を再実行してください / "
                "remove the cause, then run 'rashinban analyze' again"
            ),
        )
    frame = load_result_table(ws, analysis, key)
    if frame is None or run is None:
        raise UserError(
            f"「{title_ja}」('{analysis}') の分析結果がまだありません / "
            f"no stored {title_en} ('{analysis}') results in this workspace",
            fix="先に 'rashinban analyze' を実行してください / run 'rashinban analyze' first",
        )
    return frame, run


def stored_as_of(ws: Workspace, run: dict[str, Any], lang: str = "ja") -> dict[str, Any]:
    """The as-of of a stored run, the one the live commands use now, and a note if they differ.

    ``as_of`` is the date ``analyze`` stored the run for; ``current_as_of`` is what
    ``churn``, ``kpi`` … use without ``--as-of`` (:func:`resolve_as_of`: the
    ``[analysis] as_of`` setting, else the end of the data; null when the setting lies
    outside the data, which those commands refuse). ``stale_note`` says the two differ
    and how to bring the stored results to that date (null when they agree).
    """
    stored: dt.date = run["as_of"]
    backend = ws.backend(read_only=True)
    try:
        current: dt.date | None = resolve_as_of(ws, None, backend)
    except UserError:
        current = None
    finally:
        backend.disconnect()
    note = None
    if current is not None and current != stored:
        pinned = bool(ws.config.get("analysis", {}).get("as_of"))
        if lang == "en":
            where = (
                f"rashinban.toml sets [analysis] as_of = {current}"
                if pinned
                else f"the data ends {current}"
            )
            fix = "to analyse as of that date" if pinned else "to bring it up to date"
            note = f"The stored analysis is as of {stored} ({where}). Run rashinban analyze {fix}"
        else:
            where = (
                f"rashinban.toml の [analysis] as_of = {current}"
                if pinned
                else f"データの最終日 {current}"
            )
            fix = "その基準日にする" if pinned else "最新にする"
            note = (
                f"保存済みの分析は {stored} 時点です（{where}）。"
                f"{fix}には rashinban analyze を実行してください"
            )
    return {
        "as_of": stored.isoformat(),
        "current_as_of": None if current is None else current.isoformat(),
        "stale_note": note,
    }


def _num(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def _interval(low: Any, high: Any) -> list[Any] | None:
    ends = [_num(round(float(low), 4)), _num(round(float(high), 4))]
    return None if ends == [None, None] else ends


def _counts(r: Any, prefix: str) -> tuple[int, int]:
    """Raw ``(k, n)`` behind the shrunk rate ``prefix`` of a stored segment row (a run
    stored before the counts were kept has ``k / n`` as ``<prefix>_raw``)."""
    n = int(getattr(r, f"{prefix}_n"))
    k = getattr(r, f"{prefix}_k", None)
    if k is None or pd.isna(k):
        raw = float(getattr(r, f"{prefix}_raw"))
        k = round(raw * n) if n and math.isfinite(raw) else 0
    return int(k), n


def segment_table_row(row: dict[str, Any]) -> dict[str, Any]:
    """A ``segments_view`` row as the table shows it: the raw counts as ``k/n`` beside
    each shrunk rate (受注 k/n, 解約済み k/n), the conditions left out."""
    out: dict[str, Any] = {}
    hidden = ("conditions", "win_rate_k", "win_rate_n", "churn_rate_k", "churn_rate_n")
    for key, value in row.items():
        if key not in hidden:
            out[key] = value
        if key == "win_rate_interval":
            out["won_k_n"] = f"{row['win_rate_k']:,}/{row['win_rate_n']:,}"
        if key == "churn_rate":
            out["churned_k_n"] = f"{row['churn_rate_k']:,}/{row['churn_rate_n']:,}"
    return out


def segments_view(ws: Workspace, lang: str = "ja") -> dict[str, Any]:
    """Segments with attractiveness (most attractive first), weights and adjacent flags."""
    frame, run = _need(ws, "segments", "attractiveness")
    summary = run["summary"]
    adjacent = load_result_table(ws, "segments", "adjacent")
    flagged = set() if adjacent is None else set(adjacent.loc[adjacent["flagged"], "name"])
    en = lang == "en"
    rows = []
    for r in frame.itertuples():
        won, closed = _counts(r, "win_rate")
        churned, customers = _counts(r, "churn_rate")
        rows.append(
            {
                "name": r.name,
                "definition": r.definition_en if en else r.definition,
                "size": int(r.accounts),
                "attractiveness": round(float(r.attractiveness), 4),
                "kind": r.kind,
                "customers": int(r.customers),
                "win_rate": _num(round(float(r.win_rate), 4)),
                # no closed deal, no interval: null rather than [null, null]
                "win_rate_interval": _interval(r.win_rate_low, r.win_rate_high),
                # won / closed new deals of all time behind the (shrunk) rate
                "win_rate_k": won,
                "win_rate_n": closed,
                "clv": _num(float(r.clv)),
                "churn_rate": _num(round(float(r.churn_rate), 4)),
                # churned customers / customers behind the (shrunk) churned share
                "churn_rate_k": churned,
                "churn_rate_n": customers,
                "ltv_cac": _num(float(r.ltv_cac)),
                "conditions": json.loads(r.conditions),
            }
        )
    adj_rows = []
    if adjacent is not None:
        for r in adjacent[adjacent["flagged"]].itertuples():
            adj_rows.append(
                {
                    "name": r.name,
                    "definition": r.definition_en if en else r.definition,
                    "evidence": r.evidence_en if en else r.evidence_ja,
                    "conditions": json.loads(r.conditions),
                }
            )
    return {
        "segments": rows,
        "weights": summary.get("weights", {}),
        "adjacent": adj_rows,
        "adjacent_flagged": sorted(flagged),
        # adjacent opportunities are judged on deals closed since this day
        "adjacent_since": summary.get("adjacent_since"),
        **stored_as_of(ws, run, lang),
    }


def icp_view(ws: Workspace, lang: str = "ja") -> dict[str, Any]:
    """ICP rules best first, with the outcome they were discovered for."""
    frame, run = _need(ws, "icp", "rules")
    summary = run["summary"]
    en = lang == "en"
    rules = []
    for r in frame.itertuples():
        rules.append(
            {
                "conditions": json.loads(r.conditions),
                "support": int(r.support),
                "lift": round(float(r.lift), 4),
                "description": r.description_en if en else r.description_ja,
                "coverage": round(float(r.coverage), 4),
                "rate": round(float(r.rate), 4),
                "rate_interval": [round(float(r.rate_low), 4), round(float(r.rate_high), 4)],
                "win_rate": _num(float(r.win_rate)),
                "clv": _num(float(r.clv)),
                "churn_rate": _num(float(r.churn_rate)),
            }
        )
    outcome = summary.get("outcome_en" if en else "outcome_ja", summary.get("outcome", ""))
    return {
        "rules": rules,
        "outcome": outcome,
        "base_rate": summary.get("base_rate"),
        **stored_as_of(ws, run, lang),
    }


def score_view(
    ws: Workspace, *, kind: str | None = None, top: int | None = None, lang: str = "ja"
) -> dict[str, Any]:
    """Scored records (highest first), optionally one kind and the top N."""
    frame, run = _need(ws, "score", "records")
    if kind:
        if kind not in ("lead", "account", "deal"):
            raise UserError(
                f"--kind {kind!r} はありません / --kind {kind!r} is unknown",
                fix="lead、account、deal のいずれかにしてください / use lead, account or deal",
            )
        frame = frame[frame["kind"] == kind]
    frame = frame.sort_values("score", ascending=False, kind="stable")
    if top:
        frame = frame.head(top)
    col = "reasons_en" if lang == "en" else "reasons"
    records = [
        {
            "id": r.id,
            "kind": r.kind,
            "score": round(float(r.score), 4),
            "reasons": json.loads(getattr(r, col)),
            "model_id": r.model_id,
        }
        for r in frame.itertuples()
    ]
    backend = ws.backend(read_only=True)
    try:
        records = _with_account_names(backend, records)
    finally:
        backend.disconnect()
    summary = run["summary"]
    payload: dict[str, Any] = {
        "records": records,
        "validation": summary.get("metrics", []),
        # deals closed by this day trained the validated model; later deals tested it
        "validation_cut": summary.get("cut"),
        **stored_as_of(ws, run, lang),
    }
    if summary.get("indicative"):  # the baselines won the time split (see run_score)
        payload["note"] = summary.get("headline_en" if lang == "en" else "headline_ja", "")
    return payload


#: The table of each scored kind other than accounts, and its key.
_RECORD_TABLES = {"lead": ("leads", "lead_id"), "deal": ("deals", "deal_id")}


def _with_account_names(backend: Any, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``records`` with ``account_name`` after ``id``: the account's name, or for a lead
    or a deal the name of the account it belongs to (None when there is none)."""
    from rashinban.engine import name_rows, values_of

    owner: dict[tuple[str, str], Any] = {}
    for kind, (table, key) in _RECORD_TABLES.items():
        ids = [r["id"] for r in records if r["kind"] == kind]
        if ids:
            found = values_of(backend, ids, table, key, "account_id")
            owner.update({(kind, i): a for i, a in found.items()})
    keyed = [
        r | {"account_id": r["id"] if r["kind"] == "account" else owner.get((r["kind"], r["id"]))}
        for r in records
    ]
    named = name_rows(backend, keyed, after="id")
    return [{k: v for k, v in r.items() if k != "account_id"} for r in named]


def score_validation_caption(
    validation: Sequence[dict[str, Any]], cut: str | None, lang: str = "ja"
) -> str:
    """One line that says how the fit score did on its time split, against the baselines.

    ``validation`` and ``cut`` are the ``validation`` and ``validation_cut`` of
    :func:`score_view` (the metrics ``analyze`` stored).

    Examples
    --------
    >>> rows = [{"model": "fit", "auc": 0.8504, "auc_low": 0.8157, "auc_high": 0.8851,
    ...          "n": 906.0}, {"model": "naive_bayes", "auc": 0.8194},
    ...         {"model": "best_rule", "auc": 0.712}]
    >>> score_validation_caption(rows, "2025-04-05").split("）: ")[1]
    'AUC 0.850、95%区間 0.816〜0.885、比較: ナイーブベイズ 0.819、単一ルール 0.712'
    >>> score_validation_caption(rows, "2025-04-05", "en").split("): ")[1]
    'AUC 0.850, 95% interval 0.816–0.885 vs naive Bayes 0.819, single best rule 0.712'
    """
    from rashinban._labels import code_label

    en = lang == "en"
    by_model = {str(m["model"]): m for m in validation}
    fit = by_model.pop("fit", None)
    if fit is None:
        if en:
            return "Time-split validation: not stored (run 'rashinban analyze' again)"
        return "時系列分割での検証: 保存されていません ('rashinban analyze' を再実行してください)"
    n, low, high = int(fit["n"]), fit["auc_low"], fit["auc_high"]
    others = [(code_label("model", name, lang), m["auc"]) for name, m in by_model.items()]
    if en:
        versus = ", ".join(f"{name} {auc:.3f}" for name, auc in others)
        return (
            f"Time-split validation (trained on deals closed by {cut}, tested on {n:,} deals "
            f"after it): AUC {fit['auc']:.3f}, 95% interval {low:.3f}–{high:.3f} vs {versus}"
        )
    versus = "、".join(f"{name} {auc:.3f}" for name, auc in others)
    return (
        f"時系列分割での検証（{cut} までに完了した商談で学習し、その後の商談{n:,}件で検証）: "
        f"AUC {fit['auc']:.3f}、95%区間 {low:.3f}〜{high:.3f}、比較: {versus}"
    )


def lookalike_view(
    ws: Workspace,
    account_ids: Sequence[str],
    *,
    as_of: dt.date | None = None,
    top: int = 20,
    lang: str = "ja",
) -> dict[str, Any]:
    """What the given accounts share, and the closest prospects (computed live).

    ``lift`` is null where it is withheld (``indicative``: fewer than
    ``MIN_BASE_SUPPORT`` other customers hold the value); ``note`` says why nothing
    is shared when nothing is.
    """
    from rashinban.engine import account_facts, name_rows
    from rashinban.icp import best_n_commonality, lookalikes

    backend = ws.backend(read_only=True)
    day = resolve_as_of(ws, as_of, backend)
    facts = account_facts(backend, day).execute()
    common = best_n_commonality(facts, account_ids)
    look = lookalikes(facts, account_ids, top=top)
    en = lang == "en"
    payload: dict[str, Any] = {
        "as_of": day.isoformat(),
        "accounts": list(account_ids),
        "shared": [
            {
                "feature": r.feature,
                "value": r.value,
                "count": int(r.count),
                "share_customers": _num(round(float(r.share_customers), 4)),
                "lift": _num(round(float(r.lift), 3)),
                "sentence": r.sentence_en if en else r.sentence_ja,
                "customers_with_value": int(r.customers_with_value),
                "customers_compared": int(r.customers_compared),
                "indicative": bool(r.indicative),
            }
            for r in common.itertuples()
        ],
        "lookalikes": name_rows(
            backend,
            [
                {
                    "account_id": r.account_id,
                    "similarity": round(float(r.similarity), 4),
                    "reasons": list(r.reasons_en if en else r.reasons),
                }
                for r in look.itertuples()
            ],
        ),
    }
    if common.empty:
        payload["note"] = (
            "No value counts as shared ('unknown' and 'none' mean nothing is on record, "
            "so they never do)."
            if en
            else "共通点に数えられる値がありません (「不明」「なし」は記録がないことを示すため、"
            "共通点に数えません)。"
        )
    return payload

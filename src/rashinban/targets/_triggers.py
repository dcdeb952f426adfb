"""When to look at a target again: the triggers of 見直しの3つのタイミング.

:func:`target_triggers` lists, for one target version and an as-of date:

``schedule``
    the review cadence has run out since the last review (or since monitoring began);
``kpi_shift``
    a CUSUM on the target's win rate (fall) or a neighbour's (rise) signalled
    (see :mod:`rashinban.targets._streams`);
``event``
    a market or product event in ``events`` whose scope touches the target
    (or its neighbours: ``event_adjacent``);
``lead_mix``
    the mix of incoming leads over industry × size band drifted from the
    reference year (population stability index ≥ ``psi_threshold``);
``feedback``
    sales reps mark too many of the target's leads as not fitting (posterior
    P(share > ``misfit_share``) ≥ 0.9, at least ``min_feedback`` verdicts in 90 days).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from rashinban._labels import TRIGGER_KINDS
from rashinban.segments import Rule
from rashinban.state import TargetDefinition
from rashinban.targets._data import band_of, closed_deals
from rashinban.targets._detect import psi
from rashinban.targets._streams import kpi_shift_streams

__all__ = ["TRIGGER_KINDS", "default_monitor_from", "target_triggers"]

_ALL = ("全業種", "全社", "全体", "all")
_RANGE = re.compile(r"(\d[\d,]*)\s*[〜~～\-–]\s*(\d[\d,]*)\s*名")


def default_monitor_from(backend: Any, as_of: dt.date) -> dt.date:
    """Start of monitoring: 18 months after the first closed deal, at most two years back.

    The first six months of closes are skewed towards quick losses (slow wins
    have not closed yet); the following twelve are the reference year.
    """
    d = backend.table("deals")
    first = d.filter(d.closed_at.notnull() & (d.closed_at <= as_of)).closed_at.min().execute()
    if first is None or pd.isna(first):
        return as_of
    start = pd.Timestamp(first).date() + dt.timedelta(days=540)
    return max(start, as_of - dt.timedelta(days=730))


def _row(target: str, kind: str, at: dt.date, ja: str, en: str, **detail: Any) -> dict[str, Any]:
    return {
        "target": target,
        "kind": kind,
        "detected_at": at,
        "reason": ja,
        "reason_en": en,
        "detail": detail,
    }


def _scope_touches(scope: str, rule: Rule, accounts: pd.DataFrame) -> bool:
    """Does an event's free-text scope name something the rule selects?"""
    text = str(scope or "")
    if any(a in text for a in _ALL):
        return True
    industries = [str(v) for v in accounts["industry"].dropna().unique() if str(v) in text]
    sample = accounts
    if industries:
        sample = sample[sample["industry"].isin(industries)]
    m = _RANGE.search(text)
    if m:
        lo, hi = (int(x.replace(",", "")) for x in m.groups())
        sample = sample[sample["employees"].between(lo, hi)]
    if not industries and not m:
        return False
    return bool(rule.mask(sample).any())


def _event_triggers(
    name: str,
    rule: Rule,
    nbrs: Sequence[Rule],
    events: pd.DataFrame,
    accounts: pd.DataFrame,
    since: dt.date,
    as_of: dt.date,
) -> list[dict[str, Any]]:
    out = []
    for ev in events.itertuples():
        at = pd.Timestamp(ev.occurred_at).date()
        if not (since <= at <= as_of):
            continue
        if _scope_touches(ev.scope, rule, accounts):
            out.append(
                _row(
                    name,
                    "event",
                    at,
                    f"イベント「{ev.title}」(対象: {ev.scope}) がターゲットの範囲に関係します",
                    f"event '{ev.title}' (scope: {ev.scope}) touches the target",
                    event_id=ev.event_id,
                )
            )
        elif any(_scope_touches(ev.scope, nb, accounts) for nb in nbrs):
            out.append(
                _row(
                    name,
                    "event_adjacent",
                    at,
                    f"イベント「{ev.title}」(対象: {ev.scope}) が隣接セグメントに関係します",
                    f"event '{ev.title}' (scope: {ev.scope}) touches a segment next to the target",
                    event_id=ev.event_id,
                )
            )
    return out


def _lead_mix(
    name: str,
    backend: Any,
    monitor_from: dt.date,
    as_of: dt.date,
    threshold: float,
    window_days: int = 90,
    min_leads: int = 200,
) -> list[dict[str, Any]]:
    leads = backend.table("leads")
    acc = backend.table("accounts")
    lo = monitor_from - dt.timedelta(days=365)
    q = leads.filter((leads.created_at >= lo) & (leads.created_at <= as_of))
    q = q.join(acc, q.account_id == acc.account_id).select("created_at", "industry", "employees")
    frame = q.execute()
    if frame.empty:
        return []
    frame["created_at"] = pd.to_datetime(frame["created_at"])
    frame["cell"] = frame["industry"].astype(str) + "|" + band_of(frame["employees"]).astype(str)
    ref = frame[frame["created_at"] < pd.Timestamp(monitor_from)]
    if len(ref) < min_leads:
        return []
    cells = sorted(frame["cell"].unique())
    expected = ref["cell"].value_counts().reindex(cells, fill_value=0).to_numpy()
    for end in pd.date_range(pd.Timestamp(monitor_from), pd.Timestamp(as_of), freq="ME"):
        win = frame[
            (frame["created_at"] > end - pd.Timedelta(days=window_days))
            & (frame["created_at"] <= end)
        ]
        if len(win) < min_leads:
            continue
        actual = win["cell"].value_counts().reindex(cells, fill_value=0).to_numpy()
        value = psi(expected, actual)
        if value >= threshold:
            return [
                _row(
                    name,
                    "lead_mix",
                    end.date(),
                    f"直近{window_days}日のリード構成が基準期間から変化 "
                    f"(PSI {value:.2f} ≥ {threshold})",
                    f"lead mix of the last {window_days} days drifted from the reference "
                    f"(PSI {value:.2f} ≥ {threshold})",
                    psi=value,
                )
            ]
    return []


def _feedback(
    name: str,
    feedback: Sequence[Mapping[str, Any]],
    monitor_from: dt.date,
    as_of: dt.date,
    share: float,
    min_n: int,
) -> list[dict[str, Any]]:
    rows = sorted(
        ((pd.Timestamp(f["on"]).date(), bool(f["fits"])) for f in feedback),
        key=lambda r: r[0],
    )
    from rashinban._stats import beta_sf

    rows = [r for r in rows if r[0] <= as_of]
    for i, (day, _) in enumerate(rows):
        if day < monitor_from:
            continue
        win = [fits for d, fits in rows[: i + 1] if d > day - dt.timedelta(days=90)]
        n, k = len(win), sum(1 for f in win if not f)
        if n >= min_n and beta_sf(share, k + 0.5, n - k + 0.5) >= 0.9:
            return [
                _row(
                    name,
                    "feedback",
                    day,
                    f"営業の評価で直近90日の {k}/{n} 件が「ターゲットに合わない」",
                    f"reps marked {k}/{n} leads of the last 90 days as not fitting",
                    not_fit=k,
                    n=n,
                )
            ]
    return []


def target_triggers(
    backend: Any,
    name: str,
    definition: TargetDefinition,
    *,
    as_of: dt.date,
    monitor_from: dt.date | None = None,
    last_review: dt.date | None = None,
    feedback: Sequence[Mapping[str, Any]] = (),
    alpha: float = 0.05,
    psi_threshold: float = 0.25,
    misfit_share: float = 0.3,
    min_feedback: int = 10,
) -> pd.DataFrame:
    """All triggers for one target version as of ``as_of`` (earliest first).

    Returns
    -------
    pandas.DataFrame
        ``target``, ``kind``, ``detected_at`` (date), ``reason`` (Japanese),
        ``reason_en``, ``detail`` (dict).
    """
    rule = definition.rule()
    if monitor_from is None:
        monitor_from = default_monitor_from(backend, as_of)
    rows: list[dict[str, Any]] = []
    anchor = last_review or monitor_from
    due = anchor + dt.timedelta(days=definition.cadence_days)
    if due <= as_of:
        since_ja, since_en = (
            ("前回の見直し", "the last review")
            if last_review is not None
            else ("監視開始", "monitoring began")  # no review yet: never claim one
        )
        rows.append(
            _row(
                name,
                "schedule",
                due,
                f"{since_ja} ({anchor}) から{definition.cadence_days}日が経過",
                f"{definition.cadence_days} days since {since_en} ({anchor})",
            )
        )
    accounts = backend.table("accounts").execute()
    deals = closed_deals(backend, as_of=as_of, since=monitor_from - dt.timedelta(days=365))
    streams = kpi_shift_streams(
        deals, accounts, rule, monitor_from=monitor_from, as_of=as_of, alpha=alpha
    )
    for s in streams.to_dict("records") if len(streams) else []:
        if s["detected_at"] is None or pd.isna(s["detected_at"]):
            continue
        from rashinban.segments import parse_rule

        words_ja = parse_rule(s["rule"]).describe("ja")
        words_en = parse_rule(s["rule"]).describe("en")
        who_ja = "ターゲット" if s["stream"] == "target" else f"隣接セグメント「{words_ja}」"
        who_en = "the target" if s["stream"] == "target" else f"neighbour '{words_en}'"
        verb_ja = "低下" if s["p1"] < s["p0"] else "上昇"
        verb_en = "fell" if s["p1"] < s["p0"] else "rose"
        rows.append(
            _row(
                name,
                "kpi_shift",
                s["detected_at"],
                f"{who_ja}の受注率が{verb_ja}: 基準 {s['p0']:.0%} → 直近 {s['rate_after']:.0%} "
                f"(n={s['n_after']}, CUSUM)",
                f"win rate of {who_en} {verb_en}: reference {s['p0']:.0%} → recent "
                f"{s['rate_after']:.0%} (n={s['n_after']}, CUSUM)",
                stream=s["stream"],
                rule=s["rule"],
                p0=s["p0"],
                rate_after=s["rate_after"],
            )
        )
    events = backend.table("events").execute()
    if len(events):
        from rashinban.targets._streams import neighbours

        rows += _event_triggers(
            name, rule, neighbours(rule, accounts), events, accounts, monitor_from, as_of
        )
    rows += _lead_mix(name, backend, monitor_from, as_of, psi_threshold)
    rows += _feedback(name, feedback, monitor_from, as_of, misfit_share, min_feedback)
    frame = pd.DataFrame(
        rows, columns=["target", "kind", "detected_at", "reason", "reason_en", "detail"]
    )
    return frame.sort_values(["detected_at", "kind"], kind="stable").reset_index(drop=True)

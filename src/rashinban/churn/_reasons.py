"""Plain-language reasons for a churn risk, in Japanese and English, with their evidence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["REASONS", "Reason", "explain_row"]


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _num(value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if np.isnan(v) else v


def _ids(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, str):
        return value
    return ", ".join(str(v) for v in list(value))


@dataclass(frozen=True)
class Reason:
    """How one model input is put into words, and when it is worth saying."""

    feature: str
    #: Only say it when the raw value passes this test (a tiny contribution is noise).
    shown: Callable[[dict[str, Any]], bool]
    ja: Callable[[dict[str, Any]], str]
    en: Callable[[dict[str, Any]], str]
    evidence: Callable[[dict[str, Any]], str]


def _usage(metric: str, ja_name: str, en_name: str) -> Reason:
    def ev(r: dict[str, Any]) -> str:
        return f"usage {metric}: {r[f'{metric}_before']:.1f} -> {r[f'{metric}_recent']:.1f} /week"

    return Reason(
        f"usage_drop_{metric}",
        lambda r: r[f"usage_drop_{metric}"] >= 0.2,
        lambda r: f"{ja_name}が直近6週で以前の{_pct(1 - r[f'usage_drop_{metric}'])}に減少",
        lambda r: f"{en_name} fell to {_pct(1 - r[f'usage_drop_{metric}'])} of the earlier level",
        ev,
    )


REASONS: dict[str, Reason] = {
    r.feature: r
    for r in (
        _usage("active_users", "アクティブユーザー数", "Active users"),
        _usage("logins", "ログイン数", "Logins"),
        _usage("records_created", "登録件数", "Records created"),
        Reason(
            "open_high_tickets",
            lambda r: r["open_high_tickets"] >= 1,
            lambda r: f"優先度「高」の問い合わせが{r['open_high_tickets']}件未解決",
            lambda r: f"{r['open_high_tickets']} high-priority ticket(s) still open",
            lambda r: f"tickets: {_ids(r.get('open_high_ids'))}",
        ),
        Reason(
            "detractor",
            lambda r: r["detractor"] >= 1,
            lambda r: f"直近のNPSが{int(r['nps_latest'])}点（批判者）",
            lambda r: f"Latest NPS {int(r['nps_latest'])} (detractor)",
            lambda r: f"survey: {r.get('nps_latest_id')} ({str(r.get('nps_latest_at'))[:10]})",
        ),
        Reason(
            "nps_drop",
            lambda r: r["nps_drop"] >= 2,
            lambda r: f"NPSが前回より{int(r['nps_drop'])}点低下",
            lambda r: f"NPS fell {int(r['nps_drop'])} points since the previous answer",
            lambda r: f"survey: {r.get('nps_latest_id')}",
        ),
        Reason(
            "low_satisfaction_180d",
            lambda r: r["low_satisfaction_180d"] >= 1,
            lambda r: f"満足度2以下の問い合わせが{r['low_satisfaction_180d']}件（180日）",
            lambda r: f"{r['low_satisfaction_180d']} ticket(s) rated 2 or less in 180 days",
            lambda r: f"tickets: {_ids(r.get('low_satisfaction_ids'))}",
        ),
        Reason(
            "tickets_90d",
            lambda r: r["tickets_90d"] >= 3,
            lambda r: f"問い合わせが90日で{r['tickets_90d']}件",
            lambda r: f"{r['tickets_90d']} tickets in 90 days",
            lambda r: f"tickets opened in 90 days: {r['tickets_90d']}",
        ),
        Reason(
            "meeting_drop",
            lambda r: r["meeting_drop"] >= 1,
            lambda r: "商談・定例の接点が以前より減少",
            lambda r: "Fewer meetings than before",
            lambda r: f"meetings: {_num(r.get('meetings_90d')):.0f} in 90 days",
        ),
        Reason(
            "orders_drop",
            lambda r: r["orders_drop"] >= 0.5,
            lambda r: f"注文額が前の半年の{_pct(1 - r['orders_drop'])}に減少",
            lambda r: f"Orders fell to {_pct(1 - r['orders_drop'])} of the previous half-year",
            lambda r: (
                f"orders: {_num(r.get('orders_before')):,.0f} -> "
                f"{_num(r.get('orders_recent')):,.0f} JPY"
            ),
        ),
        Reason(
            "renewal_soon",
            lambda r: r["renewal_soon"] >= 1,
            lambda r: f"契約更新まで{r['days_to_renewal']}日",
            lambda r: f"Renewal in {r['days_to_renewal']} days",
            lambda r: f"days to renewal: {r['days_to_renewal']}",
        ),
        Reason(
            "no_decision_maker",
            lambda r: r["no_decision_maker"] >= 1,
            lambda r: "決裁者との接点（連絡先）がない",
            lambda r: "No decision-maker contact on file",
            lambda r: "contacts: no decision_maker",
        ),
    )
}


def explain_row(
    row: dict[str, Any], contributions: dict[str, float], top: int = 3
) -> list[tuple[str, str, str, str, float]]:
    """The ``top`` reasons of one account: (feature, ja, en, evidence, contribution).

    A feature is a reason only when it pushes the risk up (positive
    contribution to the log-odds) and its raw value is worth saying.
    """
    out: list[tuple[str, str, str, str, float]] = []
    for feature, c in sorted(contributions.items(), key=lambda kv: -kv[1]):
        if c <= 0 or len(out) >= top:
            break
        reason = REASONS.get(feature)
        if reason is None or not reason.shown(row):
            continue
        out.append((feature, reason.ja(row), reason.en(row), reason.evidence(row), float(c)))
    return out

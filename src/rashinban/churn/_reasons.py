"""Plain-language reasons for a churn risk, in Japanese and English, with their evidence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

__all__ = ["REASONS", "Explained", "Reason", "dedupe_evidence", "explain_row"]


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
    #: The rows behind it (ids, numbers), in English ...
    evidence: Callable[[dict[str, Any]], str]
    #: ... and in Japanese, for Japanese output.
    evidence_ja: Callable[[dict[str, Any]], str]
    #: What the raw value is, said neutrally (for the fallback reason when the value
    #: does not pass ``shown`` but the model still counts it toward the risk).
    fact_ja: Callable[[dict[str, Any]], str]
    fact_en: Callable[[dict[str, Any]], str]


def _usage(metric: str, ja_name: str, en_name: str) -> Reason:
    def ev(r: dict[str, Any]) -> str:
        return (
            f"usage, {en_name.lower()}: {_num(r.get(f'{metric}_before')):.1f} -> "
            f"{_num(r.get(f'{metric}_recent')):.1f} a week"
        )

    def ev_ja(r: dict[str, Any]) -> str:
        return (
            f"利用状況 {ja_name}: 週{_num(r.get(f'{metric}_before')):.1f} → "
            f"{_num(r.get(f'{metric}_recent')):.1f}"
        )

    def level(r: dict[str, Any]) -> str:
        return _pct(1 - r[f"usage_drop_{metric}"])

    return Reason(
        f"usage_drop_{metric}",
        lambda r: r[f"usage_drop_{metric}"] >= 0.2,
        lambda r: f"{ja_name}が直近6週で以前の{level(r)}に減少",
        lambda r: f"{en_name} fell to {level(r)} of the earlier level",
        ev,
        ev_ja,
        lambda r: f"{ja_name}は直近6週で以前の{level(r)}",
        lambda r: f"{en_name} at {level(r)} of the earlier level in the last 6 weeks",
    )


def _nps(value: Any) -> str:
    v = _num(value)
    return f"{v:.0f}" if value is not None and not _missing(value) else "-"


def _missing(value: Any) -> bool:
    try:
        return bool(np.isnan(float(value)))
    except (TypeError, ValueError):
        return value is None


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
            lambda r: f"問い合わせ: {_ids(r.get('open_high_ids'))}",
            lambda r: f"優先度「高」の未解決の問い合わせ{r['open_high_tickets']}件",
            lambda r: f"{r['open_high_tickets']} open high-priority ticket(s)",
        ),
        Reason(
            "detractor",
            lambda r: r["detractor"] >= 1,
            lambda r: f"直近のNPSが{int(r['nps_latest'])}点（批判者）",
            lambda r: f"Latest NPS {int(r['nps_latest'])} (detractor)",
            lambda r: f"survey: {r.get('nps_latest_id')} ({str(r.get('nps_latest_at'))[:10]})",
            lambda r: f"NPS回答: {r.get('nps_latest_id')}（{str(r.get('nps_latest_at'))[:10]}）",
            lambda r: f"直近のNPSは{_nps(r.get('nps_latest'))}点",
            lambda r: f"latest NPS {_nps(r.get('nps_latest'))}",
        ),
        Reason(
            "nps_drop",
            lambda r: r["nps_drop"] >= 2,
            lambda r: f"NPSが前回より{int(r['nps_drop'])}点低下",
            lambda r: f"NPS fell {int(r['nps_drop'])} points since the previous answer",
            # the same answer as the detractor's evidence: "survey: R…" is dropped for
            # the dated form when both are given (see dedupe_evidence)
            lambda r: f"survey: {r.get('nps_latest_id')}",
            lambda r: f"NPS回答: {r.get('nps_latest_id')}",
            lambda r: f"NPSの前回からの低下は{_num(r.get('nps_drop')):.0f}点",
            lambda r: f"NPS {_num(r.get('nps_drop')):.0f} points below the previous answer",
        ),
        Reason(
            "low_satisfaction_180d",
            lambda r: r["low_satisfaction_180d"] >= 1,
            lambda r: f"満足度2以下の問い合わせが{r['low_satisfaction_180d']}件（180日）",
            lambda r: f"{r['low_satisfaction_180d']} ticket(s) rated 2 or less in 180 days",
            lambda r: f"tickets: {_ids(r.get('low_satisfaction_ids'))}",
            lambda r: f"問い合わせ: {_ids(r.get('low_satisfaction_ids'))}",
            lambda r: f"満足度2以下の問い合わせは180日で{r['low_satisfaction_180d']}件",
            lambda r: f"{r['low_satisfaction_180d']} ticket(s) rated 2 or less in 180 days",
        ),
        Reason(
            "tickets_90d",
            lambda r: r["tickets_90d"] >= 3,
            lambda r: f"問い合わせが90日で{r['tickets_90d']}件",
            lambda r: f"{r['tickets_90d']} tickets in 90 days",
            lambda r: f"tickets opened in 90 days: {r['tickets_90d']}",
            lambda r: f"90日間の問い合わせ: {r['tickets_90d']}件",
            lambda r: f"問い合わせは90日で{r['tickets_90d']}件",
            lambda r: f"{r['tickets_90d']} ticket(s) in 90 days",
        ),
        Reason(
            "meeting_drop",
            lambda r: r["meeting_drop"] >= 1,
            lambda r: "商談・定例の接点が以前より減少",
            lambda r: "Fewer meetings than before",
            lambda r: f"meetings: {_num(r.get('meetings_90d')):.0f} in 90 days",
            lambda r: f"商談・定例: 90日で{_num(r.get('meetings_90d')):.0f}回",
            lambda r: f"商談・定例は90日で{_num(r.get('meetings_90d')):.0f}回",
            lambda r: f"{_num(r.get('meetings_90d')):.0f} meeting(s) in 90 days",
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
            lambda r: (
                f"注文額: {_num(r.get('orders_before')):,.0f}円 → "
                f"{_num(r.get('orders_recent')):,.0f}円"
            ),
            lambda r: f"注文額は前の半年の{_pct(1 - r['orders_drop'])}",
            lambda r: f"orders at {_pct(1 - r['orders_drop'])} of the previous half-year",
        ),
        Reason(
            "renewal_soon",
            lambda r: r["renewal_soon"] >= 1,
            lambda r: f"契約更新まで{r['days_to_renewal']}日",
            lambda r: f"Renewal in {r['days_to_renewal']} days",
            lambda r: f"days to renewal: {r['days_to_renewal']}",
            lambda r: f"契約更新まで: {r['days_to_renewal']}日",
            lambda r: f"契約更新まで{r['days_to_renewal']}日",
            lambda r: f"renewal in {r['days_to_renewal']} days",
        ),
        Reason(
            "no_decision_maker",
            lambda r: r["no_decision_maker"] >= 1,
            lambda r: "決裁者との接点（連絡先）がない",
            lambda r: "No decision-maker contact on file",
            lambda r: "contacts: no decision-maker",
            lambda r: "連絡先: 決裁者なし",
            lambda r: (
                "決裁者との接点（連絡先）がない"
                if r["no_decision_maker"] >= 1
                else "決裁者との接点（連絡先）がある"
            ),
            lambda r: (
                "no decision-maker contact on file"
                if r["no_decision_maker"] >= 1
                else "a decision-maker contact on file"
            ),
        ),
        Reason(
            "log_tenure",
            # tenure is context, not a warning on its own: said only as a fallback
            lambda r: False,
            lambda r: f"契約開始から{_num(r.get('tenure_days')):,.0f}日",
            lambda r: f"{_num(r.get('tenure_days')):,.0f} days since the contract began",
            lambda r: f"tenure: {_num(r.get('tenure_days')):,.0f} days",
            lambda r: f"契約期間: {_num(r.get('tenure_days')):,.0f}日",
            lambda r: f"契約開始から{_num(r.get('tenure_days')):,.0f}日",
            lambda r: f"{_num(r.get('tenure_days')):,.0f} days since the contract began",
        ),
    )
}


class Explained(NamedTuple):
    """One reason of one account (indexable as ``(feature, ja, en, evidence, contribution)``)."""

    feature: str
    ja: str
    en: str
    #: The rows behind it, in English (``survey: R0000618 (2025-12-10)``) ...
    evidence: str
    contribution: float
    #: ... and in Japanese (``NPS回答: R0000618（2025-12-10）``).
    evidence_ja: str


#: A fallback reason names contributions at least this share of the largest one.
FALLBACK_SHARE = 0.25
#: The reason of an alert whose every input pulls the risk down (the level is the base rate).
NO_SINGLE_FACTOR = (
    "個々の要因に突出したものはなく、全体の解約傾向からリスクが高い",
    "No single input stands out: the risk reflects the overall churn level",
)


def explain_row(
    row: dict[str, Any], contributions: dict[str, float], top: int = 3, *, fallback: bool = False
) -> list[Explained]:
    """The ``top`` reasons of one account, largest contribution first.

    A feature is a reason only when it pushes the risk up (positive
    contribution to the log-odds) and its raw value is worth saying. With
    ``fallback`` (an alerted account) the list is never empty: when no input
    passes its test, the largest positive contributions of the model are said
    in neutral words ("モデル上のリスク要因: アクティブユーザー数は直近6週で以前の90%"),
    and when there is none, :data:`NO_SINGLE_FACTOR`.

    Examples
    --------
    >>> row = {"no_decision_maker": 1}
    >>> [r.ja for r in explain_row(row, {"no_decision_maker": 0.4, "log_tenure": -0.2})]
    ['決裁者との接点（連絡先）がない']
    >>> row = {"tenure_days": 44, "no_decision_maker": 0}
    >>> [r.en for r in explain_row(row, {"log_tenure": 0.3}, fallback=True)]
    ['Model risk factor: 44 days since the contract began']
    """
    ranked = sorted(contributions.items(), key=lambda kv: -kv[1])
    out: list[Explained] = []
    for feature, c in ranked:
        if c <= 0 or len(out) >= top:
            break
        reason = REASONS.get(feature)
        if reason is None or not reason.shown(row):
            continue
        out.append(_explained(reason, row, c, reason.ja(row), reason.en(row)))
    if out or not fallback:
        return out
    positive = [(f, c) for f, c in ranked if c > 0 and f in REASONS]
    for feature, c in positive[:top]:
        if c < FALLBACK_SHARE * positive[0][1]:
            break
        reason = REASONS[feature]
        ja = f"モデル上のリスク要因: {reason.fact_ja(row)}"
        en = f"Model risk factor: {reason.fact_en(row)}"
        out.append(_explained(reason, row, c, ja, en))
    if not out:
        out.append(Explained("", *NO_SINGLE_FACTOR, "", 0.0, ""))
    return out


def _explained(reason: Reason, row: dict[str, Any], c: float, ja: str, en: str) -> Explained:
    return Explained(
        reason.feature, ja, en, reason.evidence(row), float(c), reason.evidence_ja(row)
    )


def dedupe_evidence(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each piece of evidence once, ``(ja, en)`` pairs in order of first mention.

    Two reasons may cite the same row (a detractor and an NPS drop cite the same
    survey answer): an item whose English form starts another's is the same row
    said with less, and the more informative form takes the place of the first.

    Examples
    --------
    >>> dated = ("NPS回答: R1（12-10）", "survey: R1 (12-10)")
    >>> dm = ("連絡先: 決裁者なし", "contacts: x")
    >>> dedupe_evidence([dated, ("NPS回答: R1", "survey: R1"), dm])
    [('NPS回答: R1（12-10）', 'survey: R1 (12-10)'), ('連絡先: 決裁者なし', 'contacts: x')]
    >>> dedupe_evidence([("NPS回答: R1", "survey: R1"), dated])
    [('NPS回答: R1（12-10）', 'survey: R1 (12-10)')]
    """
    out: list[tuple[str, str]] = []
    for ja, en in items:
        if not en:
            continue
        if any(kept.startswith(en) for _, kept in out):
            continue
        at = next((i for i, (_, kept) in enumerate(out) if en.startswith(kept)), None)
        if at is None:
            out.append((ja, en))
        else:
            out[at] = (ja, en)
    return out

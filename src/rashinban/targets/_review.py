"""Reviews (check → act): judge each hypothesis of a target version, propose actions.

A rate hypothesis ("win rate ≥ 25 %") is judged by the Jeffreys Beta posterior
of the rate over the review window: *supported* when P(hypothesis) ≥
``confidence``, *refuted* when P(hypothesis) ≤ 1 − ``confidence``, otherwise
*not enough data*, with the number of further observations that would decide
it if the rate stayed where it is. A churn-rate hypothesis is judged on the
annual churn of the target's customers (those active at the window start, the
share of them with nothing running at the as-of date), not on the funnel's
monthly rate: 「解約率 ≤ 10%」 is read as a yearly share. An NRR hypothesis is judged
the same way, on the target's customers at the window start: their MRR at the as-of date
over their MRR then (「NRR ≥ 110%」 is a yearly figure; the monthly funnel values sit
near 100 %). Its interval and P(hypothesis) come from a percentile bootstrap over those
customers (:func:`judge_nrr`): NRR is a ratio of two sums dominated by a few large
accounts, with no closed-form posterior, and the customer is the unit that varies
independently. Other KPIs (money, days, ratios) are judged from their monthly values
with a Student-t posterior of the mean (at least three months with data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rashinban._errors import NotEnoughDataError
from rashinban._labels import hypothesis_text
from rashinban.kpi import KPIS, funnel
from rashinban.kpi._churn import customer_churn
from rashinban.kpi._nrr import customer_mrr
from rashinban.state import Hypothesis, TargetDefinition
from rashinban.targets._adjacent import adjacent_segments, weak_subsegments
from rashinban.targets._data import closed_deals

__all__ = ["VERDICTS", "judge_nrr", "judge_rate", "more_to_decide", "review_target"]

#: Verdict codes with their Japanese and English words.
VERDICTS: dict[str, tuple[str, str]] = {
    "supported": ("支持", "supported"),
    "refuted": ("棄却", "refuted"),
    "not_enough_data": ("データ不足", "not enough data"),
}


def _prob(k: float, n: float, op: str, value: float) -> float:
    from rashinban._stats import beta_sf

    p_ge = float(beta_sf(value, k + 0.5, n - k + 0.5))
    return p_ge if op == ">=" else 1 - p_ge


def _verdict(prob: float, confidence: float) -> str:
    if prob >= confidence:
        return "supported"
    if prob <= 1 - confidence:
        return "refuted"
    return "not_enough_data"


def more_to_decide(
    k: float, n: float, op: str, value: float, confidence: float = 0.9, limit: int = 100_000
) -> int | None:
    """Further observations needed for a verdict if the rate stays at its posterior mean.

    ``None`` when even ``limit`` more would not decide (the rate sits on the bar).

    Examples
    --------
    >>> more_to_decide(3, 10, ">=", 0.2) > 0
    True
    """
    mean = (k + 0.5) / (n + 1)

    def decided(extra: int) -> bool:
        p = _prob(k + mean * extra, n + extra, op, value)
        return p >= confidence or p <= 1 - confidence

    if decided(0):
        return 0
    hi = 1
    while not decided(hi):
        hi *= 2
        if hi > limit:
            return None
    lo = hi // 2
    while lo + 1 < hi:  # smallest extra that decides
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if decided(mid) else (mid, hi)
    return hi


def judge_rate(
    k: float, n: float, op: str, value: float, confidence: float = 0.9
) -> dict[str, Any]:
    """Verdict, posterior probability, 90 % interval and data still needed for a rate.

    With no observations at all there is nothing to judge: the probability and the
    data still needed would come from the prior alone, so both are None.
    """
    if n <= 0:
        return {
            "observed": None,
            "low": float("nan"),
            "high": float("nan"),
            "n": 0,
            "probability": None,
            "verdict": "not_enough_data",
            "more_needed": None,
        }
    prob = _prob(k, n, op, value)
    from rashinban._stats import beta_ppf

    lo, hi = beta_ppf([0.05, 0.95], k + 0.5, n - k + 0.5) if n > 0 else (np.nan, np.nan)
    verdict = _verdict(prob, confidence)
    more = None if verdict != "not_enough_data" else more_to_decide(k, n, op, value, confidence)
    return {
        "observed": k / n if n else None,
        "low": float(lo),
        "high": float(hi),
        "n": int(n),
        "probability": prob,
        "verdict": verdict,
        "more_needed": more,
    }


#: Fewest customers with MRR at the window start for an NRR verdict, and the
#: bootstrap's draws and seed (fixed: the same data always gives the same verdict).
NRR_MIN_CUSTOMERS = 5
NRR_DRAWS = 4000
NRR_SEED = 20251231


def judge_nrr(
    mrr_start: Sequence[float],
    mrr_end: Sequence[float],
    op: str,
    value: float,
    confidence: float = 0.9,
) -> dict[str, Any]:
    """Verdict, P(hypothesis) and 90 % interval of NRR = Σ ``mrr_end`` / Σ ``mrr_start``.

    One entry per customer (see :func:`rashinban.kpi._nrr.customer_mrr`). The customers
    are resampled with replacement ``NRR_DRAWS`` times (seeded); the 5 % and 95 %
    quantiles of the resampled NRR are the interval and the share of resamples on the
    hypothesis' side is P(hypothesis). With fewer than ``NRR_MIN_CUSTOMERS`` customers
    paying at the start a bootstrap would understate the spread, so there is no verdict:
    ``more_needed`` is the customers missing. Otherwise, when undecided, ``more_needed``
    is the customers that would decide it if NRR and its per-customer spread stayed as
    they are (normal approximation), None when NRR sits on the bar.

    Examples
    --------
    >>> j = judge_nrr([100.0] * 20, [120.0] * 10 + [100.0] * 10, ">=", 1.0)
    >>> round(j["observed"], 2), j["n"], j["verdict"]
    (1.1, 20, 'supported')
    >>> judge_nrr([100.0] * 3, [100.0] * 3, ">=", 1.0)["verdict"]
    'not_enough_data'
    """
    s = np.asarray(mrr_start, dtype=float)
    e = np.asarray(mrr_end, dtype=float)
    n, paying, total = len(s), int((s > 0).sum()), float(s.sum())
    out: dict[str, Any] = {
        "observed": float(e.sum()) / total if total > 0 else None,
        "low": None,
        "high": None,
        "n": n,
        "probability": None,
        "verdict": "not_enough_data",
        "more_needed": (NRR_MIN_CUSTOMERS - paying)
        if 0 < n and paying < NRR_MIN_CUSTOMERS
        else None,
        "mrr_start": total,
        "mrr_end": float(e.sum()),
    }
    if paying < NRR_MIN_CUSTOMERS:
        return out
    rng = np.random.default_rng(NRR_SEED)
    chunk = max(1, 2_000_000 // n)  # resample in blocks: memory stays bounded
    ratios = []
    for at in range(0, NRR_DRAWS, chunk):
        idx = rng.integers(0, n, size=(min(chunk, NRR_DRAWS - at), n))
        den = s[idx].sum(axis=1)
        ratios.append(e[idx].sum(axis=1)[den > 0] / den[den > 0])
    r = np.concatenate(ratios)
    p_ge = float((r >= value).mean())
    prob = p_ge if op == ">=" else float((r <= value).mean())
    verdict = _verdict(prob, confidence)
    more = None
    gap, spread = abs(float(out["observed"]) - value), float(r.std(ddof=1))
    if verdict == "not_enough_data" and gap > 1e-9:
        from rashinban._stats import norm_ppf

        need = n * (float(norm_ppf(confidence)) * spread / gap) ** 2
        more = max(int(np.ceil(need - n)), 1) if need - n < 100_000 else None
    lo, hi = np.quantile(r, [0.05, 0.95])
    return out | {
        "low": float(lo),
        "high": float(hi),
        "probability": prob,
        "verdict": verdict,
        "more_needed": more,
    }


def _judge_mean(values: pd.Series, op: str, value: float, confidence: float) -> dict[str, Any]:
    v = values.dropna().astype(float)
    v = v[np.isfinite(v)]
    if len(v) < 3:
        return {
            "observed": float(v.mean()) if len(v) else None,
            "low": None,
            "high": None,
            "n": len(v),
            "probability": None,
            "verdict": "not_enough_data",
            "more_needed": 3 - len(v),
        }
    m, se = float(v.mean()), float(v.std(ddof=1) / np.sqrt(len(v)))
    from rashinban._stats import t_ppf, t_sf

    df, scale = len(v) - 1, max(se, 1e-12)
    p_ge = float(t_sf(value, df, m, scale))
    prob = p_ge if op == ">=" else 1 - p_ge
    verdict = _verdict(prob, confidence)
    return {
        "observed": m,
        "low": float(t_ppf(0.05, df, m, scale)),
        "high": float(t_ppf(0.95, df, m, scale)),
        "n": len(v),
        "probability": prob,
        "verdict": verdict,
        "more_needed": None if verdict != "not_enough_data" else len(v),
    }


def _nrr_basis(j: Mapping[str, Any], window_days: int) -> tuple[str, str]:
    """What an NRR verdict was computed on, in words: customers, MRR then and now, window."""
    n, a, b = j["n"], j["mrr_start"], j["mrr_end"]
    if window_days == 365:
        span_ja, span_en = "1年間の売上継続率", "annual NRR over the 365-day window"
    else:  # not annualised: say how long the window is
        span_ja = f"{window_days:,}日間の売上継続率、年率換算なし"
        span_en = f"NRR over a {window_days:,}-day window, not annualised"
    return (
        f"、期首に契約のあった顧客{n:,}社の MRR ¥{a:,.0f} → ¥{b:,.0f} ({span_ja})",
        f"; MRR of the {n:,} customers at the window start ¥{a:,.0f} → ¥{b:,.0f} ({span_en})",
    )


def _reason(h: Hypothesis, j: Mapping[str, Any], window_days: int = 365) -> tuple[str, str]:
    kpi = KPIS[h.kpi]
    unit_share = kpi.unit == "share"

    def fmt(x: Any) -> str:
        if x is None or (isinstance(x, float) and not np.isfinite(x)):
            return "—"
        if kpi.unit == "yen":  # in the unit the hypothesis is written in (≤ ¥300,000)
            return f"¥{x:,.0f}"
        return f"{x:.1%}" if unit_share else f"{x:,.0f}" if abs(x) >= 100 else f"{x:.2f}"

    ja_v, en_v = VERDICTS[j["verdict"]]
    obs = f"{fmt(j['observed'])} (90%区間 {fmt(j['low'])}〜{fmt(j['high'])}, n={j['n']})"
    obs_en = f"{fmt(j['observed'])} (90% interval {fmt(j['low'])}–{fmt(j['high'])}, n={j['n']})"
    p = j["probability"]
    ptxt = "—" if p is None else f"{p:.0%}"
    head_ja = hypothesis_text(h.kpi, h.op, h.value, "ja")
    head_en = hypothesis_text(h.kpi, h.op, h.value, "en")
    if not j["n"]:
        return (
            f"{head_ja}: この時点でターゲットに該当する実績がありません (n=0) → {ja_v}。"
            "ルールが取引先に当たっているか、基準日がデータの範囲内かを確かめてください",
            f"{head_en}: the target has no observations as of this date (n=0) → {en_v}; "
            "check that its rule matches accounts and that the date is within the data",
        )
    if h.kpi == "churn_rate":  # say what was counted: customers, over a year
        k, n = round(j["observed"] * j["n"]), j["n"]
        obs += f"、期首の顧客{n:,}社のうち{k:,}社が1年以内に解約"
        obs_en += f"; {k:,} of {n:,} customers at the window start churned within the year"
    if h.kpi == "nrr":  # annual, per customer: say over what and on how many
        basis_ja, basis_en = _nrr_basis(j, window_days)
        obs += basis_ja
        obs_en += basis_en
        if j["probability"] is None:
            obs += f"（MRRのある顧客が{NRR_MIN_CUSTOMERS}社未満で、区間を出せません）"
            obs_en += f" (fewer than {NRR_MIN_CUSTOMERS} paying customers: no interval)"
    ja = f"{head_ja}: 実績 {obs}、仮説が成り立つ確率 {ptxt} → {ja_v}"
    en = f"{head_en}: observed {obs_en}, P(hypothesis) {ptxt} → {en_v}"
    if j["verdict"] == "not_enough_data":
        more = j["more_needed"]
        if more is None:
            ja += "（今の水準が基準とほぼ同じで、データを増やしても決まりにくい）"
            en += " (the rate sits on the bar; more data is unlikely to decide)"
        else:
            unit_ja, what = (
                ("社", "customers")
                if h.kpi in ("churn_rate", "nrr")
                else ("件", "observations")
                if kpi.formula == "rate"
                else ("か月", "months")
            )
            ja += f"（あと約{more:,}{unit_ja}分のデータで判定可能）"
            en += f" (about {more:,} more {what} would decide)"
    return ja, en


def _window_sums(frame: pd.DataFrame, start: dt.date) -> pd.DataFrame:
    return frame[pd.to_datetime(frame["period_start"]) >= pd.Timestamp(start)]


def review_target(
    backend: Any,
    definition: TargetDefinition,
    *,
    as_of: dt.date,
    window_days: int = 365,
    proposal_window_days: int = 365,
    confidence: float = 0.9,
    feedback: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """Judge every hypothesis of ``definition`` on data up to ``as_of`` and propose actions.

    Parameters
    ----------
    backend
        Ibis backend with the canonical tables.
    definition
        The target version under review.
    as_of
        The review date; nothing later is read.
    window_days
        Hypotheses are judged on the periods starting within this many days before ``as_of``.
    proposal_window_days
        Adjacent and weak segments are judged on deals closed in this recent window.
    feedback
        Sales feedback rows for the target (from the state store), for the persona check.

    Returns
    -------
    dict
        ``as_of``, ``window_start``, ``verdicts`` (one per hypothesis: ``kpi``, ``op``,
        ``value``, ``observed``, ``low``, ``high``, ``n``, ``probability``, ``verdict``,
        ``more_needed``, ``reason_ja``, ``reason_en``; an ``nrr`` verdict also has
        ``mrr_start`` and ``mrr_end``, the MRR of the customers it counts, and its ``n``
        is those customers) and ``proposals`` (``kind``
        widen / exclude / persona, ``rule``, ``reason_ja``, ``reason_en`` and numbers).

    Raises
    ------
    NotEnoughDataError
        No deals or leads before ``as_of``.
    """
    rule = definition.rule()
    start = as_of - dt.timedelta(days=window_days)
    monthly = funnel(backend, as_of=as_of, period="month", scopes={"target": rule})
    recent = _window_sums(monthly, start)
    if recent.empty:
        raise NotEnoughDataError(
            f"{start}〜{as_of} にデータのある期間がありません / "
            f"no periods with data between {start} and {as_of}",
            fix="商談かリードを取り込むか、--as-of を後の日付にしてください / "
            "import deals or leads, or move --as-of later",
        )
    verdicts = []
    for h in definition.hypotheses:
        kpi = KPIS[h.kpi]
        if h.kpi == "churn_rate":  # annual, per customer (see the module docstring)
            k, n = map(float, customer_churn(backend, rule, start=start, as_of=as_of))
            j = judge_rate(k, n, h.op, h.value, confidence)
        elif h.kpi == "nrr":  # annual, per customer, bootstrapped (see the module docstring)
            per = customer_mrr(backend, rule, start=start, as_of=as_of)
            j = judge_nrr(per["mrr_start"], per["mrr_end"], h.op, h.value, confidence)
        elif kpi.formula == "rate":
            k, n = float(recent[kpi.num].sum()), float(recent[kpi.den].sum())
            j = judge_rate(k, n, h.op, h.value, confidence)
        else:
            j = _judge_mean(recent[h.kpi], h.op, h.value, confidence)
        ja, en = _reason(h, j, window_days)
        verdicts.append(
            {"kpi": h.kpi, "op": h.op, "value": h.value, **j, "reason_ja": ja, "reason_en": en}
        )

    # Proposals: the bar is the target's own win-rate hypothesis, else its own rate.
    p_start = as_of - dt.timedelta(days=proposal_window_days)
    deals = closed_deals(backend, as_of=as_of, since=p_start)
    bars = [h.value for h in definition.hypotheses if h.kpi == "win_rate" and h.op == ">="]
    inside = deals[rule.mask(deals)] if len(deals) else deals
    own = float(inside["won"].mean()) if len(inside) else float("nan")
    bar = bars[0] if bars else own
    # Which bar the proposals are held to, in words: the hypothesis, or the target's own rate.
    bar_ja, bar_en = (
        ("受注率仮説", "the win-rate hypothesis")
        if bars
        else ("ターゲットの受注率", "the target's rate")
    )
    outside = deals[~rule.mask(deals)] if len(deals) else deals
    pool = float(outside["won"].mean()) if len(outside) else float("nan")
    # A segment worth adding wins clearly above the rest of the market, though not
    # necessarily as well as the core: its bar is halfway from the rest to the target's.
    widen_bar = (pool + bar) / 2
    proposals: list[dict[str, Any]] = []
    if len(deals) and np.isfinite(bar) and np.isfinite(widen_bar):
        for c in adjacent_segments(deals, rule, widen_bar, confidence=confidence):
            from rashinban.segments import parse_rule

            r = parse_rule(c["rule"])
            proposals.append(
                {
                    "kind": "widen",
                    **c,
                    "reason_ja": (
                        f"隣接セグメント「{r.describe('ja')}」を追加: "
                        f"直近{proposal_window_days}日の受注率 {c['k']}/{c['n']} "
                        f"(縮小推定 {c['rate']:.1%}) が追加の基準 {widen_bar:.1%}"
                        f"（ターゲット外 {pool:.1%} と{bar_ja} {bar:.1%} の中間）を"
                        f"上回る確率 {c['probability']:.0%}"
                    ),
                    "reason_en": (
                        f"widen with '{r.describe('en')}': last {proposal_window_days} days "
                        f"won {c['k']}/{c['n']} (shrunk {c['rate']:.1%}), "
                        f"P(rate ≥ {widen_bar:.1%}, halfway between outside the target "
                        f"{pool:.1%} and {bar_en} {bar:.1%}) = {c['probability']:.0%}"
                    ),
                }
            )
        for c in weak_subsegments(deals, rule, bar, confidence=confidence):
            from rashinban.segments import parse_rule

            r = parse_rule(c["rule"])
            proposals.append(
                {
                    "kind": "exclude",
                    **c,
                    "reason_ja": (
                        f"サブセグメント「{r.describe('ja')}」を除外: "
                        f"直近{proposal_window_days}日の受注率 {c['k']}/{c['n']} "
                        f"(縮小推定 {c['rate']:.1%}) が{bar_ja} "
                        f"{bar:.1%} を下回る確率 {c['probability']:.0%}"
                    ),
                    "reason_en": (
                        f"exclude '{r.describe('en')}': last {proposal_window_days} days won "
                        f"{c['k']}/{c['n']} (shrunk {c['rate']:.1%}), P(rate < {bar_en} "
                        f"{bar:.1%}) = {c['probability']:.0%}"
                    ),
                }
            )
    proposals.extend(_persona_proposals(feedback, as_of, window_days))
    return {
        "as_of": as_of.isoformat(),
        "window_start": start.isoformat(),
        "include": definition.to_content()["include"],
        "verdicts": verdicts,
        "proposals": proposals,
    }


def _persona_proposals(
    feedback: Sequence[Mapping[str, Any]], as_of: dt.date, window_days: int
) -> list[dict[str, Any]]:
    from rashinban.state import FEEDBACK_REASONS

    start = as_of - dt.timedelta(days=window_days)
    rows = [f for f in feedback if start <= pd.Timestamp(f["on"]).date() <= as_of]
    if len(rows) < 10:
        return []
    misfit = [f for f in rows if not f["fits"]]
    k, n = len(misfit), len(rows)
    from rashinban._stats import beta_sf

    if float(beta_sf(0.3, k + 0.5, n - k + 0.5)) < 0.9:
        return []
    # Every reason tied for the most, as `feedback summary` lists them.
    tied = [FEEDBACK_REASONS.get(r, (r, r)) for r in top_reasons([f["reason"] for f in misfit])]
    ja_r = "」「".join(ja for ja, _ in tied) + ("」(同数)" if len(tied) > 1 else "」")
    en_r = "', '".join(en for _, en in tied) + ("' (tied)" if len(tied) > 1 else "'")
    return [
        {
            "kind": "persona",
            "rule": None,
            "k": k,
            "n": n,
            "rate": k / n,
            "probability": None,
            "score": float(k),
            "reason_ja": (
                f"ペルソナを見直す: 営業の評価で {k}/{n} 件が「合わない」、最多の理由は「{ja_r}"
            ),
            "reason_en": f"update the persona: reps marked {k}/{n} as not fitting, mostly '{en_r}",
        }
    ]


def top_reasons(reasons: Sequence[Any] | pd.Series) -> list[str]:
    """Every reason given most often, in the order of the fixed list (others after, by
    code); empty when there is none.

    Examples
    --------
    >>> top_reasons(["bad_timing", "no_budget", "bad_timing", "no_budget", "other"])
    ['no_budget', 'bad_timing']
    >>> top_reasons([])
    []
    """
    from rashinban.state import FEEDBACK_REASONS

    counts = pd.Series(list(reasons), dtype=object).dropna().value_counts()
    if counts.empty:
        return []
    order = {code: i for i, code in enumerate(FEEDBACK_REASONS)}
    tied = [str(r) for r, c in counts.items() if c == counts.iloc[0]]
    return sorted(tied, key=lambda r: (order.get(r, len(order)), r))

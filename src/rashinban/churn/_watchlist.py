"""The churn watchlist: who is at risk as of a date, how much revenue, and why.

Contractual customers (a running subscription) are scored by
:class:`~rashinban.churn.ChurnModel`; non-contractual buyers (orders, no
subscription) by ``1 - P(alive)`` of a BG/NBD model (Fader, Hardie & Lee
2005, eq. 11) fitted on their RFM summary as of the same date. Both are
ordered together by revenue at risk: risk x annual revenue (MRR x 12, or the
last year's orders).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from rashinban._errors import (
    ConvergenceError,
    InvalidValueError,
    NotEnoughDataError,
    language_halves,
)
from rashinban.churn._labels import _date
from rashinban.churn._model import (
    ChurnModel,
    SnapshotFeatures,
    labelled_snapshots,
    training_dates,
)
from rashinban.churn._reasons import dedupe_evidence, explain_row
from rashinban.engine._asof import as_of_in_data

__all__ = ["WATCHLIST_COLUMNS", "churn_watchlist", "fit_churn_model", "noncontractual_risk"]

WATCHLIST_COLUMNS = (
    "account_id",
    "kind",
    "risk",
    "annual_revenue",
    "revenue_at_risk",
    "alert",
    "reasons_ja",
    "reasons_en",
    "evidence",
    "reason_features",
    "evidence_ja",
    "evidence_en",
)

#: Fewest buyers a BG/NBD fit is attempted on.
MIN_BUYERS = 30


def fit_churn_model(
    backend: Any,
    as_of: dt.date | str,
    *,
    horizon_days: int = 90,
    history_days: int = 720,
    step_days: int = 14,
    C: float = 1.0,
    features: SnapshotFeatures | None = None,
) -> ChurnModel:
    """Fit the model on snapshots whose horizon ended by ``as_of`` (no label from the future).

    The snapshots run every ``step_days`` back from ``horizon_days`` before ``as_of`` over
    ``history_days`` (:func:`training_dates`), so the horizon must be shorter than the
    history. ``features`` shares one :class:`SnapshotFeatures` with other calls.

    Raises
    ------
    InvalidValueError
        ``horizon_days`` longer than ``history_days``: no snapshot to learn from.
    NotEnoughDataError
        No customer with a running subscription on any snapshot.
    """
    day = _date(as_of)
    if horizon_days > history_days:
        raise InvalidValueError(
            f"予測期間 {horizon_days}日が学習に使う履歴 {history_days}日より長く、"
            "学習できる時点がありません / "
            f"the horizon of {horizon_days} days is longer than the {history_days}-day "
            "history the model learns from: there is no snapshot to train on",
            fix=f"horizon_days を{history_days}日以下にするか history_days を長くしてください / "
            f"use a horizon_days of {history_days} or less, or a longer history_days",
        )
    dates = training_dates(day, horizon_days, history_days=history_days, step_days=step_days)
    frame = labelled_snapshots(backend, dates, horizon_days, known_on=day, features=features)
    if frame.empty:
        raise NotEnoughDataError(
            f"{day} までの{history_days}日間に契約中の顧客がいません / "
            f"no customer was active in the {history_days} days before {day}",
            fix="契約 (started_at, ended_at) を取り込むか基準日を後にしてください / "
            "import subscriptions (started_at, ended_at) or choose a later as-of date",
        )
    return ChurnModel(C=C).fit(frame, frame["churned"])


def noncontractual_risk(backend: Any, as_of: dt.date | str) -> pd.DataFrame:
    """``1 - P(alive)`` for buyers without a subscription, with reasons (empty if too few)."""
    return _noncontractual(backend, as_of)[0]


def _noncontractual(
    backend: Any, as_of: dt.date | str
) -> tuple[pd.DataFrame, tuple[str, str] | None]:
    """:func:`noncontractual_risk` and, when it is empty, why (in Japanese and English)."""
    from rashinban.clv import BetaGeoModel
    from rashinban.value._orders import weekly_summary

    day = _date(as_of)
    orders = backend.table("orders")
    subs = backend.table("subscriptions")
    subscribers = subs.filter(subs.started_at <= day).select("account_id").distinct()
    o = orders.filter(orders.ordered_at <= day).anti_join(subscribers, "account_id")
    # The CLV report's weekly summary, with its rule for buyers first seen this week.
    summary = weekly_summary(o, day)
    year = o.filter(o.ordered_at > day - dt.timedelta(days=365))
    spend = year.group_by("account_id").aggregate(annual_revenue=year.amount.sum()).execute()
    empty = pd.DataFrame(columns=list(WATCHLIST_COLUMNS))
    if len(summary) < MIN_BUYERS:
        return empty, (
            f"契約のない購入者が{len(summary)}社で、BG/NBDに必要な{MIN_BUYERS}社に足りません",
            f"{len(summary)} buyers without a subscription (BG/NBD needs {MIN_BUYERS})",
        )
    try:
        model = BetaGeoModel().fit(summary["frequency"], summary["recency"], summary["T"])
    except (ConvergenceError, NotEnoughDataError) as exc:
        # Too few repeat buyers (all bought once) or no dropout to learn from: the
        # buyers get no risk, the contractual watchlist still stands.
        return empty, language_halves(exc.message)
    p_alive = model.p_alive(summary["frequency"], summary["recency"], summary["T"])
    out = summary[["account_id"]].copy()
    out["kind"] = "noncontractual"
    out["risk"] = 1.0 - p_alive
    out = out.merge(spend, on="account_id", how="left")
    out["annual_revenue"] = out["annual_revenue"].fillna(0.0)
    out["revenue_at_risk"] = out["risk"] * out["annual_revenue"]
    out["alert"] = out["risk"] >= 0.5
    weeks = (summary["T"] - summary["recency"]).round().astype(int).to_numpy()
    buys = (summary["frequency"] + 1).astype(int).to_numpy()
    pa = p_alive
    out["reasons_ja"] = [
        [f"最後の購入から{w}週（購入{b}回）: 継続購入の確率 {100 * p:.0f}%"]
        for w, b, p in zip(weeks, buys, pa, strict=True)
    ]
    out["reasons_en"] = [
        [f"{w} weeks since the last of {b} purchases: P(alive) {100 * p:.0f}%"]
        for w, b, p in zip(weeks, buys, pa, strict=True)
    ]
    ev = [
        (
            f"注文: 購入{f + 1:.0f}回、最終購入まで{r:.0f}週、観測{t:.0f}週",
            f"orders: frequency {f:.0f}, recency {r:.0f}w, T {t:.0f}w",
        )
        for f, r, t in zip(summary["frequency"], summary["recency"], summary["T"], strict=True)
    ]
    out["evidence_ja"] = [[ja] for ja, _ in ev]
    out["evidence_en"] = [[en] for _, en in ev]
    out["evidence"] = [[bilingual_evidence(ja, en)] for ja, en in ev]
    out["reason_features"] = [["p_alive"]] * len(out)
    return out[list(WATCHLIST_COLUMNS)], None


def churn_watchlist(
    backend: Any,
    as_of: dt.date | str,
    *,
    horizon_days: int = 90,
    model: ChurnModel | None = None,
    top_reasons: int = 3,
    include_noncontractual: bool = True,
    features: SnapshotFeatures | None = None,
) -> pd.DataFrame:
    """Every active customer's churn risk within ``horizon_days``, highest revenue at risk first.

    Parameters
    ----------
    backend
        Ibis backend with the canonical tables.
    as_of
        The as-of date: features see rows on or before it; the model (unless
        given) is trained on snapshots whose horizon ended by it.
    horizon_days
        How far ahead the risk looks (default 90 days).
    model
        A fitted :class:`ChurnModel`; fitted by :func:`fit_churn_model` if None.
    top_reasons
        Reasons kept per account.
    features
        A :class:`SnapshotFeatures` of the same backend and horizon to read today's
        and the training snapshots' features from (shared with a validation, the
        features of all their dates come from one query).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`WATCHLIST_COLUMNS`: ``risk`` in [0, 1], ``revenue_at_risk``
        in JPY, ``reasons_ja``/``reasons_en`` and ``evidence_ja``/``evidence_en``
        as lists of strings (the evidence names the ticket ids, survey ids and
        usage numbers, each row once); ``evidence`` holds each piece in both
        languages, Japanese first. Every alerted account has at least one reason.

    Examples
    --------
    >>> from rashinban.churn import churn_watchlist
    >>> churn_watchlist(ws.backend(), "2025-12-29").head()  # doctest: +SKIP

    ``as_of`` may also be a ``datetime.datetime`` or ``pandas.Timestamp`` (its day). A
    date after the end of the data is refused as ``rashinban churn --as-of`` refuses
    it (NotEnoughDataError): the snapshots past the end would see no churn.
    """
    day = as_of_in_data(backend, as_of)
    store = features if features is not None else SnapshotFeatures(backend, horizon_days)
    store.expect([day])
    why_not: NotEnoughDataError | None = None
    if model is None:
        try:
            model = fit_churn_model(backend, day, horizon_days=horizon_days, features=store)
        except NotEnoughDataError as exc:
            # No subscription history (a company selling by order alone): the buyers
            # still get their risk from BG/NBD below.
            why_not = exc
    rows = []
    if model is not None:
        rows = _contractual_rows(store, day, model, top_reasons)
    out = pd.DataFrame(rows, columns=list(WATCHLIST_COLUMNS))
    buyers_why_not = None
    if include_noncontractual:
        extra, buyers_why_not = _noncontractual(backend, day)
        if len(extra):
            out = pd.concat([out, extra], ignore_index=True) if len(out) else extra
    if out.empty:
        if why_not is not None and buyers_why_not is not None:
            ja, en = language_halves(why_not.message)
            buyers_ja, buyers_en = buyers_why_not
            raise NotEnoughDataError(
                f"{ja}。注文で買う顧客も分析できません ({buyers_ja}) / "
                f"{en}; and for buyers by order: {buyers_en}",
                fix=why_not.fix,
            )
        if why_not is not None:
            raise why_not
        raise NotEnoughDataError(
            f"{day} 時点で取引中の顧客がいません / no active customer on {day}",
            fix="契約か注文を取り込むか、データの期間内の基準日を選んでください / "
            "import subscriptions or orders, or choose an as-of date inside the data",
        )
    return out.sort_values(
        ["revenue_at_risk", "risk", "account_id"], ascending=[False, False, True], ignore_index=True
    )


def _contractual_rows(
    store: SnapshotFeatures, day: dt.date, model: ChurnModel, top_reasons: int
) -> list[dict[str, Any]]:
    """Watchlist rows of the subscription customers active on ``day``."""
    feats = store.rows([day])
    risk = model.predict_risk(feats) if len(feats) else np.zeros(0)
    contrib = model.contributions(feats) if len(feats) else pd.DataFrame()
    rows = []
    for i, rec in enumerate(feats.to_dict("records")):
        alert = bool(risk[i] >= model.threshold_)
        # an alert always says why: explain_row falls back to the model's largest pushes
        reasons = explain_row(rec, contrib.iloc[i].to_dict(), top_reasons, fallback=alert)
        evidence = dedupe_evidence([(r.evidence_ja, r.evidence) for r in reasons])
        annual = float(rec["mrr"] or 0.0) * 12
        rows.append(
            {
                "account_id": rec["account_id"],
                "kind": "contractual",
                "risk": float(risk[i]),
                "annual_revenue": annual,
                "revenue_at_risk": float(risk[i]) * annual,
                "alert": alert,
                "reasons_ja": [r.ja for r in reasons],
                "reasons_en": [r.en for r in reasons],
                "evidence": [bilingual_evidence(ja, en) for ja, en in evidence],
                "reason_features": [r.feature for r in reasons],
                "evidence_ja": [ja for ja, _ in evidence],
                "evidence_en": [en for _, en in evidence],
            }
        )
    return rows


def bilingual_evidence(ja: str, en: str) -> str:
    """One piece of evidence for output that does not pick a language: Japanese first,
    the English form alongside (no " / ", which joins the pieces in stored tables).

    Examples
    --------
    >>> bilingual_evidence("連絡先: 決裁者なし", "contacts: no decision_maker")
    '連絡先: 決裁者なし（contacts: no decision_maker）'
    """
    return f"{ja}（{en}）" if en and en != ja else ja

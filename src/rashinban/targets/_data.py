"""Shared inputs of reviews and triggers: closed deals with their accounts, size bands,
and empirical-Bayes shrinkage of rates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["SIZE_BANDS", "band_of", "closed_deals", "eb_prior", "prob_at_least"]

#: Employee-count bands (inclusive) used to build adjacent segments: the usual
#: Japanese SME size classes (小規模 1–29, 30–99, 100–299 中堅, 300–999, 1000+ 大企業).
SIZE_BANDS: tuple[tuple[int, int | None], ...] = (
    (1, 29),
    (30, 99),
    (100, 299),
    (300, 999),
    (1000, None),
)


def band_of(employees: pd.Series) -> pd.Series:
    """Index into :data:`SIZE_BANDS` per value (-1 when missing or below 1)."""
    out = pd.Series(-1, index=employees.index, dtype="int64")
    for i, (lo, hi) in enumerate(SIZE_BANDS):
        m = employees >= lo if hi is None else employees.between(lo, hi)
        out[m.fillna(False).astype(bool)] = i
    return out


def closed_deals(backend: Any, *, as_of: dt.date, since: dt.date | None = None) -> pd.DataFrame:
    """New-business deals closed (won or lost) on or before ``as_of``, with their account.

    One row per deal: ``deal_id``, ``created_at``, ``closed_at``, ``won`` (0/1),
    ``amount`` and the account's columns. Only the deals the analysis needs are
    fetched (closed in [``since``, ``as_of``]); nothing dated later is read.
    """
    d = backend.table("deals")
    a = backend.table("accounts")
    cond = (
        (d.kind == "new")
        & d.closed_at.notnull()
        & (d.closed_at <= as_of)
        & d.outcome.isin(["won", "lost"])
    )
    if since is not None:
        cond &= d.closed_at >= since
    d = d.filter(cond).select(
        "deal_id", "account_id", "created_at", "closed_at", "amount", won=(d.outcome == "won")
    )
    frame = d.join(a, d.account_id == a.account_id).execute()
    frame["won"] = frame["won"].astype(int)
    for col in ("created_at", "closed_at"):
        frame[col] = pd.to_datetime(frame[col])
    return frame.sort_values(["closed_at", "deal_id"]).reset_index(drop=True)


def eb_prior(
    k: np.ndarray, n: np.ndarray, *, floor: float = 15.0, cap: float = 30.0
) -> tuple[float, float]:
    """Beta prior fitted to many groups' k-of-n by the method of moments.

    The between-group variance of the rates, less the binomial noise, gives the
    prior's strength m = μ(1 − μ)/τ² − 1 (Robbins 1956; the beta-binomial moment
    estimator of Kleinman 1973). m is kept within [``floor``, ``cap``] so that one
    group never dominates and a 3-of-3 group is pulled well towards the pool.
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    ok = n > 0
    if ok.sum() == 0:
        return 1.0, 1.0
    mu = float(np.clip(k[ok].sum() / n[ok].sum(), 1e-3, 1 - 1e-3))
    if ok.sum() >= 3:
        rates = k[ok] / n[ok]
        w = n[ok] / n[ok].sum()
        var = float(np.sum(w * (rates - mu) ** 2))
        noise = float(np.sum(w * mu * (1 - mu) / n[ok]))
        tau2 = max(var - noise, 1e-6)
        m = mu * (1 - mu) / tau2 - 1
    else:
        m = cap
    m = float(np.clip(m, floor, cap))
    return mu * m, (1 - mu) * m


def prob_at_least(
    k: float, n: float, value: float, prior: tuple[float, float] = (0.5, 0.5)
) -> float:
    """Posterior probability that a rate is ≥ ``value`` after k of n (Beta prior)."""
    from rashinban._stats import beta_sf

    a, b = prior[0] + k, prior[1] + max(n - k, 0)
    return float(beta_sf(value, a, b))

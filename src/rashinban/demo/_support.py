"""Customer support tickets and NPS surveys, with the planted churn signals."""

from __future__ import annotations

from datetime import date

import numpy as np

from rashinban.demo import _text as T
from rashinban.demo._customers import Customers
from rashinban.demo._firmographics import SEG_IDEAL, SEG_NEW, Accounts
from rashinban.demo._funnel import MISSING, NONE
from rashinban.demo._reference import PRIORITIES, TICKET_CATEGORIES

_CLOSING = T.expand(("よろしくお願いします。", "", "お手数ですが確認をお願いします。", ""))


def ticket_rows(rng: np.random.Generator, cus: Customers, days: int) -> dict[str, np.ndarray]:
    m = cus.account.size
    years = (cus.end - cus.start) / 365.0
    count = rng.poisson(2.5 * years)
    c = np.repeat(np.arange(m), count)
    k = c.size
    opened = cus.start[c] + (rng.random(k) * (cus.end - cus.start)[c]).astype(np.int64)
    cat = rng.choice(len(TICKET_CATEGORIES), size=k, p=[0.3, 0.2, 0.15, 0.12, 0.1, 0.13])
    pri = rng.choice(3, size=k, p=[0.12, 0.5, 0.38])
    median = np.array([1.0, 3.0, 6.0])[pri]
    lag = np.ceil(rng.lognormal(np.log(median), 0.8)).astype(np.int64)
    closed = opened + lag
    stuck = ~cus.churned[c] & (rng.random(k) < 0.015)
    closed = np.where((closed >= days) | stuck, NONE, closed)
    sat = np.clip(np.round(4.6 - 0.12 * lag + rng.normal(0, 0.8, k)), 1, 5)
    sat = np.where((closed == NONE) | (rng.random(k) < 0.3), np.nan, sat)
    text = T.choose(rng, cat, [T.TICKET[name] for name in TICKET_CATEGORIES])
    text = text + T.draw(rng, _CLOSING, k)
    # Planted: churners with the ticket signal open one or two urgent tickets
    # 40–110 days before churn that are never closed.
    sig = np.flatnonzero(cus.signal_ticket)
    per = 1 + (rng.random(sig.size) < 0.5)
    sc = np.repeat(sig, per)
    s_open = cus.churn_day[sc] - rng.integers(40, 111, size=sc.size)
    s_open = np.maximum(s_open, cus.start[sc])
    s_cat = np.array([1, 5, 3])[rng.integers(0, 3, size=sc.size)]
    acc = np.concatenate([cus.account[c], cus.account[sc]])
    day = np.concatenate([opened, s_open])
    order = np.lexsort((acc, day))
    return {
        "account": acc[order],
        "opened": day[order],
        "closed": np.concatenate([closed, np.full(sc.size, NONE)])[order],
        "category": np.array(TICKET_CATEGORIES, dtype=object)[np.concatenate([cat, s_cat])][order],
        "priority": np.array(PRIORITIES, dtype=object)[
            np.concatenate([pri, np.zeros(sc.size, dtype=np.int64)])
        ][order],
        "text": np.concatenate([text, T.draw(rng, T.TICKET_CHURN, sc.size)])[order],
        "satisfaction": np.concatenate([sat, np.full(sc.size, np.nan)])[order],
    }


def survey_days(start: date, end: date) -> list[int]:
    """Relationship-NPS survey days: quarterly, 15 Mar/Jun/Sep and 10 Dec of each year."""
    out = []
    for y in range(start.year, end.year + 1):
        for d in (date(y, 3, 15), date(y, 6, 15), date(y, 9, 15), date(y, 12, 10)):
            if start <= d <= end:
                out.append((d - start).days)
    return out


def _comments(rng: np.random.Generator, nps: np.ndarray, planted: np.ndarray) -> np.ndarray:
    """Comments whose sentiment follows the score, with shared words and neutral filler."""
    n = nps.size
    cls = np.where(nps >= 9, 0, np.where(nps >= 7, 1, 2))  # promoter, passive, detractor
    u = rng.random(n)
    # First sentence: pool index 0 positive, 1 neutral, 2 mild negative, 3 negative, 4 mild positive
    first = np.select(
        [
            (cls == 0) & (u < 0.8),
            cls == 0,
            (cls == 1) & (u < 0.4),
            (cls == 1) & (u < 0.8),
            cls == 1,
            (cls == 2) & (u < 0.75),
            (cls == 2) & (u < 0.9),
        ],
        [0, 1, 0, 1, 2, 3, 2],
        default=1,
    )
    first = np.where(planted, 3, first)
    u2 = rng.random(n)
    second = np.select(
        [
            u2 < 0.45,
            (cls == 0) & (u2 < 0.7),
            cls == 0,
            (cls == 1) & (u2 < 0.75),
            cls == 1,
            (cls == 2) & (u2 < 0.8),
            cls == 2,
        ],
        [-1, 0, 2, 2, 1, 3, 4],
        default=-1,
    )
    pools = [
        T.NPS_POSITIVE,
        T.NPS_NEUTRAL,
        T.NPS_MILD_NEGATIVE,
        T.NPS_NEGATIVE,
        T.NPS_MILD_POSITIVE,
    ]
    s1 = T.choose(rng, first, pools)
    s2 = T.choose(rng, np.where(second < 0, 5, second), [*pools, np.array([""], dtype=object)])
    return s1 + s2


def survey_rows(
    rng: np.random.Generator, acc: Accounts, cus: Customers, sdays: list[int]
) -> dict[str, np.ndarray]:
    m = cus.account.size
    seg = acc.segment[cus.account]
    mu = np.where(seg == SEG_IDEAL, 8.3, np.where(seg == SEG_NEW, 7.6, 7.0))
    mu = mu + rng.normal(0, 1.0, m)
    acc_l, day_l, nps_l, planted_l = [], [], [], []
    for d in sdays:
        ok = (cus.start + 60 <= d) & (d < cus.end) & (rng.random(m) < 0.4)
        idx = np.flatnonzero(ok)
        acc_l.append(idx)
        day_l.append(np.full(idx.size, d))
        nps_l.append(np.clip(np.round(mu[idx] + rng.normal(0, 1.5, idx.size)), 0, 10))
        planted_l.append(np.zeros(idx.size, dtype=bool))
    # Planted: churners with the NPS signal answer a detractor score 60–120 days
    # before churn (a post-support survey), always with a negative comment.
    sig = np.flatnonzero(cus.signal_nps)
    acc_l.append(sig)
    day_l.append(np.maximum(cus.churn_day[sig] - rng.integers(60, 121, size=sig.size), 0))
    nps_l.append(
        rng.choice(7, size=sig.size, p=[0.05, 0.08, 0.12, 0.15, 0.2, 0.2, 0.2]).astype(float)
    )
    planted_l.append(np.ones(sig.size, dtype=bool))
    c = np.concatenate(acc_l).astype(np.int64)
    day = np.concatenate(day_l).astype(np.int64)
    nps = np.concatenate(nps_l).astype(np.int64)
    planted = np.concatenate(planted_l)
    a = cus.account[c]
    contact = acc.contact_offset[a] + (rng.random(c.size) * acc.n_contacts[a]).astype(np.int64)
    has = planted | (rng.random(c.size) < np.where(nps <= 6, 0.85, 0.7))
    comment = np.where(has, _comments(rng, nps, planted), MISSING)
    order = np.lexsort((a, day))
    return {
        "account": a[order],
        "contact": contact[order],
        "day": day[order],
        "nps": nps[order],
        "comment": comment[order],
    }

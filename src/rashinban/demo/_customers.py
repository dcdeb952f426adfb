"""Life after the sale: subscriptions, upgrades, options, churn, orders, deals and usage.

A customer's core subscription (P01) starts a few days after its new deal is
won. Churn is a monthly hazard (halved in the ideal segment); a churner ends
every subscription on its churn day and its last renewal deal is lost. Some
customers fill their plan's seats and upgrade to the next plan.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rashinban.demo._firmographics import SEG_IDEAL, SEG_NEW, Accounts
from rashinban.demo._funnel import NONE, Funnel
from rashinban.demo._planted import PLANTED
from rashinban.demo._reference import (
    INDUSTRY_NAMES,
    LOSS_REASONS,
    OPTIONS,
    PLAN_DISCOUNTS,
    PLAN_LIMITS,
    PRODUCTS,
    plan_name,
)

_PRICE = {p.product_id: p for p in PRODUCTS}


@dataclass
class Customers:
    """Per-customer arrays (index = position among customers) and derived rows."""

    account: np.ndarray  # account position
    start: np.ndarray
    end: np.ndarray  # exclusive end of tenure: churn day or ``days``
    churned: np.ndarray
    churn_day: np.ndarray  # NONE unless churned
    plan1: np.ndarray
    plan2: np.ndarray  # -1 unless upgraded
    mrr1: np.ndarray
    mrr2: np.ndarray
    upgrade_day: np.ndarray  # NONE unless upgraded
    option_day: dict[str, np.ndarray]  # NONE unless adopted
    option_mrr: dict[str, np.ndarray]
    signal_usage: np.ndarray
    signal_ticket: np.ndarray
    signal_nps: np.ndarray
    decline_days: np.ndarray


def make_customers(rng: np.random.Generator, acc: Accounts, fun: Funnel, days: int) -> Customers:
    account = np.flatnonzero(fun.won_day != NONE)
    m = account.size
    seg = acc.segment[account]
    start = np.minimum(fun.won_day[account] + rng.integers(1, 15, size=m), days - 1)
    hz = np.array(
        [PLANTED.churn_hazard["other"], PLANTED.churn_hazard["ideal"], PLANTED.churn_hazard["new"]]
    )[seg]
    # At least five paid months (the minimum contract), then a monthly hazard.
    months = 4 + rng.geometric(hz)
    churn = start + np.round(30.44 * months).astype(np.int64)
    churned = churn < days
    churn_day = np.where(churned, churn, NONE)
    end = np.where(churned, churn, days)
    # Upgrades: customers who fill their seats move to the next plan.
    plan1 = fun.plan_idx[account]
    mrr1 = fun.mrr[account]
    p_up = np.where(seg == SEG_IDEAL, 0.45, np.where(seg == SEG_NEW, 0.25, 0.2))
    last_ok = end - np.where(churned, 130, 30)
    up_ok = (plan1 < len(PLAN_LIMITS) - 1) & (last_ok - start >= 200)
    upgrader = up_ok & (rng.random(m) < p_up)
    up_day = np.where(
        upgrader, start + 170 + (rng.random(m) * np.maximum(last_ok - start - 170, 0)), NONE
    ).astype(np.int64)
    plan2 = np.where(upgrader, plan1 + 1, -1)
    limits = np.array(PLAN_LIMITS)
    disc = np.array(PLAN_DISCOUNTS)
    p2 = np.maximum(plan2, 0)
    mrr2 = np.where(
        upgrader,
        np.round(
            limits[p2] * _PRICE["P01"].list_price * (1 - disc[p2]) * (mrr1 / _list(plan1)), -2
        ),
        0.0,
    )
    # Options, with the planted bundles P03→P05 and P02→P08.
    rates = PLANTED.option_rates
    ind = np.array(INDUSTRY_NAMES, dtype=object)[acc.industry[account]]
    tenure = end - start
    adopt_p = {
        "P02": np.where(seg == SEG_IDEAL, rates["P02_ideal"], rates["P02_other"]),
        "P03": np.full(m, rates["P03"]),
        "P04": np.where(
            np.isin(ind, ["金融業・保険業", "医療・福祉"]), rates["P04"] + 0.2, rates["P04"]
        ),
    }
    option_day: dict[str, np.ndarray] = {}

    def adopt(p: np.ndarray, after: np.ndarray | None = None) -> np.ndarray:
        at_start = rng.random(m) < 0.55
        day = np.where(at_start, start, start + (rng.random(m) * tenure).astype(np.int64))
        if after is not None:
            day = np.where(after != NONE, np.maximum(day, after + rng.integers(0, 61, size=m)), day)
        ok = (rng.random(m) < p) & (day < end)
        return np.where(ok, day, NONE)

    for o in ("P02", "P03", "P04"):
        option_day[o] = adopt(adopt_p[o])
    has3 = option_day["P03"] != NONE
    option_day["P05"] = adopt(
        np.where(has3, rates["P05_given_P03"], rates["P05_without_P03"]),
        after=option_day["P03"],
    )
    has2 = option_day["P02"] != NONE
    option_day["P08"] = adopt(
        np.where(has2, rates["P08_given_P02"], rates["P08_without_P02"]),
        after=option_day["P02"],
    )
    option_mrr = {}
    for o in OPTIONS:
        prod = _PRICE[o]
        if prod.per_seat:
            option_mrr[o] = np.round(limits[plan1] * prod.list_price * (1 - disc[plan1]), -2)
        else:
            option_mrr[o] = np.full(m, prod.list_price)
    # Churn signals: each churner shows each signal independently, at least one.
    share = PLANTED.churn_signal_share
    s_use = rng.random(m) < share["usage_decline"]
    s_tic = rng.random(m) < share["open_high_ticket"]
    s_nps = rng.random(m) < share["detractor_nps"]
    none = ~(s_use | s_tic | s_nps)
    s_use |= none
    lo, hi = PLANTED.churn_window
    decline = rng.integers(lo, hi + 1, size=m)
    return Customers(
        account=account,
        start=start,
        end=end,
        churned=churned,
        churn_day=churn_day,
        plan1=plan1,
        plan2=plan2,
        mrr1=mrr1,
        mrr2=mrr2,
        upgrade_day=up_day,
        option_day=option_day,
        option_mrr=option_mrr,
        signal_usage=s_use & churned,
        signal_ticket=s_tic & churned,
        signal_nps=s_nps & churned,
        decline_days=decline,
    )


def _list(plan_idx: np.ndarray) -> np.ndarray:
    limits = np.array(PLAN_LIMITS)
    disc = np.array(PLAN_DISCOUNTS)
    return limits[plan_idx] * _PRICE["P01"].list_price * (1 - disc[plan_idx])


def subscription_rows(cus: Customers) -> dict[str, np.ndarray]:
    """Subscription rows (core plan, upgraded plan, options), ordered by start day."""
    up = cus.upgrade_day != NONE
    ended = np.where(cus.churned, cus.churn_day, NONE)
    parts = [
        (cus.account, "P01", cus.plan1, cus.mrr1, cus.start, np.where(up, cus.upgrade_day, ended)),
        (
            cus.account[up],
            "P01",
            cus.plan2[up],
            cus.mrr2[up],
            cus.upgrade_day[up],
            ended[up],
        ),
    ]
    for o in OPTIONS:
        has = cus.option_day[o] != NONE
        parts.append(
            (cus.account[has], o, None, cus.option_mrr[o][has], cus.option_day[o][has], ended[has])
        )
    acc_l, prod_l, plan_l, mrr_l, st_l, en_l = [], [], [], [], [], []
    names = np.array([plan_name(x) for x in PLAN_LIMITS], dtype=object)
    for a, prod, plan, mrr, st, en in parts:
        acc_l.append(a)
        prod_l.append(np.full(a.size, prod, dtype=object))
        plan_l.append(
            names[plan] if plan is not None else np.full(a.size, "オプション", dtype=object)
        )
        mrr_l.append(np.asarray(mrr, dtype=float))
        st_l.append(st)
        en_l.append(en)
    st = np.concatenate(st_l)
    order = np.lexsort((np.concatenate(acc_l), st))
    return {
        "account": np.concatenate(acc_l)[order],
        "product": np.concatenate(prod_l)[order],
        "plan": np.concatenate(plan_l)[order],
        "mrr": np.concatenate(mrr_l)[order],
        "started": st[order],
        "ended": np.concatenate(en_l)[order],
    }


def customer_deals(rng: np.random.Generator, cus: Customers, days: int) -> dict[str, np.ndarray]:
    """Expansion (options, upgrades, failed cross-sell) and renewal deals."""
    rows: list[dict[str, np.ndarray]] = []

    def add(mask, account, created, closed, outcome, amount, product, kind, loss=None):
        k = int(mask.sum())
        rows.append(
            {
                "account": account[mask],
                "created": created[mask],
                "closed": closed[mask],
                "outcome": np.full(k, outcome, dtype=object)
                if isinstance(outcome, str)
                else outcome[mask],
                "amount": amount[mask],
                "product": np.full(k, product, dtype=object)
                if isinstance(product, str)
                else product[mask],
                "kind": np.full(k, kind, dtype=object),
                "loss": np.full(k, None, dtype=object) if loss is None else loss[mask],
            }
        )

    m = cus.account.size
    lead = rng.integers(14, 46, size=m)
    for o in OPTIONS:
        d = cus.option_day[o]
        later = (d != NONE) & (d > cus.start)
        add(
            later,
            cus.account,
            np.maximum(cus.start, d - lead),
            d,
            "won",
            cus.option_mrr[o] * 12,
            o,
            "expansion",
        )
    # Cross-sell proposals that did not land.
    for o in ("P02", "P03"):
        no = (cus.option_day[o] == NONE) & (rng.random(m) < 0.15)
        day = cus.start + (rng.random(m) * (cus.end - cus.start)).astype(np.int64)
        closed = day + rng.integers(20, 60, size=m)
        ok = no & (closed < cus.end)
        reasons = np.array(["予算不足", "時期尚早", "価格が高い"], dtype=object)[
            rng.integers(0, 3, size=m)
        ]
        add(ok, cus.account, day, closed, "lost", cus.option_mrr[o] * 12, o, "expansion", reasons)
    up = cus.upgrade_day != NONE
    add(
        up,
        cus.account,
        np.maximum(cus.start, cus.upgrade_day - rng.integers(20, 51, size=m)),
        cus.upgrade_day,
        "won",
        (cus.mrr2 - cus.mrr1) * 12,
        "P01",
        "expansion",
    )
    # Annual renewals of the core subscription.
    for k in range(1, 5):
        ann = cus.start + 365 * k
        mrr = np.where(up & (cus.upgrade_day <= ann), cus.mrr2, cus.mrr1)
        done = ann < cus.end
        add(done, cus.account, ann - 60, ann, "won", mrr * 12, "P01", "renewal")
        pending = (~cus.churned) & (ann >= days) & (ann - 60 < days)
        add(
            pending,
            cus.account,
            ann - 60,
            np.full(m, NONE),
            "open",
            mrr * 12,
            "P01",
            "renewal",
        )
    # A churner's last renewal is lost.
    c = cus.churned
    mrr = np.where(up, cus.mrr2, cus.mrr1)
    reasons = np.array(LOSS_REASONS, dtype=object)[
        rng.choice(len(LOSS_REASONS), size=m, p=[0.3, 0.2, 0.15, 0.0, 0.35])
    ]
    add(
        c,
        cus.account,
        np.maximum(cus.start, cus.churn_day - rng.integers(45, 76, size=m)),
        cus.churn_day,
        "lost",
        mrr * 12,
        "P01",
        "renewal",
        reasons,
    )
    return {k: np.concatenate([r[k] for r in rows]) for k in rows[0]}


def order_rows(rng: np.random.Generator, cus: Customers, days: int) -> dict[str, np.ndarray]:
    """Purchase orders: onboarding, trainings, annual option purchases, cancellations."""
    m = cus.account.size
    acc_l, day_l, prod_l, qty_l, amt_l = [], [], [], [], []

    def add(mask: np.ndarray, day: np.ndarray, prod: str, qty: np.ndarray, amt: np.ndarray) -> None:
        acc_l.append(cus.account[mask])
        day_l.append(day[mask])
        prod_l.append(np.full(int(mask.sum()), prod, dtype=object))
        qty_l.append(qty[mask])
        amt_l.append(amt[mask])

    # Larger plans (100 seats and up) buy onboarding help more often.
    onboard = rng.random(m) < 0.65 + 0.2 * (cus.plan1 >= 3)
    fee = np.round(_PRICE["P06"].list_price * (0.5 + 0.5 * cus.plan1), -4)
    add(onboard, cus.start, "P06", np.ones(m, dtype=np.int64), fee)
    years = (cus.end - cus.start) / 365.0
    n_train = rng.poisson(0.8 * years + 0.3)
    rep = np.repeat(np.arange(m), n_train)
    tday = cus.start[rep] + (rng.random(rep.size) * (cus.end - cus.start)[rep]).astype(np.int64)
    qty = rng.integers(1, 21, size=rep.size)
    amt = qty * _PRICE["P07"].list_price
    acc_l.append(cus.account[rep])
    day_l.append(tday)
    prod_l.append(np.full(rep.size, "P07", dtype=object))
    qty_l.append(qty)
    amt_l.append(amt.astype(float))
    # A few trainings are cancelled and credited back (negative quantity and amount).
    cancel = rng.random(rep.size) < 0.03
    cday = tday + rng.integers(1, 31, size=rep.size)
    cancel &= cday < days
    acc_l.append(cus.account[rep][cancel])
    day_l.append(cday[cancel])
    prod_l.append(np.full(int(cancel.sum()), "P07", dtype=object))
    qty_l.append(-qty[cancel])
    amt_l.append(-amt[cancel].astype(float))
    limits = np.array(PLAN_LIMITS)
    for o in OPTIONS:
        d = cus.option_day[o]
        for y in range(4):
            day = d + 365 * y
            ok = (d != NONE) & (day < cus.end)
            seats = limits[cus.plan1] if _PRICE[o].per_seat else np.ones(m, dtype=np.int64)
            add(ok, day, o, seats, cus.option_mrr[o] * 12)
    day = np.concatenate(day_l)
    acc = np.concatenate(acc_l)
    order = np.lexsort((acc, day))
    return {
        "account": acc[order],
        "day": day[order],
        "product": np.concatenate(prod_l)[order],
        "quantity": np.concatenate(qty_l).astype(np.int64)[order],
        "amount": np.concatenate(amt_l).astype(float)[order],
    }


def usage_rows(
    rng: np.random.Generator,
    acc: Accounts,
    cus: Customers,
    start_weekday: int,
    order: np.ndarray,
) -> dict[str, np.ndarray]:
    """Weekly usage per customer (Mondays), three metrics per week.

    Active users sit at a share of the plan's seat limit that grows slowly
    (faster in the ideal segment); upgraders climb to ~96 % of their limit in
    the months before they upgrade; churners with the usage signal slide to
    ``PLANTED.churn_usage_ratio`` of their level over the window before churn.

    Rows come out customer by customer in ``order``, then by week, then by
    metric, so the caller needs no sort of the (large) usage table.
    """
    m = cus.account.size
    first = cus.start + (7 - (start_weekday + cus.start) % 7) % 7
    n_weeks = np.maximum((cus.end - first + 6) // 7, 0)
    w = int(n_weeks.sum())
    nw = n_weeks[order]
    c = np.repeat(order, nw)
    off = np.repeat(np.cumsum(nw) - nw, nw)
    t = first[c] + 7 * (np.arange(w) - off)
    seg = acc.segment[cus.account]
    limits = np.array(PLAN_LIMITS, dtype=float)
    l1 = limits[cus.plan1]
    f0 = rng.uniform(0.45, 0.75, size=m)
    g = np.where(seg == SEG_IDEAL, 0.15, np.where(seg == SEG_NEW, 0.08, 0.04))
    g = g + rng.normal(0, 0.03, size=m)
    years = (t - cus.start[c]) / 365.0
    f = np.minimum(f0[c] * (1 + g[c]) ** years, 0.85)
    up = cus.upgrade_day[c]
    is_up = up != NONE
    ramp = np.clip((t - (up - 140)) / 112.0, 0, 1)
    f = np.where(is_up, f + (0.96 - f) * ramp, f)
    users = l1[c] * f
    after = is_up & (t >= up)
    l2 = limits[np.maximum(cus.plan2, 0)][c]
    grown = 0.96 * l1[c] * (1 + g[c]) ** ((t - up) / 365.0)
    users = np.where(after, np.minimum(grown, 0.85 * l2), users)
    cap = np.where(after, l2, l1[c])
    d = cus.decline_days[c]
    cd = cus.churn_day[c]
    ratio = PLANTED.churn_usage_ratio
    factor = 1 - (1 - ratio) * np.clip((t - (cd - d)) / np.maximum(d - 14, 1), 0, 1)
    factor = np.where(cus.signal_usage[c], factor, 1.0)
    active = np.minimum(np.maximum(np.round(users * factor * rng.lognormal(0, 0.06, w)), 1), cap)
    lpu = rng.uniform(2.5, 5.0, size=m)
    rpu = rng.uniform(4.0, 15.0, size=m)
    p3 = cus.option_day["P03"][c]
    wf = np.where((p3 != NONE) & (t >= p3), 1.4, 1.0)
    logins = np.round(active * lpu[c] * rng.lognormal(0, 0.1, w))
    records = np.round(active * rpu[c] * wf * rng.lognormal(0, 0.15, w))
    values = np.column_stack([logins, active, records]).ravel()
    return {
        "account": np.repeat(cus.account[c], 3),
        "day": np.repeat(t, 3),
        "metric": np.tile(np.arange(3, dtype=np.int8), w),
        "value": values,
    }

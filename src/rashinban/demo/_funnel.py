"""The sales funnel: campaigns, leads (created → MQL → SQL) and new-business deals.

Each account gets up to three lead "slots" over time. A slot is a lead; if it
reaches SQL the company opens a new deal on the SQL day for the same account
(so ``deals.created_at == leads.sql_at`` joins a deal to its lead), and the
next slot only starts after that deal has closed. Once an account wins, its
later slots are dropped: it is a customer and further deals are expansions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from rashinban.demo._firmographics import SEG_IDEAL, SEG_NEW, Accounts
from rashinban.demo._planted import PLANTED
from rashinban.demo._reference import (
    CHANNELS,
    COMPETITORS,
    DISQUALIFIED_REASONS,
    LOSS_REASONS,
    OPEN_STAGES,
    PLAN_DISCOUNTS,
    PLAN_LIMITS,
    PRODUCTS,
)

N_SLOTS = 4
NONE = -1  # "no date" in day-offset arrays
#: A missing text value, shaped so ``np.where(mask, values, MISSING)`` type-checks.
MISSING = np.array(None, dtype=object)


@dataclass
class Campaigns:
    campaign_id: list[str]
    name: list[str]
    channel: list[str]
    started: list[int]
    ended: list[int]
    cost: list[float]


@dataclass
class Funnel:
    """Leads and new deals as parallel arrays (internal)."""

    # leads
    lead_account: np.ndarray
    lead_contact: np.ndarray  # global contact position
    lead_created: np.ndarray
    lead_channel: np.ndarray  # index into CHANNELS
    lead_campaign: np.ndarray  # index into campaigns or -1
    lead_mql: np.ndarray
    lead_sql: np.ndarray
    lead_status: np.ndarray  # object
    lead_dq_reason: np.ndarray  # object or None
    # new deals (one per converted lead)
    deal_account: np.ndarray
    deal_created: np.ndarray
    deal_closed: np.ndarray  # NONE while open
    deal_outcome: np.ndarray  # object: won / lost / open
    deal_amount: np.ndarray
    deal_competitor: np.ndarray  # object or None
    deal_loss_reason: np.ndarray  # object or None
    deal_stage: np.ndarray  # object
    deal_channel: np.ndarray
    deal_p_win: np.ndarray
    # per account
    won_day: np.ndarray  # NONE if never won
    plan_idx: np.ndarray  # index into PLAN_LIMITS of the plan the account buys
    mrr: np.ndarray
    source: np.ndarray  # channel index of the first lead


_CAMPAIGN_TOPICS_BEFORE = (
    "Excel管理からの脱却",
    "在庫の見える化",
    "現場に定着するDX",
    "API連携入門",
    "生産計画の最適化",
    "営業とバックオフィスの連携",
)
_CAMPAIGN_TOPICS_AFTER = (
    "インボイス制度対応の実務",
    "電子帳簿保存法 義務化への備え",
    "請求書電子化で経理の工数削減",
)


def _month_add(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, 1)


def make_campaigns(start: date, end: date, n_accounts: int, event: date) -> Campaigns:
    """Campaigns tiling the period for each channel (deterministic, no randomness).

    Costs scale with the size of the demo so that cost per lead stays realistic.
    """
    scale = n_accounts / 3000
    periods = {  # channel -> (months per campaign, base cost in JPY)
        "展示会": (6, 5_000_000),
        "Web広告": (3, 1_500_000),
        "ウェビナー": (1, 200_000),
        "紹介": (12, 600_000),
        "SEO": (6, 1_000_000),
        "アウトバウンド": (3, 1_800_000),
    }
    out = Campaigns([], [], [], [], [], [])
    k = 0
    for channel in CHANNELS:
        months, cost = periods[channel]
        first = date(start.year, start.month, 1)
        j = 0
        while True:
            p0 = _month_add(first, j * months)
            if p0 > end:
                break
            p1 = _month_add(p0, months) - timedelta(days=1)
            s, e = max(p0, start), min(p1, end)
            half = "上期" if p0.month <= 6 else "下期"
            q = (p0.month - 1) // 3 + 1
            if channel == "展示会":
                name = f"{p0.year}年{half} 業務改革EXPO 出展"
            elif channel == "Web広告":
                name = f"Web広告 {p0.year}Q{q}（リスティング・SNS）"
            elif channel == "ウェビナー":
                topics = _CAMPAIGN_TOPICS_AFTER if p0 >= event else _CAMPAIGN_TOPICS_BEFORE
                name = f"ウェビナー {p0.year}年{p0.month}月「{topics[j % len(topics)]}」"
            elif channel == "紹介":
                name = f"顧客紹介プログラム {p0.year}"
            elif channel == "SEO":
                name = f"オウンドメディア・SEO {p0.year}{half}"
            else:
                name = f"インサイドセールス アウトバウンド {p0.year}Q{q}"
            # A deterministic ±20 % wobble keeps costs from looking copy-pasted.
            wobble = 0.8 + 0.4 * ((k * 37 + j * 11) % 10) / 9
            k += 1
            out.campaign_id.append(f"CP{k:03d}")
            out.name.append(name)
            out.channel.append(channel)
            out.started.append((s - start).days)
            out.ended.append((e - start).days)
            out.cost.append(float(round(cost * wobble * scale, -3)))
            j += 1
    return out


def _campaign_of(camp: Campaigns, channel: np.ndarray, day: np.ndarray) -> np.ndarray:
    out = np.full(len(day), -1, dtype=np.int64)
    started = np.array(camp.started)
    chan = np.array(camp.channel, dtype=object)
    for c, name in enumerate(CHANNELS):
        rows = np.flatnonzero(channel == c)
        idx = np.flatnonzero(chan == name)
        if rows.size == 0 or idx.size == 0:
            continue
        pos = np.searchsorted(started[idx], day[rows], side="right") - 1
        out[rows] = idx[np.clip(pos, 0, idx.size - 1)]
    return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _calibrate(x: np.ndarray, target: float) -> float:
    """Intercept ``a`` with ``mean(sigmoid(a + x)) == target`` (bisection).

    Solving for the intercept on the realised covariates keeps each group's win
    rate at its planted target whatever the mix of channels, decision makers and
    competitors in that group.
    """
    lo, hi = -12.0, 12.0
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        if _sigmoid(mid + x).mean() < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _plan_for(rng: np.random.Generator, acc: Accounts) -> tuple[np.ndarray, np.ndarray]:
    ideal = acc.segment == SEG_IDEAL
    # Ideal-segment customers roll the platform out to more of their staff.
    adoption = np.where(
        ideal, rng.uniform(0.45, 0.85, size=acc.n), rng.uniform(0.2, 0.55, size=acc.n)
    )
    seats = np.maximum(acc.employees * adoption, 5)
    limits = np.array(PLAN_LIMITS)
    idx = np.minimum(np.searchsorted(limits, seats), len(limits) - 1)
    price = PRODUCTS[0].list_price
    mrr = limits[idx] * price * (1 - np.array(PLAN_DISCOUNTS)[idx])
    mrr = np.round(mrr * rng.uniform(0.92, 1.0, size=acc.n), -2)
    return idx, mrr


_LOSS_P = {  # competitor -> probabilities over LOSS_REASONS
    "アルファクラウド": (0.60, 0.05, 0.25, 0.05, 0.05),
    "ベータシステムズ": (0.10, 0.50, 0.30, 0.05, 0.05),
    "ガンマソフト": (0.10, 0.10, 0.10, 0.40, 0.30),
    None: (0.15, 0.15, 0.00, 0.35, 0.35),
}


def make_funnel(
    rng: np.random.Generator, acc: Accounts, camp: Campaigns, days: int, ev: int, price_cut: int
) -> Funnel:
    n = acc.n
    seg = acc.segment
    plan_idx, mrr = _plan_for(rng, acc)
    won_day = np.full(n, NONE, dtype=np.int64)
    active = np.ones(n, dtype=bool)
    start = acc.arrival.copy()
    leads: list[dict[str, np.ndarray]] = []
    deals: list[dict[str, np.ndarray]] = []
    chan_base = np.array([0.17, 0.24, 0.15, 0.10, 0.18, 0.16])
    chan_new = np.array([0.12, 0.20, 0.30, 0.10, 0.16, 0.12])
    p_mql = np.array([0.65, 0.60, 0.80, 0.90, 0.60, 0.50])
    good = np.isin(np.array(CHANNELS), PLANTED.good_channels)
    wl = PLANTED.win_logit
    comp_logit = np.array([wl[c] for c in COMPETITORS] + [wl["no_competitor"]])
    source = np.zeros(n, dtype=np.int64)
    for k in range(N_SLOTS):
        active &= start < days
        rows = np.flatnonzero(active)
        m = rows.size
        if m == 0:
            break
        created = start[rows]
        s = seg[rows]
        post = created >= ev
        use_new = (s == SEG_NEW) & post
        ch = np.where(
            use_new,
            rng.choice(len(CHANNELS), size=m, p=chan_new),
            rng.choice(len(CHANNELS), size=m, p=chan_base),
        )
        if k == 0:
            source[rows] = ch
        nc = acc.n_contacts[rows]
        within = np.where(k == 0, 0, (rng.random(m) * nc).astype(np.int64))
        contact = acc.contact_offset[rows] + within
        mql_ok = rng.random(m) < p_mql[ch]
        mql = created + 1 + rng.geometric(1 / 7, size=m)
        p_sql = np.where(s == SEG_IDEAL, 0.8, np.where(use_new, 0.8, 0.65))
        p_sql = np.where((s == SEG_NEW) & ~post, 0.5, p_sql)
        sql_ok = mql_ok & (rng.random(m) < p_sql)
        sql = mql + 3 + rng.exponential(14, size=m).astype(np.int64)
        mql_day = np.where(mql_ok & (mql < days), mql, NONE)
        sql_day = np.where(sql_ok & (sql < days), sql, NONE)
        converted = sql_day != NONE
        status = np.where(
            converted,
            "converted",
            np.where(sql_ok | (days - 1 - created < 60), "open", "disqualified"),
        ).astype(object)
        dq = np.where(
            status == "disqualified",
            np.array(DISQUALIFIED_REASONS, dtype=object)[
                rng.choice(len(DISQUALIFIED_REASONS), size=m, p=[0.3, 0.15, 0.15, 0.2, 0.2])
            ],
            MISSING,
        )
        camp_idx = _campaign_of(camp, ch, created)
        organic = np.isin(ch, [CHANNELS.index("紹介"), CHANNELS.index("SEO")]) & (
            rng.random(m) < 0.3
        )
        camp_idx[organic] = -1
        leads.append(
            {
                "account": rows,
                "contact": contact,
                "created": created,
                "channel": ch,
                "campaign": camp_idx,
                "mql": mql_day,
                "sql": sql_day,
                "status": status,
                "dq": dq,
            }
        )
        # New deals from converted leads.
        d = np.flatnonzero(converted)
        da = rows[d]
        dc = sql_day[d]
        ds = seg[da]
        emp = acc.employees[da]
        cycle = 20 + rng.gamma(2.0, 10 + 8 * np.log10(emp)).astype(np.int64)
        close = dc + cycle
        has_comp = rng.random(d.size) < 0.65
        alpha_share = np.where(dc >= price_cut, 0.40, 0.30)
        u = rng.random(d.size)
        comp = np.where(u < alpha_share, 0, np.where(u < alpha_share + (1 - alpha_share) / 2, 1, 2))
        comp = np.where(has_comp, comp, len(COMPETITORS))
        x = (
            wl["decision_maker"] * acc.has_dm[da]
            + wl["good_channel"] * good[ch[d]]
            + comp_logit[comp]
        )
        group = np.where(
            ds == SEG_IDEAL,
            0,
            np.where(ds == SEG_NEW, np.where(dc >= ev, 2, 1), 3),
        )
        targets = (
            PLANTED.win_rate["ideal"],
            PLANTED.win_rate["new_before"],
            PLANTED.win_rate["new_after"],
            PLANTED.win_rate["other"],
        )
        p = np.zeros(d.size)
        for g, target in enumerate(targets):
            sel = group == g
            if sel.any():
                p[sel] = _sigmoid(_calibrate(x[sel], target) + x[sel])
        win = rng.random(d.size) < p
        closed = close < days
        outcome = np.where(closed, np.where(win, "won", "lost"), "open").astype(object)
        comp_names = np.array([*COMPETITORS, None], dtype=object)[comp]
        loss = np.full(d.size, None, dtype=object)
        lost = np.flatnonzero(outcome == "lost")
        for key, probs in _LOSS_P.items():
            sel = lost[comp_names[lost] == key] if key is not None else lost[~has_comp[lost]]
            if sel.size:
                loss[sel] = np.array(LOSS_REASONS, dtype=object)[
                    rng.choice(len(LOSS_REASONS), size=sel.size, p=probs)
                ]
        # Before the regulation the new segment mostly was not ready yet.
        early = lost[(group[lost] == 1) & (rng.random(lost.size) < 0.6)]
        loss[early] = "時期尚早"
        loss[lost[(loss[lost] == "競合に決定") & ~has_comp[lost]]] = "予算不足"
        stage = np.where(outcome == "won", "受注", np.where(outcome == "lost", "失注", MISSING))
        progress = np.clip((days - 1 - dc) / np.maximum(cycle, 1), 0, 0.999)
        open_stage = np.array(OPEN_STAGES, dtype=object)[(progress * len(OPEN_STAGES)).astype(int)]
        stage = np.where(outcome == "open", open_stage, stage).astype(object)
        deals.append(
            {
                "account": da,
                "created": dc,
                "closed": np.where(closed, close, NONE),
                "outcome": outcome,
                "amount": mrr[da] * 12,
                "competitor": comp_names,
                "loss": loss,
                "stage": stage,
                "channel": ch[d],
                "p": p,
            }
        )
        won_now = outcome == "won"
        won_day[da[won_now]] = close[won_now]
        # Next slot: after the previous deal closed (or the lead went cold).
        gap = 45 + rng.exponential(150, size=m).astype(np.int64)
        nxt = created + gap
        deal_end = np.full(m, NONE, dtype=np.int64)
        deal_end[d] = close + 20
        start[rows] = np.maximum(nxt, deal_end)
        active[rows[d[won_now]]] = False

    def cat(parts: list[dict[str, np.ndarray]], key: str) -> np.ndarray:
        return np.concatenate([p[key] for p in parts]) if parts else np.array([])

    # Order rows by date so ids run in time order like a real CRM's.
    lo = np.argsort(cat(leads, "created"), kind="stable")
    do = np.argsort(cat(deals, "created"), kind="stable")
    return Funnel(
        lead_account=cat(leads, "account")[lo],
        lead_contact=cat(leads, "contact")[lo],
        lead_created=cat(leads, "created")[lo],
        lead_channel=cat(leads, "channel")[lo],
        lead_campaign=cat(leads, "campaign")[lo],
        lead_mql=cat(leads, "mql")[lo],
        lead_sql=cat(leads, "sql")[lo],
        lead_status=cat(leads, "status")[lo],
        lead_dq_reason=cat(leads, "dq")[lo],
        deal_account=cat(deals, "account")[do],
        deal_created=cat(deals, "created")[do],
        deal_closed=cat(deals, "closed")[do],
        deal_outcome=cat(deals, "outcome")[do],
        deal_amount=cat(deals, "amount")[do],
        deal_competitor=cat(deals, "competitor")[do],
        deal_loss_reason=cat(deals, "loss")[do],
        deal_stage=cat(deals, "stage")[do],
        deal_channel=cat(deals, "channel")[do],
        deal_p_win=cat(deals, "p")[do],
        won_day=won_day,
        plan_idx=plan_idx,
        mrr=mrr,
        source=source,
    )

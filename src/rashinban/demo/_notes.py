"""Sales reps' notes: interviews, win/loss write-ups and customer meetings.

Interview themes differ by segment (PLANTED.themes); win/loss notes carry the
competitor-specific patterns; meeting notes of upgraders mention the seat limit.
"""

from __future__ import annotations

import numpy as np

from rashinban.demo import _text as T
from rashinban.demo._customers import Customers
from rashinban.demo._firmographics import SEG_IDEAL, Accounts
from rashinban.demo._funnel import NONE, Funnel
from rashinban.demo._reference import COMPETITORS, INDUSTRY_NAMES, LOSS_REASONS

_GROUPS = ("ideal", "retail", "ict", "other")


def theme_group(acc: Accounts) -> np.ndarray:
    """0 ideal, 1 retail, 2 ict, 3 other — per account (see Planted.theme_group_of)."""
    ind = np.array(INDUSTRY_NAMES, dtype=object)[acc.industry]
    g = np.where(ind == "卸売業・小売業", 1, np.where(ind == "情報通信業", 2, 3))
    return np.where(acc.segment == SEG_IDEAL, 0, g)


def _theme(rng: np.random.Generator, group: np.ndarray, is_ict: np.ndarray) -> np.ndarray:
    # Ideal-segment ICT companies talk about APIs too, a third of the time.
    g = np.where((group == 0) & is_ict & (rng.random(group.size) < 0.33), 2, group)
    return T.choose(rng, g, [T.THEMES[k] for k in _GROUPS])


def _interview_themes(
    rng: np.random.Generator, group: np.ndarray, is_ict: np.ndarray
) -> np.ndarray:
    out = _two_themes(rng, group)
    # A third of ideal-segment ICT interviews start from APIs, then the ideal theme.
    api = np.flatnonzero((group == 0) & is_ict & (rng.random(group.size) < 0.33))
    out[api] = T.draw(rng, T.THEMES["ict"], api.size) + T.draw(rng, T.THEMES["ideal"], api.size)
    return out


def _two_themes(rng: np.random.Generator, group: np.ndarray) -> np.ndarray:
    """Two different theme sentences of each row's group, concatenated."""
    out = np.empty(group.size, dtype=object)
    for g, key in enumerate(_GROUPS):
        rows = np.flatnonzero(group == g)
        pool = T.THEMES[key]
        first = rng.integers(0, len(pool), size=rows.size)
        second = (first + rng.integers(1, len(pool), size=rows.size)) % len(pool)
        out[rows] = pool[first] + pool[second]
    return out


def note_rows(
    rng: np.random.Generator,
    acc: Accounts,
    fun: Funnel,
    cus: Customers,
    days: int,
    ev: int,
) -> dict[str, np.ndarray]:
    group = theme_group(acc)
    ict = np.array(INDUSTRY_NAMES, dtype=object)[acc.industry] == "情報通信業"
    parts: list[dict[str, np.ndarray]] = []
    kinds: list[str] = []
    nd = fun.deal_account.size
    # Interviews on new deals.
    sel = np.flatnonzero(rng.random(nd) < 0.55)
    a = fun.deal_account[sel]
    day = np.minimum(fun.deal_created[sel] + rng.integers(0, 21, size=sel.size), days - 1)
    closed_day = fun.deal_closed[sel]
    day = np.where(closed_day != NONE, np.minimum(day, closed_day), day)
    g = group[a]
    third = T.draw(rng, T.NEUTRAL, sel.size)
    retail_after = (g == 1) & (day >= ev) & (rng.random(sel.size) < 0.6)
    third[retail_after] = T.draw(rng, T.RETAIL_AFTER_EVENT, int(retail_after.sum()))
    text = (
        T.draw(rng, T.OPENING, sel.size)
        + _interview_themes(rng, g, ict[a])
        + third
        + T.draw(rng, T.NEXT_STEP, sel.size)
    )
    parts.append({"account": a, "deal": sel, "day": day, "text": text})
    kinds.append("interview")
    # Win/loss notes on closed new deals.
    closed = np.flatnonzero((fun.deal_outcome != "open") & (rng.random(nd) < 0.7))
    a = fun.deal_account[closed]
    day = np.minimum(fun.deal_closed[closed] + rng.integers(0, 8, size=closed.size), days - 1)
    won = fun.deal_outcome[closed] == "won"
    comp = fun.deal_competitor[closed]
    comp_idx = np.full(closed.size, len(COMPETITORS))
    for i, name in enumerate(COMPETITORS):
        comp_idx[comp == name] = i
    empty = np.array([""], dtype=object)
    win_comp = T.choose(rng, comp_idx, [T.WIN_COMPETITOR[c] for c in COMPETITORS] + [empty])
    loss_comp = T.choose(rng, comp_idx, [T.LOSS_COMPETITOR[c] for c in COMPETITORS] + [empty])
    loss_comp[rng.random(closed.size) < 0.3] = ""
    reason = fun.deal_loss_reason[closed]
    r_idx = np.zeros(closed.size, dtype=np.int64)
    for i, name in enumerate(LOSS_REASONS):
        r_idx[reason == name] = i
    loss_text = T.choose(rng, r_idx, [T.LOSS_REASON_TEXT[r] for r in LOSS_REASONS])
    g = group[a]
    text = np.where(
        won,
        T.draw(rng, T.WIN_OPEN, closed.size) + win_comp + T.draw(rng, T.WIN_REASON, closed.size),
        T.draw(rng, T.LOSS_OPEN, closed.size) + loss_comp + loss_text,
    )
    reflection = np.where(
        won,
        T.draw(rng, T.WIN_REFLECTION, closed.size),
        T.draw(rng, T.LOSS_REFLECTION, closed.size),
    )
    text = text + "背景：" + _theme(rng, g, ict[a]) + reflection
    parts.append({"account": a, "deal": closed, "day": day, "text": text})
    kinds.append("win_loss")
    # Meetings with customers.
    m = cus.account.size
    years = (cus.end - cus.start) / 365.0
    count = rng.poisson(1.5 * years)
    c = np.repeat(np.arange(m), count)
    day = cus.start[c] + (rng.random(c.size) * (cus.end - cus.start)[c]).astype(np.int64)
    body = T.draw(rng, T.MEETING, c.size)
    up = cus.upgrade_day[c]
    near = (up != NONE) & (day < up) & (day >= up - 120)
    body[near] = T.draw(rng, T.MEETING_UPGRADE, int(near.sum()))
    # Every upgrader has one meeting 30–90 days before the upgrade that says so.
    ups = np.flatnonzero((cus.upgrade_day != NONE) & (rng.random(m) < 0.8))
    uday = cus.upgrade_day[ups] - rng.integers(30, 91, size=ups.size)
    cc = np.concatenate([c, ups])
    mday = np.concatenate([day, uday])
    mtext = np.concatenate([body, T.draw(rng, T.MEETING_UPGRADE, ups.size)])
    mtext = mtext + T.draw(rng, T.MEETING_MIDDLE, cc.size) + T.draw(rng, T.MEETING_TAIL, cc.size)
    parts.append(
        {
            "account": cus.account[cc],
            "deal": np.full(cc.size, -1),
            "day": mday,
            "text": mtext,
        }
    )
    kinds.append("meeting")
    acc_all = np.concatenate([p["account"] for p in parts])
    day_all = np.concatenate([p["day"] for p in parts])
    order = np.lexsort((acc_all, day_all))
    kind_all = np.concatenate(
        [np.full(p["account"].size, k, dtype=object) for p, k in zip(parts, kinds, strict=True)]
    )
    return {
        "account": acc_all[order],
        "deal": np.concatenate([p["deal"] for p in parts])[order],  # new-deal position or -1
        "day": day_all[order],
        "kind": kind_all[order],
        "text": np.concatenate([p["text"] for p in parts])[order],
    }

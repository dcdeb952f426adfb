"""``generate()``: the whole demo company as canonical tables, plus its planted truth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from rashinban._errors import InvalidValueError
from rashinban.demo._customers import (
    customer_deals,
    make_customers,
    order_rows,
    subscription_rows,
    usage_rows,
)
from rashinban.demo._firmographics import make_accounts, make_contacts
from rashinban.demo._funnel import MISSING, NONE, make_campaigns, make_funnel
from rashinban.demo._notes import note_rows, theme_group
from rashinban.demo._planted import PLANTED
from rashinban.demo._reference import (
    CHANNELS,
    INDUSTRIES,
    PLAN_LIMITS,
    PREFECTURES,
    PRODUCTS,
    USAGE_METRICS,
    plan_name,
)
from rashinban.demo._support import survey_days, survey_rows, ticket_rows
from rashinban.schema import TABLES

_EVENT_TEXT = {
    "E001": "生成AIを業務に取り入れる企業が急増。問い合わせで話題に上ることが増えた。",
    "E002": "競合のアルファクラウドが全プランの価格を20%引き下げると発表。",
    "E003": (
        "インボイス制度と電子帳簿保存法への対応が事実上必須となり、"
        "請求書の電子化と経理業務の見直しを迫られる企業が増加。"
        "特に中小の卸売業・小売業で需要が拡大。"
    ),
    "E004": "ワークフロー（P03）の新バージョンをリリース。API連携のテンプレートを同梱。",
}

# Independent random streams per part, so that changing how one table is made
# does not reshuffle every other table of the same seed.
_STREAMS = (
    "accounts",
    "contacts",
    "funnel",
    "customers",
    "deals",
    "orders",
    "usage",
    "tickets",
    "surveys",
    "notes",
)


@dataclass(frozen=True)
class Demo:
    """A generated demo: the canonical ``tables`` and the per-row planted ``truth``.

    ``truth`` holds three frames:

    - ``accounts``: account_id, segment (ideal / new / other), has_decision_maker,
      theme_group
    - ``churners``: account_id, churned_at, usage_decline, open_high_ticket,
      detractor_nps (which planted signals each churner shows)
    - ``upgrades``: account_id, upgraded_at, from_plan, to_plan
    """

    tables: dict[str, pd.DataFrame]
    truth: dict[str, pd.DataFrame]


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def generate_demo(
    n_accounts: int = 3000,
    *,
    seed: int = 7,
    start: date = date(2023, 1, 1),
    end: date = date(2025, 12, 31),
) -> Demo:
    """Generate the demo company and return its tables and planted truth.

    See :func:`generate` for the parameters; this variant also returns the
    per-row truth (which accounts churned with which signals, who upgraded).

    Examples
    --------
    >>> demo = generate_demo(200, seed=1)
    >>> sorted(demo.truth)
    ['accounts', 'churners', 'upgrades']
    """
    if n_accounts < 1:
        raise InvalidValueError(
            f"n_accounts は1以上にしてください ({n_accounts}) / "
            f"n_accounts must be at least 1, got {n_accounts}",
            value=n_accounts,
            fix="取引先の数を正の数で指定してください (既定は3000) / "
            "pass a positive number of accounts (the default is 3000)",
        )
    if (end - start).days < 180:
        raise InvalidValueError(
            f"デモの期間 {start} … {end} が180日より短いです / "
            f"the demo period {start} … {end} is shorter than 180 days",
            fix="終了日を開始日の半年以上後にしてください / "
            "pass an end date at least half a year after the start date",
        )
    days = (end - start).days + 1
    ev = (PLANTED.event_date - start).days
    price_cut = (PLANTED.events[1].occurred_at - start).days
    ss = np.random.SeedSequence(seed)
    rngs = dict(
        zip(_STREAMS, (np.random.default_rng(s) for s in ss.spawn(len(_STREAMS))), strict=True)
    )

    acc = make_accounts(rngs["accounts"], n_accounts, days, ev)
    con = make_contacts(rngs["contacts"], acc, days)
    camp = make_campaigns(start, end, n_accounts, PLANTED.event_date)
    fun = make_funnel(rngs["funnel"], acc, camp, days, ev, price_cut)
    cus = make_customers(rngs["customers"], acc, fun, days)
    subs = subscription_rows(cus)
    cdeals = customer_deals(rngs["deals"], cus, days)
    orders = order_rows(rngs["orders"], cus, days)
    # (account rank is known before any table is built: ids follow arrival order)
    rank = np.empty(n_accounts, dtype=np.int64)
    rank[np.argsort(acc.arrival, kind="stable")] = np.arange(n_accounts)
    usage = usage_rows(
        rngs["usage"], acc, cus, start.weekday(), np.argsort(rank[cus.account], kind="stable")
    )
    tickets = ticket_rows(rngs["tickets"], cus, days)
    surveys = survey_rows(rngs["surveys"], acc, cus, survey_days(start, end))
    notes = note_rows(rngs["notes"], acc, fun, cus, days, ev)

    origin = np.datetime64(start, "D")

    def dates(d: np.ndarray) -> np.ndarray:
        d = np.asarray(d, dtype=np.int64)
        out = (origin + np.where(d == NONE, 0, d).astype("timedelta64[D]")).astype("datetime64[s]")
        out[d == NONE] = np.datetime64("NaT")
        return out

    # Account ids run in the order accounts arrived, like a CRM's auto-numbering.
    width = max(6, len(str(n_accounts)))
    account_ids = _ids("A", n_accounts, width)
    aid = account_ids[rank]

    # Account status follows the subscriptions.
    active_end = np.zeros(n_accounts, dtype=bool)
    active_end[subs["account"][subs["ended"] == NONE]] = True
    ever = np.zeros(n_accounts, dtype=bool)
    ever[cus.account] = True
    status = np.where(active_end, "customer", np.where(ever, "churned", "prospect"))

    pref = np.array([p[0] for p in PREFECTURES], dtype=object)
    accounts = pd.DataFrame(
        {
            "account_id": aid,
            "name": acc.name,
            "legal_form": acc.legal_form,
            "corporate_number": acc.corporate_number,
            "industry": np.array([i.name for i in INDUSTRIES], dtype=object)[acc.industry],
            "industry_code": np.array([i.code for i in INDUSTRIES], dtype=object)[acc.industry],
            "prefecture": pref[acc.prefecture],
            "prefecture_code": np.array([f"{i + 1:02d}" for i in range(47)], dtype=object)[
                acc.prefecture
            ],
            "country": np.full(n_accounts, "日本", dtype=object),
            "employees": acc.employees,
            "annual_revenue": acc.annual_revenue.astype(float),
            "founded_year": acc.founded_year,
            "created_at": dates(acc.arrival),
            "owner": acc.owner,
            "source": np.array(CHANNELS, dtype=object)[fun.source],
            "status": status.astype(object),
        }
    )
    order_acc = np.argsort(rank, kind="stable")
    accounts = accounts.iloc[order_acc].reset_index(drop=True)

    c_order = np.lexsort((rank[con.account], con.created))
    contact_ids = np.empty(con.account.size, dtype=object)
    contact_ids[c_order] = _ids("C", con.account.size, width + 1)
    contacts = (
        pd.DataFrame(
            {
                "contact_id": contact_ids,
                "account_id": aid[con.account],
                "name": con.name,
                "title": con.title,
                "department": con.department,
                "role": con.role,
                "email": con.email,
                "created_at": dates(con.created),
            }
        )
        .iloc[c_order]
        .reset_index(drop=True)
    )

    campaigns = pd.DataFrame(
        {
            "campaign_id": camp.campaign_id,
            "name": camp.name,
            "channel": camp.channel,
            "started_at": dates(np.array(camp.started)),
            "ended_at": dates(np.array(camp.ended)),
            "cost": np.array(camp.cost, dtype=float),
        }
    )
    camp_ids = np.array([*camp.campaign_id, None], dtype=object)
    leads = pd.DataFrame(
        {
            "lead_id": _ids("L", fun.lead_account.size, width + 1),
            "account_id": aid[fun.lead_account],
            "contact_id": contact_ids[fun.lead_contact],
            "created_at": dates(fun.lead_created),
            "channel": np.array(CHANNELS, dtype=object)[fun.lead_channel],
            "campaign_id": camp_ids[fun.lead_campaign],
            "mql_at": dates(fun.lead_mql),
            "sql_at": dates(fun.lead_sql),
            "status": fun.lead_status,
            "disqualified_reason": fun.lead_dq_reason,
        }
    )

    # Deals: new business from the funnel, then expansions and renewals.
    n_new = fun.deal_account.size
    d_created = np.concatenate([fun.deal_created, cdeals["created"]])
    d_account = np.concatenate([fun.deal_account, cdeals["account"]])
    d_order = np.lexsort((rank[d_account], d_created))
    deal_ids = np.empty(d_created.size, dtype=object)
    deal_ids[d_order] = _ids("D", d_created.size, width + 1)
    outcome = np.concatenate([fun.deal_outcome, cdeals["outcome"]])
    stage = np.concatenate(
        [
            fun.deal_stage,
            np.where(
                cdeals["outcome"] == "won",
                "受注",
                np.where(cdeals["outcome"] == "lost", "失注", "提案"),
            ).astype(object),
        ]
    )
    deals = (
        pd.DataFrame(
            {
                "deal_id": deal_ids,
                "account_id": aid[d_account],
                "created_at": dates(d_created),
                "closed_at": dates(np.concatenate([fun.deal_closed, cdeals["closed"]])),
                "stage": stage,
                "amount": np.concatenate([fun.deal_amount, cdeals["amount"]]).astype(float),
                "outcome": outcome,
                "loss_reason": np.concatenate([fun.deal_loss_reason, cdeals["loss"]]),
                "competitor": np.concatenate(
                    [fun.deal_competitor, np.full(cdeals["account"].size, None, dtype=object)]
                ),
                "product_id": np.concatenate(
                    [np.full(n_new, "P01", dtype=object), cdeals["product"]]
                ),
                "kind": np.concatenate([np.full(n_new, "new", dtype=object), cdeals["kind"]]),
            }
        )
        .iloc[d_order]
        .reset_index(drop=True)
    )

    orders_df = pd.DataFrame(
        {
            "order_id": _ids("O", orders["account"].size, width + 1),
            "account_id": aid[orders["account"]],
            "ordered_at": dates(orders["day"]),
            "product_id": orders["product"],
            "quantity": orders["quantity"],
            "amount": orders["amount"],
        }
    )
    subscriptions = pd.DataFrame(
        {
            "subscription_id": _ids("S", subs["account"].size, width + 1),
            "account_id": aid[subs["account"]],
            "product_id": subs["product"],
            "plan": subs["plan"],
            "mrr": subs["mrr"],
            "started_at": dates(subs["started"]),
            "ended_at": dates(subs["ended"]),
        }
    )
    usage_df = pd.DataFrame(
        {
            "account_id": pd.Categorical.from_codes(rank[usage["account"]], categories=account_ids),
            "date": dates(usage["day"]),
            "metric": pd.Categorical.from_codes(usage["metric"], categories=list(USAGE_METRICS)),
            "value": usage["value"],
        }
    )
    tickets_df = pd.DataFrame(
        {
            "ticket_id": _ids("T", tickets["account"].size, width + 1),
            "account_id": aid[tickets["account"]],
            "opened_at": dates(tickets["opened"]),
            "closed_at": dates(tickets["closed"]),
            "category": tickets["category"],
            "priority": tickets["priority"],
            "text": tickets["text"],
            "satisfaction": pd.array(tickets["satisfaction"], dtype="Int64"),
        }
    )
    surveys_df = pd.DataFrame(
        {
            "response_id": _ids("R", surveys["account"].size, width + 1),
            "account_id": aid[surveys["account"]],
            "contact_id": contact_ids[surveys["contact"]],
            "answered_at": dates(surveys["day"]),
            "nps": surveys["nps"],
            "comment": surveys["comment"],
        }
    )
    new_deal_ids = deal_ids[:n_new]
    note_deal = np.where(notes["deal"] >= 0, notes["deal"], 0)
    notes_df = pd.DataFrame(
        {
            "note_id": _ids("N", notes["account"].size, width + 1),
            "account_id": aid[notes["account"]],
            "deal_id": np.where(notes["deal"] >= 0, new_deal_ids[note_deal], MISSING),
            "written_at": dates(notes["day"]),
            "kind": notes["kind"],
            "author": acc.owner[notes["account"]],
            "text": notes["text"],
        }
    )
    events = pd.DataFrame(
        [
            {
                "event_id": e.event_id,
                "occurred_at": e.occurred_at,
                "kind": e.kind,
                "title": e.title,
                "description": _EVENT_TEXT[e.event_id],
                "scope": e.scope,
            }
            for e in PLANTED.events
            if start <= e.occurred_at <= end
        ],
        columns=list(TABLES["events"].column_names),
    )
    events["occurred_at"] = pd.to_datetime(events["occurred_at"]).astype("datetime64[s]")
    products = pd.DataFrame(
        {
            "product_id": [p.product_id for p in PRODUCTS],
            "name": [p.name for p in PRODUCTS],
            "category": [p.category for p in PRODUCTS],
            "list_price": [float(p.list_price) for p in PRODUCTS],
        }
    )
    tables = {
        "products": products,
        "campaigns": campaigns,
        "events": events,
        "accounts": accounts,
        "contacts": contacts,
        "leads": leads,
        "deals": deals,
        "orders": orders_df,
        "subscriptions": subscriptions,
        "usage": usage_df,
        "tickets": tickets_df,
        "surveys": surveys_df,
        "notes": notes_df,
    }

    seg_names = np.array(["other", "ideal", "new"], dtype=object)
    groups = np.array(["ideal", "retail", "ict", "other"], dtype=object)
    truth_accounts = (
        pd.DataFrame(
            {
                "account_id": aid,
                "segment": seg_names[acc.segment],
                "has_decision_maker": acc.has_dm,
                "theme_group": groups[theme_group(acc)],
            }
        )
        .iloc[order_acc]
        .reset_index(drop=True)
    )
    ch = cus.churned
    churners = pd.DataFrame(
        {
            "account_id": aid[cus.account[ch]],
            "churned_at": dates(cus.churn_day[ch]),
            "usage_decline": cus.signal_usage[ch],
            "open_high_ticket": cus.signal_ticket[ch],
            "detractor_nps": cus.signal_nps[ch],
        }
    ).sort_values("account_id", ignore_index=True)
    up = cus.upgrade_day != NONE
    names = np.array([plan_name(x) for x in PLAN_LIMITS], dtype=object)
    upgrades = pd.DataFrame(
        {
            "account_id": aid[cus.account[up]],
            "upgraded_at": dates(cus.upgrade_day[up]),
            "from_plan": names[cus.plan1[up]],
            "to_plan": names[cus.plan2[up]],
        }
    ).sort_values("account_id", ignore_index=True)
    return Demo(tables, {"accounts": truth_accounts, "churners": churners, "upgrades": upgrades})


def generate(
    n_accounts: int = 3000,
    *,
    seed: int = 7,
    start: date = date(2023, 1, 1),
    end: date = date(2025, 12, 31),
) -> dict[str, pd.DataFrame]:
    """Generate the demo company: every canonical table, keyed by table name.

    A synthetic Japanese B2B SaaS company (a cloud business platform with
    options and services) over ``start`` … ``end``, with the hidden structure
    described by :data:`rashinban.demo.PLANTED` and ``docs/dataset-card.md``.
    Deterministic: the same arguments give equal frames.

    Parameters
    ----------
    n_accounts
        Number of accounts (companies in the CRM); every other table scales with it.
    seed
        Random seed.
    start, end
        First and last day of the data (inclusive).

    Returns
    -------
    dict[str, pandas.DataFrame]
        Canonical table name → frame with exactly the canonical columns. Dates
        are ``datetime64[s]`` at midnight (NaT when absent), money is JPY as
        float, ``usage.account_id`` and ``usage.metric`` are categoricals.

    Raises
    ------
    InvalidValueError
        If ``n_accounts`` is not positive or the period is shorter than 180 days.

    Examples
    --------
    >>> tables = generate(300, seed=1)
    >>> tables["accounts"].shape[0]
    300
    >>> set(tables["deals"]["outcome"]) <= {"won", "lost", "open"}
    True
    """
    return generate_demo(n_accounts, seed=seed, start=start, end=end).tables

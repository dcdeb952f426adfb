"""One row per account as of a date: firmographics, status, deals, value, voice, channel.

:func:`account_facts` is the shared account-level feature table of the
targeting, ICP, scoring and KPI analyses. It is one Ibis expression over the
canonical tables and never looks ahead: every event counts only if it is dated
on or before ``as_of``. In particular the account's *status* is re-derived from
deals and subscriptions as of the date; the ``accounts.status`` column (the CRM's
status *today*) is not used, because it leaks the future into any past cut.

Columns
-------
========================  ==========================================================
account_id, industry,     firmographics copied from ``accounts``
prefecture, employees,
annual_revenue,
founded_year, source
is_customer               had a subscription or a won *new* deal by ``as_of``
is_active                 a subscription is running at ``as_of`` (or a won deal and
                          no subscription data at all)
churned                   was a subscriber and none is running at ``as_of``
status_asof               ``customer`` / ``churned`` / ``prospect``
first_won_at              close date of the first won new deal (NaT if none)
deals_won, deals_lost     new deals closed in ``[since, as_of]``
deals_open                new deals created by ``as_of`` and not closed by it
won_amount                sum of won new-deal amounts in the window
won_priced                won new deals in the window with an amount recorded (the
                          count a mean deal divides by: an empty amount is unknown)
cycle_days_sum            sum of (closed - created) days of those won deals
revenue                   orders by ``as_of`` + subscription MRR × months billed
mrr                       MRR running at ``as_of``
nps_mean, nps_n           NPS answers by ``as_of``
leads, mqls, sqls         leads created by ``as_of``; of them, MQL (or SQL: a lead
                          accepted by sales has passed MQL, as in the KPI funnel) / SQL
                          by ``as_of``
channel                   channel of the account's first lead (by ``as_of``)
has_decision_maker        a contact with role ``decision_maker`` created by ``as_of``
acquisition_cost          campaign cost attributed through the account's leads:
                          each campaign's cost split evenly over its leads
========================  ==========================================================
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir

__all__ = ["ACCOUNT_FACT_COLUMNS", "account_facts"]

#: Days per month used to turn MRR into billed revenue (365.25 / 12).
_DAYS_PER_MONTH = 30.4375

ACCOUNT_FACT_COLUMNS: tuple[str, ...] = (
    "account_id",
    "industry",
    "prefecture",
    "employees",
    "annual_revenue",
    "founded_year",
    "source",
    "is_customer",
    "is_active",
    "churned",
    "status_asof",
    "first_won_at",
    "deals_won",
    "deals_lost",
    "deals_open",
    "won_amount",
    "won_priced",
    "cycle_days_sum",
    "revenue",
    "mrr",
    "nps_mean",
    "nps_n",
    "leads",
    "mqls",
    "sqls",
    "channel",
    "has_decision_maker",
    "acquisition_cost",
)


def _ts(day: dt.date) -> ir.TimestampScalar:
    # End of the day, so that a timestamp on the as-of day itself counts as known.
    return ibis.timestamp(dt.datetime.combine(day, dt.time(23, 59, 59)))


def account_facts(backend: Any, as_of: dt.date, *, since: dt.date | None = None) -> ir.Table:
    """Account-level facts as of ``as_of`` (an Ibis table; nothing runs until executed).

    Parameters
    ----------
    backend
        An Ibis backend holding the canonical tables (``ws.backend()``).
    as_of
        The date the facts are known at. Rows dated after it are ignored.
    since
        Optional start of the deal window: ``deals_won``/``deals_lost``,
        ``won_amount`` and ``cycle_days_sum`` count new deals *closed* on or
        after it (open deals and status are unaffected). Use it to measure a
        segment's recent performance, e.g. only after a market event.

    Returns
    -------
    ibis.expr.types.Table
        One row per account with :data:`ACCOUNT_FACT_COLUMNS`.

    Examples
    --------
    >>> facts = account_facts(ws.backend(), dt.date(2024, 9, 30))  # doctest: +SKIP
    >>> facts.filter(facts.status_asof == "customer").count().execute()  # doctest: +SKIP
    """
    end = _ts(as_of)
    start = ibis.timestamp(dt.datetime.combine(since, dt.time())) if since else None
    acc = backend.table("accounts")
    deals = backend.table("deals")
    subs = backend.table("subscriptions")
    orders = backend.table("orders")
    surveys = backend.table("surveys")
    leads = backend.table("leads")
    contacts = backend.table("contacts")
    campaigns = backend.table("campaigns")

    new = deals.filter((deals.kind == "new") & (deals.created_at <= end))
    closed = new.closed_at.notnull() & (new.closed_at <= end)
    in_window = closed & (new.closed_at >= start) if start is not None else closed
    won = in_window & (new.outcome == "won")
    lost = in_window & (new.outcome == "lost")
    cycle = new.closed_at.delta(new.created_at, unit="day")
    d = new.group_by("account_id").aggregate(
        first_won_at=new.closed_at.min(where=closed & (new.outcome == "won")),
        deals_won=won.cast("int64").sum(),
        deals_lost=lost.cast("int64").sum(),
        deals_open=(~closed).cast("int64").sum(),
        won_amount=new.amount.sum(where=won),
        won_priced=(won & new.amount.notnull()).cast("int64").sum(),
        cycle_days_sum=cycle.sum(where=won),
    )

    s = subs.filter(subs.started_at <= end)
    running = s.ended_at.isnull() | (s.ended_at > end)
    billed_end = ibis.ifelse(running, end, s.ended_at)
    months = billed_end.delta(s.started_at, unit="day").cast("float64") / _DAYS_PER_MONTH
    sg = s.group_by("account_id").aggregate(
        n_subs=s.count(),
        n_running=running.cast("int64").sum(),
        mrr=s.mrr.sum(where=running),
        sub_revenue=(s.mrr * months).sum(),
    )

    o = orders.filter(orders.ordered_at <= end)
    og = o.group_by("account_id").aggregate(order_revenue=o.amount.sum())

    sv = surveys.filter(surveys.answered_at <= end)
    svg = sv.group_by("account_id").aggregate(
        nps_mean=sv.nps.cast("float64").mean(), nps_n=sv.count()
    )

    ld = leads.filter(leads.created_at <= end)
    per_campaign = (
        ld.filter(ld.campaign_id.notnull())
        .group_by("campaign_id")
        .aggregate(n_campaign_leads=ibis._.count())
    )
    camp = campaigns.filter(campaigns.started_at <= end).select("campaign_id", "cost")
    unit = camp.join(per_campaign, "campaign_id").select(
        "campaign_id", unit_cost=camp.cost / per_campaign.n_campaign_leads
    )
    ldc = ld.left_join(unit, ld.campaign_id == unit.campaign_id)
    first_lead = ibis.window(group_by=ldc.account_id, order_by=[ldc.created_at, ldc.lead_id])
    ldc = ldc.mutate(_rb_rank=ibis.row_number().over(first_lead))
    # A lead that is SQL has passed MQL even without an MQL date (as the KPI funnel counts
    # it), so a segment's MQL→SQL rate never exceeds 1.
    sql = ldc.sql_at.notnull() & (ldc.sql_at <= end)
    mql = ldc.mql_at.notnull() & (ldc.mql_at <= end)
    lg = ldc.group_by("account_id").aggregate(
        leads=ldc.count(),
        mqls=(mql | sql).cast("int64").sum(),
        sqls=sql.cast("int64").sum(),
        channel=ldc.channel.arbitrary(where=ldc._rb_rank == 0),
        acquisition_cost=ldc.unit_cost.sum(),
    )

    ct = contacts.filter(contacts.created_at <= end)
    cg = ct.group_by("account_id").aggregate(has_decision_maker=(ct.role == "decision_maker").any())

    base = acc.filter(acc.created_at.isnull() | (acc.created_at <= end)).select(
        "account_id",
        "industry",
        "prefecture",
        "employees",
        "annual_revenue",
        "founded_year",
        "source",
    )
    t = base
    for part in (d, sg, og, svg, lg, cg):
        t = t.left_join(part, "account_id").select(
            *t.columns, *[c for c in part.columns if c != "account_id"]
        )

    zero_i = ibis.literal(0, "int64")
    zero_f = ibis.literal(0.0, "float64")
    has_subs = t.n_subs.fill_null(0) > 0
    won_ever = t.first_won_at.notnull()
    is_customer = has_subs | won_ever
    is_active = ibis.ifelse(has_subs, t.n_running.fill_null(0) > 0, won_ever)
    churned = has_subs & (t.n_running.fill_null(0) == 0)
    status = ibis.cases((is_active, "customer"), (churned, "churned"), else_="prospect")
    return t.select(
        "account_id",
        "industry",
        "prefecture",
        "employees",
        "annual_revenue",
        "founded_year",
        "source",
        is_customer=is_customer,
        is_active=is_active,
        churned=churned,
        status_asof=status,
        first_won_at=t.first_won_at,
        deals_won=t.deals_won.fill_null(zero_i),
        deals_lost=t.deals_lost.fill_null(zero_i),
        deals_open=t.deals_open.fill_null(zero_i),
        won_amount=t.won_amount.fill_null(zero_f),
        won_priced=t.won_priced.fill_null(zero_i),
        cycle_days_sum=t.cycle_days_sum.cast("float64").fill_null(zero_f),
        revenue=t.order_revenue.fill_null(zero_f) + t.sub_revenue.fill_null(zero_f),
        mrr=t.mrr.fill_null(zero_f),
        nps_mean=t.nps_mean,
        nps_n=t.nps_n.fill_null(zero_i),
        leads=t.leads.fill_null(zero_i),
        mqls=t.mqls.fill_null(zero_i),
        sqls=t.sqls.fill_null(zero_i),
        channel=t.channel,
        has_decision_maker=t.has_decision_maker.fill_null(False),
        acquisition_cost=t.acquisition_cost.fill_null(zero_f),
    ).order_by("account_id")

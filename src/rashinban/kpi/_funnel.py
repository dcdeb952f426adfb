"""The KPI funnel per scope (company, target, segment) and period.

Base measures are Ibis expressions aggregated on the workspace's backend; only
the aggregated rows (one per scope and period) come back to pandas, where the
KPI formulas of :data:`rashinban.kpi.KPIS` turn them into KPIs.

Cohort convention: a period's leads and new deals are those *created* in it, and
their progress (MQL, SQL, won, lost) is counted as known on the as-of date; rows
dated after the as-of date are never read. Rates carry a Jeffreys interval, the
Beta(k + ½, n − k + ½) posterior's central 90 % (Brown, Cai & DasGupta 2001).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import ibis
import numpy as np
import pandas as pd

from rashinban._errors import InvalidValueError
from rashinban.engine import check_as_of, first_date
from rashinban.kpi._defs import KPIS
from rashinban.segments import Rule, parse_rule

__all__ = ["PERIODS", "beta_interval", "funnel", "period_label", "period_start"]

#: Period name → Ibis truncation unit. A year is the calendar year (January to December),
#: a quarter the calendar quarter; a fiscal year (年度) starts in the month the workspace
#: sets (``[analysis] fiscal_year_start_month``) and is named by the year it starts in, and
#: its quarters count from that month (Q1 = its first three months).
PERIODS: dict[str, str] = {
    "week": "W",
    "month": "M",
    "quarter": "Q",
    "year": "Y",
    "fiscal_quarter": "Q",
    "fiscal_year": "Y",
}
_PER_YEAR = {
    "week": 52.0,
    "month": 12.0,
    "quarter": 4.0,
    "year": 1.0,
    "fiscal_quarter": 4.0,
    "fiscal_year": 1.0,
}
#: Months per period (weeks have none).
_MONTHS = {"month": 1, "quarter": 3, "year": 12, "fiscal_quarter": 3, "fiscal_year": 12}
_FISCAL = frozenset({"fiscal_quarter", "fiscal_year"})
#: Expected customer lifetime is capped (years), so a churn-free scope has a finite CLV.
MAX_LIFETIME_YEARS = 5.0
INTERVAL = 0.90


def beta_interval(k: Any, n: Any, level: float = INTERVAL) -> tuple[np.ndarray, np.ndarray]:
    """Jeffreys interval for k successes of n (NaN where n is 0).

    Examples
    --------
    >>> lo, hi = beta_interval(3, 10)
    >>> bool(lo[0] < 0.3 < hi[0])
    True
    """
    # scipy.stats.beta.ppf's numbers from scipy.special, loaded on first use: importing
    # the KPI module stays cheap, and the first interval does not load scipy.stats.
    from rashinban._stats import beta_ppf

    k = np.atleast_1d(np.asarray(k, dtype=float))
    n = np.atleast_1d(np.asarray(n, dtype=float))
    a, b = k + 0.5, np.maximum(n - k, 0) + 0.5
    tail = (1 - level) / 2
    lo = np.where(n > 0, beta_ppf(tail, a, b), np.nan)
    hi = np.where(n > 0, beta_ppf(1 - tail, a, b), np.nan)
    # Brown, Cai & DasGupta (2001, §4.1.2): at k = 0 (k = n) the lower (upper) end is 0 (1),
    # so the interval always holds the observed rate.
    lo = np.where((n > 0) & (k <= 0), 0.0, lo)
    hi = np.where((n > 0) & (k >= n), 1.0, hi)
    return lo, hi


def _anchor(period: str, fiscal_year_start_month: int) -> int:
    """The month a year of ``period`` starts in: January, or the fiscal year's first month."""
    return fiscal_year_start_month if period in _FISCAL else 1


def period_start(
    day: pd.Timestamp | dt.date, period: str, *, fiscal_year_start_month: int = 4
) -> pd.Timestamp:
    """The first day of the period of ``period`` that holds ``day`` (a week's Monday).

    Examples
    --------
    >>> str(period_start(dt.date(2025, 3, 31), "fiscal_year").date())
    '2024-04-01'
    >>> str(period_start(dt.date(2025, 3, 31), "fiscal_quarter").date())
    '2025-01-01'
    """
    ts = pd.Timestamp(day).normalize()
    if period == "week":
        return ts - pd.Timedelta(days=ts.weekday())
    back = (ts.month - _anchor(period, fiscal_year_start_month)) % _MONTHS[period]
    return ts.replace(day=1) - pd.DateOffset(months=back)


def period_label(
    start: pd.Timestamp | dt.date,
    period: str,
    *,
    lang: str = "ja",
    fiscal_year_start_month: int = 4,
) -> str:
    """``2024-10`` (month), ``2024-Q4`` (quarter), ``2024`` (year), ``2024-W40`` (ISO week);
    a fiscal year is named by the calendar year it starts in: ``2025年度`` / ``FY2025``
    (fiscal_year), ``2025年度Q1`` / ``FY2025 Q1`` (fiscal_quarter) with ``lang`` ``"en"``.
    The calendar labels are the same in either language.

    Examples
    --------
    >>> period_label(dt.date(2026, 1, 1), "fiscal_quarter")
    '2025年度Q4'
    >>> period_label(dt.date(2026, 1, 1), "fiscal_quarter", lang="en")
    'FY2025 Q4'
    """
    ts = pd.Timestamp(start)
    if period in _FISCAL:
        year = period_start(ts, "fiscal_year", fiscal_year_start_month=fiscal_year_start_month)
        fy = f"FY{year.year}" if lang == "en" else f"{year.year}年度"
        if period == "fiscal_year":
            return fy
        quarter = ((ts.year - year.year) * 12 + ts.month - year.month) // 3 + 1
        return f"{fy} Q{quarter}" if lang == "en" else f"{fy}Q{quarter}"
    if period == "year":
        return f"{ts.year}"
    if period == "month":
        return f"{ts.year}-{ts.month:02d}"
    if period == "quarter":
        return f"{ts.year}-Q{(ts.month - 1) // 3 + 1}"
    iso = ts.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def _check_period(period: str) -> str:
    if period not in PERIODS:
        names = list(PERIODS)
        raise InvalidValueError(
            f"期間の単位 {period!r} はありません / period {period!r} is not known",
            fix=f"{'、'.join(names)} のいずれかにしてください / "
            f"use {', '.join(names[:-1])} or {names[-1]}",
        )
    return PERIODS[period]


def _check_start_month(month: Any) -> int:
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise InvalidValueError(
            f"年度の開始月 {month!r} は 1〜12 の整数ではありません / "
            f"fiscal_year_start_month {month!r} is not a whole number from 1 to 12",
            fix="1〜12 の整数にしてください (4なら4月始まり) / "
            "pass a whole number from 1 to 12 (4: April)",
        )
    return month


def _truncate(day: Any, period: str, fiscal_year_start_month: int) -> Any:
    """Ibis: the first day of ``day``'s period, on the backend. A fiscal period is the
    calendar one of the day moved back by the months the fiscal year starts after January,
    moved forward again (2025-03-31 → 2024-12-31 → 2024-01-01 → 2024-04-01 for April)."""
    shift = _anchor(period, fiscal_year_start_month) - 1
    if not shift:
        return day.truncate(PERIODS[period])
    months = ibis.interval(months=shift)
    return (day - months).truncate(PERIODS[period]) + months


def _scope_accounts(backend: Any, rule: Rule | None) -> Any:
    """The accounts a segment rule selects; ``None`` for the whole company."""
    if rule is None:
        return None
    acc = backend.table("accounts")
    return acc.filter(rule.to_ibis(acc)).select("account_id")


def _in_scope(table: Any, accounts: Any) -> Any:
    """The rows of ``table`` in scope. The company (``accounts`` None) keeps every row, also
    a lead or deal not linked to any account: a CRM export's unlinked lead is still a lead
    of the company, though no segment rule can select it."""
    if accounts is None:
        return table
    return table.semi_join(accounts, table.account_id == accounts.account_id)


def _lead_measures(
    backend: Any, accounts: Any, as_of: dt.date, period: str, fiscal_year_start_month: int = 4
) -> Any:
    t = backend.table("leads")
    t = _in_scope(t.filter(t.created_at <= as_of), accounts)
    sql = t.sql_at.notnull() & (t.sql_at <= as_of)
    # A lead that is SQL has passed the MQL stage even if mql_at was not recorded.
    mql = (t.mql_at.notnull() & (t.mql_at <= as_of)) | sql
    camp = t.campaign_id.notnull()
    day = _truncate(t.created_at, period, fiscal_year_start_month)
    return t.group_by(period_start=day).aggregate(
        leads=t.count(),
        mql=mql.cast("int64").sum(),
        sql=sql.cast("int64").sum(),
        campaign_leads=camp.cast("int64").sum(),
    )


def _deal_measures(
    backend: Any, accounts: Any, as_of: dt.date, period: str, fiscal_year_start_month: int = 4
) -> Any:
    t = backend.table("deals")
    t = _in_scope(t.filter((t.created_at <= as_of) & (t.kind == "new")), accounts)
    closed = t.closed_at.notnull() & (t.closed_at <= as_of)
    won = closed & (t.outcome == "won")
    lost = closed & (t.outcome == "lost")
    days = t.closed_at.delta(t.created_at, unit="day")
    day = _truncate(t.created_at, period, fiscal_year_start_month)
    return t.group_by(period_start=day).aggregate(
        deals=t.count(),
        won=won.cast("int64").sum(),
        lost=lost.cast("int64").sum(),
        open=(~(won | lost)).cast("int64").sum(),
        # A won deal with no amount recorded has an unknown value, not ¥0: the mean deal
        # and the CLV proxy average over the won deals that carry an amount.
        won_priced=(won & t.amount.notnull()).cast("int64").sum(),
        won_amount=won.ifelse(t.amount, 0).sum(),
        won_days=won.ifelse(days, 0).sum(),
    )


def _subscription_flags(
    backend: Any, accounts: Any, as_of: dt.date, starts: list[dt.date], ends: list[dt.date]
) -> Any:
    """Subscriptions of ``accounts`` × periods, flagged ``a0`` (active at the period's
    start), ``a1`` (active at its end) and ``ch`` (ended within it): the basis of the
    churn and MRR measures, here and in :func:`rashinban.kpi._nrr.customer_mrr`."""
    periods = ibis.memtable(
        {"period_start": starts, "period_end": ends},
        schema={"period_start": "date", "period_end": "date"},
    )
    s = backend.table("subscriptions")
    # Churn and NRR follow customers: a subscription needs its account (also for the company).
    s = _in_scope(s.filter((s.started_at <= as_of) & s.account_id.notnull()), accounts)
    x = s.cross_join(periods)
    ended = x.ended_at.notnull() & (x.ended_at <= as_of)
    # Active on day d: started on or before d and not ended by d.
    active_start = (x.started_at < x.period_start) & (~ended | (x.ended_at >= x.period_start))
    # The period end is capped at the as-of date (+1 day: the as-of day itself counts).
    end = x.period_end
    active_end = (x.started_at < end) & (~ended | (x.ended_at >= end))
    churned = active_start & ended & (x.ended_at < end)
    return x.mutate(a0=active_start, a1=active_end, ch=churned)


def _subscription_measures(
    backend: Any, accounts: Any, as_of: dt.date, starts: list[dt.date], ends: list[dt.date]
) -> Any:
    x = _subscription_flags(backend, accounts, as_of, starts, ends)
    base = x.group_by("period_start").aggregate(
        at_risk=x.a0.cast("int64").sum(),
        churned=x.ch.cast("int64").sum(),
        mrr_start=x.a0.ifelse(x.mrr, 0).sum(),
    )
    starters = x.filter(x.a0).select("period_start", "account_id").distinct()
    kept = x.filter(x.a1)
    kept = kept.semi_join(
        starters,
        (kept.period_start == starters.period_start) & (kept.account_id == starters.account_id),
    )
    mrr_end = kept.group_by("period_start").aggregate(mrr_end=kept.mrr.sum())
    return base, mrr_end


def _campaign_cost(
    backend: Any, as_of: dt.date, starts: list[dt.date], ends: list[dt.date]
) -> pd.Series:
    # Campaign cost is spread evenly over its days and only days up to the as-of
    # date are spent; the campaigns table is small (one row per campaign).
    c = backend.table("campaigns")
    frame = c.filter(c.started_at <= as_of).execute()
    out = np.zeros(len(starts))
    for row in frame.itertuples():
        if pd.isna(row.cost) or pd.isna(row.started_at):
            continue
        s0 = pd.Timestamp(row.started_at)
        e0 = pd.Timestamp(row.ended_at) if not pd.isna(row.ended_at) else s0
        days = max((e0 - s0).days + 1, 1)
        per_day = float(row.cost) / days
        for i, (a, b) in enumerate(zip(starts, ends, strict=True)):
            lo = max(s0, pd.Timestamp(a))
            hi = min(e0, pd.Timestamp(b) - pd.Timedelta(days=1), pd.Timestamp(as_of))
            if hi >= lo:
                out[i] += per_day * ((hi - lo).days + 1)
    return pd.Series(out, index=pd.to_datetime(starts))


def _period_bounds(
    start: dt.date, as_of: dt.date, period: str, fiscal_year_start_month: int = 4
) -> tuple[list[dt.date], list[dt.date]]:
    first = period_start(start, period, fiscal_year_start_month=fiscal_year_start_month)
    step = _step(period)
    starts = list(pd.date_range(first, pd.Timestamp(as_of), freq=step))
    ends = [min(s + step, pd.Timestamp(as_of) + pd.Timedelta(days=1)) for s in starts]
    if period == "week" and first < pd.Timestamp(start):
        # Data that starts mid-week (a Sunday is the last day of the previous ISO week,
        # 2022-W52 for 2023-01-01) joins the first full week, which then starts on the
        # data's first day: no week begins before the data does.
        merged = ends[1:] if len(starts) > 1 else ends
        starts, ends = [pd.Timestamp(start), *starts[2:]], merged
    return [s.date() for s in starts], [e.date() for e in ends]


def _coverage(
    period_starts: pd.Series,
    named: list[pd.Timestamp],
    starts: list[dt.date],
    ends: list[dt.date],
    data_start: dt.date,
    period: str,
) -> tuple[list[dt.date], list[dt.date], list[bool]]:
    """Each row's first and last day counted and whether it covers less than its whole period.

    A period is partial when the data (from the first lead on) starts after the day the
    period is named from, or the as-of date comes before its last day: a 年度 of three
    months beside whole years would otherwise read as a fall in every count. A week the
    data's first days joined (see :func:`_period_bounds`) covers its whole week and more.
    """
    last = {s: e - dt.timedelta(days=1) for s, e in zip(starts, ends, strict=True)}
    counted_from, counted_to, partial = [], [], []
    for begin, name in zip(period_starts, named, strict=True):
        whole_to = (name + _step(period)).date() - dt.timedelta(days=1)
        counted_from.append(max(begin, data_start))
        counted_to.append(last[begin])
        partial.append(counted_from[-1] > name.date() or last[begin] < whole_to)
    return counted_from, counted_to, partial


def _step(period: str) -> pd.DateOffset:
    """The length of one ``period``."""
    return pd.DateOffset(weeks=1) if period == "week" else pd.DateOffset(months=_MONTHS[period])


def _to_periods(part: pd.DataFrame, starts: list[dt.date]) -> pd.DataFrame:
    """Counts grouped by period (``period_start``), summed into the reported
    periods ``starts``: a part-week before the first one joins it."""
    days = pd.to_datetime(part["period_start"])
    bounds = pd.DatetimeIndex(pd.to_datetime(starts))
    if len(part) == 0 or days.isin(bounds).all():
        return part.assign(period_start=days)
    at = np.clip(bounds.searchsorted(days, side="right") - 1, 0, None)
    return part.assign(period_start=bounds[at]).groupby("period_start", as_index=False).sum()


def _as_rules(scopes: Mapping[str, Rule | str | None] | None) -> dict[str, Rule | None]:
    if not scopes:
        return {"company": None}
    return {
        name: parse_rule(rule) if isinstance(rule, str) else rule for name, rule in scopes.items()
    }


def funnel(
    backend: Any,
    *,
    as_of: dt.date,
    period: str = "month",
    scopes: Mapping[str, Rule | str | None] | None = None,
    start: dt.date | None = None,
    fiscal_year_start_month: int = 4,
    lang: str = "ja",
) -> pd.DataFrame:
    """KPIs per scope and period, as known on ``as_of``.

    Parameters
    ----------
    backend
        Ibis backend holding the canonical tables.
    as_of
        Nothing dated after it is read.
    period
        ``week``, ``month``, ``quarter``, ``year`` (the calendar year; a year not
        over on ``as_of`` ends on it and is named as the whole year, as a month is),
        ``fiscal_quarter`` or ``fiscal_year`` (年度: from ``fiscal_year_start_month``,
        named by the year it starts in, ``2025年度`` / ``2025年度Q1``).
    scopes
        Name → segment rule (text or :class:`~rashinban.segments.Rule`), ``None``
        meaning the whole company. Default: ``{"company": None}``.
    start
        First day to report (default: the first lead's date).
    fiscal_year_start_month
        First month (1–12) of the fiscal year, for the fiscal periods: the workspace's
        ``[analysis] fiscal_year_start_month`` (``Workspace.config``); 4 (April to March)
        by default. With 1 a fiscal year is the calendar year.
    lang
        Language of the fiscal periods' names: ``"ja"`` (``2025年度``) or ``"en"``
        (``FY2025``); the calendar periods' names are the same in both.

    Returns
    -------
    pandas.DataFrame
        One row per scope and period: ``scope``, ``period``, ``period_start``,
        ``counted_from`` / ``counted_to`` (the first and last day counted: the first
        lead's date in the first period, the as-of date in a period not over) and
        ``partial`` (fewer days counted than the period has, so its counts are not
        those of a whole period), the base counts, one column per KPI of
        :data:`KPIS`, and ``<kpi>_low`` / ``<kpi>_high`` for rates.

    Examples
    --------
    >>> from rashinban.kpi import funnel                      # doctest: +SKIP
    >>> funnel(ws.backend(), as_of=date(2025, 12, 31), period="quarter",
    ...        scopes={"ideal": "業種 = 製造業"})              # doctest: +SKIP
    """
    _check_period(period)
    fy = _check_start_month(fiscal_year_start_month)
    rules = _as_rules(scopes)
    if start is None:
        leads = backend.table("leads")
        first = leads.filter(leads.created_at <= as_of).created_at.min().execute()
        if first is None or pd.isna(first):
            # Leads created only after the as-of date: name that date, not a missing import.
            check_as_of(
                as_of, first_date(backend, [("leads", "created_at")]), what=("リード", "leads")
            )
            raise InvalidValueError(
                f"{as_of} までのリードがありません / there are no leads on or before {as_of}",
                fix="リードを取り込むか --as-of を変えてください / import leads or move --as-of",
            )
        start = pd.Timestamp(first).date()
    starts, ends = _period_bounds(start, as_of, period, fy)
    cost = _campaign_cost(backend, as_of, starts, ends)
    all_camp = _to_periods(
        _lead_measures(backend, _scope_accounts(backend, None), as_of, period, fy).execute(),
        starts,
    ).set_index("period_start")["campaign_leads"]
    frames = []
    for name, rule in rules.items():
        accounts = _scope_accounts(backend, rule)
        grid = pd.DataFrame({"period_start": pd.to_datetime(starts)})
        lm = _to_periods(_lead_measures(backend, accounts, as_of, period, fy).execute(), starts)
        dm = _to_periods(_deal_measures(backend, accounts, as_of, period, fy).execute(), starts)
        sm, me = _subscription_measures(backend, accounts, as_of, starts, ends)
        sm, me = sm.execute(), me.execute()
        for part in (lm, dm, sm, me):
            part["period_start"] = pd.to_datetime(part["period_start"])
            grid = grid.merge(part, on="period_start", how="left")
        grid = grid.fillna(0)
        # Campaign cost is shared by scope in proportion to campaign-sourced leads.
        share = grid["campaign_leads"] / grid["period_start"].map(all_camp).replace(0, np.nan)
        grid["cost"] = grid["period_start"].map(cost).fillna(0) * share.fillna(0)
        grid.insert(0, "scope", name)
        frames.append(grid)
    out = pd.concat(frames, ignore_index=True)
    out = out[pd.to_datetime(out["period_start"]) >= pd.Timestamp(starts[0])]
    # A week is named by its Monday: the first week may start on the data's first day, a
    # Sunday say (see above), and is named by the Monday after it, also when the as-of
    # date comes before that Monday, so that the week keeps its name as the data grows.
    named = [
        s + pd.Timedelta(days=-s.weekday() % 7) if period == "week" else s
        for s in pd.to_datetime(out["period_start"])
    ]
    out.insert(
        1,
        "period",
        [period_label(s, period, lang=lang, fiscal_year_start_month=fy) for s in named],
    )
    out["period_start"] = pd.to_datetime(out["period_start"]).dt.date
    out["counted_from"], out["counted_to"], out["partial"] = _coverage(
        out["period_start"], named, starts, ends, start, period
    )
    return _apply_kpis(out, period).reset_index(drop=True)


def _apply_kpis(base: pd.DataFrame, period: str) -> pd.DataFrame:
    out = base.copy()
    out["closed"] = out["won"] + out["lost"]
    for col in (
        "leads",
        "mql",
        "sql",
        "deals",
        "won",
        "won_priced",
        "lost",
        "open",
        "closed",
        "at_risk",
        "churned",
    ):
        out[col] = out[col].astype("int64")
    # CLV proxy: a won deal's amount is one year's contract; expected years are
    # 1 / annual churn of the scope over the whole window, capped.
    per_scope = out.groupby("scope")[["churned", "at_risk"]].sum()
    per_period = per_scope["churned"] / per_scope["at_risk"].replace(0, np.nan)
    annual = 1 - (1 - per_period.fillna(0)) ** _PER_YEAR[period]
    years = (
        (1 / annual.replace(0, np.nan)).clip(upper=MAX_LIFETIME_YEARS).fillna(MAX_LIFETIME_YEARS)
    )
    out["clv_sum"] = out["won_amount"] * out["scope"].map(years)
    out["opportunities"] = out["deals"]
    for k in KPIS.values():
        if k.formula == "count":
            out[k.name] = out[k.num]
        elif k.formula in ("rate", "mean"):
            den = out[k.den].astype(float)
            out[k.name] = out[k.num] / den.where(den > 0)
            if k.formula == "rate":
                lo, hi = beta_interval(out[k.num], den)
                out[f"{k.name}_low"], out[f"{k.name}_high"] = lo, hi
        else:
            den = out[k.den].astype(float)
            out[k.name] = out[k.num] / den.where(den > 0)
    return out

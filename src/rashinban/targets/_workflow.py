"""The PDCA loop over the state store: review a target, draft from a review, list
triggers of the active targets, summarise sales feedback, and the alignment view."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd

from rashinban.kpi import beta_interval
from rashinban.segments import Rule, parse_rule, require_accounts
from rashinban.state import StateStore, TargetDefinition
from rashinban.state._store import require_target
from rashinban.targets._data import SIZE_BANDS, band_of
from rashinban.targets._draft import draft_from_review
from rashinban.targets._holders import account_of, widen_overlaps
from rashinban.targets._review import review_target, top_reasons
from rashinban.targets._triggers import target_triggers

__all__ = [
    "alignment",
    "all_triggers",
    "draft_from_review",
    "feedback_outside",
    "feedback_summary",
    "kpi_rows",
    "run_review",
]


def _definition(store: StateStore, ref: str) -> tuple[Any, TargetDefinition]:
    rev = store.resolve(ref)
    require_target(rev)
    return rev, TargetDefinition.from_content(rev.content)


def run_review(
    store: StateStore,
    backend: Any,
    ref: str,
    *,
    as_of: dt.date,
    author: str,
    save: bool = True,
    **kw: Any,
) -> dict[str, Any]:
    """Review target ``ref`` (its active version, else its latest) and store the review.

    Returns the review (see :func:`review_target`) with ``name``, ``version``,
    ``version_id`` and ``review_id`` added, and the keys of :func:`_back_test`:
    an ``as_of`` before the day the version was saved is a back-test (hypotheses
    judged on data from before they were written), stored and marked as one. Each
    widen proposal also has ``overlaps``: the accounts it would add that another
    active target holds (:func:`~rashinban.targets._holders.widen_overlaps`).
    """
    if save:
        store.user(author)  # an unknown user is refused before the review is computed
    rev = store.resolve(ref)
    if "@" not in ref and len(ref) < 40:
        rev = store.active(rev.name) or rev
    _, definition = _definition(store, rev.version_id)
    feedback = store.feedback(rev.name)
    review = review_target(backend, definition, as_of=as_of, feedback=feedback, **kw)
    # A widening that takes accounts another active target holds says so.
    widen_overlaps(store, backend, rev.name, definition, review["proposals"])
    review |= {"name": rev.name, "version": rev.number, "version_id": rev.version_id}
    review |= _back_test(rev, as_of)
    if save:
        review["review_id"] = store.add_review(
            rev.name, rev.version_id, as_of, review, author=author
        )
    return review


def _back_test(rev: Any, as_of: dt.date) -> dict[str, Any]:
    """``version_saved_on`` (local date), ``back_test`` (``as_of`` before it) and the
    sentence that says so, ``back_test_ja`` / ``back_test_en`` (empty when not)."""
    made = rev.at.astimezone().date()
    back = as_of < made
    return {
        "version_saved_on": made.isoformat(),
        "back_test": back,
        "back_test_ja": f"基準日 {as_of} は版{rev.number}の保存日 ({made}) より前です: "
        "仮説を書く前のデータで判定した振り返り (バックテスト) として保存しました。"
        if back
        else "",
        "back_test_en": f"The as-of date {as_of} is before version {rev.number} was saved "
        f"({made}): its hypotheses are judged on data from before they were written, and "
        "the review is stored marked as a back-test."
        if back
        else "",
    }


def feedback_outside(
    store: StateStore,
    backend: Any,
    target: str | None,
    *,
    lead_id: str | None = None,
    account_id: str | None = None,
) -> tuple[str, str] | None:
    """(ja, en) warning when the account of a verdict (the lead's account) is outside
    the rule of ``target`` (its active version, else its latest); None when inside,
    when no target is given or when the lead has no account to judge by.
    """
    if target is None:
        return None
    rev = store.target_revision(target)
    who = account_id or lead_id
    account_id = account_of(backend, lead_id=lead_id, account_id=account_id)
    if account_id is None:
        return None
    acc = backend.table("accounts")
    row = acc.filter(acc.account_id == account_id).execute()
    if row.empty or bool(TargetDefinition.from_content(rev.content).rule().mask(row).iloc[0]):
        return None
    ref = f"{rev.name}@{rev.number}"
    return (
        f"注意: {who} は {ref} の条件に入っていません。この判定は {ref} の集計・見直しに"
        "数えられます (対象外なら --target を外してください)",
        f"note: {who} is outside {ref}; this verdict counts in {ref}'s summary and "
        "reviews (leave --target out if it does not belong there)",
    )


def all_triggers(
    store: StateStore,
    backend: Any,
    *,
    as_of: dt.date,
    monitor_from: dt.date | None = None,
    include_drafts: bool = False,
) -> pd.DataFrame:
    """Triggers of every active target (and of drafts' latest versions if asked)."""
    frames = []
    for d in store.definitions("target"):
        rev = store.active(d["name"])
        if rev is None:
            if not include_drafts:
                continue
            rev = store.revision(d["name"])
        definition = TargetDefinition.from_content(rev.content)
        past = [r["as_of"] for r in store.reviews(d["name"]) if r["as_of"] <= as_of]
        frame = target_triggers(
            backend,
            d["name"],
            definition,
            as_of=as_of,
            monitor_from=monitor_from,
            last_review=max(past) if past else None,
            feedback=store.feedback(d["name"]),
        )
        frame["version"] = rev.number
        frames.append(frame)
    if not frames:
        return pd.DataFrame(
            columns=["target", "kind", "detected_at", "reason", "reason_en", "detail", "version"]
        )
    return pd.concat(frames, ignore_index=True)


def _segment_label(industry: Any, band: int) -> str:
    if not isinstance(industry, str) or not industry:
        industry = "(不明)"  # --lang en reads it "(unknown)", as other tables do
    if band < 0:
        return f"{industry} / 規模不明"
    lo, hi = SIZE_BANDS[band]
    return f"{industry} / {lo}〜{hi}名" if hi is not None else f"{industry} / {lo}名以上"


def feedback_summary(store: StateStore, backend: Any = None) -> pd.DataFrame:
    """Sales feedback per target, version and segment (industry × size band).

    Columns: ``target``, ``version``, ``segment``, ``n``, ``fits``, ``not_fit``,
    ``not_fit_share`` with a Jeffreys interval, ``top_reason`` (the first of the most
    frequent not-fit reasons) and ``top_reasons`` (all of them when several tie).
    """
    rows = store.feedback()
    cols = [
        "target",
        "version",
        "segment",
        "n",
        "fits",
        "not_fit",
        "not_fit_share",
        "not_fit_low",
        "not_fit_high",
        "top_reason",
        "top_reasons",
    ]
    if not rows:
        return pd.DataFrame(columns=cols)
    fb = pd.DataFrame(rows)
    numbers = {}
    for name in fb["target"].dropna().unique():
        for r in store.history(name):
            numbers[r.version_id] = r.number
    fb["version"] = fb["version_id"].map(numbers)
    fb["segment"] = "—"
    if backend is not None:
        acc = backend.table("accounts").select("account_id", "industry", "employees").execute()
        leads = backend.table("leads").select("lead_id", "account_id").execute()
        fb["acc"] = fb["account_id"].fillna(
            fb["lead_id"].map(leads.set_index("lead_id")["account_id"])
        )
        a = acc.set_index("account_id")
        bands = band_of(a["employees"])
        fb["segment"] = [
            _segment_label(a["industry"].get(x), int(bands.get(x, -1))) if x in a.index else "—"
            for x in fb["acc"]
        ]
    fb["target"] = fb["target"].fillna("—")
    out = []
    for (t, v, s), g in fb.groupby(["target", "version", "segment"], dropna=False):
        k = int((~g["fits"].astype(bool)).sum())
        n = len(g)
        lo, hi = beta_interval(k, n)
        top = top_reasons(g.loc[~g["fits"].astype(bool), "reason"])
        out.append(
            {
                "target": t,
                # A version is a whole number; feedback given without a target has none.
                "version": None if pd.isna(v) else int(v),
                "segment": s,
                "n": n,
                "fits": n - k,
                "not_fit": k,
                "not_fit_share": k / n,
                "not_fit_low": float(lo[0]),
                "not_fit_high": float(hi[0]),
                # The first of the reasons given most often (kept for scripts that read
                # one); ``top_reasons`` lists every reason tied at that count.
                "top_reason": top[0] if top else None,
                "top_reasons": top,
            }
        )
    # Built from Python ints and None, so that a missing version does not make the
    # column float (2.0) and the numbers print as they are.
    frame = pd.DataFrame(out, columns=cols)
    frame["version"] = pd.Series([r["version"] for r in out], index=frame.index, dtype=object)
    return frame


def alignment(
    backend: Any, rule: Rule | str, *, as_of: dt.date, period: str = "quarter"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Marketing–sales alignment (失敗事例C): two tables.

    1. Per period: MQLs, MQLs inside the target, their share with a Jeffreys interval.
    2. Per segment (industry × size band): MQLs, SQLs and sales acceptance (SQL / MQL).
    """
    from rashinban.kpi import funnel

    r = parse_rule(rule) if isinstance(rule, str) else rule
    f = funnel(backend, as_of=as_of, period=period, scopes={"company": None, "target": r})
    comp = f[f["scope"] == "company"].set_index("period")
    tgt = f[f["scope"] == "target"].set_index("period")
    share = pd.DataFrame({"mql": comp["mql"], "mql_in_target": tgt["mql"]}).reset_index()
    lo, hi = beta_interval(share["mql_in_target"], share["mql"])
    share["share_in_target"] = share["mql_in_target"] / share["mql"].where(share["mql"] > 0)
    share["share_low"], share["share_high"] = lo, hi

    leads = backend.table("leads")
    acc = backend.table("accounts")
    q = leads.filter(leads.created_at <= as_of)
    sql = q.sql_at.notnull() & (q.sql_at <= as_of)
    mql = (q.mql_at.notnull() & (q.mql_at <= as_of)) | sql
    q = q.mutate(is_mql=mql.cast("int64"), is_sql=sql.cast("int64"))
    j = q.join(acc, q.account_id == acc.account_id)
    per = j.group_by(["industry", "employees"]).aggregate(mql=j.is_mql.sum(), sql=j.is_sql.sum())
    per = per.execute()
    per["band"] = band_of(per["employees"])
    per["in_target"] = r.mask(per)
    seg = (
        per.groupby(["industry", "band"])
        .agg(mql=("mql", "sum"), sql=("sql", "sum"), in_target=("in_target", "mean"))
        .reset_index()
    )
    seg["segment"] = [
        _segment_label(i, int(b)) for i, b in zip(seg["industry"], seg["band"], strict=True)
    ]
    lo, hi = beta_interval(seg["sql"], seg["mql"])
    seg["acceptance"] = seg["sql"] / seg["mql"].where(seg["mql"] > 0)
    seg["acceptance_low"], seg["acceptance_high"] = lo, hi
    seg = seg[seg["mql"] > 0].sort_values("mql", ascending=False)
    return share, seg[
        ["segment", "mql", "sql", "acceptance", "acceptance_low", "acceptance_high", "in_target"]
    ].reset_index(drop=True)


def kpi_rows(
    store: StateStore,
    backend: Any,
    *,
    as_of: dt.date,
    period: str = "month",
    targets: Sequence[str] = (),
    segments: Sequence[str] = (),
    fiscal_year_start_month: int = 4,
    lang: str = "ja",
) -> list[dict[str, Any]]:
    """The ``rashinban kpi`` rows: the company, each named target (its active version,
    else its latest) and each segment rule, per period (``fiscal_year_start_month`` and
    ``lang`` as :func:`rashinban.kpi.funnel` takes them).

    Every row has ``scope``, ``period``, ``period_start``, ``counted_from`` /
    ``counted_to`` (the days counted) and ``partial`` (fewer days than the whole
    period), one key per KPI of
    :data:`rashinban.kpi.KPIS` and ``<kpi>_low``/``<kpi>_high`` for rates; NaN
    (no data) becomes ``None``. A segment rule that selects no account is a user error
    naming the values the accounts have (:func:`rashinban.segments.require_accounts`).
    """
    import math

    from rashinban.kpi import KPIS, funnel

    scopes: dict[str, Any] = {"company": None}
    for name in targets:
        rev = store.target_revision(name)  # a canvas has no rule to count by
        scopes[name] = TargetDefinition.from_content(rev.content).rule()
    for text in segments:
        # The scope reads as the user wrote the rule (業種 = 製造業), checked by parsing;
        # a rule that selects no account is refused, not reported as rows of zeros.
        rule = parse_rule(text)
        require_accounts(backend, rule, text=text)
        scopes[" ".join(text.split())] = rule
    frame = funnel(
        backend,
        as_of=as_of,
        period=period,
        scopes=scopes,
        fiscal_year_start_month=fiscal_year_start_month,
        lang=lang,
    )
    keys = ["scope", "period", "period_start", "counted_from", "counted_to", "partial"]
    for k in KPIS:
        keys.append(k)
        if KPIS[k].formula == "rate":
            keys += [f"{k}_low", f"{k}_high"]
    rows = []
    for rec in frame[keys].to_dict("records"):
        out: dict[str, Any] = {}
        for key, value in rec.items():
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            elif hasattr(value, "item"):
                value = value.item()
            out[key] = value.isoformat() if isinstance(value, dt.date) else value
        rows.append(out)
    return rows

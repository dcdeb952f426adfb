"""Scoring features of deals, leads and accounts, each as known at its own date.

A new deal's features are what sales knew when it was opened: the account's
firmographics, the channel of the account's latest lead created on or before
the deal, whether a decision-maker contact existed by then, and the named
competitor. Leads and prospect accounts get the same fields (competitor
unknown), so one model family scores all three.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import numpy as np
import pandas as pd

from rashinban.normalize import REGIONS
from rashinban.targeting._grid import SIZE_BANDS

__all__ = ["FEATURES", "add_bands", "deal_features", "lead_features", "prospect_features"]

#: Feature columns of the fit models (all categorical).
FEATURES: tuple[str, ...] = (
    "industry",
    "size_band",
    "industry_size",
    "region",
    "revenue_band",
    "channel",
    "decision_maker",
    "competitor",
)
_REGION_OF = {
    p: r
    for r in ("北海道", "東北", "関東", "中部", "近畿", "中国", "四国", "九州・沖縄")
    for p in REGIONS[r]
}
_REVENUE_CUTS = (1e8, 1e9, 1e10, 1e11)
_REVENUE_NAMES = ("1億円未満", "1〜10億円", "10〜100億円", "100〜1000億円", "1000億円以上")


def _end(day: dt.date) -> Any:
    return ibis.timestamp(dt.datetime.combine(day, dt.time(23, 59, 59)))


def add_bands(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``size_band``, ``industry_size``, ``region`` and ``revenue_band`` (in place)."""
    emp = pd.to_numeric(frame["employees"], errors="coerce").to_numpy(float)
    edges = [lo for lo, _ in SIZE_BANDS[1:]]
    names = np.array(
        [f"{lo}〜{hi}名" if hi is not None else f"{lo}名以上" for lo, hi in SIZE_BANDS]
    )
    band = names[np.searchsorted(edges, np.nan_to_num(emp, nan=0.0), side="right")]
    frame["size_band"] = np.where(np.isnan(emp), "不明", band)
    frame["industry_size"] = frame["industry"].fillna("不明").astype(str) + "×" + frame["size_band"]
    frame["region"] = frame["prefecture"].map(_REGION_OF).fillna("不明")
    rev = pd.to_numeric(frame["annual_revenue"], errors="coerce").to_numpy(float)
    rb = np.array(_REVENUE_NAMES)[np.searchsorted(_REVENUE_CUTS, np.nan_to_num(rev), side="right")]
    frame["revenue_band"] = np.where(np.isnan(rev), "不明", rb)
    frame["industry"] = frame["industry"].fillna("不明")
    frame["channel"] = frame["channel"].fillna("なし")
    return frame


def deal_features(backend: Any, as_of: dt.date) -> pd.DataFrame:
    """New deals created by ``as_of`` with their features and outcome as of ``as_of``.

    ``outcome`` is ``won``/``lost`` for deals closed by ``as_of`` and ``open``
    otherwise (a later close is not known yet); ``closed_at`` is NaT when open.
    """
    end = _end(as_of)
    deals = backend.table("deals")
    d = deals.filter((deals.kind == "new") & (deals.created_at <= end))
    closed = d.closed_at.notnull() & (d.closed_at <= end)
    d = d.select(
        "deal_id",
        "account_id",
        "created_at",
        "amount",
        closed_at=ibis.ifelse(closed, d.closed_at, ibis.null("timestamp")),
        outcome=ibis.ifelse(closed, d.outcome, "open"),
        loss_reason=ibis.ifelse(closed, d.loss_reason, ibis.null("string")),
        competitor=d.competitor.fill_null("なし"),
    )
    leads = backend.table("leads").select(
        l_account="account_id", l_created="created_at", l_channel="channel"
    )
    j = d.left_join(leads, (d.account_id == leads.l_account) & (leads.l_created <= d.created_at))
    w = ibis.window(group_by=j.deal_id, order_by=[ibis.desc(j.l_created)])
    j = j.mutate(_rb_r=ibis.row_number().over(w)).filter(ibis._._rb_r == 0)
    contacts = backend.table("contacts")
    dm = contacts.filter(contacts.role == "decision_maker").select(
        c_account="account_id", c_created="created_at"
    )
    jd = d.select("deal_id", "account_id", "created_at").join(
        dm, (d.account_id == dm.c_account) & (dm.c_created <= d.created_at)
    )
    has_dm = jd.group_by("deal_id").aggregate(dm_n=jd.count())
    acc = backend.table("accounts").select(
        "account_id", "industry", "prefecture", "employees", "annual_revenue"
    )
    t = (
        j.drop("l_account", "l_created", "_rb_r")
        .rename(channel="l_channel")
        .left_join(has_dm, "deal_id")
        .drop("deal_id_right")
    )
    t = t.left_join(acc, "account_id").drop("account_id_right")
    frame = t.order_by("deal_id").execute()
    # dm_n is all null (object dtype) when no deal has a decision-maker contact.
    dm_n = pd.to_numeric(frame.pop("dm_n"), errors="coerce").fillna(0)
    frame["decision_maker"] = np.where(dm_n > 0, "あり", "なし")
    return add_bands(frame)


def lead_features(backend: Any, as_of: dt.date) -> pd.DataFrame:
    """Leads open at ``as_of`` (created by then, not converted or disqualified) with features."""
    end = _end(as_of)
    leads = backend.table("leads")
    # a lead qualified to SQL after the as-of date was still open then
    open_ = leads.filter(
        (leads.created_at <= end)
        & ((leads.status == "open") | (leads.sql_at.notnull() & (leads.sql_at > end)))
    )
    contacts = backend.table("contacts").select("contact_id", "role")
    acc = backend.table("accounts").select(
        "account_id", "industry", "prefecture", "employees", "annual_revenue"
    )
    t = open_.select("lead_id", "account_id", "contact_id", "created_at", "channel")
    t = t.left_join(contacts, "contact_id").drop("contact_id_right")
    t = t.left_join(acc, "account_id").drop("account_id_right")
    frame = t.order_by("lead_id").execute()
    frame["decision_maker"] = np.where(frame.pop("role") == "decision_maker", "あり", "なし")
    frame["competitor"] = "不明"
    return add_bands(frame)


def prospect_features(facts: pd.DataFrame) -> pd.DataFrame:
    """Prospect accounts of :func:`rashinban.engine.account_facts` with scoring features."""
    frame = facts[facts["status_asof"] == "prospect"].copy()
    frame["decision_maker"] = np.where(frame["has_decision_maker"].astype(bool), "あり", "なし")
    frame["competitor"] = "不明"
    return add_bands(frame.reset_index(drop=True))

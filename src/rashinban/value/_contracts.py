"""Running contracts as revenue to come: periods paid, retention, and each contract's value.

A subscription bills its ``mrr`` every month on the day it started (the rules of
:func:`rashinban.engine.subscription_billings`). At a given day each subscription
has paid some months and has either ended or still runs; the shifted-beta-geometric
model (Fader & Hardie 2007) fitted on those durations, the running ones censored,
says how likely each running contract is to pay each of the coming months. Where
the churn rate is the same for every contract (the sBG's α and β run off together,
its limit without heterogeneity) or too few contracts have ended to tell, the
constant monthly churn rate (ended contracts ÷ renewals at risk, the maximum
likelihood estimate of that limit) is used instead, and the notes say so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from rashinban.clv import ShiftedBetaGeoModel
from rashinban.clv._inputs import FloatArray
from rashinban.engine import to_frame
from rashinban.engine._periods import day_expr


def _paid(start: ir.DateValue, stop: ir.DateValue) -> ir.IntegerValue:
    """Monthly billings on ``start``, ``start`` + 1 month, … that fall before ``stop``."""
    months = (stop.year() - start.year()) * 12 + (stop.month() - start.month())
    last = (start + months.as_interval("M")).cast("date")
    return months + ibis.ifelse(last < stop, 1, 0)


def contract_periods(backend: Any, day: dt.date, until: dt.date | None = None) -> pd.DataFrame:
    """One row per subscription started by ``day`` that has paid at least one month.

    Columns ``account_id, mrr, paid, ended``: months billed on or before ``day``
    and whether the subscription had ended by ``day`` (its ``ended_at`` on or
    before it). With ``until`` (a later day) also ``window``, the months it would
    bill in (``day``, ``until``] if it ran on, and ``window_paid``, the months it
    did bill there.
    """
    subs = backend.table("subscriptions")
    start = day_expr(subs.started_at)
    stop = day_expr(subs.ended_at)
    day_lit = ibis.literal(day, type="date")
    after = day_lit + ibis.interval(days=1)
    ended = stop.notnull() & (stop <= day_lit)
    columns: dict[str, Any] = {
        "account_id": subs.account_id,
        "mrr": subs.mrr.cast("float64").fill_null(0.0),
        "paid": _paid(start, ibis.ifelse(ended, stop, after)),
        "ended": ended,
    }
    if until is not None:
        until_after = ibis.literal(until, type="date") + ibis.interval(days=1)
        real_stop = ibis.ifelse(stop.notnull() & (stop < until_after), stop, until_after)
        columns["window"] = ibis.ifelse(ended, 0, _paid(start, until_after) - columns["paid"])
        columns["window_paid"] = ibis.ifelse(
            ended, 0, ibis.greatest(_paid(start, real_stop) - columns["paid"], 0)
        )
    table = subs.filter(subs.account_id.notnull(), start.notnull(), start <= day_lit)
    out = to_frame(table.select(**columns))
    out = out[out["paid"] >= 1].reset_index(drop=True)
    out["ended"] = out["ended"].astype(bool)
    return out


@dataclass
class ContractRetention:
    """How likely a running contract is to pay each coming month.

    ``model`` is the fitted sBG; when it is None every contract churns at the
    constant monthly rate ``churn``. ``note`` says why the sBG was not used
    (Japanese, English).
    """

    model: ShiftedBetaGeoModel | None
    churn: float
    contracts: int
    ended: int
    note: tuple[str, str] | None = None

    def expected_payments(self, periods: Any, paid: Any, discount_rate: float = 0.0) -> FloatArray:
        """Expected months paid of the next ``periods`` (see ShiftedBetaGeoModel)."""
        if self.model is not None:
            return self.model.expected_payments(periods, paid, discount_rate)
        n = np.asarray(paid, dtype=float)
        h = np.broadcast_to(np.asarray(periods, dtype=float), n.shape)
        k = np.arange(1, int(h.max(initial=0.0)) + 1, dtype=float)
        terms = ((1.0 - self.churn) / (1.0 + discount_rate)) ** k
        cumulative = np.concatenate([[0.0], np.cumsum(terms)])
        return np.asarray(cumulative[h.astype(int)], dtype=float)

    def params(self) -> dict[str, float]:
        if self.model is not None:
            return {f"sbg_{k}": float(v) for k, v in self.model.params_.items()}
        return {"contract_churn_monthly": self.churn}

    @property
    def name(self) -> str:
        return "sBG" if self.model is not None else "constant churn"


def fit_retention(periods: pd.DataFrame) -> ContractRetention:
    """The sBG on the contracts' durations, or the constant churn rate where it cannot tell."""
    paid = periods["paid"].to_numpy(dtype=float)
    ended = periods["ended"].to_numpy(dtype=float)
    n_ended = int(ended.sum())
    renewals = float((paid - 1.0).sum())
    churn = n_ended / (n_ended + renewals) if n_ended + renewals > 0 else 0.0
    rate = (
        f"一定の月次解約率 {churn:.2%} (終了した契約{n_ended:,}件 ÷ 更新の機会)",
        f"the constant monthly churn rate {churn:.2%} ({n_ended:,} ended contracts ÷ "
        "renewals at risk)",
    )
    if n_ended == 0:
        note = (
            f"終了した契約がないため、継続中の契約{len(periods):,}件は予測期間の終わりまで"
            "続くものとして評価",
            f"no contract has ended, so the {len(periods):,} running contracts are valued "
            "as running to the end of the horizon",
        )
        return ContractRetention(None, churn, len(periods), n_ended, note)
    if len(periods) < 30:
        note = (
            f"契約が{len(periods)}件と少なく sBG モデルは推定せず、{rate[0]}で評価",
            f"too few contracts ({len(periods)}) for the sBG model; valued at {rate[1]}",
        )
        return ContractRetention(None, churn, len(periods), n_ended, note)
    model = ShiftedBetaGeoModel(raise_on_failure=False).fit_durations(paid, ended)
    if not model.converged_:
        alpha, beta = model.params_["alpha"], model.params_["beta"]
        shown = f"α={alpha:.3g}, β={beta:.3g}"
        if min(alpha, beta) > 1e3:  # the sBG's limit without heterogeneity
            why = (
                f"sBG モデルでは契約ごとの解約率に差が見られない ({shown} が発散)",
                f"the sBG model finds no difference in churn between contracts ({shown} run off)",
            )
        else:
            why = (
                f"sBG モデルが収束しない ({shown})",
                f"the sBG model does not converge ({shown})",
            )
        note = (f"{why[0]}ため、{rate[0]}で評価", f"{why[1]}; valued at {rate[1]}")
        return ContractRetention(None, churn, len(periods), n_ended, note)
    return ContractRetention(model, churn, len(periods), n_ended)


def contract_value(
    retention: ContractRetention,
    periods: pd.DataFrame,
    *,
    horizon_months: int,
    discount_rate: float,
) -> pd.DataFrame:
    """``account_id, mrr, expected_billings, contract_clv, running_contracts`` per account.

    ``mrr`` sums the running contracts (``running_contracts`` counts them),
    ``expected_billings`` the months they are expected to bill over the horizon,
    and ``contract_clv`` those billings' discounted value (month k discounted by
    (1 + d)^k, as the order CLV is).
    """
    running = periods[~periods["ended"]]
    paid = running["paid"].to_numpy(dtype=float)
    mrr = running["mrr"].to_numpy(dtype=float)
    frame = pd.DataFrame(
        {
            "account_id": running["account_id"].to_numpy(),
            "mrr": mrr,
            "expected_billings": retention.expected_payments(horizon_months, paid),
            "contract_clv": mrr * retention.expected_payments(horizon_months, paid, discount_rate),
            "running_contracts": 1,
        }
    )
    return frame.groupby("account_id", as_index=False).sum()

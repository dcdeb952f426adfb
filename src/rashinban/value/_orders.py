"""What the order model reads: each customer's orders from the day it became a customer.

The BG/NBD counts purchases after a customer's first one. A B2B customer often
becomes one by subscribing and orders only later, so its "birth" is its first
revenue: the first order, or the first subscription's start when that came
earlier (an event of no amount on that day, which the RFM summary takes as the
first purchase: it is neither counted as a repeat nor averaged into the spend).
Only periods that net to a positive total are purchases (``net_returns``): a
return or a credit note is not a repeat order and does not make a customer recent.
Subscription months themselves are not purchases here; the contracts are valued
on their own (:mod:`rashinban.value._contracts`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from rashinban._errors import ConvergenceError, NotEnoughDataError
from rashinban.clv import BetaGeoModel, GammaGammaModel
from rashinban.clv._inputs import ArrayLike, FloatArray
from rashinban.engine import Lifecycle, rfm_analysis, rfm_summary, to_frame
from rashinban.value._transactions import order_events


def order_log(backend: Any, as_of: dt.date, births_by: dt.date | None = None) -> ir.Table:
    """``account_id, ordered_at, amount``: orders up to ``as_of`` and each customer's birth.

    A customer whose first subscription started (on or before ``births_by``,
    default ``as_of``) before its first order up to ``as_of`` gets an event of
    missing amount on that start day (a purchase worth 0 to the summary). A holdout
    check passes its calibration end as ``births_by``, so that no customer is born
    inside the holdout.
    """
    orders = order_events(backend, as_of)
    subs = backend.table("subscriptions")
    day = ibis.literal(births_by or as_of, type="date")
    started = subs.started_at.cast("date")
    firsts = (
        subs.filter(subs.account_id.notnull(), started.notnull(), started <= day)
        .group_by("account_id")
        .agg(born=started.min())
    )
    first_orders = orders.group_by(orders.account_id.name("order_account")).agg(
        first_order=orders.ordered_at.min()
    )
    joined = firsts.left_join(first_orders, firsts.account_id == first_orders.order_account)
    births = joined.filter(joined.first_order.isnull() | (joined.born < joined.first_order)).select(
        account_id=joined.account_id,
        ordered_at=joined.born,
        amount=ibis.null("float64"),
    )
    return ibis.union(orders, births)


def weekly_summary(tx: Any, as_of: dt.date, calibration_end: dt.date | None = None) -> pd.DataFrame:
    """Weekly RFM summary; customers first seen in the as-of week (T = 0) get T = 1 day.

    BG/NBD needs T > 0; a customer acquired this week has, to the model, been
    observed for a fraction of a week — one day is the honest lower bound. Only
    weeks that net to a positive total are order weeks (``net_returns``).
    """
    summary = rfm_summary(
        tx,
        observation_period_end=as_of,
        time_unit="W",
        calibration_period_end=calibration_end,
        net_returns=True,
    )
    frame = to_frame(summary.order_by("account_id"))
    t_col = "T_cal" if calibration_end is not None else "T"
    frame[t_col] = frame[t_col].astype(float).clip(lower=1 / 7)
    return frame


def spend_inputs(
    frequency: pd.Series, monetary_value: pd.Series
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Whose spend is known, and the (x, mean spend) Gamma-Gamma reads.

    Repeat purchases that net to zero or less (returns, ▲ credit notes) say nothing
    about what the customer spends: Gamma-Gamma leaves them out and values those
    customers at its population mean, as it does one-time buyers.
    """
    known = (frequency == 0) | (monetary_value > 0)
    return known, frequency.where(known, 0), monetary_value.where(known, 0.0)


def spend_basis(frequency: pd.Series, known: pd.Series) -> np.ndarray:
    """Where each customer's spend per order comes from, the CLV JSON key ``spend_basis``.

    ``own`` (its repeat orders, through Gamma-Gamma), ``population`` (no repeat
    order: the population mean) or ``netted`` (repeat orders that net to zero or
    less after returns and credit notes: left out of Gamma-Gamma, the population
    mean). ``none`` is set by the report where no order model could be fitted.
    """
    return np.select(
        [~known.to_numpy(dtype=bool), frequency.to_numpy() == 0],
        ["netted", "population"],
        default="own",
    )


def expected_spend(
    frequency: pd.Series, monetary_value: pd.Series
) -> tuple[np.ndarray, GammaGammaModel | None, ConvergenceError | NotEnoughDataError | None]:
    """Expected spend per order, the Gamma-Gamma fitted for it, and why it could not be.

    Customers without a known repeat spend (one-time buyers, repeat orders that net to
    zero or less) get the population mean: Gamma-Gamma's at x = 0, or, where it does
    not fit, the mean of the known spends (the others keep their own mean).
    """
    known, x, m = spend_inputs(frequency, monetary_value)
    try:
        model = GammaGammaModel().fit(x, m)
    except (ConvergenceError, NotEnoughDataError) as exc:
        buyers = known & (x > 0)
        mean = float(m[buyers].mean()) if bool(buyers.any()) else 0.0
        return np.where(x > 0, m, mean).astype(float), None, exc
    return np.asarray(model.conditional_expected_value(x, m), dtype=float), model, None


class ContractedOrders:
    """BG/NBD's expected purchases, with customers under a running contract alive now.

    The BG/NBD infers from the order history alone whether a customer is still
    there (:meth:`~rashinban.clv.BetaGeoModel.p_alive`). A running contract says so
    outright, and the report shows those customers' P(alive) as 1; their expected
    orders are the model's expectation for a customer alive at T
    (:meth:`~rashinban.clv.BetaGeoModel.expected_purchases_alive`), not that times
    the inferred P(alive). Dropout later in the horizon is still the model's.
    Passed to :func:`rashinban.clv.customer_lifetime_value` as the transaction model;
    ``contracted`` is aligned with the customers it is asked about.
    """

    def __init__(self, model: BetaGeoModel, contracted: ArrayLike) -> None:
        self.model = model
        self.contracted = np.asarray(contracted, dtype=bool)

    def expected_purchases(
        self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        # expected_purchases = expected_purchases_alive × p_alive (FHL 2005, eq. 10).
        alive = self.model.expected_purchases_alive(t, frequency, recency, T)
        p_alive = self.model.p_alive(frequency, recency, T)
        return alive * np.where(self.contracted, 1.0, p_alive)


def contract_status(backend: Any, tx: Any, as_of: dt.date) -> pd.DataFrame:
    """``account_id, churned, subscription_ended`` for every customer of ``tx`` at ``as_of``.

    ``churned`` is RFM's 解約済み (:func:`rashinban.engine.rfm_analysis` with the
    workspace's subscriptions, basis ``ended``): every subscription started by
    ``as_of`` has ended by it and nothing was bought on or after the last end.
    ``subscription_ended`` is true when no subscription runs at ``as_of`` although
    one had started (:func:`rashinban.churn.churn_dates` known on ``as_of``): the
    churned customers, and those who order again after their contracts ended.
    Customers who never subscribed are false on both.
    """
    from rashinban.churn import churn_dates

    subs = backend.table("subscriptions")
    named = rfm_analysis(
        tx, observation_period_end=as_of, lifecycle=Lifecycle(subs), net_returns=True
    )
    out = to_frame(
        named.select("account_id", churned=named.basis == "ended").order_by("account_id")
    )
    out["churned"] = out["churned"].fillna(False).astype(bool)
    dates = churn_dates(subs.filter(subs.account_id.notnull()), known_on=as_of)
    ended = set(
        to_frame(dates.filter(dates.churn_date.notnull()).select("account_id"))["account_id"]
    )
    out["subscription_ended"] = out["account_id"].isin(ended)
    return out

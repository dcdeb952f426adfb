"""What each existing customer is worth: its running contracts plus its orders.

A B2B company earns from contracts that renew every month and from orders that come
when they come; the two are valued by the models made for each (Fader & Hardie's
contractual / non-contractual split):

- **contracts**: every subscription's months paid and whether it ended feed the
  shifted-beta-geometric model (Fader & Hardie 2007, "How to Project Customer
  Retention"), or the constant churn rate where the sBG finds no difference between
  contracts (:mod:`rashinban.value._contracts`); a running contract's value is its
  MRR times the months it is expected to keep paying, discounted;
- **orders**: BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy
  way") on each customer's weekly order summary from the day it became a customer
  (:mod:`rashinban.value._orders`), spend per order by Gamma-Gamma (Fader, Hardie &
  Lee 2005, "RFM and CLV"), discounted over the horizon.

A customer whose subscriptions have all ended and who has bought nothing since
(RFM's 解約済み) has P(alive), expected purchases and CLV 0. A holdout check
(calibrate on all but the last weeks, predict their purchases and revenue) and a
naive baseline come with every run, so the numbers can be judged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rashinban._errors import (
    ConvergenceError,
    InvalidValueError,
    NotEnoughDataError,
    language_halves,
)
from rashinban.clv import BetaGeoModel, GammaGammaModel, customer_lifetime_value
from rashinban.engine._asof import as_of_in_data
from rashinban.value._contracts import (
    ContractRetention,
    contract_periods,
    contract_value,
    fit_retention,
)
from rashinban.value._holdout import HoldoutCheck, holdout_check
from rashinban.value._orders import (
    ContractedOrders,
    contract_status,
    expected_spend,
    order_log,
    spend_basis,
    spend_inputs,
    weekly_summary,
)
from rashinban.value._transactions import check_revenue_start, revenue_events

__all__ = ["CLVResult", "HoldoutCheck", "clv_report", "contract_status", "holdout_check"]

WEEKS_PER_MONTH = 4.345
_CONTRACT_COLUMNS = ("mrr", "expected_billings", "contract_clv", "running_contracts")


@dataclass
class CLVResult:
    """What :func:`clv_report` found: the models, one row per customer, the holdout check.

    ``transaction_model`` and ``value_model`` value the orders (None when there are
    too few repeat buyers to fit them); ``contract_retention`` the running contracts
    (None without subscriptions).
    """

    as_of: dt.date
    horizon_months: int
    discount_rate: float
    transaction_model: BetaGeoModel | None
    value_model: GammaGammaModel | None
    customers: pd.DataFrame
    holdout: HoldoutCheck | None = None
    notes: list[str] = field(default_factory=list)
    contract_retention: ContractRetention | None = None

    def model_name(self) -> str:
        """e.g. ``"sBG + BG/NBD + Gamma-Gamma"``: the models the values came from."""
        parts = [self.contract_retention.name] if self.contract_retention else []
        if self.transaction_model is not None:
            parts.append("BG/NBD")
        if self.value_model is not None:
            parts.append("Gamma-Gamma")
        return " + ".join(parts)

    def payload(self, *, limit: int | None = None) -> dict[str, Any]:
        """The JSON shape of ``rashinban clv`` (PRODUCT.md contract plus details)."""
        rows = self.customers.sort_values("clv", ascending=False)
        if limit is not None:
            rows = rows.head(limit)
        params: dict[str, float] = {}
        if self.transaction_model is not None:
            params.update({k: float(v) for k, v in self.transaction_model.params_.items()})
        if self.value_model is not None:
            params.update({f"gg_{k}": float(v) for k, v in self.value_model.params_.items()})
        if self.contract_retention is not None:
            params.update(self.contract_retention.params())
        bg = self.transaction_model
        return {
            "as_of": self.as_of.isoformat(),
            "model": {
                "name": self.model_name(),
                "params": params,
                "log_likelihood": None if bg is None else float(bg.log_likelihood_),
                "time_unit": "week",
                "horizon_months": self.horizon_months,
                "discount_rate_monthly": self.discount_rate,
                "holdout": self.holdout.as_dict() if self.holdout else None,
                "notes": self.notes,
            },
            "customers": [
                {
                    "account_id": r.account_id,
                    "clv": float(r.clv),
                    "contract_clv": float(r.contract_clv),
                    "order_clv": float(r.order_clv),
                    "mrr": float(r.mrr),
                    "p_alive": None if np.isnan(r.p_alive) else float(r.p_alive),
                    "p_alive_basis": r.p_alive_basis,
                    "spend_basis": r.spend_basis,
                    "expected_purchases": float(r.expected_purchases),
                    "running_contracts": int(r.running_contracts),
                    "expected_billings": float(r.expected_billings),
                    "frequency": int(r.frequency),
                    "recency": float(r.recency),
                    "T": float(r.T),
                    "monetary_value": float(r.monetary_value),
                    "churned": bool(r.churned),
                    "subscription_ended": bool(r.subscription_ended),
                }
                for r in rows.itertuples()
            ],
        }


def clv_report(
    backend: Any,
    as_of: dt.date | str,
    *,
    horizon_months: int = 12,
    discount_rate: float = 0.01,
    holdout_weeks: int | None = 26,
) -> CLVResult:
    """P(alive), expected purchases and discounted CLV of every customer as of ``as_of``.

    Parameters
    ----------
    backend
        An Ibis backend holding the canonical tables.
    as_of
        The as-of date (``datetime.date``, ``datetime.datetime``,
        ``pandas.Timestamp`` or ISO text such as ``"2025-12-31"``); nothing after
        it is read.
    horizon_months, discount_rate
        CLV horizon and the monthly discount rate.
    holdout_weeks
        Length of the holdout check (None skips it).

    Raises
    ------
    InvalidValueError
        A horizon below one month, a discount rate outside [0, 1), a holdout
        below one week, or an ``as_of`` that is not a date.
    NotEnoughDataError
        Fewer than 30 customers, or fewer than 10 repeat buyers; or ``as_of``
        before the first order or subscription, or after the end of the data
        (as ``rashinban clv --as-of`` refuses it).

    Customers who have churned by contract (:func:`contract_status`: every
    subscription ended, nothing bought since; RFM's 解約済み) have ``p_alive``,
    ``expected_purchases`` and ``clv`` 0 and ``churned`` true; the model is still
    fitted on their history. Customers whose subscriptions have all ended but who
    order since (``subscription_ended`` true, ``churned`` false) are predicted from
    their orders alone. A customer with a running contract has ``p_alive`` 1 and
    its expected orders are the BG/NBD's for a customer alive now. Where no order
    model could be fitted, ``p_alive`` of customers without a running contract is
    NaN; ``p_alive_basis`` says where each value comes from.
    """
    if horizon_months < 1:
        raise InvalidValueError(
            f"CLVの予測期間が{horizon_months}か月です / the CLV horizon is {horizon_months} months",
            fix="1か月以上にしてください (例: 12) / use 1 month or more, e.g. 12",
        )
    if not 0 <= discount_rate < 1:
        raise InvalidValueError(
            f"月次の割引率 {discount_rate} が0以上1未満ではありません / "
            f"the monthly discount rate {discount_rate} is not in [0, 1)",
            fix="月1%なら 0.01 のように指定してください / use e.g. 0.01 for 1% a month",
        )
    if holdout_weeks is not None and holdout_weeks < 1:
        raise InvalidValueError(
            f"検証期間が{holdout_weeks}週です / the holdout is {holdout_weeks} weeks",
            fix="1週以上にするか、検証しないなら None にしてください / "
            "use 1 week or more, or None to skip it",
        )
    as_of = as_of_in_data(backend, as_of)
    data = weekly_summary(order_log(backend, as_of), as_of)
    periods = contract_periods(backend, as_of)
    running = int((~periods["ended"]).sum())
    repeat = int((data["frequency"] > 0).sum())
    if len(data) < 30 or (repeat < 10 and not running):
        check_revenue_start(backend, as_of)
        raise NotEnoughDataError(
            f"CLVモデルには顧客30社以上と、リピート購入のある顧客10社以上か継続中の契約が"
            f"必要です(現在{len(data)}社・リピート{repeat}社・継続中の契約{running}件) / "
            f"CLV models need at least 30 customers, and 10 repeat buyers or running "
            f"contracts; found {len(data)} customers, {repeat} repeat buyers and {running} "
            "running contracts",
            fix="より長い期間の注文か契約を取り込んでください / "
            "import orders or subscriptions covering a longer period",
        )
    notes: list[str] = []
    status = contract_status(backend, revenue_events(backend, as_of), as_of)
    out = data[["account_id", "frequency", "recency", "T", "monetary_value"]].merge(
        status, on="account_id", how="left"
    )
    out[["churned", "subscription_ended"]] = (
        out[["churned", "subscription_ended"]].fillna(False).astype(bool)
    )
    retention: ContractRetention | None = None
    contracts = pd.DataFrame(columns=["account_id", *_CONTRACT_COLUMNS])
    if len(periods):
        retention = fit_retention(periods)
        if retention.note:
            notes.append(" / ".join(retention.note))
        contracts = contract_value(
            retention, periods, horizon_months=horizon_months, discount_rate=discount_rate
        )
    out = out.merge(contracts, on="account_id", how="left")
    out[list(_CONTRACT_COLUMNS)] = out[list(_CONTRACT_COLUMNS)].astype(float).fillna(0.0)
    out["running_contracts"] = out["running_contracts"].astype(int)
    bg, value_model = _value_orders(out, horizon_months, discount_rate, notes)
    # A running contract is a customer now; others are alive as far as their orders say.
    out["p_alive"] = np.where(out["running_contracts"] > 0, 1.0, out.pop("p_alive_orders"))
    churned = out["churned"].to_numpy()
    out.loc[churned, ["p_alive", "expected_purchases", "order_clv"]] = 0.0
    out["p_alive_basis"] = _p_alive_basis(out, bg is not None)
    out["clv"] = out["contract_clv"] + out["order_clv"]
    notes.extend(_contract_notes(out))
    holdout = None
    if holdout_weeks:
        cal_end = as_of - dt.timedelta(weeks=holdout_weeks)
        tx = order_log(backend, as_of, births_by=cal_end)
        try:
            holdout = holdout_check(tx, as_of, holdout_weeks=holdout_weeks, backend=backend)
        except NotEnoughDataError as exc:
            notes.append(f"検証期間での確認は行いません / holdout check skipped: {exc}")
        except ConvergenceError as exc:
            # The calibration history alone can show no dropout (e.g. an older history of
            # steady buyers) although the whole one does: the values stand, unchecked.
            ja, en = language_halves(exc.message)
            notes.append(
                f"検証期間での確認は行いません (学習期間のBG/NBDが使えません: {ja}) / "
                f"holdout check skipped (the BG/NBD of the calibration period cannot be "
                f"used: {en})"
            )
    return CLVResult(
        as_of, horizon_months, discount_rate, bg, value_model, out, holdout, notes, retention
    )


def _value_orders(
    out: pd.DataFrame, horizon_months: int, discount_rate: float, notes: list[str]
) -> tuple[BetaGeoModel | None, GammaGammaModel | None]:
    """Add ``p_alive_orders``, ``expected_purchases`` and ``order_clv`` to ``out``.

    The models learn from every customer's whole history (the churned teach them how
    customers leave). Without enough repeat buyers for the BG/NBD (the contracts
    alone are valued then), the three are 0 and the notes say so.
    """
    x, t_x, t_cal, m = out["frequency"], out["recency"], out["T"], out["monetary_value"]
    repeat = int((x > 0).sum())
    bg: BetaGeoModel | None = None
    why = (f"リピート注文のある顧客が{repeat}社と少ない", f"too few repeat buyers ({repeat})")
    if repeat >= 10:
        try:
            bg = BetaGeoModel().fit(x, t_x, t_cal)
        except ConvergenceError as exc:
            if not (out["running_contracts"] > 0).any():
                # The optimiser's own fix names Python options; say what a user can do.
                ja, en = language_halves(exc.message)
                raise ConvergenceError(
                    f"注文のBG/NBDモデルが使えないため、CLVを計算できません: {ja} / "
                    f"the order model (BG/NBD) cannot be used, so no CLV is computed: {en}",
                    fix="購入をやめた顧客も含む、より長い期間の注文を取り込むか、契約 "
                    "(subscriptions) を取り込んでください (継続中の契約があれば契約で評価します) / "
                    "import a longer order history that includes customers who stopped "
                    "buying, or import subscriptions (running contracts are valued without "
                    "the order model)",
                ) from exc
            why = language_halves(exc.message)
    if bg is None:
        # Unknown without an order model: P(alive) of customers with no running contract.
        out["p_alive_orders"] = np.nan
        out["expected_purchases"] = 0.0
        out["order_clv"] = 0.0
        out["spend_basis"] = "none"
        notes.append(
            f"注文の価値は推定せず契約の価値だけで評価 (継続中の契約のない顧客の継続確率は不明): "
            f"{why[0]} / customers are valued on their contracts alone (P(alive) of "
            f"customers without a running contract is unknown): {why[1]}"
        )
        return None, None
    known, _, _ = spend_inputs(x, m)
    out["spend_basis"] = spend_basis(x, known)
    if not known.all():
        n_netted = int((~known).sum())
        notes.append(
            f"リピート注文の合計が0以下の顧客{n_netted:,}社は平均注文額で評価 / "
            f"{n_netted:,} customers whose repeat orders net to zero or "
            "less are valued at the average spend"
        )
    spend, value_model, failure = expected_spend(x, m)
    if failure is not None:
        notes.append(
            "Gamma-Gammaモデルが使えないため、注文の価値は各顧客の平均注文額 (リピート注文の"
            f"ない顧客は全体の平均) で計算 ({failure.message}) / Gamma-Gamma did not converge; "
            "order value uses each customer's mean spend (the overall mean for customers "
            "without repeat orders)"
        )
    out["p_alive_orders"] = bg.p_alive(x, t_x, t_cal)
    weeks = horizon_months * WEEKS_PER_MONTH
    # A running contract says the customer is there now: its orders are expected as
    # of a customer alive at T (P(alive) 1, as the report shows it).
    orders = ContractedOrders(bg, out["running_contracts"] > 0)
    out["expected_purchases"] = orders.expected_purchases(weeks, x, t_x, t_cal)
    # Customers with no repeat order have monetary_value 0 by definition; their
    # spend is the Gamma-Gamma population mean, which the value model gives at x = 0.
    out["order_clv"] = customer_lifetime_value(
        orders,
        None,
        x,
        t_x,
        t_cal,
        spend,
        time=horizon_months,
        discount_rate=discount_rate,
        freq="W",
    )
    return bg, value_model


def _p_alive_basis(out: pd.DataFrame, order_model: bool) -> np.ndarray:
    """Where each customer's P(alive) comes from, the JSON key ``p_alive_basis``.

    ``churned`` (0: every subscription ended, nothing bought since), ``contract``
    (1: a contract runs), ``orders`` (the BG/NBD's, from the order history) or
    ``unknown``: neither a running contract nor an order model to judge by (too few
    repeat buyers to fit the BG/NBD), so P(alive) is NaN (``null`` in JSON).
    """
    running = (out["running_contracts"] > 0).to_numpy()
    return np.select(
        [out["churned"].to_numpy(dtype=bool), running],
        ["churned", "contract"],
        default="orders" if order_model else "unknown",
    )


def _contract_notes(out: pd.DataFrame) -> list[str]:
    """What the contracts changed, for the report's notes (bilingual)."""
    notes = []
    n_running = int((out["running_contracts"] > 0).sum())
    if n_running:
        notes.append(
            f"継続中の契約のある顧客{n_running:,}社は、契約の価値 (月額 × 継続が見込まれる月数) と"
            f"注文の価値の和で評価 / {n_running:,} customers with running contracts are "
            "valued as their contracts (MRR × the months they are expected to keep paying) "
            "plus their orders"
        )
    n_churned = int(out["churned"].sum())
    if n_churned:
        notes.append(
            f"解約済みの顧客{n_churned:,}社 (契約がすべて終了し、その後の購入なし) は継続確率・"
            f"期待購買回数・CLVを0とし、合計に含めない / {n_churned:,} churned customers "
            "(every subscription ended, nothing bought since) have P(alive), expected "
            "purchases and CLV 0 and add nothing to the total"
        )
    return notes

"""What each existing customer is worth: BG/NBD + Gamma-Gamma on the revenue log.

The transaction model is BG/NBD (Fader, Hardie & Lee 2005, "Counting your
customers the easy way") fitted on weekly RFM summaries of the revenue log
(orders and subscription months); spend per purchase is Gamma-Gamma (Fader,
Hardie & Lee 2005, "RFM and CLV"); CLV is the discounted expected revenue over
a horizon. A holdout check (calibrate on all but the last weeks, predict them)
and a naive baseline come with every run, so the numbers can be judged.

The model cannot see contracts: to it a subscription month is a purchase like any
other. The contracts are read separately (:func:`contract_status`): a customer
whose subscriptions have all ended and who has bought nothing since (RFM's
解約済み) has P(alive), expected purchases and CLV 0; one whose subscriptions have
all ended but who orders since is valued on its orders alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rashinban._errors import ConvergenceError, InvalidValueError, NotEnoughDataError
from rashinban.clv import BetaGeoModel, GammaGammaModel, customer_lifetime_value
from rashinban.engine import Lifecycle, rfm_analysis, rfm_summary, to_frame
from rashinban.engine._asof import as_of_in_data
from rashinban.value._transactions import check_revenue_start, order_events, revenue_events

WEEKS_PER_MONTH = 4.345


@dataclass
class HoldoutCheck:
    """Predicted vs actual repeat purchases in the holdout weeks, against a naive baseline.

    The baseline predicts each customer's past weekly rate (frequency / T)
    carried forward — what a spreadsheet would do.
    """

    calibration_end: dt.date
    holdout_weeks: float
    customers: int
    actual_total: float
    predicted_total: float
    baseline_total: float
    mae_model: float
    mae_baseline: float

    def as_dict(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in vars(self).items()}


@dataclass
class CLVResult:
    as_of: dt.date
    horizon_months: int
    discount_rate: float
    transaction_model: BetaGeoModel
    value_model: GammaGammaModel | None
    customers: pd.DataFrame
    holdout: HoldoutCheck | None = None
    notes: list[str] = field(default_factory=list)

    def payload(self, *, limit: int | None = None) -> dict[str, Any]:
        """The JSON shape of ``rashinban clv`` (PRODUCT.md contract plus details)."""
        rows = self.customers.sort_values("clv", ascending=False)
        if limit is not None:
            rows = rows.head(limit)
        params = {k: float(v) for k, v in self.transaction_model.params_.items()}
        value_params = (
            {k: float(v) for k, v in self.value_model.params_.items()} if self.value_model else {}
        )
        return {
            "as_of": self.as_of.isoformat(),
            "model": {
                "name": "BG/NBD + Gamma-Gamma" if self.value_model else "BG/NBD",
                "params": {**params, **{f"gg_{k}": v for k, v in value_params.items()}},
                "log_likelihood": float(self.transaction_model.log_likelihood_),
                "time_unit": "week",
                "horizon_months": self.horizon_months,
                "discount_rate_monthly": self.discount_rate,
                "holdout": self.holdout.as_dict() if self.holdout else None,
                "notes": self.notes,
            },
            "customers": [
                {
                    "account_id": r.account_id,
                    "p_alive": float(r.p_alive),
                    "expected_purchases": float(r.expected_purchases),
                    "clv": float(r.clv),
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


def weekly_summary(tx: Any, as_of: dt.date, calibration_end: dt.date | None = None) -> pd.DataFrame:
    """Weekly RFM summary; customers first seen in the as-of week (T = 0) get T = 1 day.

    BG/NBD needs T > 0; a customer acquired this week has, to the model, been
    observed for a fraction of a week — one day is the honest lower bound.
    """
    summary = rfm_summary(
        tx,
        observation_period_end=as_of,
        time_unit="W",
        calibration_period_end=calibration_end,
    )
    frame = to_frame(summary.order_by("account_id"))
    t_col = "T_cal" if calibration_end is not None else "T"
    frame[t_col] = frame[t_col].astype(float).clip(lower=1 / 7)
    return frame


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
    named = rfm_analysis(tx, observation_period_end=as_of, lifecycle=Lifecycle(subs))
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


def _with_contracts(
    backend: Any, tx: Any, data: pd.DataFrame, as_of: dt.date, calibration_end: dt.date | None
) -> pd.DataFrame:
    """``data`` (from :func:`weekly_summary`) as the predictions read it, with the
    :func:`contract_status` columns at ``calibration_end`` (else ``as_of``).

    A customer whose subscriptions have all ended but who orders since is summarised
    on its orders alone: its subscription months are revenue that has stopped, and
    counting them as purchases would forecast a monthly buyer.
    """
    day = calibration_end or as_of
    status = contract_status(backend, tx, day)
    out = data.merge(status, on="account_id", how="left")
    out[["churned", "subscription_ended"]] = (
        out[["churned", "subscription_ended"]].fillna(False).astype(bool)
    )
    lapsed = out.loc[out["subscription_ended"] & ~out["churned"], "account_id"].tolist()
    if lapsed:
        orders = order_events(backend, as_of)
        own = weekly_summary(orders.filter(orders.account_id.isin(lapsed)), as_of, calibration_end)
        suffix = "_cal" if calibration_end is not None else ""
        cols = [f"{c}{suffix}" for c in ("frequency", "recency", "T", "monetary_value")]
        out = out.set_index("account_id")
        out.update(own.set_index("account_id")[cols])
        out = out.reset_index()
    return out


def holdout_check(
    tx: Any, as_of: dt.date, *, holdout_weeks: int = 26, backend: Any = None
) -> HoldoutCheck:
    """Calibrate BG/NBD up to ``as_of − holdout_weeks`` and predict the holdout weeks.

    With ``backend`` (the workspace's), the prediction reads the contracts at the
    calibration end as :func:`clv_report` does: a customer churned by then
    (:func:`contract_status`) is predicted to buy nothing, and one who orders after
    its contracts ended is predicted from its orders alone.
    """
    cal_end = as_of - dt.timedelta(weeks=holdout_weeks)
    data = weekly_summary(tx, as_of, cal_end)
    if len(data) < 30 or int((data["frequency_cal"] > 0).sum()) < 10:
        raise NotEnoughDataError(
            f"検証には {cal_end} より前に顧客30社以上・リピート顧客10社以上が必要です / "
            f"the holdout check needs at least 30 customers and 10 repeat buyers before {cal_end}",
            fix="もっと長い期間のデータを取り込むか、検証期間を短くしてください / "
            "import a longer history or shorten the holdout",
        )
    model = BetaGeoModel().fit(data["frequency_cal"], data["recency_cal"], data["T_cal"])
    duration = data["duration_holdout"].to_numpy(dtype=float)
    seen = data
    if backend is not None:
        seen = _with_contracts(backend, tx, data, as_of, cal_end)
    predicted = np.asarray(
        model.expected_purchases(
            duration, seen["frequency_cal"], seen["recency_cal"], seen["T_cal"]
        ),
        dtype=float,
    )
    if backend is not None:
        predicted = np.where(seen["churned"].to_numpy(), 0.0, predicted)
    baseline = data["frequency_cal"].to_numpy(float) / data["T_cal"].to_numpy(float) * duration
    actual = data["frequency_holdout"].to_numpy(dtype=float)
    return HoldoutCheck(
        calibration_end=cal_end,
        holdout_weeks=float(np.median(duration)),
        customers=len(data),
        actual_total=float(actual.sum()),
        predicted_total=float(np.sum(predicted)),
        baseline_total=float(baseline.sum()),
        mae_model=float(np.mean(np.abs(predicted - actual))),
        mae_baseline=float(np.mean(np.abs(baseline - actual))),
    )


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
    their orders alone.
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
    tx = revenue_events(backend, as_of)
    data = weekly_summary(tx, as_of)
    repeat = data["frequency"] > 0
    if len(data) < 30 or int(repeat.sum()) < 10:
        check_revenue_start(backend, as_of)
        raise NotEnoughDataError(
            f"CLVモデルには顧客30社以上・リピート顧客10社以上が必要です(現在{len(data)}社・"
            f"{int(repeat.sum())}社) / CLV models need at least 30 customers and 10 repeat "
            f"buyers; found {len(data)} and {int(repeat.sum())}",
            fix="より長い期間の注文か契約を取り込んでください / "
            "import orders or subscriptions covering a longer period",
        )
    notes: list[str] = []
    # The model learns from every customer's whole history (the churned teach it how
    # customers leave); the predictions read the contracts as of today.
    bg = BetaGeoModel().fit(data["frequency"], data["recency"], data["T"])
    value_model: GammaGammaModel | None = None
    spend_known, x_fit, m_fit = _spend_inputs(data)
    data = _with_contracts(backend, tx, data, as_of, None)
    _, x_spend, m_spend = _spend_inputs(data)
    if not spend_known.all():
        n_netted = int((~spend_known).sum())
        notes.append(
            f"リピート購入の合計が0以下の顧客{n_netted:,}社は平均購入額で評価 / "
            f"{n_netted:,} customers whose repeat purchases net to zero or "
            "less are valued at the average spend"
        )
    spend = data["monetary_value"].to_numpy(dtype=float)
    try:
        value_model = GammaGammaModel().fit(x_fit, m_fit)
        spend = np.asarray(value_model.conditional_expected_value(x_spend, m_spend))
    except ConvergenceError as exc:
        notes.append(
            "Gamma-Gammaモデルが収束しなかったため、CLVは各顧客の平均購入額で計算 "
            f"({exc.message}) / Gamma-Gamma did not converge; CLV uses each customer's "
            "mean spend"
        )
    weeks = horizon_months * WEEKS_PER_MONTH
    cols = ["account_id", "frequency", "recency", "T", "monetary_value"]
    out = data[[*cols, "churned", "subscription_ended"]].copy()
    out["p_alive"] = bg.p_alive(data["frequency"], data["recency"], data["T"])
    out["expected_purchases"] = bg.expected_purchases(
        weeks, data["frequency"], data["recency"], data["T"]
    )
    # Customers with no repeat purchase have monetary_value 0 by definition; their
    # spend is the Gamma-Gamma population mean, which the value model gives at x = 0.
    out["clv"] = customer_lifetime_value(
        bg,
        None,
        data["frequency"],
        data["recency"],
        data["T"],
        spend,
        time=horizon_months,
        discount_rate=discount_rate,
        freq="W",
    )
    churned = out["churned"].to_numpy()
    out.loc[churned, ["p_alive", "expected_purchases", "clv"]] = 0.0
    notes.extend(_contract_notes(out))
    holdout = None
    if holdout_weeks:
        try:
            holdout = holdout_check(tx, as_of, holdout_weeks=holdout_weeks, backend=backend)
        except NotEnoughDataError as exc:
            notes.append(f"検証期間での確認は行いません / holdout check skipped: {exc}")
    return CLVResult(as_of, horizon_months, discount_rate, bg, value_model, out, holdout, notes)


def _spend_inputs(data: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Whose spend is known, and the (x, mean spend) Gamma-Gamma reads.

    Repeat purchases that net to zero or less (returns, ▲ credit notes) say nothing
    about what the customer spends: Gamma-Gamma leaves them out and values those
    customers at its population mean, as it does one-time buyers.
    """
    known = (data["frequency"] == 0) | (data["monetary_value"] > 0)
    return known, data["frequency"].where(known, 0), data["monetary_value"].where(known, 0.0)


def _contract_notes(out: pd.DataFrame) -> list[str]:
    """What the contracts changed, for the report's notes (bilingual)."""
    notes = []
    n_churned = int(out["churned"].sum())
    if n_churned:
        notes.append(
            f"解約済みの顧客{n_churned:,}社 (契約がすべて終了し、その後の購入なし) は継続確率・"
            f"期待購買回数・CLVを0とし、合計に含めない / {n_churned:,} churned customers "
            "(every subscription ended, nothing bought since) have P(alive), expected "
            "purchases and CLV 0 and add nothing to the total"
        )
    n_orders = int((out["subscription_ended"] & ~out["churned"]).sum())
    if n_orders:
        notes.append(
            f"契約がすべて終了した後も注文のある顧客{n_orders:,}社は注文だけで評価 / "
            f"{n_orders:,} customers who order after every subscription ended are valued "
            "on their orders alone"
        )
    return notes

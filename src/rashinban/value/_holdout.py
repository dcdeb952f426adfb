"""The time split behind every CLV run: calibrate on all but the last weeks, predict them.

Two measures, each against a naive baseline a spreadsheet would use:

- **repeat purchase weeks** of the transaction log (BG/NBD alone; the baseline
  carries each customer's past weekly rate forward);
- **revenue** of the customers already there at the calibration end, with the
  workspace (orders by BG/NBD × Gamma-Gamma; running contracts by the retention
  model fitted at the calibration end; the baseline keeps every contract running
  and every customer ordering at its past rate). Revenue of contracts started in
  the holdout is expansion no model here forecasts; it is reported on its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rashinban._errors import NotEnoughDataError
from rashinban.clv import BetaGeoModel
from rashinban.engine import subscription_billings, to_frame
from rashinban.value._contracts import contract_periods, fit_retention
from rashinban.value._orders import (
    ContractedOrders,
    contract_status,
    expected_spend,
    weekly_summary,
)
from rashinban.value._transactions import revenue_events


@dataclass
class HoldoutCheck:
    """Predicted vs actual in the holdout weeks, against a naive baseline.

    The first fields count repeat purchase weeks of the transaction log; the
    baseline predicts each customer's past weekly rate (frequency / T) carried
    forward. The revenue fields (None without a workspace) add what the orders
    and the running contracts brought in; ``new_contract_revenue`` is the
    billing of contracts started inside the holdout, which no prediction covers.
    """

    calibration_end: dt.date
    holdout_weeks: float
    customers: int
    actual_total: float
    predicted_total: float
    baseline_total: float
    mae_model: float
    mae_baseline: float
    actual_revenue: float | None = None
    predicted_revenue: float | None = None
    baseline_revenue: float | None = None
    mae_revenue_model: float | None = None
    mae_revenue_baseline: float | None = None
    order_actual_revenue: float | None = None
    order_predicted_revenue: float | None = None
    contract_actual_revenue: float | None = None
    contract_predicted_revenue: float | None = None
    new_contract_revenue: float | None = None
    retention_model: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in vars(self).items()}


def holdout_check(
    tx: Any, as_of: dt.date, *, holdout_weeks: int = 26, backend: Any = None
) -> HoldoutCheck:
    """Calibrate BG/NBD on ``tx`` up to ``as_of − holdout_weeks`` and predict the holdout.

    With ``backend`` (the workspace's; ``tx`` then being the order log of
    :func:`rashinban.value._orders.order_log` with births up to the calibration
    end, as :func:`clv_report` passes it), a customer churned by the calibration
    end (:func:`contract_status`) is predicted to buy nothing, and the revenue
    fields are filled: orders valued by Gamma-Gamma, running contracts by the
    retention model fitted at the calibration end.
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
    x, t_x, t_cal = data["frequency_cal"], data["recency_cal"], data["T_cal"]
    model = BetaGeoModel().fit(x, t_x, t_cal)
    duration = data["duration_holdout"].to_numpy(dtype=float)
    periods = None
    if backend is None:
        predicted = np.asarray(model.expected_purchases(duration, x, t_x, t_cal), dtype=float)
    else:
        # As the report predicts: alive where a contract runs, nothing where churned.
        periods = contract_periods(backend, cal_end, until=as_of)
        running = data["account_id"].isin(periods.loc[~periods["ended"], "account_id"])
        orders = ContractedOrders(model, running)
        predicted = np.asarray(orders.expected_purchases(duration, x, t_x, t_cal), dtype=float)
        status = contract_status(backend, revenue_events(backend, as_of), cal_end)
        churned = data[["account_id"]].merge(status, on="account_id", how="left")["churned"]
        predicted = np.where(churned.fillna(False).to_numpy(dtype=bool), 0.0, predicted)
    rate = x.to_numpy(float) / t_cal.to_numpy(float)
    baseline = rate * duration
    actual = data["frequency_holdout"].to_numpy(dtype=float)
    check = HoldoutCheck(
        calibration_end=cal_end,
        holdout_weeks=float(np.median(duration)),
        customers=len(data),
        actual_total=float(actual.sum()),
        predicted_total=float(np.sum(predicted)),
        baseline_total=float(baseline.sum()),
        mae_model=float(np.mean(np.abs(predicted - actual))),
        mae_baseline=float(np.mean(np.abs(baseline - actual))),
    )
    if periods is not None:
        spend, _, _ = expected_spend(data["frequency_cal"], data["monetary_value_cal"])
        revenue = pd.DataFrame(
            {
                "account_id": data["account_id"],
                "predicted": predicted * spend,
                "baseline": baseline * data["monetary_value_cal"].clip(lower=0.0).to_numpy(),
                "actual": actual * data["monetary_value_holdout"].to_numpy(dtype=float),
            }
        )
        _add_revenue(check, backend, revenue, periods, cal_end, as_of)
    return check


def _add_revenue(
    check: HoldoutCheck,
    backend: Any,
    orders: pd.DataFrame,
    periods: pd.DataFrame,
    cal_end: dt.date,
    as_of: dt.date,
) -> None:
    """Fill ``check``'s revenue fields: ``orders`` (per customer) plus the contracts.

    ``periods`` are the contracts at ``cal_end`` (:func:`contract_periods` up to ``as_of``).
    """
    running = periods[~periods["ended"]]
    frame = orders.set_index("account_id")
    contract_predicted = pd.Series(0.0, index=frame.index)
    contract_actual = pd.Series(0.0, index=frame.index)
    contract_baseline = pd.Series(0.0, index=frame.index)
    if len(running):
        retention = fit_retention(periods)
        check.retention_model = retention.name
        paid = running["paid"].to_numpy(dtype=float)
        window = running["window"].to_numpy(dtype=float)
        mrr = running["mrr"].to_numpy(dtype=float)
        per_contract = pd.DataFrame(
            {
                "account_id": running["account_id"].to_numpy(),
                "predicted": mrr * retention.expected_payments(window, paid),
                "actual": mrr * running["window_paid"].to_numpy(dtype=float),
                "baseline": mrr * window,
            }
        ).groupby("account_id")
        sums = per_contract.sum()
        contract_predicted = sums["predicted"].reindex(frame.index, fill_value=0.0)
        contract_actual = sums["actual"].reindex(frame.index, fill_value=0.0)
        contract_baseline = sums["baseline"].reindex(frame.index, fill_value=0.0)
    new = _new_contract_billing(backend, cal_end, as_of).reindex(frame.index, fill_value=0.0)
    predicted = frame["predicted"] + contract_predicted
    actual = frame["actual"] + contract_actual + new
    baseline = frame["baseline"] + contract_baseline
    check.actual_revenue = float(actual.sum())
    check.predicted_revenue = float(predicted.sum())
    check.baseline_revenue = float(baseline.sum())
    check.mae_revenue_model = float(np.mean(np.abs(predicted - actual)))
    check.mae_revenue_baseline = float(np.mean(np.abs(baseline - actual)))
    check.order_actual_revenue = float(frame["actual"].sum())
    check.order_predicted_revenue = float(frame["predicted"].sum())
    check.contract_actual_revenue = float(contract_actual.sum())
    check.contract_predicted_revenue = float(contract_predicted.sum())
    check.new_contract_revenue = float(new.sum())


def _new_contract_billing(backend: Any, cal_end: dt.date, as_of: dt.date) -> pd.Series:
    """Billing in (``cal_end``, ``as_of``] of subscriptions started after ``cal_end``."""
    subs = backend.table("subscriptions")
    late = subs.filter(
        subs.account_id.notnull(), subs.started_at.notnull(), subs.started_at.cast("date") > cal_end
    )
    bills = subscription_billings(late, observation_period_end=as_of)
    sums = to_frame(bills.group_by("account_id").agg(amount=bills.amount.fill_null(0.0).sum()))
    return sums.set_index("account_id")["amount"].astype(float)

"""Discounted customer lifetime value from a transaction model and a value model."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from rashinban._errors import InvalidValueError
from rashinban.clv._inputs import ArrayLike, FloatArray, as_float_array, check_rft, same_length

__all__ = ["customer_lifetime_value"]

# Periods of each time unit in one month (a month is 365.25/12/7 ≈ 4.345 weeks);
# the same convention as lifetimes, so results line up with it.
_PERIODS_PER_MONTH = {"W": 4.345, "M": 1.0, "D": 30.0, "H": 30.0 * 24.0}


class TransactionModel(Protocol):
    def expected_purchases(
        self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray: ...


class ValueModel(Protocol):
    def conditional_expected_value(
        self, frequency: ArrayLike, monetary_value: ArrayLike
    ) -> FloatArray: ...


def customer_lifetime_value(
    transaction_model: TransactionModel,
    value_model: ValueModel | None,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    monetary_value: ArrayLike,
    time: int = 12,
    discount_rate: float = 0.01,
    freq: str = "W",
) -> FloatArray:
    """Discounted expected value of each customer over the next ``time`` months.

    Month k contributes (E[purchases by end of month k] − E[purchases by end of
    month k−1]) × expected value per purchase, discounted by (1 + d)^k, as in
    Fader, Hardie & Lee (2005, "RFM and CLV", eq. 1) cut at a finite horizon.

    Parameters
    ----------
    transaction_model : BetaGeoModel or ParetoNBDModel
        A fitted model with ``expected_purchases(t, frequency, recency, T)``.
    value_model : GammaGammaModel or None
        A fitted model with ``conditional_expected_value(frequency, monetary_value)``;
        ``None`` takes ``monetary_value`` as each customer's expected value as is.
    frequency, recency, T, monetary_value : array-like
        Each customer's summary, in the time unit ``freq`` the model was fitted in.
    time : int
        Horizon in months.
    discount_rate : float
        Discount rate per month (0.01 = 1 % a month).
    freq : {"W", "M", "D", "H"}
        Time unit of recency and T: weeks, months, days or hours.

    Returns
    -------
    numpy.ndarray
        CLV per customer, in the currency of ``monetary_value``.

    Examples
    --------
    >>> from rashinban.clv import BetaGeoModel, customer_lifetime_value
    >>> bg = BetaGeoModel().fit([0, 1, 3, 2, 0, 5], [0, 4, 20, 30, 0, 33], [39] * 6)
    >>> clv = customer_lifetime_value(bg, None, [3], [30], [39], [5000.0], time=6)
    >>> bool(clv[0] > 0)
    True
    """
    if freq not in _PERIODS_PER_MONTH:
        raise InvalidValueError(
            f"freq={freq!r} は時間の単位として使えません / freq={freq!r} is not a known time unit",
            fix=f"次のいずれかを指定してください / pass one of {sorted(_PERIODS_PER_MONTH)}",
        )
    if int(time) != time or time < 1:
        raise InvalidValueError(
            f"time={time} は1以上の整数の月数ではありません / "
            f"time={time} is not a whole number of months >= 1",
            fix="time=12 のように月数を指定してください / pass months, e.g. time=12",
        )
    if not discount_rate > -1:
        raise InvalidValueError(
            f"discount_rate={discount_rate} は-1より大きくしてください / "
            f"discount_rate={discount_rate} must be above -1",
            fix="月1%なら 0.01 のように指定してください / pass e.g. 0.01 for 1% a month",
        )
    _check_model(transaction_model, "transaction_model", "expected_purchases")
    if value_model is not None:
        _check_model(value_model, "value_model", "conditional_expected_value")
    x, t_x, t_cal = check_rft(frequency, recency, T)
    x, t_x, t_cal, m = same_length(
        ("frequency", x),
        ("recency", t_x),
        ("T", t_cal),
        ("monetary_value", as_float_array(monetary_value, "monetary_value")),
    )
    if value_model is None:
        value = np.asarray(m, dtype=np.float64)
    else:
        value = np.asarray(value_model.conditional_expected_value(x, m), dtype=np.float64)
    factor = _PERIODS_PER_MONTH[freq]
    clv = np.zeros(x.shape)
    previous = np.zeros(x.shape)
    for month in range(1, int(time) + 1):
        cumulative = transaction_model.expected_purchases(month * factor, x, t_x, t_cal)
        clv += value * (cumulative - previous) / (1.0 + discount_rate) ** month
        previous = cumulative
    return clv


def _check_model(model: object, name: str, method: str) -> None:
    """Refuse a model without the prediction ``customer_lifetime_value`` needs."""
    if not callable(getattr(model, method, None)):
        kind = type(model).__name__
        expected = (
            "BetaGeoModel / ParetoNBDModel" if name == "transaction_model" else "GammaGammaModel"
        )
        raise InvalidValueError(
            f"{name} に {kind} は使えません ({method} がありません) / "
            f"{name} cannot be a {kind} (it has no {method})",
            fix=f"{name} には学習済みの {expected} を渡してください"
            "(ShiftedBetaGeoModel の契約価値は discounted_expected_residual_lifetime で求めます) / "
            f"pass a fitted {expected} as {name} (for a ShiftedBetaGeoModel, value a "
            "contract with discounted_expected_residual_lifetime)",
        )

"""The outcome an ICP is discovered for, and the business metrics of a rule.

The default outcome ``ideal`` blends three: the account *won* (became a
customer by the as-of date), is *retained* (not churned) and is of *high value*
(value at or above the median customer's). ``won``, ``retained`` and
``high_value`` select one part.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from rashinban._errors import InvalidValueError
from rashinban.targeting._conditions import Cond, conditions_mask
from rashinban.targeting._shrinkage import wilson_interval

__all__ = ["OUTCOMES", "outcome_vector", "rule_metrics"]

#: Outcome name → (Japanese, English) description, printed with every result.
OUTCOMES: dict[str, tuple[str, str]] = {
    "ideal": (
        "受注済み・継続中・高価値(顧客価値が中央値以上)の顧客",
        "won, retained and high-value (value ≥ the median customer's) customers",
    ),
    "won": ("受注して顧客になった取引先", "accounts that were won"),
    "retained": ("受注後に解約していない顧客", "won and not churned"),
    "high_value": ("顧客価値が中央値以上の顧客", "customers with value ≥ the median"),
}


def outcome_vector(
    facts: pd.DataFrame, outcome: str = "ideal", value_column: str = "revenue"
) -> np.ndarray:
    """Boolean outcome per account of ``facts``.

    Examples
    --------
    >>> f = pd.DataFrame({"is_customer": [True, True, False], "churned": [False, True, False],
    ...                   "revenue": [10.0, 20.0, 0.0]})
    >>> outcome_vector(f, "retained").tolist()
    [True, False, False]
    """
    if outcome not in OUTCOMES:
        raise InvalidValueError(
            f"ICPの成果指標 {outcome!r} はありません / unknown ICP outcome {outcome!r}",
            fix=f"次のいずれかを使ってください / use one of {', '.join(OUTCOMES)}",
        )
    won = facts["is_customer"].to_numpy(bool)
    retained = won & ~facts["churned"].to_numpy(bool)
    value = facts[value_column].to_numpy(float)
    median = float(np.median(value[won])) if won.any() else np.inf
    high = won & (value >= median)
    return {"won": won, "retained": retained, "high_value": high, "ideal": retained & high}[outcome]


def rule_metrics(
    facts: pd.DataFrame, rules: Sequence[Sequence[Cond]], value_column: str = "revenue"
) -> pd.DataFrame:
    """Win rate (Wilson interval), value per customer and churn rate of each rule's accounts."""
    rows = []
    for conds in rules:
        m = conditions_mask(facts, conds)
        sub = facts[m]
        won, lost = int(sub["deals_won"].sum()), int(sub["deals_lost"].sum())
        lo, hi = wilson_interval(won, won + lost)
        cust = sub["is_customer"].to_numpy(bool)
        rows.append(
            {
                "win_rate": won / (won + lost) if won + lost else np.nan,
                "win_rate_low": float(lo),
                "win_rate_high": float(hi),
                "clv": float(sub[value_column].to_numpy(float)[cust].mean())
                if cust.any()
                else np.nan,
                "churn_rate": float(sub["churned"].sum()) / cust.sum() if cust.any() else np.nan,
            }
        )
    return pd.DataFrame(
        rows, columns=["win_rate", "win_rate_low", "win_rate_high", "clv", "churn_rate"]
    )

"""Statistics shared by the analyses' validations."""

from __future__ import annotations

import numpy as np

__all__ = ["auc_interval"]


def auc_interval(
    auc: float, positives: int, negatives: int, level: float = 0.95
) -> tuple[float, float]:
    """An interval for an AUC from its standard error by Hanley & McNeil (1982).

    Hanley, J. A. & McNeil, B. J. (1982), "The meaning and use of the area under a
    receiver operating characteristic (ROC) curve", Radiology 143(1): 29–36, eq. 2:
    ``SE² = [A(1−A) + (n₁−1)(Q₁−A²) + (n₂−1)(Q₂−A²)] / (n₁n₂)`` with
    ``Q₁ = A/(2−A)`` and ``Q₂ = 2A²/(1+A)``; the interval is ``A ± z·SE``, clipped
    to [0, 1]. It says how far a validation AUC on a few dozen deals can be from
    the model's real one.

    Examples
    --------
    >>> low, high = auc_interval(0.5, 10, 10)
    >>> round(low, 3), round(high, 3)
    (0.241, 0.759)
    """
    from scipy.stats import norm  # imported here: the command line starts faster

    a = float(auc)
    if positives < 1 or negatives < 1 or not np.isfinite(a):
        return float("nan"), float("nan")
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    var = (a * (1 - a) + (positives - 1) * (q1 - a * a) + (negatives - 1) * (q2 - a * a)) / (
        positives * negatives
    )
    half = float(norm.ppf(0.5 + level / 2)) * float(np.sqrt(max(var, 0.0)))
    return max(0.0, a - half), min(1.0, a + half)

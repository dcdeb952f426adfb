"""Segment attractiveness (the T of STP): honest per-segment KPIs and a weighted index.

For any segmentation (name → conditions) :func:`segment_attractiveness` reports
size, customers, open prospects, growth, MQL→SQL rate, win rate, average deal,
sales cycle, value per customer (CLV, or realised revenue where no CLV model is
given), CAC, LTV/CAC, churn and NPS. Every rate is shrunk toward the whole with
an empirical-Bayes beta-binomial prior (:mod:`._shrinkage`) and carries a Beta
posterior interval; value per customer is shrunk toward the overall mean with
:data:`VALUE_PSEUDO_CUSTOMERS` pseudo-customers. The composite *attractiveness*
is a weighted mean of indices (cautious metric ÷ whole-company metric, so about
1.0 is average), ranking on the 10th percentile of each rate's posterior (90th
for churn) so that a segment must be good *and* well measured to top the list;
the weights are returned with the table. A rate with no observations (a segment
without customers has no churn rate) is missing, not the prior, and adds
nothing to the index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from rashinban._errors import InvalidValueError, NotEnoughDataError
from rashinban.targeting._conditions import conditions_mask, conditions_text
from rashinban.targeting._shrinkage import fit_beta_prior, shrink

__all__ = ["DEFAULT_WEIGHTS", "VALUE_PSEUDO_CUSTOMERS", "segment_attractiveness"]

#: Default weights of the attractiveness index (shown with every result).
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "win_rate": 0.4,
    "clv": 0.2,
    "retention": 0.2,
    "growth": 0.1,
    "mql_sql": 0.1,
}
#: The index ranks on a cautious quantile of each rate's posterior (the 10th
#: percentile of a "higher is better" rate, the 90th of churn): a segment must
#: be both good and well measured to top the list.
CAUTIOUS_QUANTILE = 0.1
#: Strength of the shrinkage of value per customer toward the overall mean.
VALUE_PSEUDO_CUSTOMERS = 5.0


def _rate(prefix: str, k: np.ndarray, n: np.ndarray, out: dict[str, np.ndarray]) -> None:
    # One prior per metric, fitted across the segments being compared.
    prior = fit_beta_prior(k, n)
    res = shrink(k, n, prior)
    cautious = shrink(k, n, prior, level=1 - 2 * CAUTIOUS_QUANTILE)
    # With n = 0 the posterior is the prior alone (Beta(1, 1) = "50% (2.5%–97.5%)" when no
    # segment has any): not a measurement of the segment, so it is missing, not a rate.
    none = np.asarray(n, dtype=float) <= 0

    def seen(values: np.ndarray) -> np.ndarray:
        return np.where(none, np.nan, values)

    out[f"_{prefix}_p10"] = seen(cautious["low"])
    out[f"_{prefix}_p90"] = seen(cautious["high"])
    out[f"{prefix}_k"] = k  # the raw counts behind the shrunk rate
    out[f"{prefix}_n"] = n
    out[f"{prefix}_raw"] = res["raw"]
    out[prefix] = seen(res["rate"])
    out[f"{prefix}_low"] = seen(res["low"])
    out[f"{prefix}_high"] = seen(res["high"])


def _index(
    index: Mapping[str, np.ndarray], overall: Mapping[str, float], w: Mapping[str, float]
) -> np.ndarray:
    """Weighted mean of the metric indices (cautious metric ÷ the whole's).

    A metric a segment has no evidence for (NaN: no closed deal, no customer, no
    MQL) adds nothing to its index rather than counting as average, so a segment
    with no customers and no closed deals cannot rank as if it had been measured.
    Metrics no segment has evidence for, or whose whole-company value is 0, are
    left out of the weights.
    """
    score = np.zeros(len(next(iter(index.values()))))
    total = 0.0
    for key, weight in w.items():
        base = overall[key]
        ratio = np.asarray(index[key], dtype=float) / base if base else None
        if weight <= 0 or ratio is None or np.isnan(ratio).all():
            continue
        score += weight * np.nan_to_num(ratio, nan=0.0)
        total += weight
    return score / total if total else score


def _segment_mask(facts: pd.DataFrame, segment: Any) -> np.ndarray:
    # a rule of the segment language (rashinban.segments.Rule) masks frames itself
    if hasattr(segment, "mask"):
        return np.asarray(segment.mask(facts), dtype=bool)
    return conditions_mask(facts, segment)


def _segment_text(segment: Any, lang: str) -> str:
    if hasattr(segment, "describe"):
        return str(segment.describe(lang))
    return conditions_text(segment, lang)


def _segment_conditions(segment: Any) -> Any:
    if hasattr(segment, "to_text"):
        try:
            return list(segment.conditions)
        except ValueError:  # or/not rules have no condition-list form: keep the text
            return segment.to_text()
    return list(segment)


def segment_attractiveness(
    facts: pd.DataFrame,
    segments: Mapping[str, Any],
    as_of: dt.date,
    *,
    weights: Mapping[str, float] | None = None,
    value_column: str = "revenue",
    growth_days: int = 365,
) -> pd.DataFrame:
    """Per-segment KPIs with shrunk rates, intervals and a weighted attractiveness index.

    Parameters
    ----------
    facts
        :func:`rashinban.engine.account_facts` executed to pandas (optionally
        joined with a ``clv`` column).
    segments
        Segment name → list of PRODUCT.md conditions (an empty list is everyone)
        or a :class:`rashinban.segments.Rule`.
    as_of
        The facts' as-of date (growth counts first wins in the ``growth_days`` before it).
    weights
        Metric → weight among ``win_rate``, ``clv``, ``retention``, ``growth``,
        ``mql_sql``; default :data:`DEFAULT_WEIGHTS`.
    value_column
        Column holding value per account (``revenue`` by default, ``clv`` when a
        CLV model has been joined in).

    Returns
    -------
    pandas.DataFrame
        One row per segment, most attractive first; ``frame.attrs["weights"]``
        holds the weights used and ``frame.attrs["overall"]`` the whole's metrics.

    Examples
    --------
    >>> table = segment_attractiveness(facts, {"製造業": [  # doctest: +SKIP
    ...     {"column": "industry", "op": "in", "values": ["製造業"]}]}, as_of)
    """
    w = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = set(w) - set(DEFAULT_WEIGHTS)
    if unknown or not any(v > 0 for v in w.values()):
        raise InvalidValueError(
            f"魅力度の重み {sorted(unknown) or w} は使えません / "
            f"attractiveness weights {sorted(unknown) or w} are not usable",
            fix="次の項目のいくつかに正の重みを付けてください / "
            f"give positive weights for some of {', '.join(DEFAULT_WEIGHTS)}",
        )
    if not segments:
        raise NotEnoughDataError(
            "比べるセグメントがありません / no segments to compare",
            fix="セグメントを1つ以上定義してください / define at least one segment",
        )
    masks = np.vstack([_segment_mask(facts, seg) for seg in segments.values()])
    mf = masks.astype(float)

    def seg_sum(values: pd.Series | np.ndarray) -> np.ndarray:
        return mf @ np.nan_to_num(np.asarray(values, dtype=float))

    cust = facts["is_customer"].to_numpy(bool)
    since = pd.Timestamp(as_of) - pd.Timedelta(days=growth_days)
    first = pd.to_datetime(facts["first_won_at"])
    new_cust = (first > since).to_numpy()
    value = facts[value_column].to_numpy(float)

    out: dict[str, np.ndarray] = {
        "accounts": masks.sum(axis=1),
        "customers": seg_sum(cust),
        "open_prospects": seg_sum((facts["status_asof"] == "prospect") & (facts["deals_open"] > 0)),
        "new_customers_per_quarter": seg_sum(new_cust) / (growth_days / 91.3125),
    }
    won = seg_sum(facts["deals_won"])
    lost = seg_sum(facts["deals_lost"])
    _rate("win_rate", won, won + lost, out)
    _rate("mql_sql", seg_sum(facts["sqls"]), seg_sum(facts["mqls"]), out)
    _rate("churn_rate", seg_sum(facts["churned"]), out["customers"], out)
    _rate("growth", seg_sum(new_cust), out["accounts"].astype(float), out)
    with np.errstate(divide="ignore", invalid="ignore"):
        # over the won deals with an amount: an empty amount is unknown, not ¥0
        priced = seg_sum(facts["won_priced"]) if "won_priced" in facts else won
        out["avg_deal"] = seg_sum(facts["won_amount"]) / np.where(priced > 0, priced, np.nan)
        out["cycle_days"] = seg_sum(facts["cycle_days_sum"]) / won
        overall_value = value[cust].mean() if cust.any() else 0.0
        v_sum = seg_sum(np.where(cust, value, 0.0))
        out["clv_raw"] = v_sum / out["customers"]
        # shrunk toward the overall mean, and missing (not the overall mean) with no customer
        out["clv"] = np.where(
            out["customers"] > 0,
            (v_sum + VALUE_PSEUDO_CUSTOMERS * overall_value)
            / (out["customers"] + VALUE_PSEUDO_CUSTOMERS),
            np.nan,
        )
        cost = seg_sum(facts["acquisition_cost"])
        out["cac"] = np.where(out["customers"] > 0, cost / np.maximum(out["customers"], 1), np.nan)
        out["ltv_cac"] = out["clv"] / out["cac"]
        nps_n = seg_sum(facts["nps_n"])
        out["nps"] = seg_sum(facts["nps_mean"].fillna(0) * facts["nps_n"]) / nps_n

    overall = {
        "win_rate": float(facts["deals_won"].sum())
        / max(float(facts["deals_won"].sum() + facts["deals_lost"].sum()), 1.0),
        "clv": float(overall_value),
        "retention": 1.0 - float(facts["churned"].sum()) / max(float(cust.sum()), 1.0),
        "growth": float(new_cust.sum()) / max(len(facts), 1),
        "mql_sql": float(facts["sqls"].sum()) / max(float(facts["mqls"].sum()), 1.0),
    }
    index = {
        "win_rate": out.pop("_win_rate_p10"),
        "clv": out["clv"],
        "retention": 1.0 - out.pop("_churn_rate_p90"),
        "growth": out.pop("_growth_p10"),
        "mql_sql": out.pop("_mql_sql_p10"),
    }
    for key in [k for k in out if k.startswith("_")]:
        del out[key]
    out["attractiveness"] = _index(index, overall, w)

    frame = pd.DataFrame(out)
    frame.insert(0, "name", list(segments))
    frame.insert(1, "definition", [_segment_text(c, "ja") for c in segments.values()])
    frame.insert(2, "definition_en", [_segment_text(c, "en") for c in segments.values()])
    frame["conditions"] = [_segment_conditions(c) for c in segments.values()]
    counts = [f"{p}_{kn}" for p in ("win_rate", "mql_sql", "churn_rate") for kn in "kn"]
    for col in ("accounts", "customers", "open_prospects", *counts):
        frame[col] = frame[col].astype("int64")
    frame = frame.sort_values("attractiveness", ascending=False, kind="stable")
    frame = frame.reset_index(drop=True)
    frame.attrs["weights"] = w
    frame.attrs["overall"] = overall
    return frame

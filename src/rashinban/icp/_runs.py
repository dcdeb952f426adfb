"""Workspace-level entry points: ICP rules and fit scores as of a date.

These compose the pure pieces (account facts, subgroup discovery, the fit model
and its baselines) for one workspace backend and one as-of date; the pipeline,
the CLI and the tests call them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rashinban._errors import NotEnoughDataError
from rashinban.engine import account_facts
from rashinban.icp._discovery import DEFAULT_ICP_COLUMNS, IcpRules, discover_subgroups
from rashinban.icp._features import FEATURES, deal_features, lead_features, prospect_features
from rashinban.icp._outcome import OUTCOMES, outcome_vector, rule_metrics
from rashinban.icp._score import FitModel, NaiveBayesBaseline, RuleBaseline
from rashinban.icp._validation import calibration_table, evaluate_scores, lift_curve

__all__ = [
    "PROSPECT_HORIZON_DAYS",
    "ScoreRun",
    "fit_prospect_model",
    "icp_rules",
    "prospect_training",
    "score_workspace",
    "validate_fit",
]

#: A prospect "becomes an ideal customer" when it is a retained customer this
#: many days later.
PROSPECT_HORIZON_DAYS = 365
_PROSPECT_FEATURES = tuple(f for f in FEATURES if f != "competitor")

#: Columns the single-rule baseline may use (the deal-level ICP).
_RULE_COLUMNS = (
    "industry",
    "employees",
    "prefecture",
    "annual_revenue",
    "channel",
    "decision_maker",
    "competitor",
)


def icp_rules(
    backend: Any,
    as_of: dt.date,
    *,
    outcome: str = "ideal",
    top: int = 10,
    facts: pd.DataFrame | None = None,
    value_column: str = "revenue",
    report_value_column: str | None = None,
    **search: Any,
) -> IcpRules:
    """ICP rules over the workspace's accounts as of ``as_of`` with win rate, value, churn.

    ``value_column`` defines "high value" in the outcome; ``report_value_column``
    (default: the same) is the value reported per rule as ``clv``.

    Examples
    --------
    >>> res = icp_rules(ws.backend(), dt.date(2024, 9, 30))  # doctest: +SKIP
    >>> res.rules[["description_ja", "support", "lift"]].head(3)  # doctest: +SKIP
    """
    if facts is None:
        facts = account_facts(backend, as_of).execute()
    y = outcome_vector(facts, outcome, value_column)
    res = discover_subgroups(
        facts,
        y,
        columns=search.pop("columns", DEFAULT_ICP_COLUMNS),
        top=top,
        outcome=outcome,
        **search,
    )
    metrics = rule_metrics(
        facts, list(res.rules["conditions"]), report_value_column or value_column
    )
    res.rules = pd.concat([res.rules.reset_index(drop=True), metrics], axis=1)
    res.settings["outcome_ja"], res.settings["outcome_en"] = OUTCOMES[outcome]
    res.settings["value_column"] = value_column
    return res


@dataclass
class ScoreRun:
    """Validation of the fit model on a time split, and today's scores."""

    cut: dt.date
    metrics: pd.DataFrame
    lift: pd.DataFrame
    calibration: pd.DataFrame
    records: pd.DataFrame
    model_ids: dict[str, str] = field(default_factory=dict)
    fallback: bool = False
    best_rule: str = ""


def _closed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["outcome"].isin(["won", "lost"])].reset_index(drop=True)


def validate_fit(
    backend: Any, as_of: dt.date, cut: dt.date, *, features: tuple[str, ...] = FEATURES
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, FitModel, str]:
    """Train on deals closed by ``cut``; test on deals created after it and closed by ``as_of``.

    Returns (metrics per model, lift per decile per model, calibration per
    model, the fitted model, the baseline rule's text). Models: ``fit`` (ours),
    ``naive_bayes`` (Odoo-style, same fields) and ``best_rule`` (the single best
    deal-level ICP rule found on the training window).
    """
    train = _closed(deal_features(backend, cut))
    later = deal_features(backend, as_of)
    test = _closed(later[later["created_at"] > pd.Timestamp(cut)])
    y_train = (train["outcome"] == "won").to_numpy()
    y_test = (test["outcome"] == "won").to_numpy()
    if len(test) < 20 or y_test.sum() == 0 or y_test.all():
        won = int(y_test.sum())
        raise NotEnoughDataError(
            f"{cut} より後に作成され {as_of} までに完了した商談が{len(test)}件 (受注{won}件) "
            "で、検証には足りません (20件以上、受注と失注の両方が必要) / "
            f"{len(test)} deals created after the cut {cut} and closed by {as_of} ({won} won): "
            "too few to validate (20 or more, both won and lost, are needed)",
            fix=f"{cut} より後の商談 (受注・失注と完了日入り) をもっと取り込んでください "
            "(rashinban import deals; Python では score_workspace(..., validation_days=365) の"
            "ように検証期間を長くできます) / import more deals won or lost after "
            f"{cut}, with their close dates (rashinban import deals; in Python, a longer "
            "window: score_workspace(..., validation_days=365))",
        )
    model = FitModel(features).fit(train, y_train, window=("", cut.isoformat()))
    nb_feats = [f for f in features if f != "industry_size"]
    nb = NaiveBayesBaseline(nb_feats).fit(train, y_train)
    rules = discover_subgroups(
        train,
        y_train,
        columns=[c for c in _RULE_COLUMNS if c in train],
        top=1,
        min_support=max(10, len(train) // 50),
        outcome="won",
    )
    rule_conds = list(rules.rules["conditions"].iloc[0])
    rule = RuleBaseline(rule_conds).fit(train, y_train)
    metrics, lifts, cals = [], [], []
    for name, m in (("fit", model), ("naive_bayes", nb), ("best_rule", rule)):
        s = m.predict_proba(test)
        metrics.append({"model": name, **evaluate_scores(y_test, s)})
        lifts.append(lift_curve(y_test, s).assign(model=name))
        cals.append(calibration_table(y_test, s).assign(model=name))
    return (
        pd.DataFrame(metrics),
        pd.concat(lifts, ignore_index=True),
        pd.concat(cals, ignore_index=True),
        model,
        str(rules.rules["description_ja"].iloc[0]),
    )


def prospect_training(
    backend: Any, start: dt.date, end: dt.date
) -> tuple[pd.DataFrame, np.ndarray]:
    """Prospects as of ``start`` (features known then) and whether each was a retained
    customer at ``end`` (won and not churned)."""
    before = prospect_features(account_facts(backend, start).execute())
    after = account_facts(backend, end).execute().set_index("account_id")
    became = after["is_customer"] & ~after["churned"]
    y = before["account_id"].map(became).fillna(False).to_numpy(dtype=bool)
    return before, y


def fit_prospect_model(
    backend: Any, as_of: dt.date, *, horizon_days: int = PROSPECT_HORIZON_DAYS
) -> FitModel:
    """Model of "becomes a retained customer within the horizon" for prospect accounts.

    Trained on the prospects of ``as_of − horizon`` with their status at ``as_of``;
    applied to today's prospects it scores the next horizon. Raises
    :class:`NotEnoughDataError` when the window holds no positives.
    """
    start = as_of - dt.timedelta(days=horizon_days)
    frame, y = prospect_training(backend, start, as_of)
    if len(frame) == 0 or y.sum() == 0:
        raise NotEnoughDataError(
            f"{start} 時点の見込み客で {as_of} までに顧客になった取引先がありません / "
            f"no prospect of {start} became a customer by {as_of}",
            fix="もっと長い期間のデータを取り込んでください / import a longer history",
        )
    return FitModel(_PROSPECT_FEATURES).fit(frame, y, window=(start.isoformat(), as_of.isoformat()))


def score_workspace(backend: Any, as_of: dt.date, *, validation_days: int = 270) -> ScoreRun:
    """Validate on a time split (cut = ``as_of`` − ``validation_days``), then score today.

    Open deals are scored by the deal model (with the competitor); open leads by
    the same model family without the competitor (unknown before a deal exists);
    prospect accounts by :func:`fit_prospect_model` ("becomes a retained customer
    within a year"). Every record carries its reasons and the model id.
    """
    cut = as_of - dt.timedelta(days=validation_days)
    metrics, lift, cal, _, rule_text = validate_fit(backend, as_of, cut)
    deals = deal_features(backend, as_of)
    train = _closed(deals)
    y = (train["outcome"] == "won").to_numpy()
    window = ("", as_of.isoformat())
    deal_model = FitModel(FEATURES).fit(train, y, window=window)
    lead_feats = tuple(f for f in FEATURES if f != "competitor")
    lead_model = FitModel(lead_feats).fit(train, y, window=window)
    parts = [deal_model.score_records(deals[deals["outcome"] == "open"], "deal_id", "deal")]
    leads = lead_features(backend, as_of)
    if len(leads):
        parts.append(lead_model.score_records(leads, "lead_id", "lead"))
    prospects = prospect_features(account_facts(backend, as_of).execute())
    if len(prospects):
        try:
            account_model = fit_prospect_model(backend, as_of)
        except NotEnoughDataError:
            account_model = lead_model  # too little history: a first deal's win probability
        parts.append(account_model.score_records(prospects, "account_id", "account"))
    records = pd.concat(parts, ignore_index=True)
    return ScoreRun(
        cut=cut,
        metrics=metrics,
        lift=lift,
        calibration=cal,
        records=records,
        model_ids={
            "deal": deal_model.model_id_,
            "lead": lead_model.model_id_,
            "account": account_model.model_id_ if len(prospects) else "",
        },
        fallback=bool(deal_model.fallback_),
        best_rule=rule_text,
    )

"""Churn early warning (守りのターゲット): risk, revenue at risk and reasons per customer.

Features are Ibis expressions evaluated strictly as of a date
(:func:`churn_features`); labels come from subscription ends
(:func:`churn_dates`); a logistic model trained on past snapshots scores every
active customer, validated on a time split against the "usage fell by half"
rule (:func:`validate_churn`); :func:`churn_watchlist` orders customers by
revenue at risk with their top reasons in Japanese and English.
"""

from rashinban.churn._features import FEATURE_COLUMNS, USAGE_METRICS, churn_features
from rashinban.churn._labels import active_customers, churn_dates, churn_labels
from rashinban.churn._metrics import auc, lead_times, precision_at_top
from rashinban.churn._model import (
    ChurnModel,
    ChurnValidation,
    SnapshotFeatures,
    labelled_snapshots,
    rule_baseline,
    snapshot_dates,
    training_dates,
    validate_churn,
    validation_dates,
)
from rashinban.churn._reasons import REASONS, Reason, explain_row
from rashinban.churn._watchlist import (
    WATCHLIST_COLUMNS,
    churn_watchlist,
    fit_churn_model,
    noncontractual_risk,
)

__all__ = [
    "FEATURE_COLUMNS",
    "REASONS",
    "USAGE_METRICS",
    "WATCHLIST_COLUMNS",
    "ChurnModel",
    "ChurnValidation",
    "Reason",
    "SnapshotFeatures",
    "active_customers",
    "auc",
    "churn_dates",
    "churn_features",
    "churn_labels",
    "churn_watchlist",
    "explain_row",
    "fit_churn_model",
    "labelled_snapshots",
    "lead_times",
    "noncontractual_risk",
    "precision_at_top",
    "rule_baseline",
    "snapshot_dates",
    "training_dates",
    "validate_churn",
    "validation_dates",
]

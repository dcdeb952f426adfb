"""ICP discovery, best-N commonality and lookalikes, and calibrated fit scores."""

from rashinban.icp._discovery import DEFAULT_ICP_COLUMNS, IcpRules, discover_subgroups
from rashinban.icp._features import (
    FEATURES,
    add_bands,
    deal_features,
    lead_features,
    prospect_features,
)
from rashinban.icp._lookalike import (
    COMMON_FEATURES,
    MIN_BASE_SUPPORT,
    MISSING_VALUES,
    best_n_commonality,
    lookalikes,
)
from rashinban.icp._outcome import OUTCOMES, outcome_vector, rule_metrics
from rashinban.icp._score import FEATURE_LABELS, FitModel, NaiveBayesBaseline, RuleBaseline
from rashinban.icp._selectors import Selector, build_selectors, nice_cuts
from rashinban.icp._validation import calibration_table, evaluate_scores, lift_curve

__all__ = [
    "COMMON_FEATURES",
    "DEFAULT_ICP_COLUMNS",
    "FEATURES",
    "FEATURE_LABELS",
    "MIN_BASE_SUPPORT",
    "MISSING_VALUES",
    "OUTCOMES",
    "FitModel",
    "IcpRules",
    "NaiveBayesBaseline",
    "RuleBaseline",
    "Selector",
    "add_bands",
    "best_n_commonality",
    "build_selectors",
    "calibration_table",
    "deal_features",
    "discover_subgroups",
    "evaluate_scores",
    "lead_features",
    "lift_curve",
    "lookalikes",
    "nice_cuts",
    "outcome_vector",
    "prospect_features",
    "rule_metrics",
]

"""The public surface of the expand-and-defend packages is pinned."""

from __future__ import annotations

import importlib

import pytest

SURFACE = {
    "rashinban.churn": [
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
    ],
    "rashinban.crosssell": [
        "BUYER_DAYS",
        "MIN_EVIDENCE",
        "OFFER_COLUMNS",
        "RECOMMENDATION_COLUMNS",
        "SEAT_SHARE",
        "SIZE_BANDS",
        "UPSELL_COLUMNS",
        "CrossSellValidation",
        "association_rules",
        "baskets",
        "beta_prior_strength",
        "customer_standing",
        "customers",
        "hit_rate_at_k",
        "item_similarity",
        "no_offer_error",
        "offers",
        "popular_products",
        "prospects",
        "recommend",
        "recommend_expr",
        "require_customer",
        "seat_usage",
        "segment_adoption",
        "segment_label",
        "segment_rates",
        "size_band",
        "upgrade_uplift",
        "upsell_signals",
        "validate_crosssell",
        "wilson_interval",
    ],
    "rashinban.motions": [
        "EXPAND_MIN_SCORE",
        "MOTIONS",
        "MOTION_COLUMNS",
        "Condition",
        "segment_filter",
        "three_motions",
    ],
}


@pytest.mark.parametrize("module", sorted(SURFACE))
def test_surface_is_pinned(module: str) -> None:
    mod = importlib.import_module(module)
    assert list(mod.__all__) == SURFACE[module]
    for name in mod.__all__:
        assert hasattr(mod, name), name

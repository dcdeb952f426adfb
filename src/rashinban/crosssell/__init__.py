"""Cross-sell and up-sell (既存顧客深耕): the products worth offering each customer next, and why.

Association rules and item-to-item cosine similarity over account x product
baskets (:func:`association_rules`, :func:`item_similarity`), segment-aware
adoption shrunk by empirical Bayes (:func:`segment_adoption`),
recommendations with reasons (:func:`recommend`), up-sell signals
(:func:`upsell_signals`) and time-split validation against popularity
(:func:`validate_crosssell`).
"""

from rashinban.crosssell._baskets import SIZE_BANDS, baskets, customers, segment_label, size_band
from rashinban.crosssell._recommend import (
    RECOMMENDATION_COLUMNS,
    popular_products,
    recommend,
    recommend_expr,
    segment_rates,
)
from rashinban.crosssell._rules import association_rules, item_similarity, wilson_interval
from rashinban.crosssell._segments import beta_prior_strength, segment_adoption
from rashinban.crosssell._upsell import (
    SEAT_SHARE,
    UPSELL_COLUMNS,
    seat_usage,
    upgrade_uplift,
    upsell_signals,
)
from rashinban.crosssell._validate import CrossSellValidation, hit_rate_at_k, validate_crosssell

__all__ = [
    "RECOMMENDATION_COLUMNS",
    "SEAT_SHARE",
    "SIZE_BANDS",
    "UPSELL_COLUMNS",
    "CrossSellValidation",
    "association_rules",
    "baskets",
    "beta_prior_strength",
    "customers",
    "hit_rate_at_k",
    "item_similarity",
    "popular_products",
    "recommend",
    "recommend_expr",
    "seat_usage",
    "segment_adoption",
    "segment_label",
    "segment_rates",
    "size_band",
    "upgrade_uplift",
    "upsell_signals",
    "validate_crosssell",
    "wilson_interval",
]

"""Cross-sell and up-sell (既存顧客深耕): the products worth offering each customer next, and why.

Association rules and item-to-item cosine similarity over account x product
baskets (:func:`association_rules`, :func:`item_similarity`), segment-aware
adoption shrunk by empirical Bayes (:func:`segment_adoption`),
recommendations with reasons for current customers (:func:`customers`,
:func:`recommend`; :func:`require_customer` and :func:`no_offer_error` say why
there is none), up-sell signals
(:func:`upsell_signals`, merged with the recommendations one offer per product by
:func:`offers`) and time-split validation against popularity
(:func:`validate_crosssell`).
"""

from rashinban.crosssell._baskets import (
    BUYER_DAYS,
    SIZE_BANDS,
    baskets,
    customer_standing,
    customers,
    prospects,
    segment_label,
    size_band,
)
from rashinban.crosssell._explain import no_offer_error, require_customer
from rashinban.crosssell._recommend import (
    MIN_EVIDENCE,
    RECOMMENDATION_COLUMNS,
    popular_products,
    recommend,
    recommend_expr,
    segment_rates,
)
from rashinban.crosssell._rules import association_rules, item_similarity, wilson_interval
from rashinban.crosssell._segments import beta_prior_strength, segment_adoption
from rashinban.crosssell._upsell import (
    OFFER_COLUMNS,
    SEAT_SHARE,
    UPSELL_COLUMNS,
    offers,
    seat_usage,
    upgrade_uplift,
    upsell_signals,
)
from rashinban.crosssell._validate import CrossSellValidation, hit_rate_at_k, validate_crosssell

__all__ = [
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
]

"""Who to target: segment attractiveness with honest rates, competitors, adjacent segments."""

from rashinban.targeting._adjacent import (
    TARGET_NAME,
    adjacent_opportunities,
    one_condition_away,
)
from rashinban.targeting._attractiveness import (
    DEFAULT_WEIGHTS,
    VALUE_PSEUDO_CUSTOMERS,
    segment_attractiveness,
)
from rashinban.targeting._clusters import ClusterResult, cluster_accounts
from rashinban.targeting._competitors import competitor_table
from rashinban.targeting._conditions import (
    COLUMN_LABELS,
    Cond,
    conditions_mask,
    conditions_text,
    conditions_to_ibis,
)
from rashinban.targeting._grid import SIZE_BANDS, grid_segments, size_band_conditions
from rashinban.targeting._shrinkage import BetaPrior, fit_beta_prior, shrink, wilson_interval

__all__ = [
    "COLUMN_LABELS",
    "DEFAULT_WEIGHTS",
    "SIZE_BANDS",
    "TARGET_NAME",
    "VALUE_PSEUDO_CUSTOMERS",
    "BetaPrior",
    "ClusterResult",
    "Cond",
    "adjacent_opportunities",
    "cluster_accounts",
    "competitor_table",
    "conditions_mask",
    "conditions_text",
    "conditions_to_ibis",
    "fit_beta_prior",
    "grid_segments",
    "one_condition_away",
    "segment_attractiveness",
    "shrink",
    "size_band_conditions",
    "wilson_interval",
]

"""ICP discovery, best-N commonality and lookalikes, and calibrated fit scores."""

from rashinban.icp._discovery import DEFAULT_ICP_COLUMNS, IcpRules, discover_subgroups
from rashinban.icp._outcome import OUTCOMES, outcome_vector, rule_metrics
from rashinban.icp._selectors import Selector, build_selectors, nice_cuts

__all__ = [
    "DEFAULT_ICP_COLUMNS",
    "OUTCOMES",
    "IcpRules",
    "Selector",
    "build_selectors",
    "discover_subgroups",
    "nice_cuts",
    "outcome_vector",
    "rule_metrics",
]

"""Living targets: reviews that judge hypotheses, triggers that say when to look
again, sales feedback summaries and the marketing–sales alignment view.

>>> from rashinban.targets import TRIGGER_KINDS
>>> TRIGGER_KINDS["kpi_shift"][0]
'KPIの変化'
"""

from rashinban.targets._adjacent import adjacent_segments, jaccard, weak_subsegments
from rashinban.targets._data import SIZE_BANDS, closed_deals, eb_prior
from rashinban.targets._detect import CusumResult, bernoulli_cusum, cusum_threshold, psi
from rashinban.targets._holders import feedback_target, holding_targets
from rashinban.targets._review import (
    VERDICTS,
    judge_nrr,
    judge_rate,
    more_to_decide,
    review_target,
)
from rashinban.targets._streams import kpi_shift_streams, neighbours
from rashinban.targets._triggers import TRIGGER_KINDS, default_monitor_from, target_triggers
from rashinban.targets._workflow import (
    alignment,
    all_triggers,
    draft_from_review,
    feedback_outside,
    feedback_summary,
    kpi_rows,
    run_review,
)

__all__ = [
    "SIZE_BANDS",
    "TRIGGER_KINDS",
    "VERDICTS",
    "CusumResult",
    "adjacent_segments",
    "alignment",
    "all_triggers",
    "bernoulli_cusum",
    "closed_deals",
    "cusum_threshold",
    "default_monitor_from",
    "draft_from_review",
    "eb_prior",
    "feedback_outside",
    "feedback_summary",
    "feedback_target",
    "holding_targets",
    "jaccard",
    "judge_nrr",
    "judge_rate",
    "kpi_rows",
    "kpi_shift_streams",
    "more_to_decide",
    "neighbours",
    "psi",
    "review_target",
    "run_review",
    "target_triggers",
    "weak_subsegments",
]

"""One view, three motions (新規・深耕・防衛): prospects, expansion and at-risk customers."""

from rashinban.motions._three import (
    EXPAND_MIN_SCORE,
    MOTION_COLUMNS,
    MOTIONS,
    Condition,
    segment_filter,
    three_motions,
)

__all__ = [
    "EXPAND_MIN_SCORE",
    "MOTIONS",
    "MOTION_COLUMNS",
    "Condition",
    "segment_filter",
    "three_motions",
]

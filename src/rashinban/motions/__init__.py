"""One view, three motions (新規・深耕・防衛): prospects, expansion and at-risk customers."""

from rashinban.motions._three import MOTIONS, Condition, segment_filter, three_motions

__all__ = ["MOTIONS", "Condition", "segment_filter", "three_motions"]

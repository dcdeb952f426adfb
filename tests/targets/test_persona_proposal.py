"""The review's persona proposal names every not-fit reason tied for the most."""

from __future__ import annotations

import datetime as dt

from rashinban.targets._review import _persona_proposals

AS_OF = dt.date(2025, 12, 31)


def _feedback(reasons: list[str], fits: int = 0) -> list[dict[str, object]]:
    rows = [{"on": "2025-12-01", "fits": False, "reason": r} for r in reasons]
    return rows + [{"on": "2025-12-01", "fits": True, "reason": None}] * fits


def test_tied_reasons_are_all_named_in_both_languages() -> None:
    (p,) = _persona_proposals(_feedback(["bad_timing"] * 6 + ["no_budget"] * 6), AS_OF, 90)
    assert p["reason_ja"].endswith("最多の理由は「予算がない」「時期が悪い」(同数)")
    assert p["reason_en"].endswith("mostly 'no budget', 'bad timing' (tied)")
    assert (p["k"], p["n"]) == (12, 12)


def test_one_reason_on_top_is_named_alone() -> None:
    (p,) = _persona_proposals(_feedback(["no_budget"] * 7 + ["bad_timing"] * 5, fits=2), AS_OF, 90)
    assert p["reason_ja"].endswith("最多の理由は「予算がない」")
    assert p["reason_en"].endswith("mostly 'no budget'")
    assert (p["k"], p["n"]) == (12, 14)


def test_feedback_that_mostly_fits_proposes_nothing() -> None:
    assert _persona_proposals(_feedback(["no_budget"] * 2, fits=10), AS_OF, 90) == []

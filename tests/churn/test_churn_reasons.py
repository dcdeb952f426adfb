"""Every churn alert says why, in both languages, and cites each piece of evidence once."""

from __future__ import annotations

import doctest
import re

import pandas as pd
import pytest

from rashinban.churn import (
    FEATURE_COLUMNS,
    REASONS,
    _reasons,
    _watchlist,
    churn_watchlist,
    explain_row,
)
from rashinban.churn._reasons import NO_SINGLE_FACTOR, dedupe_evidence

from .conftest import END

#: The English labels of the evidence; Japanese output must not be made of them.
ENGLISH_LABEL = re.compile(r"^(survey|tickets|contacts|orders|usage|meetings|days to|tenure)\b")

#: A customer whose inputs are all unremarkable: no reason passes its test.
QUIET = {
    "usage_drop_active_users": 0.104,
    "usage_drop_logins": 0.0,
    "usage_drop_records_created": 0.0,
    "active_users_before": 24.0,
    "active_users_recent": 21.5,
    "meeting_drop": 0.0,
    "meetings_90d": 2,
    "tickets_90d": 0,
    "open_high_tickets": 0,
    "low_satisfaction_180d": 0,
    "detractor": 0,
    "nps_latest": None,
    "nps_drop": 0.0,
    "orders_drop": 0.0,
    "renewal_soon": 0,
    "days_to_renewal": 321,
    "no_decision_maker": 0,
    "tenure_days": 44,
}


def test_every_model_input_can_be_said() -> None:
    assert set(FEATURE_COLUMNS) <= set(REASONS)
    for reason in REASONS.values():
        assert reason.fact_ja(QUIET) and reason.fact_en(QUIET)
        assert reason.evidence_ja(QUIET) and reason.evidence(QUIET)


def test_an_alert_without_a_shown_reason_falls_back_to_the_largest_contributions() -> None:
    # QA: A001823, risk 0.1339, alert true, "reasons": [] and "evidence": [] — its risk came
    # from a 10% fall in active users, below the 20% a reason is said at.
    contrib = {"usage_drop_active_users": 3.02, "usage_drop_records_created": 0.40}
    contrib |= {"meeting_drop": 0.12, "log_tenure": -0.34, "detractor": -0.28}
    assert explain_row(QUIET, contrib) == []  # not alerted: nothing worth saying
    reasons = explain_row(QUIET, contrib, fallback=True)
    assert [r.feature for r in reasons] == ["usage_drop_active_users"]
    assert reasons[0].ja == "モデル上のリスク要因: アクティブユーザー数は直近6週で以前の90%"
    assert reasons[0].en.startswith("Model risk factor: Active users at 90%")
    assert reasons[0].evidence_ja == "利用状況 アクティブユーザー数: 週24.0 → 21.5"
    assert reasons[0].evidence == "usage, active users: 24.0 -> 21.5 a week"


def test_an_alert_with_no_positive_contribution_still_has_a_reason() -> None:
    contrib = dict.fromkeys(FEATURE_COLUMNS, -0.1)
    reasons = explain_row(QUIET, contrib, fallback=True)
    assert [(r.ja, r.en) for r in reasons] == [NO_SINGLE_FACTOR]


def test_the_same_survey_answer_is_cited_once_in_its_dated_form() -> None:
    row = dict(QUIET, detractor=1, nps_latest=6, nps_drop=3.0)
    row |= {"nps_latest_id": "R0000618", "nps_latest_at": pd.Timestamp("2025-12-10")}
    for order in (("detractor", "nps_drop"), ("nps_drop", "detractor")):
        contrib = {order[0]: 0.9, order[1]: 0.5}
        reasons = explain_row(row, contrib)
        assert len(reasons) == 2
        ev = dedupe_evidence([(r.evidence_ja, r.evidence) for r in reasons])
        assert ev == [("NPS回答: R0000618（2025-12-10）", "survey: R0000618 (2025-12-10)")]


@pytest.mark.parametrize("module", [_reasons, _watchlist])
def test_docstring_examples_run(module) -> None:  # type: ignore[no-untyped-def]
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_watchlist_alerts_all_have_reasons_and_distinct_japanese_evidence(demo_backend) -> None:  # type: ignore[no-untyped-def]
    watch = churn_watchlist(demo_backend, END)
    alerted = watch[watch["alert"]]
    assert len(alerted)
    for r in alerted.itertuples():
        assert r.reasons_ja and len(r.reasons_ja) == len(r.reasons_en), r.account_id
    for r in watch.itertuples():
        assert len(r.evidence_ja) == len(r.evidence_en) == len(r.evidence)
        assert len(set(r.evidence_en)) == len(r.evidence_en), r.evidence_en
        for a in r.evidence_en:
            assert not any(b != a and b.startswith(a) for b in r.evidence_en), r.evidence_en
        for ja in r.evidence_ja:
            assert not ENGLISH_LABEL.match(ja), ja
        for both, ja in zip(r.evidence, r.evidence_ja, strict=True):
            assert both.startswith(ja)

"""Churn model: time-split validation on the demo company against the rule baseline."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from rashinban._errors import NotEnoughDataError, NotFittedError
from rashinban.churn import (
    FEATURE_COLUMNS,
    ChurnModel,
    ChurnValidation,
    churn_watchlist,
    explain_row,
)
from rashinban.demo import PLANTED

from .conftest import END

PLANTED_DRIVERS = {
    "usage_decline": {"usage_drop_active_users", "usage_drop_logins", "usage_drop_records_created"},
    "open_high_ticket": {"open_high_tickets"},
    "detractor_nps": {"detractor", "nps_drop"},
}


def test_model_beats_the_rule_on_the_time_split(churn_validation: ChurnValidation) -> None:
    v = churn_validation
    print("\nchurn time split (train: labels resolved before the cut; test: snapshots after)")
    print(f"  cut {v.cut}, horizon {v.horizon_days} d, snapshots every 14 d")
    print(f"  train {v.n_train} snapshots ({v.n_train_churned} churned)")
    print(
        f"  test  {v.n_test} snapshots ({v.n_test_churned} churned), "
        f"base rate {v.base_rate_test:.3f}"
    )
    print(f"  {'metric':<26}{'model':>10}{'rule':>10}")
    print(f"  {'AUC':<26}{v.auc:>10.3f}{v.auc_rule:>10.3f}")
    print(f"  {'precision@top10%':<26}{v.precision_top10:>10.3f}{v.precision_top10_rule:>10.3f}")
    print(
        f"  {'median lead time (days)':<26}"
        f"{v.lead_median_days:>10.0f}{v.lead_median_days_rule:>10.0f}"
    )
    print(f"  {'churners alerted':<26}{v.alerted_share:>10.2f}{v.alerted_share_rule:>10.2f}")
    print(
        f"  Brier {v.brier:.4f}; mean risk {v.mean_risk_test:.4f} "
        f"vs churn rate {v.base_rate_test:.4f}"
    )
    assert v.n_test_churned >= 30
    assert 20 <= v.n_test_churners < v.n_test_churned  # accounts, each in several snapshots
    print(f"  churned accounts in the test window: {v.n_test_churners}")
    assert v.auc > v.auc_rule
    # The interval is the model's AUC ± 1.96 SE with snapshots clustered by account; it
    # is wider than Hanley & McNeil's, which counts every snapshot as independent.
    from rashinban._stats import auc_interval

    naive_low, naive_high = auc_interval(v.auc, v.n_test_churned, v.n_test - v.n_test_churned)
    print(
        f"  AUC 95% interval {v.auc_low:.3f}–{v.auc_high:.3f} by account "
        f"({naive_low:.3f}–{naive_high:.3f} if snapshots were independent)"
    )
    assert v.auc_low < v.auc < v.auc_high and v.auc_high - v.auc_low < 0.1
    assert v.auc_high - v.auc_low > naive_high - naive_low
    assert v.auc_low > v.auc_rule
    assert v.precision_top10 > v.precision_top10_rule
    assert v.precision_top10 > 3 * v.base_rate_test
    assert v.lead_median_days > v.lead_median_days_rule
    # Calibration in the large on the later period: mean risk near the observed rate.
    assert 0.6 < v.mean_risk_test / v.base_rate_test < 1.6
    # A constant forecast of the base rate has Brier p(1-p); the model must beat it.
    assert v.brier < v.base_rate_test * (1 - v.base_rate_test)


def test_planted_drivers_are_the_strongest_features(churn_validation: ChurnValidation) -> None:
    coef = churn_validation.model.coef_
    top = sorted(coef, key=lambda k: -coef[k])[:4]
    print("\nlargest coefficients (standardised):", {k: round(coef[k], 2) for k in top})
    for signal, names in PLANTED_DRIVERS.items():
        assert PLANTED.churn_signal_share[signal] > 0
        assert names & set(top), f"planted driver {signal} is not among the top coefficients"


def test_planted_drivers_are_the_top_reasons(churn_validation: ChurnValidation) -> None:
    """Among churners the model alerted on (test period), the leading reasons are the plants."""
    v = churn_validation
    hit = v.test[v.test["churned"] & (v.test["score"] >= v.model.threshold_)]
    contrib = v.model.contributions(hit)
    first: Counter[str] = Counter()
    for (_, row), (_, c) in zip(hit.iterrows(), contrib.iterrows(), strict=True):
        reasons = explain_row(row.to_dict(), c.to_dict(), 3)
        if reasons:
            first[reasons[0][0]] += 1
    print("\nfirst reason of alerted churners:", dict(first.most_common(6)))
    planted = set().union(*PLANTED_DRIVERS.values())
    assert sum(first.values()) >= 30
    assert {f for f, _ in first.most_common(3)} <= planted
    assert sum(n for f, n in first.items() if f in planted) / sum(first.values()) > 0.8


def test_watchlist_contract(demo_backend, demo_tables: dict[str, pd.DataFrame]) -> None:  # type: ignore[no-untyped-def]
    watch = churn_watchlist(demo_backend, END)
    assert watch["risk"].between(0, 1).all()
    rev = watch["revenue_at_risk"].to_numpy()
    assert (np.diff(rev) <= 1e-9).all(), "watchlist must be ordered by revenue at risk"
    np.testing.assert_allclose(rev, watch["risk"] * watch["annual_revenue"])
    assert watch["account_id"].is_unique
    # Evidence names real rows: every ticket id cited is an open high-priority ticket.
    tickets = demo_tables["tickets"].set_index("ticket_id")
    cited = [
        tid.strip()
        for ev in watch["evidence_en"]
        for line in ev
        if line.startswith("tickets: T")
        for tid in line.removeprefix("tickets: ").split(",")
    ]
    assert cited
    for tid in cited:
        assert tid in tickets.index
    for ja, en in zip(watch["reasons_ja"], watch["reasons_en"], strict=True):
        assert len(ja) == len(en)
    alerted = watch[watch["alert"]]
    assert (alerted["reasons_ja"].str.len() > 0).mean() > 0.9


def test_model_contract() -> None:
    model = ChurnModel()
    frame = pd.DataFrame(np.zeros((20, len(FEATURE_COLUMNS))), columns=list(FEATURE_COLUMNS))
    with pytest.raises(NotFittedError):
        model.predict_risk(frame)
    with pytest.raises(NotEnoughDataError, match="at least 5 churned"):
        model.fit(frame, np.zeros(20, dtype=bool))


def test_too_little_history_reads_japanese_first_with_english_alongside() -> None:
    frame = pd.DataFrame(np.zeros((20, len(FEATURE_COLUMNS))), columns=list(FEATURE_COLUMNS))
    with pytest.raises(NotEnoughDataError) as err:
        ChurnModel().fit(frame, np.zeros(20, dtype=bool))
    assert err.value.message == (
        "解約予測モデルには解約と継続がそれぞれ5件以上必要です(現在 20件中 解約0件) / "
        "churn model needs at least 5 churned and 5 retained snapshots; got 0 churned of 20"
    )
    assert err.value.fix == (
        "契約の履歴 (ended_at) をもっと取り込むか、区切りの日付を後にしてください / "
        "import more subscription history (ended_at) or move the cut date later"
    )

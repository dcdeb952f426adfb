"""The line under the churn table: the time-split validation in words, honest when small."""

from __future__ import annotations

import doctest
import importlib

import pytest

from rashinban.pipeline._defend import churn_validation_caption

VAL = {
    "cut": "2024-12-31",
    "n_test_churners": 59,
    "auc": 0.9538,
    "auc_low": 0.9252,
    "auc_high": 0.9825,
    "auc_rule": 0.8179,
}


def test_caption_names_the_split_the_interval_and_the_rule() -> None:
    assert churn_validation_caption(VAL) == (
        "時系列分割での検証（2024-12-31 までで学習し、その後の解約59社で検証）: "
        "AUC 0.95、95%区間 0.93〜0.98、比較ルール「利用が半減」 0.82"
    )
    assert churn_validation_caption(VAL, "en") == (
        "Time-split validation (trained up to 2024-12-31, tested on 59 churned customers "
        'after it): AUC 0.95, 95% interval 0.93–0.98 vs the "usage halved" rule 0.82'
    )


def test_a_handful_of_churners_leaves_out_the_interval_and_says_indicative() -> None:
    few = {**VAL, "n_test_churners": 1, "auc": 0.994, "auc_low": float("nan")}
    assert churn_validation_caption(few) == (
        "時系列分割での検証（2024-12-31 までで学習し、その後の解約1社で検証）: "
        "AUC 0.99、比較ルール「利用が半減」 0.82。"
        "検証期間に解約した顧客は1社のみで、AUCは参考値です"
    )
    english = churn_validation_caption(few, "en")
    assert english.endswith(
        'AUC 0.99 vs the "usage halved" rule 0.82; only 1 churned customer to test on, '
        "so the AUC is indicative"
    )
    assert "interval" not in english and "nan" not in english


def test_no_churn_to_test_on_reads_not_enough_data() -> None:
    skipped = (
        "skipped: 区切りの日付 2024-01-01 より後に検証に使える解約がありません / "
        "no churn after the cut 2024-01-01 to test on — fix: 区切りの日付を前にするか、"
        "より新しい契約の履歴を取り込んでください / choose an earlier cut date"
    )
    assert churn_validation_caption(skipped, "en") == (
        "Time-split validation: not enough data (no churn after the cut 2024-01-01 to test on)"
    )
    # the line under a Japanese table is Japanese, as its other form is
    assert churn_validation_caption(skipped) == (
        "時系列分割での検証: データ不足（区切りの日付 2024-01-01 より後に"
        "検証に使える解約がありません）"
    )


@pytest.mark.parametrize(
    "name", ["rashinban.pipeline._defend", "rashinban.pipeline._targeting_views"]
)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0

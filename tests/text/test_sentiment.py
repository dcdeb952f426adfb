"""Sentiment learned from NPS comments: time-split accuracy against the majority class."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rashinban._errors import NotEnoughDataError, NotFittedError
from rashinban.text import SentimentModel, nps_label, sentiment_frame, validate_sentiment

CUT = "2025-06-01"


def test_nps_categories_follow_reichheld() -> None:
    labels = nps_label(pd.Series([*list(range(11)), None]))
    assert labels.tolist()[:7] == [0] * 7
    assert labels.isna().tolist()[7:9] == [True, True]
    assert labels.tolist()[9:11] == [1, 1]
    assert pd.isna(labels.iloc[11])


def test_held_out_accuracy_beats_majority_class(demo_tables: dict[str, pd.DataFrame]) -> None:
    scores = validate_sentiment(demo_tables["surveys"], CUT)
    print(
        f"\nsentiment (train < {CUT}: {scores['n_train']:.0f}, test: {scores['n_test']:.0f}) "
        f"accuracy {scores['accuracy']:.3f} vs majority-class {scores['baseline_accuracy']:.3f}"
    )
    assert scores["n_test"] >= 50
    assert scores["accuracy"] >= scores["baseline_accuracy"] + 0.15


def test_train_rows_after_the_cut_are_not_seen(demo_tables: dict[str, pd.DataFrame]) -> None:
    """No look-ahead: scrambling the test period's comments leaves the fitted model unchanged."""
    surveys = demo_tables["surveys"]
    a = SentimentModel()
    validate_sentiment(surveys, CUT, model=a)
    moved = surveys.copy()
    later = pd.to_datetime(moved["answered_at"]) >= pd.Timestamp(CUT)
    moved.loc[later, "comment"] = "全く別の文章です。"
    b = SentimentModel()
    validate_sentiment(moved, CUT, model=b)
    np.testing.assert_allclose(a.model_.coef_, b.model_.coef_)


def test_scores_carry_reasons_in_both_languages(demo_tables: dict[str, pd.DataFrame]) -> None:
    s = demo_tables["surveys"]
    lab = nps_label(s["nps"])
    keep = lab.notna() & s["comment"].notna()
    model = SentimentModel().fit(s.loc[keep, "comment"].tolist(), lab[keep].astype(int).tolist())
    out = sentiment_frame(
        model,
        pd.DataFrame(
            {
                "id": ["x", "y"],
                "text": [
                    "サポートの返信が遅く、困っています。",
                    "とても便利で作業時間が減りました。",
                ],
            }
        ),
        id_col="id",
    )
    assert out["sentiment"].tolist() == [-1, 1]
    assert all(out["reason_ja"].str.contains("否定的|肯定的"))
    assert all(out["reason_en"].str.contains("negative|positive"))
    # Each language lists the words with its own separator.
    lists = [ja.split("「")[1].rstrip("」").split("、") for ja in out["reason_ja"]]
    assert max(map(len, lists)) > 1
    for words, en in zip(lists, out["reason_en"], strict=True):
        assert en.endswith(": " + ", ".join(words))
        assert "、" not in en


def test_errors() -> None:
    with pytest.raises(NotFittedError):
        SentimentModel().predict_proba(["x"])
    with pytest.raises(NotEnoughDataError, match="promoter"):
        SentimentModel().fit(["良い", "悪い"], [1, 0])

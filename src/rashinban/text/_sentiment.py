"""Sentiment learned from the company's own NPS comments.

No third-party sentiment lexicon is shipped (we found none whose licence lets us
redistribute it with an Apache-2.0 package and that covers business Japanese).
Instead the model learns what *this* company's customers write when they are
promoters (NPS 9–10) or detractors (0–6), following the NPS categories of
Reichheld (2003, "The One Number You Need to Grow", HBR), and applies that to
tickets and notes. The classifier is L2-regularised logistic regression over
TF-IDF weighted features: Sudachi dictionary forms of content words (so
negation and difficulty auxiliaries count) and character 2–3-grams of the NFKC
text (robust to words the dictionary splits oddly).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # scikit-learn loads in fit(): commands that only read text skip it
    from scipy import sparse

from rashinban._errors import InvalidValueError, NotEnoughDataError, NotFittedError
from rashinban._threads import one_thread
from rashinban.text._tokenize import content_words, normalize_for_mining

# Words too common to explain a tone to a reader (they still count in the model).
_FUNCTION_WORDS = frozenset("する ます です いる ある なる れる られる よう こと たい ない".split())

PROMOTER_MIN = 9
DETRACTOR_MAX = 6


def nps_label(nps: pd.Series) -> pd.Series:
    """1 for promoters (9–10), 0 for detractors (0–6), NA for passives and blanks.

    Examples
    --------
    >>> nps_label(pd.Series([10, 7, 3, None])).tolist()
    [1, <NA>, 0, <NA>]
    """
    score = pd.to_numeric(nps, errors="coerce")
    out = pd.Series(pd.NA, index=nps.index, dtype="Int64")
    out[score >= PROMOTER_MIN] = 1
    out[score <= DETRACTOR_MAX] = 0
    return out


def _identity(tokens: list[str]) -> list[str]:
    return tokens


@dataclass
class SentimentModel:
    """Positive/negative classifier trained on promoter vs detractor comments.

    Follows the scikit-learn contract: hyperparameters in ``__init__``, learned
    state in trailing-underscore attributes, :class:`NotFittedError` before fit.

    Parameters
    ----------
    C
        Inverse regularisation strength of the logistic regression.
    min_comments
        Fewer labelled comments than this (or fewer than 5 of a class) is too
        little to learn from.

    Examples
    --------
    >>> texts = ["とても便利です", "便利で助かる", "使いにくい", "遅くて困る"] * 5
    >>> m = SentimentModel(min_comments=8).fit(texts, [1, 1, 0, 0] * 5)
    >>> [round(p) for p in m.predict_proba(["便利です", "使いにくい"])]
    [1, 0]
    """

    C: float = 4.0
    min_comments: int = 30

    def _features(self, texts: Sequence[str | None], *, fit: bool) -> sparse.csr_matrix:
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer

        norm = [normalize_for_mining(t) for t in texts]
        words = [content_words(t) for t in norm]
        if fit:
            self.words_ = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=2).fit(
                words
            )
            self.chars_ = TfidfVectorizer(
                analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=2
            ).fit(norm)
        return sparse.hstack(
            [self.words_.transform(words), self.chars_.transform(norm)], format="csr"
        )

    def fit(self, texts: Sequence[str | None], labels: Sequence[int]) -> SentimentModel:
        """Learn from texts labelled 1 (positive/promoter) or 0 (negative/detractor)."""
        y = np.asarray(labels, dtype=np.int64)
        if len(texts) != len(y):
            raise InvalidValueError(
                f"SentimentModel.fit: 文章 {len(texts)} 件に対してラベルが {len(y)} 件です / "
                f"SentimentModel.fit got {len(texts)} texts and {len(y)} labels",
                fix="文章ごとに 0/1 のラベルを1つ渡してください / pass one 0/1 label per text",
            )
        if not set(np.unique(y)) <= {0, 1}:
            raise InvalidValueError(
                "感情のラベルは 0 か 1 にしてください / sentiment labels must be 0 or 1",
                fix="nps_label() を使ってください / use nps_label()",
            )
        counts = np.bincount(y, minlength=2)
        if len(y) < self.min_comments or counts.min() < 5:
            raise NotEnoughDataError(
                f"感情分析には推奨者・批判者のコメントが{self.min_comments}件以上 "
                f"(それぞれ5件以上) 必要です (現在 推奨者{counts[1]}件、批判者{counts[0]}件) / "
                f"sentiment needs at least {self.min_comments} promoter/detractor comments with "
                f"5 of each; got {counts[1]} promoters and {counts[0]} detractors",
                fix="NPS付きのアンケートのコメント (surveys.comment) をもっと取り込んでください / "
                "import more survey comments (surveys.comment with nps)",
            )
        from sklearn.linear_model import LogisticRegression

        x = self._features(texts, fit=True)
        with one_thread():  # a small fit: BLAS threads would only spin (rashinban._threads)
            self.model_ = LogisticRegression(C=self.C, max_iter=1000).fit(x, y)
        self.prior_ = float(y.mean())
        return self

    def _check(self) -> None:
        if not hasattr(self, "model_"):
            raise NotFittedError(
                "SentimentModel はまだ学習していません / SentimentModel is not fitted",
                fix="先に fit(texts, labels) を呼んでください / call fit(texts, labels) first",
            )

    def predict_proba(self, texts: Sequence[str | None]) -> np.ndarray:
        """Probability that each text is positive (promoter-like)."""
        self._check()
        if len(texts) == 0:
            return np.zeros(0)
        proba: np.ndarray = self.model_.predict_proba(self._features(texts, fit=False))[:, 1]
        return proba

    def reasons(self, text: str | None, *, top: int = 3) -> tuple[list[str], list[str]]:
        """Words of ``text`` that pushed it most toward positive and toward negative."""
        self._check()
        words = content_words(text)
        vocab = self.words_.vocabulary_
        n_words = len(vocab)
        coef = self.model_.coef_[0][:n_words]
        seen = {
            w: float(coef[vocab[w]])
            for w in words
            if w in vocab and len(w) > 1 and w not in _FUNCTION_WORDS
        }
        pos = [w for w, c in sorted(seen.items(), key=lambda kv: -kv[1]) if c > 0][:top]
        neg = [w for w, c in sorted(seen.items(), key=lambda kv: kv[1]) if c < 0][:top]
        return pos, neg


def sentiment_frame(
    model: SentimentModel, texts: pd.DataFrame, *, id_col: str, text_col: str = "text"
) -> pd.DataFrame:
    """Score a frame of texts: ``id, p_positive, sentiment (+1/-1), reason_ja, reason_en``.

    Texts between 0.4 and 0.6 are labelled 0 (neutral): the model is not sure.
    """
    frame = texts[texts[text_col].notna()]
    p = model.predict_proba(frame[text_col].tolist())
    label = np.where(p >= 0.6, 1, np.where(p <= 0.4, -1, 0))
    reason_ja, reason_en = [], []
    for text, lab in zip(frame[text_col], label, strict=True):
        pos, neg = model.reasons(text)
        words = pos if lab > 0 else neg if lab < 0 else pos + neg
        tone_ja = {1: "肯定的", -1: "否定的", 0: "中立"}[int(lab)]
        tone_en = {1: "positive", -1: "negative", 0: "neutral"}[int(lab)]
        reason_ja.append(
            f"{tone_ja}: 推奨者/批判者のNPSコメントで多い語「{'、'.join(words) or '―'}」"
        )
        reason_en.append(
            f"{tone_en}: words typical of promoter/detractor NPS comments: "
            f"{', '.join(words) or '-'}"
        )
    return pd.DataFrame(
        {
            "id": frame[id_col].astype(str).to_numpy(),
            "p_positive": p,
            "sentiment": label,
            "reason_ja": reason_ja,
            "reason_en": reason_en,
        }
    )


def validate_sentiment(
    surveys: pd.DataFrame, cut: pd.Timestamp | str, *, model: SentimentModel | None = None
) -> dict[str, float]:
    """Time-split validation: train on comments answered before ``cut``, test on the rest.

    Returns accuracy of the model and of the majority-class baseline (the
    training set's majority class), plus the sizes.
    """
    cut = pd.Timestamp(cut)
    frame = surveys.assign(label=nps_label(surveys["nps"]))
    frame = frame[frame["label"].notna() & frame["comment"].notna()]
    when = pd.to_datetime(frame["answered_at"])
    train, test = frame[when < cut], frame[when >= cut]
    if test.empty:
        raise NotEnoughDataError(
            f"{cut.date()} 以降に推奨者・批判者のコメントがありません / "
            f"no promoter/detractor comments on or after {cut.date()}",
            fix="区切りの日付を前にしてください / choose an earlier cut",
        )
    model = model or SentimentModel()
    y_train = train["label"].astype(int).to_numpy()
    model.fit(train["comment"].tolist(), y_train)
    y_test = test["label"].astype(int).to_numpy()
    pred = (model.predict_proba(test["comment"].tolist()) >= 0.5).astype(int)
    majority = int(y_train.mean() >= 0.5)
    return {
        "n_train": float(len(train)),
        "n_test": float(len(test)),
        "accuracy": float((pred == y_test).mean()),
        "baseline_accuracy": float((y_test == majority).mean()),
    }

"""Calibrated fit scores with reasons, and their naive-Bayes and single-rule baselines.

:class:`FitModel` is a logistic regression on one-hot categorical features
(main effects plus the industry × size cell, so the model can express "this
industry at this size"), calibrated by Platt scaling on cross-validated
predictions (Platt 1999; scikit-learn ``CalibratedClassifierCV`` with
``ensemble=False``). A record's reasons are the per-feature contributions to
the log-odds relative to the training average, largest first, in words.

With fewer than ``min_positives`` wins the model does not pretend: it falls back
to empirical-Bayes shrunk win rates of the industry × size cell, and says so in
every record's reasons. The model id is the SHA-256 of the canonical JSON of
its settings and training window (dates, rows, a hash of the training rows),
stored with every score.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from rashinban._errors import InvalidValueError, NotFittedError
from rashinban._labels import FEATURE_LABELS, REGION_LABELS, value_label
from rashinban._threads import one_thread
from rashinban.icp._features import FEATURES
from rashinban.targeting._shrinkage import fit_beta_prior, shrink

__all__ = ["FEATURE_LABELS", "FitModel", "NaiveBayesBaseline", "RuleBaseline"]


def _hash_frame(frame: pd.DataFrame) -> str:
    digest = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    return hashlib.sha256(digest.tobytes()).hexdigest()[:16]


class FitModel:
    """Calibrated win-probability model over categorical features, with reasons.

    Parameters
    ----------
    features
        Feature columns (default :data:`FEATURES`).
    C
        Inverse L2 strength of the logistic regression.
    min_positives
        Fewest positives for the model; below it the shrunk-cell fallback is used.
    n_reasons
        Reasons per record (for and against together).

    Examples
    --------
    >>> model = FitModel().fit(train, train["outcome"] == "won")  # doctest: +SKIP
    >>> model.score_records(open_deals)[["score", "reasons"]]  # doctest: +SKIP
    """

    def __init__(
        self,
        features: Sequence[str] = FEATURES,
        *,
        C: float = 0.5,
        min_positives: int = 30,
        n_reasons: int = 3,
        cv: int = 5,
    ) -> None:
        self.features = features
        self.C = C
        self.min_positives = min_positives
        self.n_reasons = n_reasons
        self.cv = cv

    # -- fitting -------------------------------------------------------------
    def fit(
        self, frame: pd.DataFrame, y: np.ndarray | pd.Series, *, window: tuple[str, str] = ("", "")
    ) -> FitModel:
        """Fit on rows of ``frame`` (features) and boolean labels ``y``."""
        feats = list(self.features)
        missing = [f for f in feats if f not in frame.columns]
        if missing:
            raise InvalidValueError(
                f"特徴量の列 {', '.join(missing)} がありません / "
                f"feature column(s) {', '.join(missing)} missing",
                fix="rashinban.icp の deal_features/lead_features で表を作ってください / "
                "build the frame with rashinban.icp deal_features/lead_features",
            )
        y_arr = np.asarray(y, dtype=bool)
        x = frame[feats].astype(str)
        self.n_train_ = len(y_arr)
        self.positives_ = int(y_arr.sum())
        self.base_rate_ = float(y_arr.mean()) if len(y_arr) else 0.0
        self.fallback_ = self.positives_ < self.min_positives or (
            len(y_arr) - self.positives_ < self.min_positives
        )
        settings = {
            "kind": "fallback-shrunk-cells" if self.fallback_ else "calibrated-logistic",
            "features": feats,
            "C": self.C,
            "cv": self.cv,
            "min_positives": self.min_positives,
            "window": list(window),
            "rows": self.n_train_,
            "data": _hash_frame(pd.concat([x, pd.Series(y_arr, name="_y")], axis=1)),
        }
        self.model_id_ = hashlib.sha256(
            json.dumps(settings, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        self.settings_ = settings
        if self.fallback_:
            cell = frame["industry_size"].astype(str) if "industry_size" in frame else x.iloc[:, 0]
            g = pd.DataFrame({"cell": cell.to_numpy(), "y": y_arr}).groupby("cell")["y"]
            k, n = g.sum().to_numpy(float), g.count().to_numpy(float)
            prior = fit_beta_prior(k, n)
            self.cell_rates_ = dict(zip(g.sum().index, shrink(k, n, prior)["rate"], strict=True))
            self.prior_mean_ = prior.mean
            return self
        # scikit-learn loads only when a model is fitted (reading scores does not need it)
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import OneHotEncoder

        self.encoder_ = OneHotEncoder(handle_unknown="ignore", sparse_output=True)
        xe = self.encoder_.fit_transform(x)
        base = LogisticRegression(C=self.C, max_iter=2000)
        with one_thread():  # a small fit: BLAS threads would only spin (rashinban._threads)
            self.calibrated_ = CalibratedClassifierCV(
                base, method="sigmoid", cv=self.cv, ensemble=False
            ).fit(xe, y_arr)
        self.logit_ = self.calibrated_.calibrated_classifiers_[0].estimator
        coef = self.logit_.coef_.ravel()
        # contribution of each category relative to the training average of its feature
        self.contrib_: list[dict[str, float]] = []
        start = 0
        xe_mean = np.asarray(xe.mean(axis=0)).ravel()
        for cats in self.encoder_.categories_:
            w = coef[start : start + len(cats)]
            centre = float((w * xe_mean[start : start + len(cats)]).sum())
            self.contrib_.append(
                {str(c): float(wi - centre) for c, wi in zip(cats, w, strict=True)}
            )
            start += len(cats)
        return self

    def _check(self) -> None:
        if not hasattr(self, "model_id_"):
            raise NotFittedError(
                "FitModel はまだ学習していません / FitModel is not fitted yet",
                fix="先に fit(frame, y) を呼んでください / call fit(frame, y) first",
            )

    # -- scoring -------------------------------------------------------------
    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        """Calibrated probability of the positive outcome per row."""
        self._check()
        if self.fallback_:
            cell = frame["industry_size"].astype(str)
            return cell.map(self.cell_rates_).fillna(self.prior_mean_).to_numpy(float)
        xe = self.encoder_.transform(frame[list(self.features)].astype(str))
        return self.calibrated_.predict_proba(xe)[:, 1]

    def contributions(self, frame: pd.DataFrame) -> np.ndarray:
        """Log-odds contribution of each feature per row, relative to the training average."""
        self._check()
        if self.fallback_:
            return np.zeros((len(frame), len(self.features)))
        out = np.zeros((len(frame), len(self.features)))
        for j, feat in enumerate(self.features):
            out[:, j] = frame[feat].astype(str).map(self.contrib_[j]).fillna(0.0).to_numpy()
        return out

    def reasons(self, frame: pd.DataFrame, lang: str = "ja") -> list[list[str]]:
        """Top reasons for and against per row, in words with their log-odds weight."""
        self._check()
        if self.fallback_:
            text = (
                f"受注実績が少ないため({self.positives_}件)、業種×規模の縮小推定した受注率で代替"
                if lang != "en"
                else f"few wins ({self.positives_}): shrunk industry × size win rate used instead"
            )
            cells = frame["industry_size"].astype(str).tolist()
            return [
                [text, f"{'セグメント' if lang != 'en' else 'segment'}: {value_label(c, lang)}"]
                for c in cells
            ]
        contrib = self.contributions(frame)
        order = np.argsort(-np.abs(contrib), axis=1)[:, : self.n_reasons]
        values = {f: frame[f].astype(str).to_numpy() for f in self.features}
        labels = [FEATURE_LABELS.get(f, (f, f))[1 if lang == "en" else 0] for f in self.features]
        out: list[list[str]] = []
        for i in range(len(frame)):
            row = []
            for j in order[i]:
                c = contrib[i, j]
                if abs(c) < 0.05:
                    continue
                f = self.features[j]
                if lang == "en":
                    side = "for" if c > 0 else "against"
                    shown = values[f][i]
                    shown = REGION_LABELS.get(shown, shown) if f == "region" else shown
                    row.append(f"{side}: {labels[j]} = {value_label(shown, 'en')} ({c:+.2f})")
                else:
                    side = "プラス" if c > 0 else "マイナス"
                    row.append(f"{side}: {labels[j]}が{values[f][i]} ({c:+.2f})")
            out.append(row)
        return out

    def score_records(
        self, frame: pd.DataFrame, id_column: str, kind: str, *, reasons: bool = True
    ) -> pd.DataFrame:
        """``id, kind, score, reasons, reasons_en, model_id`` per row of ``frame``."""
        p = self.predict_proba(frame)
        out = pd.DataFrame(
            {"id": frame[id_column].astype(str).to_numpy(), "kind": kind, "score": p}
        )
        if reasons:
            # records with the same feature values share their reasons: word them once
            feats = frame[list(self.features)].astype(str)
            hashed = pd.util.hash_pandas_object(feats, index=False).to_numpy()
            _, first, inverse = np.unique(hashed, return_index=True, return_inverse=True)
            distinct = frame.iloc[first]
            for col, lang in (("reasons", "ja"), ("reasons_en", "en")):
                words = self.reasons(distinct, lang)
                out[col] = [words[i] for i in inverse.ravel()]
        out["model_id"] = self.model_id_
        return out.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)


class NaiveBayesBaseline:
    """Odoo-style lead scoring: categorical naive Bayes over the same fields."""

    def __init__(self, features: Sequence[str] = FEATURES, alpha: float = 1.0) -> None:
        self.features = features
        self.alpha = alpha

    def fit(self, frame: pd.DataFrame, y: np.ndarray | pd.Series) -> NaiveBayesBaseline:
        from sklearn.naive_bayes import CategoricalNB
        from sklearn.preprocessing import OrdinalEncoder

        self.encoder_ = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
        x = self.encoder_.fit_transform(frame[list(self.features)].astype(str)).astype(int)
        self.nb_ = CategoricalNB(alpha=self.alpha, min_categories=x.max(axis=0) + 2)
        self.nb_.fit(x + 1, np.asarray(y, dtype=bool))
        return self

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        x = self.encoder_.transform(frame[list(self.features)].astype(str)).astype(int)
        return self.nb_.predict_proba(x + 1)[:, 1]


class RuleBaseline:
    """The single best ICP rule as a score: its training rate inside, the rest's outside."""

    def __init__(self, conditions: Sequence[dict[str, Any]]) -> None:
        self.conditions = conditions

    def fit(self, frame: pd.DataFrame, y: np.ndarray | pd.Series) -> RuleBaseline:
        from rashinban.targeting._conditions import conditions_mask

        m = conditions_mask(frame, self.conditions)
        y_arr = np.asarray(y, dtype=bool)
        self.inside_ = float(y_arr[m].mean()) if m.any() else 0.0
        self.outside_ = float(y_arr[~m].mean()) if (~m).any() else 0.0
        return self

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        from rashinban.targeting._conditions import conditions_mask

        m = conditions_mask(frame, self.conditions)
        return np.where(m, self.inside_, self.outside_)

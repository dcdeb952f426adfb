"""The churn model: a calibrated logistic regression over as-of snapshots, and its rule baseline.

Training rows are (customer, as-of date) snapshots whose horizon had passed
before the cut, so every label was known at the cut; test rows are snapshots
after it. Logistic regression is fitted by maximum likelihood, which makes the
mean predicted risk equal the observed churn rate on the training rows
(calibration in the large; Hosmer, Lemeshow & Sturdivant 2013, "Applied
Logistic Regression", section 5.2). A linear model also gives exact per-feature
contributions to the log-odds, ``coef_j * (x_j - mean_j) / sd_j``, which become
the reasons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from rashinban._errors import NotEnoughDataError, NotFittedError
from rashinban._stats import clustered_auc_interval
from rashinban._threads import one_thread
from rashinban.churn._features import FEATURE_COLUMNS, churn_features
from rashinban.churn._labels import churn_dates
from rashinban.churn._metrics import auc, lead_times, precision_at_top

__all__ = [
    "ChurnModel",
    "ChurnValidation",
    "SnapshotFeatures",
    "labelled_snapshots",
    "rule_baseline",
    "snapshot_dates",
    "training_dates",
    "validate_churn",
    "validation_dates",
]

#: The customer-success rule of thumb: alert when active users fell by half.
RULE_THRESHOLD = 0.5


def snapshot_dates(start: dt.date, end: dt.date, step_days: int = 14) -> list[dt.date]:
    """As-of dates every ``step_days`` back from ``end`` (inclusive) to no earlier than
    ``start``, in calendar order.

    The grid is anchored at ``end`` so that the latest snapshot is the freshest one
    allowed, whatever the span; grids that end on the same day share their dates, so a
    model's training snapshots and a validation's test snapshots are computed once
    (:class:`SnapshotFeatures`).

    Examples
    --------
    >>> import datetime as dt
    >>> [str(d) for d in snapshot_dates(dt.date(2025, 1, 1), dt.date(2025, 1, 31), 14)]
    ['2025-01-03', '2025-01-17', '2025-01-31']
    """
    n = (end - start).days // step_days + 1
    return [end - dt.timedelta(days=step_days * i) for i in reversed(range(max(n, 0)))]


def training_dates(
    as_of: dt.date, horizon_days: int = 90, *, history_days: int = 720, step_days: int = 14
) -> list[dt.date]:
    """The snapshots a model fitted as of ``as_of`` learns from: every ``step_days`` back
    from ``horizon_days`` before it (the latest whose labels are known), over
    ``history_days``.

    Examples
    --------
    >>> import datetime as dt
    >>> dates = training_dates(dt.date(2025, 12, 31))
    >>> len(dates), str(dates[0]), str(dates[-1])
    (46, '2024-01-11', '2025-10-02')
    """
    return snapshot_dates(
        as_of - dt.timedelta(days=history_days), as_of - dt.timedelta(days=horizon_days), step_days
    )


class SnapshotFeatures:
    """:func:`churn_features` of many as-of dates, fetched together and handed out by date.

    Fitting the model, validating it and scoring today each read the features of their
    own dates. Every query has a fixed cost (compiling the feature expression and
    joining six tables: about 0.25 s on the demo workspace, against 6 ms per extra
    date), so one instance fetches the dates announced with :meth:`expect` by one query
    at the first request and never fetches a date twice.

    Parameters
    ----------
    backend
        An Ibis backend holding the canonical tables.
    horizon_days
        The warning horizon the features are computed for (``renewal_soon``).

    Examples
    --------
    >>> store = SnapshotFeatures(ws.backend(), 90)  # doctest: +SKIP
    >>> store.expect(training_dates(day))  # doctest: +SKIP
    >>> store.rows([day])  # one query: today and the training dates  # doctest: +SKIP
    """

    def __init__(self, backend: Any, horizon_days: int = 90) -> None:
        self.backend = backend
        self.horizon_days = horizon_days
        self.queries = 0
        self._expected: set[dt.date] = set()
        self._fetched: set[dt.date] = set()
        self._frame: pd.DataFrame | None = None

    def expect(self, dates: list[dt.date]) -> None:
        """Announce dates that will be asked for, to be fetched with the first request."""
        self._expected.update(dates)

    def rows(self, dates: list[dt.date]) -> pd.DataFrame:
        """The feature rows of ``dates`` (a new frame, in the query's order)."""
        wanted = set(dates)
        missing = (wanted | self._expected) - self._fetched
        if wanted - self._fetched:
            frame = churn_features(self.backend, sorted(missing), self.horizon_days).execute()
            self.queries += 1
            self._fetched |= missing
            self._expected.clear()
            self._frame = frame if self._frame is None else pd.concat([self._frame, frame])
        if self._frame is None:  # no date asked for
            return churn_features(self.backend, [], self.horizon_days).execute()
        keep = self._frame["as_of"].isin(pd.to_datetime(sorted(wanted)))
        return self._frame[keep.to_numpy()].reset_index(drop=True)


def labelled_snapshots(
    backend: Any,
    dates: list[dt.date],
    horizon_days: int = 90,
    *,
    known_on: dt.date | None = None,
    features: SnapshotFeatures | None = None,
) -> pd.DataFrame:
    """Features of every active customer at each date, with ``churn_date`` and ``churned``.

    ``known_on`` computes the churn dates from what was known on that day (see
    :func:`rashinban.churn.churn_dates`): training labels must not use later rows.
    ``features`` reads the features from a :class:`SnapshotFeatures` of the same
    backend and horizon (one query for several calls) instead of a query of its own.
    """
    if not dates:
        return pd.DataFrame(columns=["account_id", "as_of", "churned"])
    store = features if features is not None else SnapshotFeatures(backend, horizon_days)
    if store.horizon_days != horizon_days:
        raise ValueError(
            f"features were computed for a {store.horizon_days}-day horizon, not {horizon_days}"
        )
    feats = store.rows(dates)
    subs = backend.table("subscriptions")
    ends = churn_dates(subs, known_on).execute()[["account_id", "churn_date"]]
    frame = feats.merge(ends, on="account_id", how="left")
    as_of = pd.to_datetime(frame["as_of"])
    churn = pd.to_datetime(frame["churn_date"])
    frame["as_of"] = as_of.dt.date
    frame["churned"] = (churn > as_of) & (churn <= as_of + pd.Timedelta(days=horizon_days))
    return frame.sort_values(["as_of", "account_id"], ignore_index=True)


def rule_baseline(features: pd.DataFrame) -> npt.NDArray[np.float64]:
    """Score of the "usage fell by half" rule: 1 - latest week's active users / earlier level.

    The rule alerts at a score of 0.5 or more: the latest week's active users
    are at most half the account's own mean over weeks 7-24 before the date.
    """
    ratio = features["usage_ratio_last_week"].to_numpy(dtype=float)
    return np.clip(1.0 - np.nan_to_num(ratio, nan=1.0), 0.0, 1.0)


class ChurnModel:
    """Logistic churn model on :data:`FEATURE_COLUMNS` with per-feature contributions.

    Parameters
    ----------
    C
        Inverse L2 penalty strength (scikit-learn's ``C``) on standardised inputs.
    alert_share
        The alert threshold is set so that this share of the training snapshots
        would have alerted (``threshold_``).

    Examples
    --------
    >>> import pandas as pd, numpy as np
    >>> from rashinban.churn import ChurnModel, FEATURE_COLUMNS
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(rng.normal(size=(400, len(FEATURE_COLUMNS))), columns=FEATURE_COLUMNS)
    >>> y = X["open_high_tickets"] + rng.normal(size=400) > 1.5
    >>> m = ChurnModel().fit(X, y)
    >>> bool(m.coef_["open_high_tickets"] > 0)
    True
    """

    def __init__(self, *, C: float = 1.0, alert_share: float = 0.10) -> None:
        self.C = C
        self.alert_share = alert_share

    def fit(self, features: pd.DataFrame, churned: npt.ArrayLike) -> ChurnModel:
        """Fit on snapshot features and their 0/1 labels."""
        from sklearn.linear_model import LogisticRegression

        y = np.asarray(churned, dtype=bool)
        if y.sum() < 5 or (~y).sum() < 5:
            raise NotEnoughDataError(
                "解約予測モデルには解約と継続がそれぞれ5件以上必要です"
                f"(現在 {y.size}件中 解約{int(y.sum())}件) / "
                "churn model needs at least 5 churned and 5 retained snapshots; "
                f"got {int(y.sum())} churned of {y.size}",
                fix="契約の履歴 (ended_at) をもっと取り込むか、区切りの日付を後にしてください / "
                "import more subscription history (ended_at) or move the cut date later",
            )
        x = features[list(FEATURE_COLUMNS)].to_numpy(dtype=float)
        self.mean_ = x.mean(axis=0)
        sd = x.std(axis=0)
        self.scale_ = np.where(sd > 0, sd, 1.0)
        z = (x - self.mean_) / self.scale_
        lr = LogisticRegression(C=self.C, max_iter=1000)
        with one_thread():  # a small fit: BLAS threads would only spin (rashinban._threads)
            lr.fit(z, y)
        self._lr = lr
        self.coef_ = dict(zip(FEATURE_COLUMNS, lr.coef_[0].tolist(), strict=True))
        self.intercept_ = float(lr.intercept_[0])
        self.base_rate_ = float(y.mean())
        risk = self.predict_risk(features)
        self.threshold_ = float(np.quantile(risk, 1.0 - self.alert_share))
        return self

    def _check(self) -> None:
        if not hasattr(self, "coef_"):
            raise NotFittedError(
                "ChurnModel はまだ学習していません / ChurnModel is not fitted",
                fix="先に fit(features, churned) を呼んでください / "
                "call fit(features, churned) first",
            )

    def predict_risk(self, features: pd.DataFrame) -> npt.NDArray[np.float64]:
        """Probability of churn within the horizon, in [0, 1]."""
        self._check()
        z = (features[list(FEATURE_COLUMNS)].to_numpy(dtype=float) - self.mean_) / self.scale_
        return np.asarray(self._lr.predict_proba(z)[:, 1], dtype=float)

    def contributions(self, features: pd.DataFrame) -> pd.DataFrame:
        """Each feature's additive part of the log-odds (relative to the training mean)."""
        self._check()
        z = (features[list(FEATURE_COLUMNS)].to_numpy(dtype=float) - self.mean_) / self.scale_
        coef = np.array([self.coef_[c] for c in FEATURE_COLUMNS])
        return pd.DataFrame(z * coef, columns=list(FEATURE_COLUMNS), index=features.index)


@dataclass
class ChurnValidation:
    """Time-split validation of the model against the "usage fell by half" rule."""

    cut: dt.date
    horizon_days: int
    n_train: int
    n_train_churned: int
    n_test: int
    n_test_churned: int
    #: Accounts behind the churned test snapshots (each churner is seen in several).
    n_test_churners: int
    auc: float
    auc_rule: float
    #: 95% interval of ``auc`` with the snapshots clustered by account (Obuchowski
    #: 1997): an account seen in several snapshots counts as one source of evidence.
    auc_low: float
    auc_high: float
    precision_top10: float
    precision_top10_rule: float
    base_rate_test: float
    brier: float
    mean_risk_test: float
    lead_median_days: float
    lead_median_days_rule: float
    alerted_share: float
    alerted_share_rule: float
    model: ChurnModel
    test: pd.DataFrame
    leads: pd.DataFrame

    def as_dict(self) -> dict[str, Any]:
        """The numbers (no frames), for summaries and printing."""
        skip = {"model", "test", "leads"}
        return {k: v for k, v in self.__dict__.items() if k not in skip}


def _median(values: pd.Series) -> float:
    v = values.dropna()
    return float(v.median()) if len(v) else float("nan")


def validation_dates(
    cut: dt.date,
    end: dt.date,
    *,
    start: dt.date | None = None,
    horizon_days: int = 90,
    step_days: int = 14,
) -> tuple[list[dt.date], list[dt.date]]:
    """The training and test snapshot dates of :func:`validate_churn`.

    Training: the :func:`training_dates` of a model fitted at ``cut`` (from ``start``
    if given). Test: every ``step_days`` back from ``end - horizon_days`` to ``cut``.

    Examples
    --------
    >>> import datetime as dt
    >>> train, test = validation_dates(dt.date(2024, 12, 31), dt.date(2025, 12, 31))
    >>> len(train), len(test), str(test[0]), str(test[-1])
    (46, 20, '2025-01-09', '2025-10-02')
    """
    if start is None:
        train = training_dates(cut, horizon_days, step_days=step_days)
    else:
        train = snapshot_dates(start, cut - dt.timedelta(days=horizon_days), step_days)
    return train, snapshot_dates(cut, end - dt.timedelta(days=horizon_days), step_days)


def validate_churn(
    backend: Any,
    *,
    cut: dt.date,
    end: dt.date,
    start: dt.date | None = None,
    horizon_days: int = 90,
    step_days: int = 14,
    C: float = 1.0,
    features: SnapshotFeatures | None = None,
) -> ChurnValidation:
    """Train on snapshots whose labels resolved by ``cut``, test on snapshots after it.

    Test snapshots run from ``cut`` to ``end - horizon_days`` (labels resolved by
    ``end``). Lead time: for each churner in the test window, the first test
    snapshot within ``horizon_days`` before its churn whose score crossed the
    alert threshold (the model's ``threshold_``, the rule's 0.5). ``features`` shares
    one :class:`SnapshotFeatures` with other calls (see :func:`validation_dates`).
    """
    train_dates, test_dates = validation_dates(
        cut, end, start=start, horizon_days=horizon_days, step_days=step_days
    )
    # Training labels as known at the cut; test labels as known at the end.
    store = features if features is not None else SnapshotFeatures(backend, horizon_days)
    store.expect(test_dates)
    train = labelled_snapshots(backend, train_dates, horizon_days, known_on=cut, features=store)
    test = labelled_snapshots(backend, test_dates, horizon_days, known_on=end, features=store)
    if test.empty or not test["churned"].any():
        raise NotEnoughDataError(
            f"区切りの日付 {cut} より後に検証に使える解約がありません / "
            f"no churn after the cut {cut} to test on",
            fix="区切りの日付を前にするか、より新しい契約の履歴を取り込んでください / "
            "choose an earlier cut date or import later subscription history",
        )
    model = ChurnModel(C=C).fit(train, train["churned"])
    test["score"] = model.predict_risk(test)
    test["rule"] = rule_baseline(test)
    y = test["churned"].to_numpy()
    leads = lead_times(test, model.threshold_, horizon_days)
    rule_leads = lead_times(test.assign(score=test["rule"]), RULE_THRESHOLD, horizon_days)
    leads["lead_days_rule"] = leads["account_id"].map(
        rule_leads.set_index("account_id")["lead_days"]
    )
    model_auc, low, high = clustered_auc_interval(y, test["score"], test["account_id"])
    return ChurnValidation(
        cut=cut,
        horizon_days=horizon_days,
        n_train=len(train),
        n_train_churned=int(train["churned"].sum()),
        n_test=len(test),
        n_test_churned=int(y.sum()),
        n_test_churners=int(test.loc[test["churned"].astype(bool), "account_id"].nunique()),
        auc=model_auc,
        auc_rule=auc(y, test["rule"]),
        auc_low=low,
        auc_high=high,
        precision_top10=precision_at_top(y, test["score"], 0.10, test["as_of"]),
        precision_top10_rule=precision_at_top(y, test["rule"], 0.10, test["as_of"]),
        base_rate_test=float(y.mean()),
        brier=float(np.mean((test["score"] - y) ** 2)),
        mean_risk_test=float(test["score"].mean()),
        lead_median_days=_median(leads["lead_days"]),
        lead_median_days_rule=_median(rule_leads["lead_days"]),
        alerted_share=float(leads["lead_days"].notna().mean()),
        alerted_share_rule=float(rule_leads["lead_days"].notna().mean()),
        model=model,
        test=test,
        leads=leads,
    )

"""Data-driven segments: k-means over mixed firmographic and behavioural features.

Numeric features (log employees, log revenue, founding year, log leads,
decision-maker contact) are standardised; categorical ones (industry, region, first
channel) are one-hot encoded and scaled by 1/√2 so a category difference weighs
like one standard deviation (as k-prototypes' γ balances the two parts; Huang
1998). ``k`` is chosen by the best mean silhouette (Rousseeuw 1987) on a sample,
from 3 up (k = 2 only ever separates customers from everyone else).
Each cluster is described by what distinguishes it: categorical values with the
highest lift over the whole, and numeric medians against the whole's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rashinban._errors import NotEnoughDataError
from rashinban._labels import REGION_LABELS
from rashinban._threads import one_thread
from rashinban.icp._features import add_bands
from rashinban.targeting._conditions import COLUMN_LABELS, amount_text

__all__ = ["ClusterResult", "cluster_accounts"]

# Behaviour enters as engagement (leads, a decision-maker contact, first channel),
# never as outcomes (won deals, value): clusters built on outcomes would make
# "the cluster of customers" the most attractive segment by construction.
_NUMERIC = ("employees", "annual_revenue", "founded_year", "leads", "has_decision_maker")
_LOG = {"employees", "annual_revenue", "leads"}
_CATEGORICAL = ("industry", "region", "channel")
_EXTRA_LABELS = {"leads": ("リード数", "leads")}


class ClusterResult:
    """Labels per account, the chosen k, silhouettes tried and a description per cluster."""

    def __init__(
        self, labels: np.ndarray, k: int, silhouettes: dict[int, float], descriptions: pd.DataFrame
    ) -> None:
        self.labels = labels
        self.k = k
        self.silhouettes = silhouettes
        self.descriptions = descriptions


def _matrix(frame: pd.DataFrame) -> np.ndarray:
    parts = []
    for col in _NUMERIC:
        x = pd.to_numeric(frame[col].astype(float), errors="coerce")
        if col in _LOG:
            x = np.log1p(x.clip(lower=0))
        x = x.fillna(x.median() if x.notna().any() else 0.0)
        sd = x.std() or 1.0
        parts.append(((x - x.mean()) / sd).to_numpy()[:, None])
    for col in _CATEGORICAL:
        parts.append(pd.get_dummies(frame[col].astype(str)).to_numpy(float) / np.sqrt(2))
    return np.hstack(parts)


def _describe(frame: pd.DataFrame, labels: np.ndarray, lang: str) -> list[str]:
    out = []
    for c in range(labels.max() + 1):
        inside = frame[labels == c]
        bits = []
        for col in _CATEGORICAL:
            share_in = inside[col].astype(str).value_counts(normalize=True)
            share_all = frame[col].astype(str).value_counts(normalize=True)
            lift = (share_in / share_all).dropna()
            lift = lift[(share_in.reindex(lift.index) >= 0.25) & (lift >= 1.3)]
            if len(lift):
                v = lift.idxmax()
                ja, en = COLUMN_LABELS.get(col, (col, col))
                # Regions are the product's own words (関東), named in English too.
                v_en = REGION_LABELS.get(v, v) if col == "region" else v
                bits.append(
                    f"{en} {v_en} ({share_in[v]:.0%})"
                    if lang == "en"
                    else f"{ja}{v}が{share_in[v]:.0%}"
                )
        for col in ("employees", "annual_revenue", "leads"):
            known_in = pd.to_numeric(inside[col], errors="coerce").dropna()
            known_all = pd.to_numeric(frame[col], errors="coerce").dropna()
            if known_in.empty or known_all.empty:  # nobody recorded it: nothing to say
                continue
            med_in, med_all = float(known_in.median()), float(known_all.median())
            if (med_all > 0 and (med_in >= 2 * med_all or med_in <= med_all / 2)) or (
                med_all == 0 and med_in > 0
            ):
                ja, en = {**COLUMN_LABELS, **_EXTRA_LABELS}[col]
                # Amounts as the ICP rules write them (52.5億円 / ¥5.25bn), not raw yen.
                inside_s, all_s = (amount_text(m, col, lang) for m in (med_in, med_all))
                bits.append(
                    f"median {en} {inside_s} (all {all_s})"
                    if lang == "en"
                    else f"{ja}の中央値{inside_s}(全体{all_s})"
                )
        out.append(
            ("; " if lang == "en" else "、").join(bits) or ("typical" if lang == "en" else "平均的")
        )
    return out


def cluster_accounts(
    facts: pd.DataFrame,
    *,
    k_range: range = range(3, 9),
    sample: int = 1500,
    random_state: int = 0,
) -> ClusterResult:
    """Cluster accounts of :func:`rashinban.engine.account_facts`; pick k by silhouette.

    Examples
    --------
    >>> res = cluster_accounts(facts)  # doctest: +SKIP
    >>> res.k, res.descriptions[["cluster", "description_ja"]]  # doctest: +SKIP
    """
    if len(facts) < 3 * k_range.start:
        raise NotEnoughDataError(
            f"取引先 {len(facts)} 社ではクラスタに分けられません / "
            f"{len(facts)} accounts are too few to cluster",
            fix="取引先をもっと取り込んでください / import more accounts",
        )
    from sklearn.cluster import KMeans  # loaded here: rashinban.targeting is imported widely
    from sklearn.metrics import silhouette_score

    frame = add_bands(facts.copy())
    x = _matrix(frame)
    rng = np.random.default_rng(random_state)
    idx = rng.choice(len(x), size=min(sample, len(x)), replace=False)
    sil: dict[int, float] = {}
    models: dict[int, KMeans] = {}
    with one_thread():  # small fits: threads would only wait for each other (_threads.py)
        for k in k_range:
            if k >= len(idx):
                break
            km = KMeans(n_clusters=k, n_init=2, random_state=random_state).fit(x[idx])
            sil[k] = float(silhouette_score(x[idx], km.labels_))
            models[k] = km
    k_best = max(sil, key=lambda k: sil[k])
    with one_thread():
        labels = models[k_best].predict(x)
    # order clusters by size so C1 is the largest (stable names across runs)
    sizes = np.bincount(labels, minlength=k_best)
    rank = np.empty(k_best, dtype=int)
    rank[np.argsort(-sizes, kind="stable")] = np.arange(k_best)
    labels = rank[labels]
    desc = pd.DataFrame(
        {
            "cluster": [f"C{i + 1}" for i in range(k_best)],
            "size": np.bincount(labels, minlength=k_best),
            "description_ja": _describe(frame, labels, "ja"),
            "description_en": _describe(frame, labels, "en"),
        }
    )
    return ClusterResult(labels, k_best, sil, desc)

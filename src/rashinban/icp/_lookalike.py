"""Best-N commonality and lookalike prospects (the "start with your best 3 customers" routine).

Given a few account ids, :func:`best_n_commonality` lists the values they share
(industry, size band, region, revenue band, first channel, decision-maker
contact) and how unusual each is among all customers; :func:`lookalikes` ranks
open prospects by how many of those shared values they have, each match
weighted by its rarity among all accounts (−log share, the information
content of the match), and says which values matched.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from rashinban._errors import NotEnoughDataError, UnknownIdError
from rashinban._labels import FEATURE_LABELS, value_label
from rashinban.icp._features import add_bands

__all__ = ["COMMON_FEATURES", "best_n_commonality", "lookalikes"]

COMMON_FEATURES: tuple[str, ...] = (
    "industry",
    "size_band",
    "region",
    "revenue_band",
    "channel",
    "decision_maker",
)


def _share_text(share: float, lang: str = "ja") -> str:
    """A share in 0.1% steps, as the tables show it; a share that rounds to 0.0% but is
    not 0 reads "0.1%未満" / "under 0.1%" (a rare value must not read as absent).

    Examples
    --------
    >>> _share_text(0.5963), _share_text(0.0042), _share_text(0.0004), _share_text(0.0004, "en")
    ('59.6%', '0.4%', '0.1%未満', 'under 0.1%')
    >>> _share_text(0.0)
    '0.0%'
    """
    if 0 < share < 0.0005:
        return "under 0.1%" if lang == "en" else "0.1%未満"
    return f"{share:.1%}"


def _prepared(facts: pd.DataFrame) -> pd.DataFrame:
    frame = facts.copy()
    if "decision_maker" not in frame:
        frame["decision_maker"] = np.where(frame["has_decision_maker"].astype(bool), "あり", "なし")
    return add_bands(frame)


def _pick(frame: pd.DataFrame, ids: Sequence[str]) -> pd.DataFrame:
    ids = [str(i) for i in ids]
    if not ids:
        raise NotEnoughDataError(
            "取引先IDが指定されていません / no account ids given",
            fix="優良顧客を1〜10社指定してください / name 1–10 of your best customers",
        )
    known = set(frame["account_id"].astype(str))
    missing = [i for i in ids if i not in known]
    if missing:
        raise UnknownIdError(
            f"取引先ID {', '.join(missing)} はワークスペースにありません / "
            f"account id(s) {', '.join(missing)} not in the workspace",
            value=missing[0],
            fix="取引先テーブルの account_id を使ってください / "
            "use account_id values from the accounts table",
        )
    return frame[frame["account_id"].astype(str).isin(ids)]


def best_n_commonality(
    facts: pd.DataFrame, account_ids: Sequence[str], *, min_share: float = 0.5
) -> pd.DataFrame:
    """Values shared by at least ``min_share`` of the given accounts, and how unusual they are.

    Returns one row per shared (feature, value): ``count`` of the best that
    have it, ``share_best``, ``share_customers`` (among all customers),
    ``share_all``, ``lift`` (share_best / share_customers) and a sentence in
    Japanese and English; most distinctive first.

    Examples
    --------
    >>> best_n_commonality(facts, ["A000005", "A000029", "A000067"])  # doctest: +SKIP
    """
    frame = _prepared(facts)
    best = _pick(frame, account_ids)
    customers = frame[frame["is_customer"].astype(bool)]
    if customers.empty:
        customers = frame
    n = len(best)
    rows = []
    for feat in COMMON_FEATURES:
        counts = best[feat].astype(str).value_counts()
        for value, count in counts.items():
            if count / n < min_share or (n > 1 and count < 2):
                continue
            share_c = float((customers[feat].astype(str) == value).mean())
            share_a = float((frame[feat].astype(str) == value).mean())
            ja, en = FEATURE_LABELS[feat]
            lift = (count / n) / share_c if share_c else math.inf
            rows.append(
                {
                    "feature": feat,
                    "value": value,
                    "count": int(count),
                    "share_best": count / n,
                    "share_customers": share_c,
                    "share_all": share_a,
                    "lift": lift,
                    "sentence_ja": (
                        f"{n}社中{count}社が{ja}「{value}」(全顧客では{_share_text(share_c)})"
                    ),
                    "sentence_en": (
                        f"{count} of {n} share {en} '{value_label(value, 'en')}' "
                        f"(all customers: {_share_text(share_c, 'en')})"
                    ),
                }
            )
    out = pd.DataFrame(
        rows,
        columns=[
            "feature",
            "value",
            "count",
            "share_best",
            "share_customers",
            "share_all",
            "lift",
            "sentence_ja",
            "sentence_en",
        ],
    )
    return out.sort_values(["lift", "count"], ascending=False).reset_index(drop=True)


def lookalikes(facts: pd.DataFrame, account_ids: Sequence[str], *, top: int = 20) -> pd.DataFrame:
    """Prospects most like the given accounts, with the shared values that make them close.

    ``similarity`` is the rarity-weighted share of the best accounts' shared
    values that the prospect has (1 = all of them).
    """
    common = best_n_commonality(facts, account_ids)
    frame = _prepared(facts)
    pool = frame[(frame["status_asof"] == "prospect") & ~frame["account_id"].isin(account_ids)]
    if common.empty or pool.empty:
        return pd.DataFrame(
            columns=["account_id", "industry", "employees", "similarity", "reasons", "reasons_en"]
        )
    weights = -np.log(np.clip(common["share_all"].to_numpy(float), 1e-6, 1.0)) + 1e-3
    match = np.column_stack(
        [
            (pool[f].astype(str) == v).to_numpy()
            for f, v in zip(common["feature"], common["value"], strict=True)
        ]
    )
    sim = (match * weights).sum(axis=1) / weights.sum()
    order = np.argsort(-sim, kind="stable")[:top]
    reasons, reasons_en = [], []
    for i in order:
        hit = common[match[i]]
        reasons.append(
            [
                f"{FEATURE_LABELS[f][0]}が{v}(共通点)"
                for f, v in zip(hit["feature"], hit["value"], strict=True)
            ]
        )
        reasons_en.append(
            [
                f"same {FEATURE_LABELS[f][1]}: {value_label(v, 'en')}"
                for f, v in zip(hit["feature"], hit["value"], strict=True)
            ]
        )
    picked = pool.iloc[order]
    return pd.DataFrame(
        {
            "account_id": picked["account_id"].astype(str).to_numpy(),
            "industry": picked["industry"].to_numpy(),
            "employees": picked["employees"].to_numpy(),
            "similarity": sim[order],
            "reasons": reasons,
            "reasons_en": reasons_en,
        }
    )

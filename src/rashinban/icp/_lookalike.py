"""Best-N commonality and lookalike prospects (the "start with your best 3 customers" routine).

Given a few account ids, :func:`best_n_commonality` lists the values they share
(industry, size band, region, revenue band, first channel, decision-maker
contact) and how unusual each is among the *other* customers; :func:`lookalikes`
ranks open prospects by how many of those shared values they have, each match
weighted by its rarity among the other accounts (−log share, the information
content of the match), and says which values matched.

Two accounts that both lack a value are not alike: 「不明」 (unknown) and 「なし」
(no lead, no decision-maker contact on record) are never a shared value. The
given accounts are left out of the rates they are compared with (a value only
they hold would otherwise look common). Lifts are shrunk, and withheld when
fewer than :data:`MIN_BASE_SUPPORT` other customers hold the value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from rashinban._errors import NotEnoughDataError, UnknownIdError
from rashinban._labels import FEATURE_LABELS, REGION_LABELS, value_label
from rashinban.icp._features import add_bands
from rashinban.targeting._shrinkage import fit_beta_prior, shrink

__all__ = [
    "COMMON_FEATURES",
    "MIN_BASE_SUPPORT",
    "MISSING_VALUES",
    "best_n_commonality",
    "lookalikes",
]

COMMON_FEATURES: tuple[str, ...] = (
    "industry",
    "size_band",
    "region",
    "revenue_band",
    "channel",
    "decision_maker",
)

#: Values that record the absence of data (the bands' 「不明」; 「なし」 for no lead and
#: no decision-maker contact on record). Sharing one is not a likeness.
MISSING_VALUES: frozenset[str] = frozenset({"不明", "なし"})

#: Fewer other customers than this holding a value, and its lift is withheld and the
#: value flagged 「件数が少ないため参考値」: the usual floor of 5 expected counts for a
#: normal approximation; below it one account more or less moves the base rate by 20%
#: or more.
MIN_BASE_SUPPORT = 5


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


def _value_en(feature: str, value: str) -> str:
    """A shared value as English reads it (regions by their English names).

    Examples
    --------
    >>> _value_en("region", "関東"), _value_en("size_band", "1000名以上")
    ('Kanto', '1000+ employees')
    """
    if feature == "region":
        return REGION_LABELS.get(value, value)
    return str(value_label(value, "en"))


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


def _shrunk_lift(count: int, n: int, k: int, total: int) -> float:
    """The given accounts' rate over the others', both shrunk toward the pooled rate.

    Beta-binomial shrinkage (:func:`rashinban.targeting.shrink`) with a prior on the
    pooled rate of both groups, worth 20 accounts (the floor strength of
    :func:`rashinban.targeting.fit_beta_prior`, which is what it returns for one
    pooled group: two groups are too few to estimate the strength from the data).
    A few accounts say little, so 3 of 3 against 596 of 1,000 reads 1.09, not 1.68,
    and 10 of 10 against 100 of 1,000 reads 4.05, not 10.

    Examples
    --------
    >>> round(_shrunk_lift(3, 3, 596, 1000), 2), round(_shrunk_lift(10, 10, 100, 1000), 2)
    (1.09, 4.05)
    """
    if total == 0:
        return math.nan
    prior = fit_beta_prior(np.array([count + k]), np.array([n + total]))
    rate = shrink(np.array([count, k]), np.array([n, total]), prior)["rate"]
    return float(rate[0] / rate[1])


def _base_text(k: int, total: int, among: str, lang: str = "ja") -> str:
    """What a shared value's base rate rests on, flagged when it rests on too little.

    Examples
    --------
    >>> _base_text(6, 556, "他の顧客")
    '他の顧客では1.1%、556社中6社'
    >>> _base_text(0, 556, "other customers", "en")
    'other customers: 0.0%, 0 of 556; few accounts, indicative only'
    >>> _base_text(0, 0, "他の取引先")
    '比べる他の取引先がありません'
    """
    en = lang == "en"
    if total == 0:
        return "no other accounts to compare with" if en else "比べる他の取引先がありません"
    share = _share_text(k / total, lang)
    few = k < MIN_BASE_SUPPORT
    if en:
        return f"{among}: {share}, {k:,} of {total:,}" + (
            "; few accounts, indicative only" if few else ""
        )
    return f"{among}では{share}、{total:,}社中{k:,}社" + ("。件数が少ないため参考値" if few else "")


def best_n_commonality(
    facts: pd.DataFrame, account_ids: Sequence[str], *, min_share: float = 0.5
) -> pd.DataFrame:
    """Values shared by at least ``min_share`` of the given accounts, and how unusual they are.

    Returns one row per shared (feature, value): ``count`` of the best that
    have it, ``share_best``, ``share_customers`` (among the *other* customers:
    the given accounts are left out; among the other accounts when no other
    account is a customer), ``customers_with_value`` and ``customers_compared``
    (that share's counts), ``share_all`` (among all other accounts),
    ``lift`` (:func:`_shrunk_lift`; NaN when fewer than
    :data:`MIN_BASE_SUPPORT` other customers have the value, ``indicative``
    then True) and a sentence in Japanese and English; most distinctive (by
    the shrunk lift, withheld or not) first. Values in :data:`MISSING_VALUES`
    are never shared.

    Examples
    --------
    >>> best_n_commonality(facts, ["A000005", "A000029", "A000067"])  # doctest: +SKIP
    """
    frame = _prepared(facts)
    best = _pick(frame, account_ids)
    others = frame[~frame["account_id"].isin(best["account_id"])]
    base = others[others["is_customer"].astype(bool)]
    among_ja, among_en = "他の顧客", "other customers"
    if base.empty:
        base, among_ja, among_en = others, "他の取引先", "other accounts"
    n, total = len(best), len(base)
    rows = []
    for feat in COMMON_FEATURES:
        counts = best[feat].astype(str).value_counts()
        for value, count in counts.items():
            if value in MISSING_VALUES or count / n < min_share or (n > 1 and count < 2):
                continue
            k = int((base[feat].astype(str) == value).sum())
            share_c = k / total if total else math.nan
            share_a = float((others[feat].astype(str) == value).mean()) if len(others) else 0.0
            few = k < MIN_BASE_SUPPORT
            ja, en = FEATURE_LABELS[feat]
            rank = _shrunk_lift(int(count), n, k, total)
            rows.append(
                {
                    "feature": feat,
                    "value": value,
                    "count": int(count),
                    "share_best": count / n,
                    "share_customers": share_c,
                    "customers_with_value": k,
                    "customers_compared": total,
                    "share_all": share_a,
                    "lift": math.nan if few else rank,
                    "indicative": few,
                    "sentence_ja": (
                        f"{n}社中{count}社が{ja}「{value}」({_base_text(k, total, among_ja)})"
                    ),
                    "sentence_en": (
                        f"{count} of {n} share {en} '{_value_en(feat, value)}' "
                        f"({_base_text(k, total, among_en, 'en')})"
                    ),
                    "_rank": rank,
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
            "customers_with_value",
            "customers_compared",
            "share_all",
            "lift",
            "indicative",
            "sentence_ja",
            "sentence_en",
            "_rank",
        ],
    )
    out = out.sort_values(["_rank", "count"], ascending=False, na_position="last")
    return out.drop(columns="_rank").reset_index(drop=True)


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
    # Rarity among the other accounts, smoothed by half an account (Jeffreys) so that a
    # value no other account holds weighs log(2N + 2), not an arbitrary clip.
    others = frame[~frame["account_id"].isin(account_ids)]
    held = common["share_all"].to_numpy(float) * len(others)
    weights = -np.log((held + 0.5) / (len(others) + 1)) + 1e-3
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
                f"same {FEATURE_LABELS[f][1]}: {_value_en(f, v)}"
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

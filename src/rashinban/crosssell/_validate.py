"""Time-split validation of cross-sell recommendations against popularity.

Recommendations are made from what was known at the cut; the truth is what
each customer of the cut first bought between the cut and the end. Over the
customers who bought something new:

* hit rate@k: share with at least one new product among their top k;
* precision@k: new products among the top k, over k.

The baseline recommends the most-owned products a customer does not have.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from rashinban._errors import NotEnoughDataError
from rashinban.crosssell._baskets import baskets, customers
from rashinban.crosssell._recommend import METHODS, ranked_by_method

__all__ = ["CrossSellValidation", "hit_rate_at_k", "validate_crosssell"]


def hit_rate_at_k(recs: pd.DataFrame, truth: pd.DataFrame, k: int = 3) -> tuple[float, float, int]:
    """(hit rate@k, precision@k, accounts evaluated) of ``recs`` against ``truth``.

    Both frames hold ``account_id, product_id``; ``recs`` also ``rank``. Only
    accounts with at least one true new product are evaluated.

    Examples
    --------
    >>> import pandas as pd
    >>> recs = pd.DataFrame({"account_id": ["a", "a", "b"], "product_id": ["X", "Y", "X"],
    ...                      "rank": [1, 2, 1]})
    >>> truth = pd.DataFrame({"account_id": ["a", "b"], "product_id": ["Y", "Z"]})
    >>> hit_rate_at_k(recs, truth, 2)
    (0.5, 0.25, 2)
    """
    top = recs[recs["rank"] <= k][["account_id", "product_id"]]
    accounts = truth["account_id"].unique()
    if len(accounts) == 0:
        return float("nan"), float("nan"), 0
    hits = top.merge(truth[["account_id", "product_id"]].drop_duplicates())
    per = hits.groupby("account_id").size().reindex(accounts, fill_value=0)
    return float((per > 0).mean()), float(per.sum() / (k * len(accounts))), len(accounts)


@dataclass
class CrossSellValidation:
    """Hit rate and precision at k of each method on the time split."""

    cut: dt.date
    end: dt.date
    k: int
    n_accounts: int
    scores: pd.DataFrame  # method, hit_rate, precision

    def get(self, method: str, metric: str = "hit_rate") -> float:
        return float(self.scores.set_index("method").loc[method, metric])


def validate_crosssell(
    backend: Any, *, cut: dt.date, end: dt.date, k: int = 3, methods: tuple[str, ...] = METHODS
) -> CrossSellValidation:
    """Recommend as of ``cut``; score against first purchases in (cut, end]."""
    before = baskets(backend, cut).execute()[["account_id", "product_id"]]
    after = baskets(backend, end).execute()[["account_id", "product_id"]]
    cust = customers(backend, cut).execute()[["account_id"]]
    new = after.merge(before, how="left", indicator=True)
    new = new[new["_merge"] == "left_only"].drop(columns="_merge")
    truth = new.merge(cust, on="account_id")
    if truth.empty:
        raise NotEnoughDataError(
            f"{cut} 時点の顧客で {end} までに新しい商品を買った顧客がいません / "
            f"no customer of {cut} bought a new product by {end}",
            fix="区切りの日付を前にするか、より新しい注文・契約を取り込んでください / "
            "choose an earlier cut date or import later orders/subscriptions",
        )
    rows = []
    n = 0
    # every method's offers from one query (they share their evidence); each equals
    # recommend(backend, cut, k=k, method=method) without the reasons (tested)
    ranked = ranked_by_method(backend, cut, k=k, methods=methods)
    for method in methods:
        hit, prec, n = hit_rate_at_k(ranked[ranked["method"] == method], truth, k)
        rows.append({"method": method, "hit_rate": hit, "precision": prec})
    return CrossSellValidation(cut, end, k, n, pd.DataFrame(rows))

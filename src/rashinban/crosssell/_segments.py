"""Segment-aware adoption: what share of customers like this one own each product.

"Customers like this one" are those of the same industry and employee band.
Small segments are shrunk toward the product's overall adoption rate with a
beta-binomial empirical-Bayes prior (method of moments; Casella 1985, "An
introduction to empirical Bayes data analysis", section 3): a segment of 3
customers who all bought says little, one of 300 says a lot.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["beta_prior_strength", "segment_adoption"]


def beta_prior_strength(k: np.ndarray, n: np.ndarray) -> float:
    """Prior strength m (pseudo-customers) of a beta prior fitted to rates k/n by moments.

    The between-segment variance of the rates is their weighted variance less
    the binomial noise expected at the segments' sizes; m = p(1-p)/var - 1. With
    no variance beyond noise the prior is strong (m capped at 1000); it is at
    least 1.

    Examples
    --------
    >>> import numpy as np
    >>> beta_prior_strength(np.array([10, 10, 10]), np.array([100, 100, 100]))
    1000.0
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    keep = n > 0
    k, n = k[keep], n[keep]
    if k.size < 2:
        return 10.0
    p = k.sum() / n.sum()
    if p <= 0 or p >= 1:
        return 1000.0
    rates = k / n
    var_obs = float(np.average((rates - p) ** 2, weights=n))
    noise = float(p * (1 - p) * np.mean(1.0 / n))
    between = var_obs - noise
    if between <= 0:
        return 1000.0
    return float(np.clip(p * (1 - p) / between - 1.0, 1.0, 1000.0))


def segment_adoption(counts: pd.DataFrame) -> pd.DataFrame:
    """Shrunk adoption rate of each product in each segment.

    Parameters
    ----------
    counts
        ``segment, product_id, n_segment, n_owners``: customers in the segment
        and how many of them own the product (missing pairs count as 0 owners;
        segment sizes must be given for every segment via at least one row).

    Returns
    -------
    pandas.DataFrame
        ``segment, product_id, n_segment, n_owners, rate, rate_shrunk,
        overall_rate, prior_strength``.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"segment": ["s", "t", "u"], "product_id": ["P"] * 3,
    ...                   "n_segment": [3, 300, 1000], "n_owners": [3, 90, 300]})
    >>> out = segment_adoption(c).set_index("segment")
    >>> bool(out.loc["s", "rate_shrunk"] < out.loc["t", "rate_shrunk"] + 0.1)
    True
    """
    cols = [
        "segment",
        "product_id",
        "n_segment",
        "n_owners",
        "rate",
        "rate_shrunk",
        "overall_rate",
        "prior_strength",
    ]
    if counts.empty:
        return pd.DataFrame(columns=cols)
    seg_size = counts.groupby("segment")["n_segment"].max()
    k = counts.groupby(["segment", "product_id"])["n_owners"].sum()
    grid = pd.MultiIndex.from_product(
        [seg_size.index, sorted(counts["product_id"].dropna().unique())],
        names=["segment", "product_id"],
    )
    frame = k.reindex(grid, fill_value=0).reset_index()
    frame["n_segment"] = frame["segment"].map(seg_size).astype(int)
    parts = []
    for _pid, grp in frame.groupby("product_id", sort=True):
        kk, nn = grp["n_owners"].to_numpy(), grp["n_segment"].to_numpy()
        p0 = kk.sum() / max(nn.sum(), 1)
        m = beta_prior_strength(kk, nn)
        g = grp.copy()
        g["rate"] = kk / np.maximum(nn, 1)
        g["overall_rate"] = p0
        g["prior_strength"] = m
        g["rate_shrunk"] = (kk + m * p0) / (nn + m)
        parts.append(g)
    return pd.concat(parts, ignore_index=True)[cols]

"""Product affinity: association rules and item-to-item cosine similarity over baskets.

Association rules (Agrawal, Imielinski & Swami 1993) for single products
``A -> B`` over account baskets, with ``n`` accounts, ``n_A`` owning A,
``n_B`` owning B and ``n_AB`` both:

* support = n_AB / n
* confidence = n_AB / n_A (an estimate of P(B | A), with a Wilson 95 % interval)
* lift = confidence / (n_B / n)

Item-to-item cosine similarity (Sarwar, Karypis, Konstan & Riedl 2001,
"Item-based collaborative filtering", eq. 1, on binary ownership vectors;
Linden, Smith & York 2003): cos(A, B) = n_AB / sqrt(n_A * n_B).

Both are GROUP BY queries on the backend: nothing per pair is done in Python.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import numpy as np

from rashinban._errors import InvalidValueError

__all__ = ["Z95", "association_rules", "item_similarity", "wilson_interval"]

Z95 = 1.959963984540054
#: The largest count of accounts a threshold may ask for: no workspace holds a billion
#: accounts, so a larger value is a typo (and past 2**63 the database cannot compare it).
MAX_COUNT = 10**9


def _check_count(value: object, name: str, meaning_ja: str, meaning_en: str) -> None:
    """Refuse a count below 1, above :data:`MAX_COUNT` or not a whole number.

    A count of 0 or less would keep rules nobody has evidence for, and a fraction or
    a huge number silently returns nothing.
    """
    whole = isinstance(value, int | np.integer) and not isinstance(value, bool)
    if not whole or int(value) < 1:  # type: ignore[call-overload]
        raise InvalidValueError(
            f"{name}={value!r} は1以上の整数ではありません ({meaning_ja}) / "
            f"{name}={value!r} is not a whole number >= 1 ({meaning_en})",
            fix=f"{name}=3 のように1以上の整数を指定してください / pass a whole number >= 1, "
            f"e.g. {name}=3",
        )
    if int(value) > MAX_COUNT:  # type: ignore[call-overload]
        raise InvalidValueError(
            f"{name}={value!r} は大きすぎます ({meaning_ja}、上限 {MAX_COUNT:,}) / "
            f"{name}={value!r} is too large ({meaning_en}; at most {MAX_COUNT:,})",
            fix=f"{name}=5 のように社数として現実的な整数を指定してください / pass a count "
            f"of accounts that can exist, e.g. {name}=5",
        )


def wilson_interval(
    k: ir.NumericValue, n: ir.NumericValue, z: float = Z95
) -> tuple[ir.FloatingValue, ir.FloatingValue]:
    """Wilson (1927) score interval of a proportion k/n, as two expressions."""
    kf, nf = k.cast("float64"), n.cast("float64")
    p = kf / nf
    denom = 1.0 + z * z / nf
    centre = (p + z * z / (2.0 * nf)) / denom
    half = z * ((p * (1.0 - p) / nf + z * z / (4.0 * nf * nf)).sqrt()) / denom
    return centre - half, centre + half


def _pairs(baskets: ir.Table) -> tuple[ir.Table, ir.Table, ir.Scalar]:
    b = baskets.select("account_id", "product_id").distinct()
    n = b.account_id.nunique()
    items = b.group_by("product_id").aggregate(n_item=b.count())
    left = b.rename(antecedent="product_id")
    right = b.rename(consequent="product_id")
    pair = left.join(right, "account_id").filter(ibis._.antecedent != ibis._.consequent)
    counts = pair.group_by(["antecedent", "consequent"]).aggregate(n_both=pair.count())
    return counts, items, n


def association_rules(baskets: ir.Table, *, min_count: int = 5) -> ir.Table:
    """Rules ``antecedent -> consequent`` with support, confidence (and interval) and lift.

    Parameters
    ----------
    baskets
        ``(account_id, product_id)`` rows (duplicates are ignored).
    min_count
        Rules seen in fewer accounts are dropped (too few to say anything). A whole
        number from 1 to :data:`MAX_COUNT`; anything else raises
        :class:`~rashinban.InvalidValueError`.

    Returns
    -------
    ibis.Table
        ``antecedent, consequent, n_antecedent, n_consequent, n_both, n_accounts,
        support, confidence, confidence_low, confidence_high, lift``, highest
        lift first.

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> b = ibis.memtable(pd.DataFrame({
    ...     "account_id": ["a", "a", "b", "b", "c", "d"],
    ...     "product_id": ["X", "Y", "X", "Y", "X", "Z"]}))
    >>> r = association_rules(b, min_count=1).execute()
    >>> row = r[(r.antecedent == "X") & (r.consequent == "Y")].iloc[0]
    >>> round(float(row.confidence), 3), round(float(row.lift), 3)
    (0.667, 1.333)
    """
    _check_count(min_count, "min_count", "ルールに必要な最少の社数", "fewest accounts per rule")
    counts, items, n = _pairs(baskets)
    a = items.rename(antecedent="product_id", n_antecedent="n_item")
    c = items.rename(consequent="product_id", n_consequent="n_item")
    j = counts.join(a, "antecedent").join(c, "consequent")
    j = j.filter(j.n_both >= min_count).mutate(n_accounts=n)
    conf = j.n_both.cast("float64") / j.n_antecedent
    low, high = wilson_interval(j.n_both, j.n_antecedent)
    out = j.mutate(
        support=j.n_both.cast("float64") / j.n_accounts,
        confidence=conf,
        confidence_low=low,
        confidence_high=high,
        lift=conf / (j.n_consequent.cast("float64") / j.n_accounts),
    )
    return out.order_by([ibis.desc("lift"), ibis.desc("n_both"), "antecedent", "consequent"])


def item_similarity(baskets: ir.Table) -> ir.Table:
    """Cosine similarity of every product pair seen together: ``product_a, product_b, cosine``."""
    counts, items, _ = _pairs(baskets)
    a = items.rename(antecedent="product_id", n_a="n_item")
    c = items.rename(consequent="product_id", n_b="n_item")
    j = counts.join(a, "antecedent").join(c, "consequent")
    return j.select(
        product_a=j.antecedent,
        product_b=j.consequent,
        n_both=j.n_both,
        cosine=j.n_both.cast("float64") / (j.n_a.cast("float64") * j.n_b).sqrt(),
    )

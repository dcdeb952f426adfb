"""Cross-sell recommendations: for each customer, the products worth offering next, and why.

Every product a customer does not own yet is a candidate, scored by the
strongest of three pieces of evidence, each an estimate of "would own it":

* rule: the lower Wilson bound of the confidence of the best rule ``owned -> candidate``
  (a rule seen 3 times never beats one seen 300 times at the same rate);
* segment: the empirically-Bayes-shrunk adoption rate among customers of the same
  industry and employee band;
* similarity (tie-breaker and part of the output): mean item-to-item cosine of
  the candidate with what the customer owns.

Evidence must rest on enough accounts (``min_count``, :data:`MIN_EVIDENCE` by
default): a rule on that many accounts owning both products, a segment rate on a
segment of that many current customers of whom at least one owns the product. A
product with no such evidence is not offered, so small data gives fewer offers
(or none) rather than confident ones resting on one customer or on 0 % adoption.

The reason names the evidence that set the score, in Japanese and English, with
product names in both.
All scoring is one Ibis query; only the segment rates (one row per segment and
product) pass through pandas for the empirical-Bayes step.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from rashinban._errors import InvalidValueError
from rashinban.crosssell._baskets import _date, baskets, customers, segment_label_en
from rashinban.crosssell._rules import _check_count, association_rules, item_similarity
from rashinban.crosssell._segments import segment_adoption

__all__ = [
    "MIN_EVIDENCE",
    "RECOMMENDATION_COLUMNS",
    "popular_products",
    "recommend",
    "segment_rates",
]

#: Fewest accounts a piece of evidence rests on: accounts owning both products of a rule,
#: current customers in a segment whose adoption rate is quoted.
MIN_EVIDENCE = 5

RECOMMENDATION_COLUMNS = (
    "account_id",
    "product_id",
    "rank",
    "score",
    "source",
    "reason_ja",
    "reason_en",
    "rule_confidence",
    "rule_lift",
    "antecedent",
    "segment",
    "segment_rate",
    "similarity",
)


def segment_rates(cust: ir.Table, owned: ir.Table) -> pd.DataFrame:
    """Shrunk adoption per (segment, product) from customers and their baskets."""
    sizes = cust.group_by("segment").aggregate(n_segment=cust.count())
    j = owned.join(cust.select("account_id", "segment"), "account_id")
    k = j.group_by(["segment", "product_id"]).aggregate(n_owners=j.count())
    counts = k.join(sizes, "segment").execute()
    empty = sizes.execute()
    if counts.empty and not empty.empty:
        return segment_adoption(pd.DataFrame(columns=["segment", "product_id", "n_segment"]))
    # Segments where nobody owns anything still need their size in the grid.
    missing = empty[~empty["segment"].isin(counts["segment"])]
    if len(missing) and len(counts):
        filler = missing.assign(product_id=counts["product_id"].iloc[0], n_owners=0)
        counts = pd.concat([counts, filler], ignore_index=True)
    return segment_adoption(counts)


def popular_products(owned: ir.Table) -> ir.Table:
    """Products by number of owners (the popularity baseline's ranking)."""
    return owned.group_by("product_id").aggregate(n_owners=owned.count())


def _names(backend: Any) -> ir.Table:
    p = backend.table("products")
    return p.select("product_id", product_name=p.name.fill_null(p.product_id))


def recommend(
    backend: Any,
    as_of: dt.date | str,
    *,
    k: int = 3,
    min_count: int = MIN_EVIDENCE,
    method: str = "blend",
) -> pd.DataFrame:
    """The ``k`` best products to offer each customer on ``as_of``, with reasons.

    Parameters
    ----------
    backend
        Ibis backend with the canonical tables.
    as_of
        Baskets, rules and segments use rows on or before this date only.
    k
        Recommendations per customer.
    min_count
        Fewest accounts a rule must rest on (accounts owning both products), and
        fewest current customers a segment must hold for its adoption rate to be
        evidence (at least one of them must own the product). Customers without
        such evidence get fewer than ``k`` offers, or none.
    method
        ``"blend"`` (the strongest of rule and segment evidence), ``"rules"``,
        ``"segment"``, ``"similarity"`` or ``"popularity"`` (the baseline).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RECOMMENDATION_COLUMNS`, best first within each account; only
        current customers (:func:`rashinban.crosssell.customers`).

    Examples
    --------
    >>> from rashinban.crosssell import recommend
    >>> recommend(ws.backend(), "2025-12-29", k=3).head()  # doctest: +SKIP
    """
    expr = recommend_expr(backend, as_of, k=k, min_count=min_count, method=method)
    return expr.execute()[list(RECOMMENDATION_COLUMNS)]


METHODS = ("blend", "rules", "segment", "similarity", "popularity")


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise InvalidValueError(
            f"method={method!r} はありません / unknown method {method!r}",
            fix=f"次のいずれかを指定してください / pass one of {', '.join(METHODS)}",
        )


def _evidence(
    backend: Any, day: dt.date, min_count: int
) -> tuple[ir.Table, dict[str, tuple[ir.FloatingValue, ir.BooleanValue]]]:
    """Every (current customer, product not owned) pair with its evidence, and each
    method's ``(score, whether the reason is the rule)`` on it (``similarity`` is a
    column: it breaks ties in every method)."""
    _check_count(min_count, "min_count", "根拠に必要な最少の社数", "fewest accounts as evidence")
    owned = baskets(backend, day).select("account_id", "product_id")
    cust = customers(backend, day)
    names = _names(backend)
    products = owned.select("product_id").distinct()
    cand = cust.select("account_id", "segment", "industry", "band").cross_join(products)
    cand = cand.anti_join(owned, ["account_id", "product_id"])

    rules = association_rules(owned, min_count=min_count).select(
        "antecedent", "consequent", "confidence", "confidence_low", "lift"
    )
    r = owned.rename(antecedent="product_id").join(rules, "antecedent")
    best_rule = (
        r.group_by(["account_id", "consequent"])
        .aggregate(
            rule_score=r.confidence_low.max(),
            rule_confidence=r.confidence.argmax(r.confidence_low),
            rule_lift=r.lift.argmax(r.confidence_low),
            antecedent=r.antecedent.argmax(r.confidence_low),
        )
        .rename(product_id="consequent")
    )

    sim = item_similarity(owned)
    n_owned = owned.group_by("account_id").aggregate(n_owned=owned.count())
    s = owned.rename(product_a="product_id").join(sim, "product_a")
    sims = s.group_by(["account_id", "product_b"]).aggregate(sim_sum=s.cosine.sum())
    sims = sims.rename(product_id="product_b")

    # An explicit schema: with no customers yet the frame is empty and its columns
    # would otherwise come out untyped (null), which no arithmetic accepts.
    rates = ibis.memtable(
        segment_rates(cust, owned)[
            ["segment", "product_id", "rate", "rate_shrunk", "n_segment", "n_owners"]
        ].rename(columns={"n_owners": "n_segment_owners"}),
        schema={
            "segment": "string",
            "product_id": "string",
            "rate": "float64",
            "rate_shrunk": "float64",
            "n_segment": "int64",
            "n_segment_owners": "int64",
        },
    )
    pop = popular_products(owned)

    j = (
        cand.left_join(best_rule, ["account_id", "product_id"])
        .drop("account_id_right", "product_id_right")
        .left_join(sims, ["account_id", "product_id"])
        .drop("account_id_right", "product_id_right")
        .left_join(n_owned, "account_id")
        .drop("account_id_right")
        .left_join(rates, ["segment", "product_id"])
        .drop("segment_right", "product_id_right")
        .left_join(pop, "product_id")
        .drop("product_id_right")
        .left_join(names, "product_id")
        .drop("product_id_right")
        .left_join(
            names.rename(antecedent="product_id", antecedent_name="product_name"), "antecedent"
        )
        .drop("antecedent_right")
    )
    similarity = (j.sim_sum.fill_null(0.0) / j.n_owned.fill_null(1).cast("float64")).fill_null(0.0)
    # A product missing from the products table (orders imported without it) is named by
    # its id in the reasons, which would otherwise be null as a whole.
    j = j.mutate(
        similarity=similarity,
        product_name=j.product_name.fill_null(j.product_id),
        antecedent_name=j.antecedent_name.fill_null(j.antecedent),
    )
    rule_score = j.rule_score.fill_null(0.0)
    # A segment rate is evidence only from enough customers, at least one owning the product.
    enough = (j.n_segment.fill_null(0) >= min_count) & (j.n_segment_owners.fill_null(0) >= 1)
    seg_score = ibis.ifelse(enough, j.rate_shrunk.fill_null(0.0), 0.0)
    no, yes = ibis.literal(False), ibis.literal(True)
    scores = {
        "blend": (ibis.greatest(rule_score, seg_score), rule_score >= seg_score),
        "rules": (rule_score, yes),
        "segment": (seg_score, no),
        "similarity": (j.similarity, no),
        "popularity": (j.n_owners.fill_null(0).cast("float64"), no),
    }
    return j, scores


def ranked_by_method(
    backend: Any,
    as_of: dt.date | str,
    *,
    k: int = 3,
    min_count: int = MIN_EVIDENCE,
    methods: tuple[str, ...] = METHODS,
) -> pd.DataFrame:
    """Each method's top ``k`` products per customer, by one query: ``method,
    account_id, product_id, rank`` (the offers of :func:`recommend` without reasons).

    The methods share their evidence (baskets, rules, similarities, segment rates), so
    the time split compares them from one query instead of one query per method.
    """
    for method in methods:
        _check_method(method)
    _check_count(k, "k", "顧客1社あたりの提案数", "recommendations per customer")
    j, scores = _evidence(backend, _date(as_of), min_count)
    parts = [
        j.select(
            "account_id", "product_id", "similarity", method=ibis.literal(m), score=scores[m][0]
        )
        for m in methods
    ]
    long = ibis.union(*parts) if len(parts) > 1 else parts[0]
    long = long.filter(long.score > 0)
    w = ibis.window(
        group_by=["method", "account_id"],
        order_by=[ibis.desc("score"), ibis.desc("similarity"), "product_id"],
    )
    ranked = long.mutate(rank=ibis.row_number().over(w) + 1)
    top = ranked.filter(ranked["rank"] <= k).select("method", "account_id", "product_id", "rank")
    return top.execute()


def recommend_expr(
    backend: Any,
    as_of: dt.date | str,
    *,
    k: int = 3,
    min_count: int = MIN_EVIDENCE,
    method: str = "blend",
) -> ir.Table:
    """:func:`recommend` as an Ibis expression (for large data: write it, don't pull it)."""
    _check_method(method)
    _check_count(k, "k", "顧客1社あたりの提案数", "recommendations per customer")
    j, scores = _evidence(backend, _date(as_of), min_count)
    score, use_rule = scores[method]
    j = j.mutate(score=score, _use_rule=use_rule & j.antecedent.notnull())
    j = j.filter(j.score > 0)  # no evidence, no offer
    w = ibis.window(
        group_by="account_id",
        order_by=[ibis.desc("score"), ibis.desc("similarity"), "product_id"],
    )
    ranked = j.mutate(rank=ibis.row_number().over(w) + 1)
    top = ranked.filter(ranked["rank"] <= k)
    pct_rule = (top.rule_confidence * 100).round(0).cast("int64").cast("string")
    pct_seg = (top.rate * 100).round(0).cast("int64").cast("string")
    lift = top.rule_lift.round(1).cast("string")
    source = ibis.ifelse(top._use_rule, "rule", "segment")
    reason_ja = ibis.ifelse(
        top._use_rule,
        top.antecedent_name.concat(
            "を使う顧客の", pct_rule, "%が", top.product_name, "も併用（リフト", lift, "）"
        ),
        top.segment.concat(
            "の顧客の",
            pct_seg,
            "%（",
            top.n_segment.cast("string"),
            "社中",
            top.n_segment_owners.cast("string"),
            "社）が",
            top.product_name,
            "を併用",
        ),
    )
    reason_en = ibis.ifelse(
        top._use_rule,
        ibis.literal("").concat(
            pct_rule,
            "% of customers with ",
            top.antecedent_name,
            " also use ",
            top.product_name,
            " (lift ",
            lift,
            ")",
        ),
        ibis.literal("").concat(
            pct_seg,
            "% of customers in ",
            segment_label_en(top.industry, top.band),
            " (",
            top.n_segment_owners.cast("string"),
            " of ",
            top.n_segment.cast("string"),
            ") use ",
            top.product_name,
        ),
    )
    return top.select(
        "account_id",
        "product_id",
        "rank",
        "score",
        source=source,
        reason_ja=reason_ja,
        reason_en=reason_en,
        rule_confidence=top.rule_confidence,
        rule_lift=top.rule_lift,
        antecedent=top.antecedent,
        segment=top.segment,
        segment_rate=top.rate,
        similarity=top.similarity,
    ).order_by(["account_id", "rank"])

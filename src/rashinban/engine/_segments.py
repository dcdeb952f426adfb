"""Named RFM segments: score rules declared as data, and a per-segment summary.

The default rules place every cell of the 5 × 5 recency × frequency grid in one
of nine named segments, in the spirit of the usual RFM segment maps (R and F
decide, M refines nothing by default). Rules are tried in order and the first
that matches names the customer, so a rule list reads like a decision table.

======================  =========================  =====  =====
segment                 label (ja / en)            R      F
======================  =========================  =====  =====
``champions``           優良顧客 / Champions        4–5    4–5
``loyal``               優良予備軍 / Loyal          3–5    3–5
``new``                 新規 / New                  5      1
``promising``           有望 / Promising            4–5    1–2
``need_attention``      要注意 / Need attention     3      1–2
``cant_lose``           失いたくない / Can't lose   1      4–5
``at_risk``             離反予備軍 / At risk        1–2    3–5
``hibernating``         休眠 / Hibernating          2      1–2
``lost``                離反 / Lost                 1      1–2
======================  =========================  =====  =====
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from rashinban._errors import InvalidValueError

__all__ = [
    "DEFAULT_SEGMENTS",
    "OTHER_SEGMENT",
    "SegmentRule",
    "rfm_segments",
    "segment_summary",
]


@dataclass(frozen=True)
class SegmentRule:
    """One named RFM segment: inclusive score ranges for R, F and M.

    Parameters
    ----------
    key
        Stable identifier (ASCII), stored in results.
    ja, en
        Labels shown to people.
    r, f, m
        ``(low, high)`` inclusive score ranges; ``(1, 5)`` means "any".
    description_ja, description_en
        What the segment means and what to do about it.
    """

    key: str
    ja: str
    en: str
    r: tuple[int, int] = (1, 5)
    f: tuple[int, int] = (1, 5)
    m: tuple[int, int] = (1, 5)
    description_ja: str = ""
    description_en: str = ""

    def matches(self, r: int, f: int, m: int) -> bool:
        """Whether scores ``(r, f, m)`` fall in this rule (plain Python, for checks)."""
        return (
            self.r[0] <= r <= self.r[1]
            and self.f[0] <= f <= self.f[1]
            and self.m[0] <= m <= self.m[1]
        )

    def condition(self, table: ir.Table) -> ir.BooleanValue:
        """The rule as an Ibis condition on columns ``R``, ``F``, ``M``."""
        return (
            table["R"].between(*self.r) & table["F"].between(*self.f) & table["M"].between(*self.m)
        )


DEFAULT_SEGMENTS: tuple[SegmentRule, ...] = (
    SegmentRule(
        "champions",
        "優良顧客",
        "Champions",
        r=(4, 5),
        f=(4, 5),
        description_ja="最近も頻繁に購入している最良の顧客。紹介・事例化を依頼する",
        description_en="Bought recently and often: ask for referrals and case studies",
    ),
    SegmentRule(
        "loyal",
        "優良予備軍",
        "Loyal",
        r=(3, 5),
        f=(3, 5),
        description_ja="定期的に購入している。上位商品・クロスセルを提案する",
        description_en="Buy regularly: offer upgrades and cross-sell",
    ),
    SegmentRule(
        "new",
        "新規",
        "New",
        r=(5, 5),
        f=(1, 1),
        description_ja="初回購入直後。オンボーディングで2回目の購入につなげる",
        description_en="Just made a first purchase: onboard them towards a second one",
    ),
    SegmentRule(
        "promising",
        "有望",
        "Promising",
        r=(4, 5),
        f=(1, 2),
        description_ja="最近購入したが回数は少ない。関係を深める",
        description_en="Recent but few purchases: build the relationship",
    ),
    SegmentRule(
        "need_attention",
        "要注意",
        "Need attention",
        r=(3, 3),
        f=(1, 2),
        description_ja="購入が途絶えかけている。接点を増やす",
        description_en="Purchases are fading: increase contact",
    ),
    SegmentRule(
        "cant_lose",
        "失いたくない",
        "Can't lose them",
        r=(1, 1),
        f=(4, 5),
        description_ja="以前は頻繁に購入していたが長く途絶えている。個別に連絡する",
        description_en="Used to buy often but not for long: reach out personally",
    ),
    SegmentRule(
        "at_risk",
        "離反予備軍",
        "At risk",
        r=(1, 2),
        f=(3, 5),
        description_ja="複数回購入したが最近は購入がない。離反前に働きかける",
        description_en="Bought several times but not lately: act before they leave",
    ),
    SegmentRule(
        "hibernating",
        "休眠",
        "Hibernating",
        r=(2, 2),
        f=(1, 2),
        description_ja="購入が少なく間が空いている。再活性化の施策対象",
        description_en="Few purchases, long ago: candidates for reactivation",
    ),
    SegmentRule(
        "lost",
        "離反",
        "Lost",
        r=(1, 1),
        f=(1, 2),
        description_ja="長く購入がなく回数も少ない。優先度は低い",
        description_en="Few purchases, longest ago: lowest priority",
    ),
)

OTHER_SEGMENT = SegmentRule("other", "その他", "Other")
"""Label of customers no rule matches (only with custom rules or other bin counts)."""


def _require(table: ir.Table, columns: Sequence[str], producer: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InvalidValueError(
            f"テーブルに列 {', '.join(missing)} がありません / "
            f"the table lacks column(s) {', '.join(missing)}",
            column=missing[0],
            fix=f"{producer} の結果を渡してください / pass the output of {producer}",
        )


def _check_rules(segments: Sequence[SegmentRule]) -> None:
    if not segments:
        raise InvalidValueError(
            "セグメントのルールがありません / no segment rules given",
            fix="DEFAULT_SEGMENTS か SegmentRule のリストを渡してください / "
            "pass DEFAULT_SEGMENTS or a list of SegmentRule",
        )
    keys = [s.key for s in segments]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise InvalidValueError(
            f"セグメントのキー {', '.join(dupes)} が重複しています / "
            f"segment key(s) {', '.join(dupes)} appear more than once",
            value=dupes[0],
            fix="SegmentRule ごとに別のキーを付けてください / give every SegmentRule its own key",
        )
    for s in segments:
        for name, (lo, hi) in (("r", s.r), ("f", s.f), ("m", s.m)):
            if lo > hi:
                raise InvalidValueError(
                    f"セグメント {s.key!r}: {name}=({lo}, {hi}) は空の範囲です / "
                    f"segment {s.key!r}: {name}=({lo}, {hi}) is an empty range",
                    value=(lo, hi),
                    fix="範囲は low <= high となる (low, high) で書いてください / "
                    "write ranges as (low, high) with low <= high",
                )


def rfm_segments(scores: ir.Table, segments: Sequence[SegmentRule] = DEFAULT_SEGMENTS) -> ir.Table:
    """Name each customer's RFM segment from their scores.

    Parameters
    ----------
    scores
        Output of :func:`rfm_scores` (columns ``R``, ``F``, ``M``).
    segments
        Rules tried in order; the first match names the customer, and customers
        that match none are ``other`` (その他 / Other).

    Returns
    -------
    ibis.Table
        ``scores`` plus ``segment`` (the rule key), ``segment_ja`` and ``segment_en``.

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> s = ibis.memtable(pd.DataFrame({"R": [5, 1, 3], "F": [5, 1, 4], "M": [3, 2, 1]}))
    >>> rfm_segments(s).to_pandas()["segment_en"].tolist()
    ['Champions', 'Lost', 'Loyal']
    """
    _require(scores, ("R", "F", "M"), "rfm_scores(...)")
    _check_rules(segments)
    segments = tuple(segments)
    cond = [s.condition(scores) for s in segments]

    def pick(attr: str) -> ir.Value:
        pairs = [(c, getattr(s, attr)) for c, s in zip(cond, segments, strict=True)]
        return ibis.cases(*pairs, else_=getattr(OTHER_SEGMENT, attr))

    return scores.mutate(segment=pick("key"), segment_ja=pick("ja"), segment_en=pick("en"))


def segment_summary(segmented: ir.Table, *, revenue_col: str | None = None) -> ir.Table:
    """Per segment: customers, share, revenue, revenue share and mean scores.

    Parameters
    ----------
    segmented
        Output of :func:`rfm_segments`.
    revenue_col
        The column to add up as revenue. By default ``frequency × monetary_value``:
        with a summary made with ``include_first_transaction=True`` that is each
        customer's spend over the whole window; with the CLV summary it is the
        spend on repeat purchases.

    Returns
    -------
    ibis.Table
        ``segment, segment_ja, segment_en, customers, share, revenue,
        revenue_share, mean_R, mean_F, mean_M``; shares are fractions of 1.
        ``revenue_share`` is 0 when total revenue is 0.

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> s = ibis.memtable(pd.DataFrame({"R": [5, 1, 5], "F": [5, 1, 4], "M": [3, 2, 1],
    ...     "frequency": [6, 1, 5], "monetary_value": [100.0, 50.0, 20.0]}))
    >>> out = segment_summary(rfm_segments(s)).order_by("segment").to_pandas()
    >>> out[["segment", "customers", "share", "revenue"]].to_dict("records")[0]
    {'segment': 'champions', 'customers': 2, 'share': 0.6666666666666666, 'revenue': 700.0}
    """
    needed = ["segment", "segment_ja", "segment_en", "R", "F", "M"]
    needed += [revenue_col] if revenue_col else ["frequency", "monetary_value"]
    _require(segmented, needed, "rfm_segments(...) (with revenue_col naming a column)")
    if revenue_col is None:
        revenue = (segmented["frequency"] * segmented["monetary_value"]).cast("float64")
    else:
        revenue = segmented[revenue_col].cast("float64")
    t = segmented.mutate(_rb_revenue=revenue)
    per = t.group_by(["segment", "segment_ja", "segment_en"]).aggregate(
        customers=t.count(),
        revenue=t["_rb_revenue"].sum(),
        mean_R=t["R"].cast("float64").mean(),
        mean_F=t["F"].cast("float64").mean(),
        mean_M=t["M"].cast("float64").mean(),
    )
    total_n = per["customers"].sum().over()
    total_rev = per["revenue"].sum().over()
    share = (per["customers"].cast("float64") / total_n).name("share")
    rev_share = ibis.ifelse(total_rev == 0, 0.0, per["revenue"] / total_rev).name("revenue_share")
    return per.select(
        "segment",
        "segment_ja",
        "segment_en",
        "customers",
        share,
        "revenue",
        rev_share,
        "mean_R",
        "mean_F",
        "mean_M",
    )

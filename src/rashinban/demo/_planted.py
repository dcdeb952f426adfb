"""The hidden structure planted in the demo data, as data.

Tests of later capabilities ask "did the analysis find it?" against
:data:`PLANTED`. The dataset card (``docs/dataset-card.md``) documents the same
numbers in prose; both are derived from the constants here, which the generators
read too, so the card, the code and the data cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import TypeVar

import pandas as pd


@dataclass(frozen=True)
class SegmentRule:
    """A segment of accounts: industries and an inclusive employee range.

    Examples
    --------
    >>> import pandas as pd
    >>> from rashinban.demo import PLANTED
    >>> accounts = pd.DataFrame({"industry": ["製造業", "建設業"], "employees": [300, 300]})
    >>> PLANTED.ideal.mask(accounts).tolist()
    [True, False]
    """

    name: str
    ja: str
    industries: tuple[str, ...]
    employees_low: int
    employees_high: int

    def mask(self, accounts: pd.DataFrame) -> pd.Series:
        """Boolean Series: which rows of ``accounts`` fall in this segment."""
        emp = accounts["employees"]
        return accounts["industry"].isin(self.industries) & emp.between(
            self.employees_low, self.employees_high
        )

    def describe(self) -> str:
        """The rule in words, e.g. ``製造業/情報通信業 × 従業員100〜999名``."""
        return "/".join(self.industries) + f" × 従業員{self.employees_low}〜{self.employees_high}名"


@dataclass(frozen=True)
class EventPlant:
    """A market event in the ``events`` table and the effect planted with it."""

    event_id: str
    occurred_at: date
    kind: str
    title: str
    scope: str
    effect: str


@dataclass(frozen=True)
class Planted:
    """Everything planted in :func:`rashinban.demo.generate`'s output.

    Rates are the generator's targets; realised values at the default size are
    in the dataset card and pinned (with tolerances) by ``tests/demo``.
    """

    ideal: SegmentRule
    new_segment: SegmentRule
    event_date: date
    event_id: str
    #: Deal win-rate targets of *new* deals by group (mean over the group's deals).
    win_rate: Mapping[str, float]
    #: Additive log-odds effects on a new deal's win probability.
    win_logit: Mapping[str, float]
    good_channels: tuple[str, ...]
    #: Monthly churn hazard of a customer by segment.
    churn_hazard: Mapping[str, float]
    #: Window (days before the churn date) in which the churn signals appear.
    churn_window: tuple[int, int]
    #: Usage in the last weeks before churn relative to the churner's earlier level.
    churn_usage_ratio: float
    #: Probability that a churner shows each signal (at least one is always shown).
    churn_signal_share: Mapping[str, float]
    #: Product pairs bought together: (antecedent, consequent).
    bundles: tuple[tuple[str, str], ...]
    #: Option adoption probabilities (see the dataset card).
    option_rates: Mapping[str, float]
    #: Share of active seats of the plan limit before an upgrade.
    upgrade_seat_share: float
    #: Interview theme keywords by theme group.
    themes: Mapping[str, tuple[str, ...]]
    #: Competitor patterns: main loss reason against each competitor.
    competitor_loss_reason: Mapping[str, str]
    events: tuple[EventPlant, ...]

    def segment_of(self, accounts: pd.DataFrame) -> pd.Series:
        """Planted segment per account: ``ideal``, ``new`` or ``other``."""
        out = pd.Series("other", index=accounts.index, dtype=object)
        out[self.new_segment.mask(accounts)] = "new"
        out[self.ideal.mask(accounts)] = "ideal"
        return out

    def churners(self, tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
        """The planted churners of generated ``tables`` and their churn dates.

        A churner is an account whose subscriptions have all ended; its churn
        date is the last ``ended_at``. The result equals
        ``generate_demo(...).truth["churners"][["account_id", "churned_at"]]``;
        the truth frame also says which signals each churner shows.

        Examples
        --------
        >>> from rashinban.demo import PLANTED, generate
        >>> list(PLANTED.churners(generate(300, seed=1)).columns)
        ['account_id', 'churned_at']
        """
        subs = tables["subscriptions"]
        ended = subs.groupby("account_id")["ended_at"].agg(["count", "size", "max"])
        out = ended[ended["count"] == ended["size"]]["max"].rename("churned_at")
        return out.reset_index().sort_values("account_id", ignore_index=True)

    def theme_group_of(self, accounts: pd.DataFrame) -> pd.Series:
        """Interview theme group per account: ``ideal``, ``retail``, ``ict`` or ``other``."""
        out = pd.Series("other", index=accounts.index, dtype=object)
        out[accounts["industry"] == "情報通信業"] = "ict"
        out[accounts["industry"] == "卸売業・小売業"] = "retail"
        out[self.ideal.mask(accounts)] = "ideal"
        return out


_V = TypeVar("_V")


def _ro(d: dict[str, _V]) -> Mapping[str, _V]:
    return MappingProxyType(d)


EVENT_DATE = date(2024, 10, 1)

PLANTED = Planted(
    ideal=SegmentRule("ideal", "理想顧客層", ("製造業", "情報通信業"), 100, 999),
    new_segment=SegmentRule("new", "新規有望層", ("卸売業・小売業",), 30, 299),
    event_date=EVENT_DATE,
    event_id="E003",
    win_rate=_ro({"ideal": 0.45, "other": 0.15, "new_before": 0.10, "new_after": 0.40}),
    win_logit=_ro(
        {
            "decision_maker": 1.4,
            "good_channel": 1.2,
            "no_competitor": 0.3,
            "アルファクラウド": -0.8,
            "ベータシステムズ": -0.2,
            "ガンマソフト": 3.0,
        }
    ),
    good_channels=("紹介", "ウェビナー"),
    churn_hazard=_ro({"ideal": 0.013, "new": 0.03, "other": 0.03}),
    churn_window=(60, 120),
    churn_usage_ratio=0.4,
    churn_signal_share=_ro({"usage_decline": 0.75, "open_high_ticket": 0.6, "detractor_nps": 0.6}),
    bundles=(("P03", "P05"), ("P02", "P08")),
    option_rates=_ro(
        {
            "P02_ideal": 0.50,
            "P02_other": 0.20,
            "P03": 0.25,
            "P04": 0.15,
            "P05_given_P03": 0.85,
            "P05_without_P03": 0.05,
            "P08_given_P02": 0.60,
            "P08_without_P02": 0.06,
        }
    ),
    upgrade_seat_share=0.9,
    themes=_ro(
        {
            "ideal": ("生産計画", "在庫", "可視化", "Excel", "定着"),
            "retail": ("インボイス", "請求書", "電子化", "工数"),
            "ict": ("API", "開発者", "連携", "ドキュメント"),
            "other": ("コスト", "価格"),
        }
    ),
    competitor_loss_reason=_ro(
        {
            "アルファクラウド": "価格が高い",
            "ベータシステムズ": "機能不足",
            "ガンマソフト": "時期尚早",
        }
    ),
    events=(
        EventPlant(
            "E001",
            date(2023, 6, 1),
            "technology",
            "生成AIの業務利用が急拡大",
            "全業種",
            "none: a null event (no planted effect); a trigger detector should stay quiet",
        ),
        EventPlant(
            "E002",
            date(2024, 4, 1),
            "competitor",
            "アルファクラウドが全プランを20%値下げ",
            "全業種",
            "small: アルファクラウド appears in 40% instead of 30% of competitive new deals",
        ),
        EventPlant(
            "E003",
            EVENT_DATE,
            "regulation",
            "インボイス制度・電子帳簿保存法 対応の義務化",
            "卸売業・小売業（従業員30〜299名）",
            "large: new-segment win rate 10% -> 40%, its lead arrivals triple",
        ),
        EventPlant(
            "E004",
            date(2025, 4, 1),
            "product",
            "ワークフロー（P03）v2 リリース",
            "既存顧客",
            "none: product launch without a planted effect",
        ),
    ),
)

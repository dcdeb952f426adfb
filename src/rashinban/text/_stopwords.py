"""Stop words for mining, written for this project (no third-party list is shipped).

Japanese: formal nouns, counters and the generic words of sales notes that say
nothing about a customer (ヒアリング, 担当者 …). English: function words.
"""

from __future__ import annotations

STOP_WORDS_JA: frozenset[str] = frozenset(
    """
    こと もの ため よう ところ とき 時 方 件 等 際 中 上 下 前 後 内 外 他 場合 感じ 印象
    それ これ あれ どれ ここ そこ 今回 次回 今後 以前 現在 当社 弊社 御社 先方 貴社 自社
    名 人 回 月 日 年 時間 分 毎日 毎月 全体 一部 部分 状態 状況 意向 予定 連絡 確認 資料
    ヒアリング 面談 打ち合わせ 訪問 初回 実施 方々 皆様 よろしく お願い 感 点 的 化 性 背景
    """.split()
) | frozenset(
    # Generic in any B2B sales or support note, whatever the company sells: how a deal
    # is handled (検討, 提案, 相談 …), when (再度, 来月, 次第), who (部長, 課長) and legal
    # forms (株式会社). Not company-specific: they say nothing about what a customer wants.
    """
    検討 複数 相談 現行 重視 既存 数字 効果 イメージ 失注 受注 再度 来月 次第 株式会社
    有限会社 課長 部長 理由 提案 指摘 評価 不足 対応 必要 今月 来週 先週
    """.split()
)

STOP_WORDS_EN: frozenset[str] = frozenset(
    """
    a an the and or but if then else of to in on at by for with from as is are was were be been
    being am it its this that these those there here i we you he she they me us him her them my
    our your their do does did doing have has had having not no nor so too very can could will
    would should may might must shall just than also about into over under again further once
    all any both each few more most other some such only own same what which who whom when where
    why how up down out off s t don now
    """.split()
)

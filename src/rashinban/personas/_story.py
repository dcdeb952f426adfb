"""The "day in the life" story: evidenced statements joined by connecting words only."""

from __future__ import annotations

from rashinban.personas._card import Statement

Piece = tuple[str, str, int | None]


def _first(statements: list[Statement], field: str) -> tuple[int, Statement] | None:
    return next(((i, s) for i, s in enumerate(statements) if s.field == field), None)


def story(name_ja: str, name_en: str, statements: list[Statement]) -> list[Piece]:
    """Assemble the story; every fact is a statement's own text, cited by index.

    Examples
    --------
    >>> from rashinban.personas._card import Evidence, Statement
    >>> ev = Evidence("statistic", "accounts", "industry", "製造業", 3, 4)
    >>> s = [Statement("industry", "業種は製造業（75%）", "Industry: 製造業 (75%)", ev)]
    >>> story("佐藤 誠", "Makoto Sato", s)[2]
    ('業種は製造業（75%）。', 'Industry: 製造業 (75%).', 0)
    """
    out: list[Piece] = [(f"{name_ja}さんの一日。", f"A day in the life of {name_en}.", None)]

    def add(field: str, before_ja: str, before_en: str) -> None:
        found = _first(statements, field)
        if found is None:
            return
        i, s = found
        if before_ja or before_en:
            out.append((before_ja, before_en, None))
        out.append(
            (s.text_ja + "。" if not s.text_ja.endswith("。") else s.text_ja, s.text_en + ".", i)
        )

    add("industry", "勤め先の会社は", "The company:")
    add("size", "", "")
    add("title", "本人は", "The person:")
    add("role", "", "")
    add("pain", "朝、いつもの課題が頭をよぎる。", "In the morning the usual problem comes back.")
    add("goal", "本当はこう進めたい。", "What they would like:")
    add("channel", "情報収集の入口は", "Where they look for help:")
    add("trigger", "比較検討では", "When comparing tools:")
    add("objection", "一方で気になるのは", "What holds them back:")
    add("quote", "ある日の商談メモにはこうある。", "A note from one meeting says:")
    return out

"""The "day in the life" story: evidenced facts joined by connecting words only.

Each fact in the story is a value or a verbatim sentence taken from one statement's
evidence, and is cited by that statement's index; the pieces without an index are
connecting words, which carry no data (no numbers, no values, no quotes).
"""

from __future__ import annotations

from rashinban.personas._card import Statement
from rashinban.personas._roles import role_name

Piece = tuple[str, str, int | None]


def _first(statements: list[Statement], field: str) -> tuple[int, Statement] | None:
    return next(((i, s) for i, s in enumerate(statements) if s.field == field), None)


def _sentence(s: Statement) -> str:
    """The verbatim sentence of a text-backed statement (after ``「term」…: ``)."""
    return s.text_ja.split(": ", 1)[-1]


def story(name_ja: str, name_en: str, statements: list[Statement]) -> list[Piece]:
    """Assemble the story from the statements; facts are cited by statement index.

    Examples
    --------
    >>> from rashinban.personas._card import Evidence, Statement
    >>> ev = Evidence("statistic", "accounts", "industry", "製造業", 3, 4)
    >>> s = [Statement("industry", "業種は製造業（75%）", "Industry: 製造業 (75%)", ev)]
    >>> [ja for ja, _, _ in story("佐藤 誠", "Makoto Sato", s)]
    ['佐藤 誠さんは', '製造業', 'の会社で働いている。']
    >>> story("佐藤 誠", "Makoto Sato", s)[1]
    ('製造業', '製造業', 0)
    """
    out: list[Piece] = []

    def link(ja: str, en: str) -> None:
        out.append((ja, en, None))

    def fact(field: str) -> tuple[int, Statement] | None:
        found = _first(statements, field)
        return found

    link(f"{name_ja}さんは", f"{name_en} works at a")
    ind = fact("industry")
    if ind:
        out.append((str(ind[1].evidence.value), str(ind[1].evidence.value), ind[0]))
    link("の会社で働いている。", "company.")
    size = fact("size")
    if size:
        n = int(size[1].evidence.value)
        link("従業員数は", "Typical size:")
        out.append((f"中央値{n:,}名", f"median {n:,} employees", size[0]))
        link("ほど。", ".")
    title, role = fact("title"), fact("role")
    if title:
        link("肩書きは", "Title:")
        out.append((str(title[1].evidence.value), str(title[1].evidence.value), title[0]))
        link("。", ".")
    if role:
        v = str(role[1].evidence.value)
        link("購買では", "Buying role:")
        out.append((role_name(v), role_name(v, "en"), role[0]))
        link("の立場にある。", ".")
    for field, before_ja, before_en in (
        ("pain", "朝、いつもの課題が頭をよぎる——", "In the morning the usual problem comes back:"),
        ("goal", "本当はこうしたい——", "What they would like:"),
    ):
        found = fact(field)
        if found:
            link(before_ja, before_en)
            out.append((_sentence(found[1]), _sentence(found[1]), found[0]))
    ch = fact("channel")
    if ch:
        link("情報収集の入口は", "They find vendors through")
        out.append((str(ch[1].evidence.value), str(ch[1].evidence.value), ch[0]))
        link("。", ".")
    trig = fact("trigger")
    if trig:
        link("比較検討では、", "When comparing tools:")
        out.append((_sentence(trig[1]), _sentence(trig[1]), trig[0]))
    obj = fact("objection")
    if obj:
        link("一方で気になるのは——", "What holds them back:")
        s = obj[1]
        piece = _sentence(s) if s.evidence.kind == "texts" else str(s.evidence.value)
        out.append((piece, piece, obj[0]))
        if s.evidence.kind != "texts":
            link("という点。", ".")
    # A quote adds a voice only if the story has not said that sentence already (each
    # goal and pain quotes its sentence, and the card lists it again as a quote).
    said = {ja for ja, _, i in out if i is not None}
    quote = next(
        ((i, s) for i, s in enumerate(statements) if s.field == "quote" and s.text_ja not in said),
        None,
    )
    if quote:
        link("ある日の商談メモにはこうある——", "A note from one meeting says:")
        out.append((quote[1].text_ja, quote[1].text_en, quote[0]))
    return out

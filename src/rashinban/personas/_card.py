"""Persona cards: every statement on a card carries the evidence behind it."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from rashinban._labels import code_label
from rashinban.personas._roles import role_name


@dataclass(frozen=True)
class Evidence:
    """What backs a statement: a statistic over a table or the ids of real texts.

    ``kind="statistic"``: among rows of ``table`` that belong to the persona's
    accounts and match ``where``, ``count`` of ``n`` have ``column == value``
    (or, for ``agg="median"``, ``value`` is the median of ``column`` over ``n`` rows).
    ``kind="texts"``: ``ids`` are note/ticket/response ids whose text says it;
    ``count`` of ``n`` texts of the persona's accounts mention ``value``.
    """

    kind: str
    table: str
    column: str
    value: Any
    count: int
    n: int
    where: dict[str, Any] = field(default_factory=dict)
    agg: str = "share"
    ids: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        return self.count / self.n if self.n else 0.0

    def describe(self, lang: str = "ja") -> str:
        """The evidence in words, e.g. ``contacts.role = user（利用者）: 120/400 (30%)``."""
        if self.agg == "median":
            head = (
                f"{self.table}.{self.column} 中央値 {self.value}"
                if lang == "ja"
                else (f"median {self.table}.{self.column} = {self.value}")
            )
            return f"{head} (n={self.n})"
        head = (
            f"{self.table}.{self.column} = {self.value}{self._named(lang)}: "
            f"{self.count}/{self.n} ({self.share:.0%})"
        )
        if self.ids:
            shown = ", ".join(self.ids[:5]) + (" …" if len(self.ids) > 5 else "")
            head += f" [{shown}]"
        return head

    def _named(self, lang: str) -> str:
        """The name of a stored code beside it (``influencer（影響者）``), else nothing.

        The evidence keeps the stored value, so that it can be queried as written; the
        name says what it means.
        """
        name = (
            role_name(self.value, lang)
            if self.column == "role"
            else code_label(self.column, self.value, lang)
        )
        if not isinstance(self.value, str) or name == self.value:
            return ""
        return f"（{name}）" if lang == "ja" else f" ({name})"


@dataclass(frozen=True)
class Statement:
    """One line of a persona card in Japanese and English, with its evidence."""

    field: str
    text_ja: str
    text_en: str
    evidence: Evidence

    def text(self, lang: str = "ja") -> str:
        return self.text_en if lang == "en" else self.text_ja


#: Card fields in display order, with Japanese and English headings.
FIELDS: dict[str, tuple[str, str]] = {
    "title": ("役職", "Job title"),
    "department": ("部署", "Department"),
    "role": ("購買での役割", "Buying role"),
    "age_band": ("年齢層", "Age band"),
    "industry": ("業種", "Industry"),
    "size": ("従業員規模", "Company size"),
    "region": ("地域", "Region"),
    "win_rate": ("新規商談の受注率", "New-business win rate"),
    "goal": ("目標", "Goals"),
    "pain": ("課題", "Pains"),
    "trigger": ("購買のきっかけ・決め手", "Buying triggers"),
    "objection": ("懸念・失注理由", "Objections"),
    "quote": ("顧客の声", "Quotes"),
    "channel": ("よく使う接点", "Preferred channels"),
}


@dataclass
class PersonaCard:
    """A persona grounded in data: name and avatar are made up, everything else is evidenced.

    ``story`` is a list of ``(text_ja, text_en, statement_index | None)``:
    connecting words have no index, every fact points to a statement.
    """

    key: str
    name_ja: str
    name_en: str
    avatar_svg: str
    segment: str
    n_accounts: int
    statements: list[Statement]
    story: list[tuple[str, str, int | None]]
    notes_ja: list[str] = field(default_factory=list)  # each "日本語 / English"

    def notes(self, lang: str = "ja") -> list[str]:
        """The card's notes in one language (they are stored as "日本語 / English")."""
        side = 1 if lang == "en" else 0
        return [n.split(" / ", 1)[side] if " / " in n else n for n in self.notes_ja]

    def by_field(self, name: str) -> list[Statement]:
        return [s for s in self.statements if s.field == name]

    def story_text(self, lang: str = "ja") -> str:
        """The story as plain text; facts are followed by their statement number ``[n]``."""
        parts = []
        for ja, en, ref in self.story:
            parts.append((en if lang == "en" else ja) + (f"[{ref + 1}]" if ref is not None else ""))
        if lang != "en":
            return "".join(parts).strip()
        # English words are spaced, but not before the punctuation that closes a fact.
        return re.sub(r" ([.,:;])", r"\1", " ".join(parts)).strip()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (the ``rashinban personas`` payload)."""
        return {
            "key": self.key,
            "name": self.name_ja,
            "name_en": self.name_en,
            "segment": self.segment,
            "accounts": self.n_accounts,
            "statements": [
                {
                    "id": i + 1,
                    "field": s.field,
                    "text": s.text_ja,
                    "text_en": s.text_en,
                    "evidence": {**asdict(s.evidence), "ids": list(s.evidence.ids)},
                }
                for i, s in enumerate(self.statements)
            ],
            "story": self.story_text("ja"),
            "story_en": self.story_text("en"),
            "story_parts": [list(p) for p in self.story],
            "notes": self.notes_ja,
            "avatar_svg": self.avatar_svg,
        }


def card_from_dict(data: dict[str, Any]) -> PersonaCard:
    """Rebuild a card from :meth:`PersonaCard.to_dict` output (e.g. a stored result).

    Examples
    --------
    >>> ev = Evidence("statistic", "accounts", "industry", "製造業", 3, 4)
    >>> card = PersonaCard("k", "佐藤 誠", "Makoto Sato", "<svg/>", "製造業", 4,
    ...                    [Statement("industry", "製造業", "Manufacturing", ev)], [("a", "a", 0)])
    >>> card_from_dict(card.to_dict()).statements == card.statements
    True
    """
    statements = []
    for s in data["statements"]:
        ev = dict(s["evidence"])
        ev["ids"] = tuple(ev.get("ids") or ())
        statements.append(Statement(s["field"], s["text"], s["text_en"], Evidence(**ev)))
    story = [
        (str(p[0]), str(p[1]), None if p[2] is None else int(p[2])) for p in data["story_parts"]
    ]
    return PersonaCard(
        data["key"],
        data["name"],
        data["name_en"],
        data["avatar_svg"],
        data["segment"],
        int(data["accounts"]),
        statements,
        story,
        list(data.get("notes", [])),
    )

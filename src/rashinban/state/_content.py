"""What a version holds: target definitions and 3C/SWOT canvases, and their ids.

A version's id is the SHA-256 of its canonical JSON (sorted keys, no spaces,
UTF-8) together with :data:`CONTENT_SCHEMA`, so the same content always has the
same id and any change gives a new one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from rashinban._errors import InvalidValueError
from rashinban.segments import parse_rule

__all__ = [
    "CANVAS_FIELDS",
    "CONTENT_SCHEMA",
    "HYPOTHESIS_OPS",
    "Canvas",
    "Evidence",
    "Hypothesis",
    "TargetDefinition",
    "canonical_json",
    "content_id",
    "from_content",
]

CONTENT_SCHEMA = 1
HYPOTHESIS_OPS = (">=", "<=")
#: The fields of each canvas kind (3C: 顧客・競合・自社; SWOT).
CANVAS_FIELDS: dict[str, tuple[str, ...]] = {
    "canvas_3c": ("customer", "competitor", "company"),
    "canvas_swot": ("strengths", "weaknesses", "opportunities", "threats"),
}


def canonical_json(content: Mapping[str, Any]) -> str:
    """Canonical JSON: sorted keys, compact separators, non-ASCII kept."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_id(content: Mapping[str, Any]) -> str:
    """SHA-256 hex id of ``content`` under :data:`CONTENT_SCHEMA`.

    Examples
    --------
    >>> content_id({"a": 1, "b": 2}) == content_id({"b": 2, "a": 1})
    True
    """
    payload = canonical_json({"schema": CONTENT_SCHEMA, "content": content})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Hypothesis:
    """An expected KPI value with a direction, e.g. win rate ≥ 25 %.

    ``kpi`` names a KPI of :data:`rashinban.kpi.KPIS`; ``op`` is ``">="`` or
    ``"<="``; ``value`` is in the KPI's unit (a share for rates, yen for money).
    """

    kpi: str
    op: Literal[">=", "<="]
    value: float
    note: str = ""

    def __post_init__(self) -> None:
        from rashinban.kpi import KPIS

        spec = KPIS.get(self.kpi)
        if spec is None:
            raise InvalidValueError(
                f"仮説のKPI {self.kpi!r} はありません / hypothesis KPI {self.kpi!r} is not known",
                fix=f"次のいずれかを使ってください / use one of: {', '.join(KPIS)}",
            )
        if self.op not in HYPOTHESIS_OPS:
            raise InvalidValueError(
                f"仮説の比較 {self.op!r} は >= でも <= でもありません / "
                f"hypothesis operator {self.op!r} is not >= or <=",
                fix=">= か <= で書いてください / write >= or <=",
            )
        if spec.formula == "rate" and not 0 <= self.value <= 1:
            raise InvalidValueError(
                f"{spec.ja}は0〜1の割合です。{self.value:g} は範囲外です / "
                f"{self.kpi} is a share from 0 to 1; {self.value:g} is outside it",
                value=self.value,
                fix=f"{spec.ja} {self.op} 25% のように書いてください / "
                f"write e.g. {self.kpi} {self.op} 0.25 or {spec.ja} {self.op} 25%",
            )
        if self.value < 0:
            raise InvalidValueError(
                f"{spec.ja}に負の値 ({self.value:g}) は使えません / "
                f"{self.kpi} cannot be negative ({self.value:g})",
                value=self.value,
                fix="0以上の値を書いてください / write a value of 0 or more",
            )

    def text(self) -> str:
        return f"{self.kpi} {self.op} {self.value:g}"

    @classmethod
    def parse(cls, text: str) -> Hypothesis:
        """Read ``"win_rate >= 0.25"`` (or ``受注率>=25%``, ``cac <= 300000``).

        Examples
        --------
        >>> Hypothesis.parse("受注率 >= 25%")
        Hypothesis(kpi='win_rate', op='>=', value=0.25, note='')
        """
        import re
        import unicodedata

        from rashinban.kpi import KPIS

        norm = unicodedata.normalize("NFKC", text).strip()
        m = re.fullmatch(r"(.+?)\s*(>=|<=)\s*([-+]?[\d.,]+)\s*(%?)", norm)
        if m is None:
            raise InvalidValueError(
                f"仮説 {text!r} を読み取れません / hypothesis {text!r} cannot be read",
                fix="「受注率 >= 25%」のように KPI >= 値 か KPI <= 値 で書いてください / "
                "write KPI >= VALUE or KPI <= VALUE, e.g. win_rate >= 0.25",
            )
        name, op, num, pct = m.groups()
        key = name.strip()
        by_label = {k.ja: k.name for k in KPIS.values()} | {k.en: k.name for k in KPIS.values()}
        kpi = key if key in KPIS else by_label.get(key, key)
        value = float(num.replace(",", "")) / (100 if pct else 1)
        return cls(kpi, op, value)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Evidence:
    """A link from a rationale to what supports it: an analysis run, a canvas or a note."""

    kind: str
    ref: str
    text: str = ""


@dataclass(frozen=True)
class TargetDefinition:
    """The content of one target version.

    Parameters
    ----------
    include
        Segment rule of who the target is (see :mod:`rashinban.segments`).
    exclude
        Rules of who we do not sell to (誰には売らないか), even inside ``include``.
    positioning
        The positioning statement.
    personas
        Names of the linked personas.
    hypotheses
        Expected KPI values, judged by reviews.
    cadence_days
        Days between scheduled reviews.
    owners
        ``{"marketing": [...], "sales": [...]}`` user ids.
    rationale
        Evidence behind the definition.

    Examples
    --------
    >>> h = Hypothesis("win_rate", ">=", 0.25)
    >>> t = TargetDefinition(include="業種 = 製造業", hypotheses=(h,))
    >>> t.to_content()["include"]
    'industry in [製造業]'
    """

    include: str
    exclude: tuple[str, ...] = ()
    positioning: str = ""
    personas: tuple[str, ...] = ()
    hypotheses: tuple[Hypothesis, ...] = ()
    cadence_days: int = 90
    owners: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    rationale: tuple[Evidence, ...] = ()

    def to_content(self) -> dict[str, Any]:
        """Validated, canonical content (rules in canonical text)."""
        if self.cadence_days <= 0:
            raise InvalidValueError(
                f"見直し間隔 {self.cadence_days} 日は正の数ではありません / "
                f"review cadence {self.cadence_days} days is not positive",
                fix="見直しの間隔を日数で指定してください (例: 90) / "
                "give the number of days between reviews, e.g. 90",
            )
        # Each hypothesis checked its KPI, direction and value when it was made.
        hyps = [
            {"kpi": h.kpi, "op": h.op, "value": float(h.value), "note": h.note}
            for h in self.hypotheses
        ]
        seen = [(h["kpi"], h["op"]) for h in hyps]
        twice = sorted({k for k in seen if seen.count(k) > 1})
        if twice:
            kpi, op = twice[0]
            raise InvalidValueError(
                f"{kpi} {op} の仮説が2つあります / two hypotheses say {kpi} {op} …",
                fix="KPIと向きごとに値は1つにしてください / keep one value per KPI and direction",
            )
        # Exclusions are a set, kept sorted so that the same target has the same id;
        # hypotheses, personas and the rationale keep the order written (the first is
        # the main one), each item once, and a new order is a new version.
        return {
            "kind": "target",
            "include": parse_rule(self.include).to_text(),
            "exclude": sorted({parse_rule(x).to_text() for x in self.exclude}),
            "positioning": self.positioning,
            "personas": list(dict.fromkeys(self.personas)),
            "hypotheses": hyps,
            "cadence_days": int(self.cadence_days),
            "owners": {k: sorted(v) for k, v in sorted(self.owners.items())},
            "rationale": [asdict(e) for e in dict.fromkeys(self.rationale)],
        }

    @classmethod
    def from_content(cls, content: Mapping[str, Any]) -> TargetDefinition:
        return cls(
            include=content["include"],
            exclude=tuple(content.get("exclude", ())),
            positioning=content.get("positioning", ""),
            personas=tuple(content.get("personas", ())),
            hypotheses=tuple(
                Hypothesis(h["kpi"], h["op"], float(h["value"]), h.get("note", ""))
                for h in content.get("hypotheses", ())
            ),
            cadence_days=int(content.get("cadence_days", 90)),
            owners={k: tuple(v) for k, v in content.get("owners", {}).items()},
            rationale=tuple(Evidence(**e) for e in content.get("rationale", ())),
        )

    def rule(self) -> Any:
        """The whole selection as one rule: ``include and not exclude₁ and not …``."""
        from rashinban.segments import And, Not, Rule

        inc = parse_rule(self.include)
        nots = [Not(parse_rule(x).root) for x in self.exclude]
        if not nots:
            return inc
        head = inc.root.items if isinstance(inc.root, And) else (inc.root,)
        return Rule(And((*head, *nots)))


@dataclass(frozen=True)
class Canvas:
    """A 3C (``canvas_3c``) or SWOT (``canvas_swot``) canvas: lists of statements per field."""

    kind: Literal["canvas_3c", "canvas_swot"]
    fields: Mapping[str, tuple[str, ...]]

    def to_content(self) -> dict[str, Any]:
        allowed = CANVAS_FIELDS.get(self.kind)
        if allowed is None:
            raise InvalidValueError(
                f"キャンバスの種類 {self.kind!r} はありません / "
                f"canvas kind {self.kind!r} is not known",
                fix="canvas_3c か canvas_swot を指定してください / use canvas_3c or canvas_swot",
            )
        unknown = set(self.fields) - set(allowed)
        if unknown:
            raise InvalidValueError(
                f"項目 {sorted(unknown)} は {self.kind} にありません / "
                f"canvas fields {sorted(unknown)} are not part of {self.kind}",
                fix=f"次の項目を使ってください / use: {', '.join(allowed)}",
            )
        return {"kind": self.kind} | {f: list(self.fields.get(f, ())) for f in allowed}


def from_content(content: Mapping[str, Any]) -> TargetDefinition | Canvas:
    """Rebuild the typed object of a stored version's content."""
    if content.get("kind") == "target":
        return TargetDefinition.from_content(content)
    kind = content["kind"]
    return Canvas(kind, {f: tuple(content.get(f, ())) for f in CANVAS_FIELDS[kind]})

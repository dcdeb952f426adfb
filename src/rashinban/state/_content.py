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
        """Read a hypothesis as people write it, and as ``target show`` prints it.

        The KPI by code, Japanese or English name (with or without its bracketed
        abbreviation: 商談化率, CAC, 顧客獲得単価); ``>=``/``<=``, ``≥``/``≤``, ``≧``/``≦``
        or a trailing 以上/以下; the value with ``%`` for shares and ``¥``, 円 or 万円
        for money, digits full-width or half-width.

        Examples
        --------
        >>> Hypothesis.parse("受注率 >= 25%")
        Hypothesis(kpi='win_rate', op='>=', value=0.25, note='')
        >>> Hypothesis.parse("CAC ≤ ¥300,000").value, Hypothesis.parse("商談化率 40%以上").op
        (300000.0, '>=')
        >>> Hypothesis.parse("顧客獲得単価 <= 30万円").value
        300000.0
        """
        import re
        import unicodedata

        norm = unicodedata.normalize("NFKC", text).strip()
        for sign, op in _OP_SIGNS:
            norm = norm.replace(sign, op)
        m = re.fullmatch(
            r"(.+?)\s*(>=|<=)\s*(¥|\\)?\s*([-+]?[\d.,]+)\s*(%|万円|円)?", norm
        ) or re.fullmatch(
            r"(.+?)\s*(?:[:：]|が|は)?\s*(¥|\\)?\s*([-+]?[\d.,]+)\s*(%|万円|円)?\s*(以上|以下)",
            norm,
        )
        if m is None:
            raise InvalidValueError(
                f"仮説 {text!r} を読み取れません / hypothesis {text!r} cannot be read",
                fix="「受注率 >= 25%」「CAC ≤ ¥300,000」のように KPI >= 値 か KPI <= 値 で"
                "書いてください / write KPI >= VALUE or KPI <= VALUE, e.g. win_rate >= 0.25",
            )
        if m.re.pattern.endswith("(以上|以下)"):
            name, yen, num, unit, word = m.groups()
            op = ">=" if word == "以上" else "<="
        else:
            name, op, yen, num, unit = m.groups()
        try:
            value = float(num.replace(",", ""))
        except ValueError:
            raise InvalidValueError(
                f"仮説 {text!r} の値 {num!r} は数ではありません / "
                f"the value {num!r} of hypothesis {text!r} is not a number",
                fix="「受注率 >= 25%」のように書いてください / write e.g. win_rate >= 0.25",
            ) from None
        value *= {"%": 0.01, "万円": 10_000.0}.get(unit or "", 1.0)
        kpi = _kpi_named(name.strip())
        _check_unit(text, kpi, "%" if unit == "%" else "yen" if unit or yen else None)
        return cls(kpi, op, value)  # type: ignore[arg-type]


#: Comparison signs people type, as the two the parser reads (after NFKC).
_OP_SIGNS = (("≥", ">="), ("≧", ">="), ("⩾", ">="), ("≤", "<="), ("≦", "<="), ("⩽", "<="))


def _check_unit(text: str, kpi: str, mark: str | None) -> None:
    """Refuse a % on a KPI that is not a share, or yen on one that is not money."""
    from rashinban.kpi import KPIS

    spec = KPIS.get(kpi)
    if spec is None or mark is None:
        return
    if spec.unit != {"%": "share", "yen": "yen"}[mark]:
        unit_ja = {"share": "割合 (%)", "yen": "金額 (円)"}.get(spec.unit, "数")
        raise InvalidValueError(
            f"仮説 {text!r}: {spec.ja}は{unit_ja}で書くKPIです / "
            f"{spec.en} is not measured in {'percent' if mark == '%' else 'yen'}",
            fix=f"単位を外すか合わせてください (例: {_example(kpi)}) / "
            f"drop or fix the unit (e.g. {_example(kpi)})",
        )


def _example(kpi: str) -> str:
    from rashinban._labels import hypothesis_text
    from rashinban.kpi import KPIS

    unit = KPIS[kpi].unit
    return hypothesis_text(kpi, ">=", {"share": 0.25, "yen": 300_000.0}.get(unit, 3.0))


def _kpi_named(name: str) -> str:
    """The KPI code for a code or a name, ja or en, with or without its bracketed part.

    >>> _kpi_named("商談化率"), _kpi_named("cac"), _kpi_named("売上継続率 (NRR)")
    ('mql_to_sql_rate', 'cac', 'nrr')
    >>> _kpi_named("年間解約率"), _kpi_named("annual churn rate")
    ('churn_rate', 'churn_rate')
    """
    import re

    from rashinban._labels import HYPOTHESIS_LABELS
    from rashinban.kpi import KPIS

    if name in KPIS:
        return name
    names: dict[str, str] = {}
    for spec in KPIS.values():
        shown = HYPOTHESIS_LABELS.get(spec.name, ())  # 年間解約率, as hypotheses print it
        for label in (spec.name, spec.ja, spec.en, *shown):
            names.setdefault(label.casefold(), spec.name)
            inner = re.fullmatch(r"(.+?)\s*\((.+)\)", label)
            if inner:
                for part in inner.groups():
                    names.setdefault(part.strip().casefold(), spec.name)
    key = re.sub(r"\s+", " ", name).casefold()
    return names.get(key, name)


@dataclass(frozen=True)
class Evidence:
    """A link from a rationale to what supports it: an analysis run, a canvas or a note.

    ``text_en`` is the English of a text the product wrote (a review's reason); it is
    stored only when given, so that older versions keep their ids.
    """

    kind: str
    ref: str
    text: str = ""
    text_en: str = ""


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
            "rationale": [
                {k: v for k, v in asdict(e).items() if k != "text_en" or v}
                for e in dict.fromkeys(self.rationale)
            ],
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
        blank = sorted(f for f, texts in self.fields.items() if any(not t.strip() for t in texts))
        if blank:
            # An empty statement would show as a blank line in the canvas and its diffs; a
            # field is cleared by giving it no statement.
            raise InvalidValueError(
                f"項目 {blank} に空の記述があります / "
                f"canvas fields {blank} hold an empty statement",
                fix="記述を書くか、その記述を外してください (記述のない項目は空になります) / "
                "write the statement or leave it out (a field with no statement is empty)",
            )
        return {"kind": self.kind} | {f: list(self.fields.get(f, ())) for f in allowed}


def from_content(content: Mapping[str, Any]) -> TargetDefinition | Canvas:
    """Rebuild the typed object of a stored version's content."""
    if content.get("kind") == "target":
        return TargetDefinition.from_content(content)
    kind = content["kind"]
    return Canvas(kind, {f: tuple(content.get(f, ())) for f in CANVAS_FIELDS[kind]})

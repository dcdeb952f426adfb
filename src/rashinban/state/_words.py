"""The fields of a stored target or canvas in words, for ``target show`` and ``target diff``.

The stored content keeps keys and codes (``owners: {"marketing": ["mkt"]}``); people
read 担当: マーケティング: mkt. Declared once so that both commands say the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "DEPARTMENT_LABELS",
    "FIELD_LABELS",
    "department_label",
    "field_label",
    "owners_text",
    "rationale_text",
]

#: Content key → (Japanese, English): a target's fields and the canvases' fields.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "kind": ("種類", "kind"),
    "include": ("対象の条件", "included segment"),
    "exclude": ("除外", "exclusions"),
    "positioning": ("ポジショニング", "positioning"),
    "personas": ("ペルソナ", "personas"),
    "hypotheses": ("仮説", "hypotheses"),
    "cadence_days": ("見直しの周期 (日)", "review cadence (days)"),
    "owners": ("担当", "owners"),
    "rationale": ("根拠", "rationale"),
    # SWOT
    "strengths": ("強み", "strengths"),
    "weaknesses": ("弱み", "weaknesses"),
    "opportunities": ("機会", "opportunities"),
    "threats": ("脅威", "threats"),
    # 3C
    "customer": ("顧客・市場", "customer"),
    "competitor": ("競合", "competitor"),
    "company": ("自社", "company"),
}

#: Department code → (Japanese, English).
DEPARTMENT_LABELS: dict[str, tuple[str, str]] = {
    "marketing": ("マーケティング", "marketing"),
    "sales": ("営業", "sales"),
    "other": ("その他", "other"),
}


def department_label(department: str, lang: str = "ja") -> str:
    """A department code in words; an unknown one is returned as it is.

    Examples
    --------
    >>> department_label("sales"), department_label("marketing", "en")
    ('営業', 'marketing')
    """
    pair = DEPARTMENT_LABELS.get(department)
    return department if pair is None else pair[1 if lang == "en" else 0]


def field_label(key: str, lang: str = "ja") -> str:
    """A content key in words; an unknown key is returned as it is.

    Examples
    --------
    >>> field_label("opportunities"), field_label("cadence_days", "en")
    ('機会', 'review cadence (days)')
    """
    pair = FIELD_LABELS.get(key)
    return key if pair is None else pair[1 if lang == "en" else 0]


def owners_text(owners: Mapping[str, Sequence[Any]], lang: str = "ja") -> str:
    """Owners by department: ``マーケティング: mkt; 営業: sls`` (``なし`` when none).

    Examples
    --------
    >>> owners_text({"marketing": ["mkt"], "sales": ["sls", "s2"]})
    'マーケティング: mkt; 営業: sls, s2'
    >>> owners_text({}, "en")
    'none'
    """
    parts = [
        f"{department_label(d, lang)}: {', '.join(map(str, who))}"
        for d, who in owners.items()
        if who
    ]
    return "; ".join(parts) or ("none" if lang == "en" else "なし")


def rationale_text(item: Any, lang: str = "ja") -> str:
    """One piece of a target's rationale: its kind, a short reference and its text.

    Examples
    --------
    >>> rationale_text({"kind": "review", "ref": "627dff7ce0cb" + "0" * 52, "text": "拡大"})
    '見直し 627dff7ce0cb: 拡大'
    """
    if not isinstance(item, Mapping):
        return str(item)
    kinds = {
        "review": ("見直し", "review"),
        "analysis": ("分析", "analysis"),
        "run": ("分析", "analysis"),
        "canvas": ("キャンバス", "canvas"),
        "note": ("メモ", "note"),
    }
    kind = str(item.get("kind", ""))
    name = kinds.get(kind, (kind, kind))[1 if lang == "en" else 0]
    ref = str(item.get("ref", ""))[:12]
    head = " ".join(p for p in (name, ref) if p)
    return f"{head}: {item.get('text', '')}" if head else str(item.get("text", ""))

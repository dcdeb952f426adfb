"""The fields of a stored target or canvas in words, for ``target show`` and ``target diff``.

The stored content keeps keys and codes (``owners: {"marketing": ["mkt"]}``); people
read 担当: マーケティング: mkt. Declared once so that both commands say the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "AUDIT_ACTIONS",
    "DEPARTMENT_LABELS",
    "FIELD_LABELS",
    "approval_step_text",
    "audit_action",
    "audit_detail_text",
    "department_label",
    "field_label",
    "owners_text",
    "rationale_text",
    "shell_word",
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
    >>> rationale_text({"kind": "review", "ref": "6f", "text": "拡大", "text_en": "widen"}, "en")
    'review 6f: widen'
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
    # Text the product wrote has its English alongside; older versions have one text.
    text = (lang == "en" and item.get("text_en")) or item.get("text", "")
    return f"{head}: {text}" if head else str(text)


#: Audit-log action code → (Japanese, English).
AUDIT_ACTIONS: dict[str, tuple[str, str]] = {
    "add_user": ("ユーザー登録", "user added"),
    "save": ("版の保存", "version saved"),
    "approve": ("承認", "approved"),
    "activate": ("有効化", "activated"),
    "review": ("見直し", "review"),
    "feedback": ("営業フィードバック", "sales feedback"),
    "win_story": ("受注ストーリー", "win story"),
}


def audit_action(text: str) -> str | None:
    """The action code for a code or its name in either language (NFKC, any case).

    Examples
    --------
    >>> audit_action("承認"), audit_action("Version Saved"), audit_action("ｓａｖｅ")
    ('approve', 'save', 'save')
    >>> audit_action("x") is None
    True
    """
    import unicodedata

    key = unicodedata.normalize("NFKC", text).strip().casefold()
    for code, (ja, en) in AUDIT_ACTIONS.items():
        if key in (code, ja.casefold(), en.casefold()):
            return code
    return None


def audit_detail_text(action: str, detail: Mapping[str, Any], lang: str = "ja") -> str:
    """An audit entry's detail in words: 第2版 (3f2a9c01d4e5)・メモ: 価格改定 …

    Version ids are cut to the 12 digits every command takes as a reference; keys
    not known here are listed as ``key=value`` so that nothing is hidden.

    Examples
    --------
    >>> audit_detail_text("save", {"number": 2, "version_id": "3f2a9c01d4e5ff", "note": "改定"})
    '第2版 (3f2a9c01d4e5)・メモ: 改定'
    >>> audit_detail_text("add_user", {"department": "sales"}, "en")
    'department: sales'
    >>> audit_detail_text("feedback", {"seq": 3, "fits": False, "reason": "no_budget",
    ...                                "lead_id": "L1"})
    'フィードバック #3・合わない・理由: 予算がない・リード L1'
    """
    en = lang == "en"
    left = dict(detail)
    parts: list[str] = []
    vid = str(left.pop("version_id", "") or "")[:12]
    number = left.pop("number", None)
    if number is not None:
        parts.append(
            f"version {number}" + (f" ({vid})" if vid else "")
            if en
            else f"第{number}版" + (f" ({vid})" if vid else "")
        )
    elif vid:
        parts.append(f"version {vid}" if en else f"版 {vid}")
    if "department" in left:
        dept = department_label(str(left.pop("department")), lang)
        parts.append(f"department: {dept}" if en else f"部署: {dept}")
    if "review_id" in left:
        rid = str(left.pop("review_id"))[:12]
        parts.append(f"review {rid}" if en else f"見直し {rid}")
    if "as_of" in left:
        day = left.pop("as_of")
        parts.append(f"as of {day}" if en else f"基準日 {day}")
    if left.pop("back_test", False):
        parts.append("back-test" if en else "バックテスト")
    if "seq" in left:
        parts.append(f"feedback #{left.pop('seq')}" if en else f"フィードバック #{left.pop('seq')}")
    parts.extend(_about_text(left, lang))
    note = left.pop("note", None)
    if note:
        parts.append(f"note: {note}" if en else f"メモ: {note}")
    parts.extend(f"{k}={v}" for k, v in left.items())
    return ("; " if en else "・").join(parts)


def _about_text(left: dict[str, Any], lang: str) -> list[str]:
    """The verdict of a feedback entry and what a feedback or win-story entry is about,
    taken out of ``left``: 合わない・理由: 予算がない・リード L1 / does not fit; …"""
    from rashinban._labels import FEEDBACK_REASONS

    en = lang == "en"
    parts: list[str] = []
    if "fits" in left:
        fits = bool(left.pop("fits"))
        parts.append(
            ("fits" if fits else "does not fit") if en else ("合う" if fits else "合わない")
        )
    reason = left.pop("reason", None)
    if reason:
        name = FEEDBACK_REASONS.get(str(reason), (str(reason), str(reason)))[1 if en else 0]
        parts.append(f"reason: {name}" if en else f"理由: {name}")
    words = {
        "lead_id": ("リード", "lead"),
        "account_id": ("取引先", "account"),
        "note_id": ("メモ", "note"),
        "deal_id": ("商談", "deal"),
        "written_at": ("記入日", "written on"),
    }
    for key, (ja, en_word) in words.items():
        if left.get(key):
            parts.append(f"{en_word if en else ja} {left.pop(key)}")
    return parts


#: Characters a shell reads as more than text: a word holding one is quoted.
_SHELL_SPECIAL = frozenset(" \t\n\u3000'\"\\$`!*?&;|<>()[]{}#~")


def shell_word(text: str) -> str:
    """``text`` as one word of a command to paste into a shell: as it is when that is
    safe (Japanese included), else in double quotes, or single ones when it holds a
    character double quotes would still expand.

    Examples
    --------
    >>> shell_word("中堅製造・情報通信@1"), shell_word("中堅 製造/IT@2")
    ('中堅製造・情報通信@1', '"中堅 製造/IT@2"')
    >>> print(shell_word("it's $1"))
    'it'\\''s $1'
    """
    if text and not _SHELL_SPECIAL.intersection(text):
        return text
    if not set('"$`\\!').intersection(text):
        return f'"{text}"'
    return "'" + text.replace("'", "'\\''") + "'"


def approval_step_text(ref: str, missing: Sequence[str]) -> str:
    """The next step of a version: the approvals it still needs, or activation.

    Examples
    --------
    >>> approval_step_text("t@2", ["marketing", "sales"]).split(" / ")[0]
    '有効化にはあとマーケティングと営業の承認が必要です (rashinban target approve t@2 -u ユーザー)'
    >>> approval_step_text("t@2", []).split(" / ")[1]
    'ready to activate'
    >>> approval_step_text("中堅 製造/IT@1", []).split(" / ")[0]
    '有効化できます: rashinban target activate "中堅 製造/IT@1"'
    """
    ref = shell_word(ref)  # a name with a space pastes back as one argument
    if not missing:
        return f"有効化できます: rashinban target activate {ref} / ready to activate"
    ja = "と".join(department_label(d) for d in missing)
    en = " and ".join(department_label(d, "en") for d in missing)
    return (
        f"有効化にはあと{ja}の承認が必要です (rashinban target approve {ref} -u ユーザー) / "
        f"activation still needs {en} approval (rashinban target approve {ref} -u USER)"
    )

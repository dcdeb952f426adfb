"""What changed between two versions, in words (Japanese or English)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rashinban.segments import parse_rule

__all__ = ["diff_contents"]

_FIELD = {
    "include": ("対象", "included segment"),
    "exclude": ("除外", "exclusions"),
    "positioning": ("ポジショニング", "positioning"),
    "personas": ("ペルソナ", "personas"),
    "hypotheses": ("仮説", "hypotheses"),
    "cadence_days": ("見直し周期 (日)", "review cadence (days)"),
    "owners": ("担当", "owners"),
    "rationale": ("根拠", "rationale"),
}


def _label(key: str, lang: str) -> str:
    ja, en = _FIELD.get(key, (key, key))
    return ja if lang == "ja" else en


def _rule_words(text: str, lang: str) -> str:
    try:
        return parse_rule(text).describe(lang)
    except Exception:  # a canvas field or an old rule: show the text as it is
        return text


def _hyp(h: Mapping[str, Any]) -> str:
    return f"{h['kpi']} {h['op']} {h['value']:g}"


def diff_contents(a: Mapping[str, Any], b: Mapping[str, Any], lang: str = "ja") -> list[str]:
    """Sentences that say how ``b`` differs from ``a`` (empty when they are equal).

    Examples
    --------
    >>> a = {"kind": "target", "include": "industry in [製造業]", "cadence_days": 90}
    >>> diff_contents(a, a | {"cadence_days": 30}, "en")
    ['review cadence (days) changed from 90 to 30']
    """
    ja = lang == "ja"
    out: list[str] = []
    for key in sorted(
        set(a) | set(b), key=lambda k: (list(_FIELD).index(k) if k in _FIELD else 99, k)
    ):
        old, new = a.get(key), b.get(key)
        if old == new:
            continue
        name = _label(key, lang)
        if key == "include":
            o, n = _rule_words(str(old), lang), _rule_words(str(new), lang)
            out.append(
                f"{name}を「{o}」から「{n}」に変更" if ja else f"{name} changed from '{o}' to '{n}'"
            )
        elif key == "hypotheses":
            olds = {(h["kpi"], h["op"]): h for h in old or []}
            news = {(h["kpi"], h["op"]): h for h in new or []}
            for kpi in sorted(set(olds) | set(news)):
                ho, hn = olds.get(kpi), news.get(kpi)
                if ho == hn:
                    continue
                if ho is None:
                    out.append(f"仮説を追加: {_hyp(hn)}" if ja else f"hypothesis added: {_hyp(hn)}")  # type: ignore[arg-type]
                elif hn is None:
                    out.append(
                        f"仮説を削除: {_hyp(ho)}" if ja else f"hypothesis removed: {_hyp(ho)}"
                    )
                else:
                    out.append(
                        f"仮説を変更: {_hyp(ho)} → {_hyp(hn)}"
                        if ja
                        else f"hypothesis changed: {_hyp(ho)} → {_hyp(hn)}"
                    )
            if olds == news and list(olds) != list(news):
                out.append("仮説の並びを変更" if ja else "hypotheses: order changed")
        elif isinstance(old, list) or isinstance(new, list):
            olds_l, news_l = list(old or []), list(new or [])
            render = (lambda x: _rule_words(x, lang)) if key == "exclude" else str
            for item in news_l:
                if item not in olds_l:
                    w = render(item)
                    out.append(f"{name}に追加: {w}" if ja else f"{name}: added {w}")
            for item in olds_l:
                if item not in news_l:
                    w = render(item)
                    out.append(f"{name}から削除: {w}" if ja else f"{name}: removed {w}")
            same_items = all(i in olds_l for i in news_l) and all(i in news_l for i in olds_l)
            if same_items and olds_l != news_l:
                # The same items in another order (or one repeated): still another version.
                out.append(f"{name}の並びを変更" if ja else f"{name}: order changed")
        else:
            out.append(
                f"{name}を「{old}」から「{new}」に変更"
                if ja
                else f"{name} changed from {old} to {new}"
            )
    return out

"""What changed between two versions, in words (Japanese or English)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from rashinban._labels import code_label, hypothesis_text
from rashinban.segments import parse_rule
from rashinban.state._words import FIELD_LABELS, field_label, owners_text, rationale_text

if TYPE_CHECKING:
    from rashinban.state._content import Canvas
    from rashinban.state._store import StateStore

__all__ = ["canvas_note", "diff_contents"]


def canvas_note(store: StateStore, name: str, canvas: Canvas) -> str:
    """The note a canvas version gets when none is given: what the save does.

    ``初版 / first version`` for a new canvas (as ``target create`` notes version 1),
    else the fields whose statements changed since the latest version:
    ``更新: 強み・機会 / updated: strengths, opportunities``.
    """
    from rashinban._errors import UnknownIdError

    try:
        old = store.revision(name).content
    except UnknownIdError:
        return "初版 / first version"
    new = canvas.to_content()
    changed = [k for k in new if k != "kind" and old.get(k) != new[k]]
    if old.get("kind") != new["kind"] or not changed:
        return "更新 / update"  # refused by the save: another kind, or nothing changed
    ja = "・".join(field_label(k) for k in changed)
    return f"更新: {ja} / updated: {', '.join(field_label(k, 'en') for k in changed)}"


def _label(key: str, lang: str) -> str:
    return field_label(key, lang)


def _value(key: str, value: Any, lang: str) -> str:
    """A field's value in words: owners by department, codes named, nothing as なし."""
    if value is None or value == "" or value == [] or value == {}:
        return "none" if lang == "en" else "なし"
    if key == "owners" and isinstance(value, Mapping):
        return owners_text(value, lang)
    if key == "kind":
        return str(code_label("kind", value, lang))
    return str(value)


def _rule_words(text: str, lang: str) -> str:
    try:
        return parse_rule(text).describe(lang)
    except Exception:  # a canvas field or an old rule: show the text as it is
        return text


def _hyp(h: Mapping[str, Any], lang: str = "ja") -> str:
    """A hypothesis as ``target show`` writes it (受注率 ≥ 30%)."""
    return hypothesis_text(h["kpi"], h["op"], float(h["value"]), lang)


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
        set(a) | set(b), key=lambda k: (list(FIELD_LABELS).index(k) if k in FIELD_LABELS else 99, k)
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
                    added = _hyp(hn, lang)  # type: ignore[arg-type]
                    out.append(f"仮説を追加: {added}" if ja else f"hypothesis added: {added}")
                elif hn is None:
                    gone = _hyp(ho, lang)
                    out.append(f"仮説を削除: {gone}" if ja else f"hypothesis removed: {gone}")
                else:
                    out.append(
                        f"仮説を変更: {_hyp(ho, lang)} → {_hyp(hn, lang)}"
                        if ja
                        else f"hypothesis changed: {_hyp(ho, lang)} → {_hyp(hn, lang)}"
                    )
            if olds == news and list(olds) != list(news):
                out.append("仮説の並びを変更" if ja else "hypotheses: order changed")
        elif isinstance(old, list) or isinstance(new, list):
            olds_l, news_l = list(old or []), list(new or [])
            render: Callable[[Any], str] = str
            if key == "exclude":
                render = lambda x: _rule_words(x, lang)  # noqa: E731
            elif key == "rationale":
                render = lambda x: rationale_text(x, lang)  # noqa: E731
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
            o, n = _value(key, old, lang), _value(key, new, lang)
            out.append(
                f"{name}を「{o}」から「{n}」に変更" if ja else f"{name} changed from {o} to {n}"
            )
    return out

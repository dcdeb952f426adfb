"""Persona cards as printable HTML and as Markdown; every statement shows its evidence."""

from __future__ import annotations

import html
import re

from rashinban.personas._card import FIELDS, PersonaCard

#: Slots a card always shows: with no sentence that states one, they say so.
ALWAYS_SHOWN = ("goal", "pain", "objection")


def _no_data(lang: str) -> str:
    return "no data" if lang == "en" else "データなし"


#: Print-friendly styles for persona cards (used by cards_html and the report).
CARD_CSS = """
.persona{border:1px solid #cbd5e1;border-radius:12px;padding:16px;margin:12px 0;
 page-break-inside:avoid;break-inside:avoid;font-family:sans-serif;max-width:820px}
.persona header{display:flex;gap:16px;align-items:center}
.persona h3{margin:0}.persona .seg{color:#475569;font-size:.9em}
.persona dt{font-weight:bold;margin-top:8px}.persona dd{margin:2px 0 2px 12px}
.persona .ev{color:#64748b;font-size:.8em;display:block}
.persona .story{background:#f8fafc;padding:8px;border-radius:8px}
.persona sup{color:#2563eb}
@media print{.persona{border-color:#000}}
"""


def segment_text(segment: str, lang: str) -> str:
    """The card's segment as written; in English, a segment rule is read out in English."""
    if lang != "en":
        return segment
    from rashinban._errors import RashinbanError
    from rashinban.segments import parse_rule

    try:
        return parse_rule(segment).describe("en")
    except RashinbanError:  # a name rather than a rule (e.g. 製造業): shown as it is
        return segment


def card_html(card: PersonaCard, *, lang: str = "ja") -> str:
    """One card as an HTML fragment (escaped; the avatar is inline SVG)."""
    e = html.escape
    parts = [
        f'<article class="persona" id="persona-{e(card.key)}"><header>{card.avatar_svg}<div>',
        f"<h3>{e(card.name_en if lang == 'en' else card.name_ja)}</h3>",
        f'<div class="seg">{e(segment_text(card.segment, lang))} — {card.n_accounts:,} '
        f"{'accounts' if lang == 'en' else '社'}</div></div></header><dl>",
    ]
    for field, (ja, en) in FIELDS.items():
        rows = [(i, s) for i, s in enumerate(card.statements) if s.field == field]
        if not rows and field not in ALWAYS_SHOWN:
            continue
        parts.append(f"<dt>{e(en if lang == 'en' else ja)}</dt>")
        if not rows:
            parts.append(f'<dd class="none">{_no_data(lang)}</dd>')
        for i, s in rows:
            parts.append(
                f"<dd><sup>[{i + 1}]</sup> {e(s.text(lang))}"
                f'<span class="ev">{"evidence" if lang == "en" else "根拠"}: '
                f"{e(s.evidence.describe(lang))}</span></dd>"
            )
    parts.append("</dl>")
    for note in card.notes(lang):
        parts.append(f'<p class="ev">{e(note)}</p>')
    title = "A day in the life" if lang == "en" else "ある一日"
    pieces = [
        e(en if lang == "en" else ja) + (f"<sup>[{ref + 1}]</sup>" if ref is not None else "")
        for ja, en, ref in card.story
    ]
    # English words are spaced, but not before the punctuation that closes a fact.
    story = re.sub(r" ([.,:;])", r"\1", " ".join(pieces)) if lang == "en" else "".join(pieces)
    parts.append(f'<h4>{title}</h4><p class="story">{story}</p></article>')
    return "".join(parts)


def cards_html(cards: list[PersonaCard], *, lang: str = "ja") -> str:
    """A printable, self-contained HTML page of persona cards."""
    title = "Persona cards" if lang == "en" else "ペルソナカード"
    body = "".join(card_html(c, lang=lang) for c in cards)
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{CARD_CSS}</style></head><body><h1>{title}</h1>{body}"
        "</body></html>"
    )


def card_markdown(card: PersonaCard, *, lang: str = "ja") -> str:
    """One card as Markdown: statements numbered, evidence under each."""
    name = card.name_en if lang == "en" else card.name_ja
    unit = "accounts" if lang == "en" else "社"
    segment = segment_text(card.segment, lang)
    lines = [f"## {name}", "", f"*{segment}* — {card.n_accounts:,} {unit}", ""]
    for field, (ja, en) in FIELDS.items():
        rows = [(i, s) for i, s in enumerate(card.statements) if s.field == field]
        if not rows and field not in ALWAYS_SHOWN:
            continue
        lines.append(f"### {en if lang == 'en' else ja}")
        if not rows:
            lines.append(f"- {_no_data(lang)}")
        for i, s in rows:
            lines.append(f"- [{i + 1}] {s.text(lang)}")
            lines.append(
                f"  - {'evidence' if lang == 'en' else '根拠'}: {s.evidence.describe(lang)}"
            )
        lines.append("")
    lines += [f"> {n}" for n in card.notes(lang)]
    lines += [
        "",
        f"### {'A day in the life' if lang == 'en' else 'ある一日'}",
        "",
        card.story_text(lang),
        "",
    ]
    return "\n".join(lines)

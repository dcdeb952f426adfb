"""Personas grounded in evidence, and the workshop kit for the best customers.

A persona card describes the accounts of a segment, ICP rule or target; every
line on it carries the statistic or the note ids behind it. The workshop kit
fills the four headings of a best-customer worksheet from data and notes and
records a recent win story as a note.
"""

from rashinban.personas._api import personas_for, segment_personas
from rashinban.personas._avatar import avatar_svg, persona_name
from rashinban.personas._build import build_persona
from rashinban.personas._card import FIELDS, Evidence, PersonaCard, Statement, card_from_dict
from rashinban.personas._render import CARD_CSS, card_html, card_markdown, cards_html
from rashinban.personas._rewrite import Rewrite, check_rewrite, rewrite_story
from rashinban.personas._select import cond_filter, describe_conds, select_accounts
from rashinban.personas._workshop import HEADINGS, record_win_story, workshop

__all__ = [
    "CARD_CSS",
    "FIELDS",
    "HEADINGS",
    "Evidence",
    "PersonaCard",
    "Rewrite",
    "Statement",
    "avatar_svg",
    "build_persona",
    "card_from_dict",
    "card_html",
    "card_markdown",
    "cards_html",
    "check_rewrite",
    "cond_filter",
    "describe_conds",
    "persona_name",
    "personas_for",
    "record_win_story",
    "rewrite_story",
    "segment_personas",
    "select_accounts",
    "workshop",
]

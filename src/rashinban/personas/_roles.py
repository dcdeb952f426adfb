"""Contacts' buying roles (the ``contacts.role`` codes) as people read them.

The codes are the schema's enum (``rashinban.schema``: decision_maker, influencer,
user, purchaser, other); the names are the ones Japanese CRM exports use for the
same roles (the import mapping reads 決裁者 / 影響者 / 利用者 / 購買担当 back into
the codes). Declared once here so the persona card, its story and the workshop
sheet name a role the same way.
"""

from __future__ import annotations

__all__ = ["ROLE_NAMES", "role_name"]

#: Buying role code → (Japanese, English).
ROLE_NAMES: dict[str, tuple[str, str]] = {
    "decision_maker": ("決裁者", "decision-maker"),
    "influencer": ("影響者", "influencer"),
    "user": ("利用者", "user"),
    "purchaser": ("購買担当", "purchasing"),
    "other": ("その他", "other"),
}


def role_name(role: object, lang: str = "ja") -> str:
    """A buying role code in ``lang``; a value that is not a known code is kept as it is.

    Examples
    --------
    >>> role_name("decision_maker"), role_name("purchaser", "en")
    ('決裁者', 'purchasing')
    >>> role_name("部長代理", "en")  # not a code: the company's own word, kept
    '部長代理'
    """
    pair = ROLE_NAMES.get(str(role))
    if pair is None:
        return str(role)
    return pair[1] if lang == "en" else pair[0]

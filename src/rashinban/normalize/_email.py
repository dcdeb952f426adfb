"""E-mail addresses: one address per value, the domain lower-cased."""

from __future__ import annotations

import re
from functools import lru_cache

from rashinban.normalize._text import invalid, normalize_text

__all__ = ["parse_email"]

# "山田太郎 <taro@example.co.jp>" and "mailto:taro@example.co.jp" carry one address.
_BRACKETED = re.compile(r"[^<>]*<([^<>]+)>")
# The local part is RFC 5322's dot-atom, loosened the way Japanese mobile carriers
# issued addresses for years: dots may repeat or end the local part
# ("taro..yamada.@docomo.ne.jp"). Quoted local parts are not accepted.
_LOCAL = re.compile(r"[a-zA-Z0-9!#$%&'*+/=?^_`{|}~.\-]{1,64}")
# A domain name: labels of letters, digits and inner hyphens (Unicode letters are
# allowed for internationalised names such as 例え.jp), a top-level label that is
# not all digits.
_LABEL = re.compile(r"[^\W_](?:(?:[^\W_]|-){0,61}[^\W_])?")
_TLD = re.compile(r"[^\W\d_](?:(?:[^\W_]|-){0,61}[^\W_])?")

_FIX = (
    "メールアドレスを1つだけ、name@example.co.jp の形で書いてください",
    "write one address in the form name@example.co.jp",
)


@lru_cache(maxsize=65536)
def parse_email(value: str) -> str:
    """Read one e-mail address.

    The text is NFKC-normalised (full-width ``＠`` and letters become ASCII)
    and stripped; ``mailto:`` and a display name (``山田 <taro@example.jp>``)
    are removed; the domain is lower-cased and the local part kept as written
    (it is case-sensitive by RFC 5321). Repeated or trailing dots in the local
    part, as in old Japanese mobile addresses, are accepted.

    Parameters
    ----------
    value
        The address as written.

    Returns
    -------
    str
        ``local@domain``.

    Raises
    ------
    InvalidValueError
        No ``@``, several addresses, spaces, or a local part or domain that
        cannot be an address.

    Examples
    --------
    >>> parse_email(" Taro.Yamada＠Example.CO.JP ")
    'Taro.Yamada@example.co.jp'
    """
    text = normalize_text(value)
    m = _BRACKETED.fullmatch(text)
    if m is not None:
        text = m.group(1).strip()
    if text[:7].casefold() == "mailto:":
        text = text[7:]
    if text.count("@") != 1:
        reason = (
            ("@がありません", "there is no @")
            if "@" not in text
            else ("@が複数あります(複数のアドレス?)", "more than one @ (several addresses?)")
        )
        raise invalid(value, reason, _FIX)
    local, domain = text.split("@")
    domain = domain.lower()
    labels = domain.split(".")
    ok = (
        _LOCAL.fullmatch(local) is not None
        and not local.startswith(".")
        and len(labels) >= 2
        and len(domain) <= 253
        and all(_LABEL.fullmatch(label) for label in labels[:-1])
        and _TLD.fullmatch(labels[-1]) is not None
    )
    if not ok:
        raise invalid(value, ("メールアドレスとして読めません", "not an e-mail address"), _FIX)
    return f"{local}@{domain}"

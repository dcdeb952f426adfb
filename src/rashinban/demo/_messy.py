"""How Japanese CRM exports spell values: legal-form variants, full-width digits,
和暦 dates, prefecture spellings, ▲ negatives and half-width katakana.

Each formatter takes canonical values and a numpy generator and returns the
strings a real export would contain, picking a spelling per row.
"""

from __future__ import annotations

import unicodedata
from datetime import date

import numpy as np
import pandas as pd

_FULL_DIGITS = str.maketrans("0123456789,.-", "０１２３４５６７８９，．－")


def _half_kana_table() -> dict[int, str]:
    # NFKC maps each half-width katakana to its full-width form; invert it, and
    # map the combining (han)dakuten so that ガ (カ + ゛ after NFD) becomes ｶﾞ.
    table: dict[int, str] = {}
    for cp in range(0xFF61, 0xFFA0):
        half = chr(cp)
        full = unicodedata.normalize("NFKC", half)
        if len(full) == 1:
            table.setdefault(ord(full), half)
    table[0x3099] = "\uff9e"
    table[0x309A] = "\uff9f"
    return table


_HALF_KANA = _half_kana_table()


def to_halfwidth_kana(text: str) -> str:
    """Katakana → half-width katakana, the way old systems store them.

    Examples
    --------
    >>> to_halfwidth_kana("ネクストシステム")
    'ﾈｸｽﾄｼｽﾃﾑ'
    >>> to_halfwidth_kana("ヴィスタ")
    'ｳﾞｨｽﾀ'
    """
    return unicodedata.normalize("NFD", text).translate(_HALF_KANA)


def full_width(text: str) -> str:
    """ASCII digits, comma, period and minus → their full-width forms.

    Examples
    --------
    >>> full_width("1,200")
    '１，２００'
    """
    return text.translate(_FULL_DIGITS)


_LEGAL_VARIANTS = {
    "株式会社": ("株式会社", "㈱", "(株)", "（株）"),
    "有限会社": ("有限会社", "㈲", "(有)"),
    "合同会社": ("合同会社", "(同)"),
}


def company_names(rng: np.random.Generator, name: pd.Series, legal: pd.Series) -> list[str]:
    """Names with the legal form before or after, abbreviated sometimes (㈱, (株))."""
    n = len(name)
    before = rng.random(n) < 0.45
    variant = rng.choice(4, size=n, p=[0.55, 0.2, 0.15, 0.1])
    half = rng.random(n) < 0.05
    out = []
    for nm, lf, b, v, h in zip(name, legal, before, variant, half, strict=True):
        forms = _LEGAL_VARIANTS.get(lf, (lf,))
        form = forms[v] if v < len(forms) else forms[0]
        base = to_halfwidth_kana(nm) if h else nm
        out.append(f"{form}{base}" if b else f"{base}{form}")
    return out


def counts(rng: np.random.Generator, values: pd.Series, unit: str = "名") -> list[str]:
    """Whole counts as ``1200``, ``1,200``, ``1,200名`` or ``１，２００名``."""
    kind = rng.integers(0, 4, size=len(values))
    out = []
    for v, k in zip(values, kind, strict=True):
        if k == 0:
            out.append(str(int(v)))
        elif k == 1:
            out.append(f"{int(v):,}")
        elif k == 2:
            out.append(f"{int(v):,}{unit}")
        else:
            out.append(full_width(f"{int(v):,}") + unit)
    return out


def yen(rng: np.random.Generator, values: pd.Series, *, thousands: bool = False) -> list[str]:
    """Money as ``1,234千円``, ``￥1,234,000``, ``1234000``, ``1,234,000円`` or full-width.

    Negative amounts use the accounting ▲ (``▲30,000``).
    """
    kind = rng.integers(0, 5, size=len(values))
    out = []
    for v, k in zip(values, kind, strict=True):
        if pd.isna(v):
            out.append("")
            continue
        neg = v < 0
        a = int(abs(round(float(v))))
        if k == 0 and thousands and a % 1000 == 0:
            s = f"{a // 1000:,}千円"
        elif k == 1:
            s = f"￥{a:,}"
        elif k == 2:
            s = str(a)
        elif k == 3:
            s = f"{a:,}円"
        else:
            s = full_width(f"{a:,}")
        out.append(("▲" + s) if neg else s)
    return out


def reiwa(d: date) -> str:
    """A date in the 令和 era, e.g. ``令和6年4月1日`` (元年 for 2019)."""
    y = d.year - 2018
    return f"令和{'元' if y == 1 else y}年{d.month}月{d.day}日"


def dates(rng: np.random.Generator, values: pd.Series) -> list[str]:
    """Dates as ``2024/4/1``, ``2024/04/01``, ``令和6年4月1日`` or ``2024-04-01``."""
    kind = rng.choice(4, size=len(values), p=[0.5, 0.2, 0.15, 0.15])
    out = []
    for v, k in zip(values, kind, strict=True):
        if pd.isna(v):
            out.append("")
            continue
        d = v.date()
        if k == 0:
            out.append(f"{d.year}/{d.month}/{d.day}")
        elif k == 1:
            out.append(d.strftime("%Y/%m/%d"))
        elif k == 2 and d >= date(2019, 5, 1):
            out.append(reiwa(d))
        else:
            out.append(d.isoformat())
    return out


def prefectures(rng: np.random.Generator, values: pd.Series, english: dict[str, str]) -> list[str]:
    """``東京都``, ``東京`` (suffix dropped) or ``Tokyo``."""
    kind = rng.choice(3, size=len(values), p=[0.7, 0.2, 0.1])
    out = []
    for v, k in zip(values, kind, strict=True):
        if k == 1 and v != "北海道":
            out.append(v[:-1])
        elif k == 2:
            out.append(english[v])
        else:
            out.append(v)
    return out

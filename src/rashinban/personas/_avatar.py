"""Deterministic persona names and avatars: a hash picks them, nothing is fetched.

The name lists are ours: common Japanese family and given names, as found in
any phone book; the avatar is a small SVG drawn from a SHA-256 digest.
"""

from __future__ import annotations

import hashlib

_FAMILY = (
    ("佐藤", "Sato"),
    ("鈴木", "Suzuki"),
    ("高橋", "Takahashi"),
    ("田中", "Tanaka"),
    ("伊藤", "Ito"),
    ("渡辺", "Watanabe"),
    ("山本", "Yamamoto"),
    ("中村", "Nakamura"),
    ("小林", "Kobayashi"),
    ("加藤", "Kato"),
    ("吉田", "Yoshida"),
    ("山田", "Yamada"),
)
_GIVEN = (
    ("健一", "Kenichi"),
    ("美咲", "Misaki"),
    ("大輔", "Daisuke"),
    ("彩", "Aya"),
    ("翔太", "Shota"),
    ("由美", "Yumi"),
    ("誠", "Makoto"),
    ("陽子", "Yoko"),
    ("拓也", "Takuya"),
    ("真由美", "Mayumi"),
    ("直樹", "Naoki"),
    ("恵", "Megumi"),
)
_SKIN = ("#f6d7b0", "#eac086", "#f1c27d", "#e0ac69", "#ffdbac")
_HAIR = ("#2b1b17", "#3b2f2f", "#4a3728", "#1c1c1c", "#6b4e3d")
_BACK = ("#dbeafe", "#dcfce7", "#fef3c7", "#fce7f3", "#ede9fe", "#e0f2fe")
_SHIRT = ("#1e3a8a", "#166534", "#9a3412", "#6b21a8", "#0f766e", "#334155")


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


def persona_name(key: str) -> tuple[str, str]:
    """A Japanese name (and its romanisation) picked by hashing ``key``.

    Examples
    --------
    >>> persona_name("ideal") == persona_name("ideal")
    True
    """
    d = _digest(key)
    fam, given = _FAMILY[d[0] % len(_FAMILY)], _GIVEN[d[1] % len(_GIVEN)]
    return f"{fam[0]} {given[0]}", f"{given[1]} {fam[1]}"


def avatar_svg(key: str, size: int = 96) -> str:
    """A small face as inline SVG, the same for the same ``key``; no network, no images.

    Examples
    --------
    >>> svg = avatar_svg("ideal")
    >>> svg.startswith("<svg") and svg == avatar_svg("ideal")
    True
    """
    d = _digest(key)
    back, skin = _BACK[d[2] % len(_BACK)], _SKIN[d[3] % len(_SKIN)]
    hair, shirt = _HAIR[d[4] % len(_HAIR)], _SHIRT[d[5] % len(_SHIRT)]
    style = d[6] % 3
    hair_shape = (
        '<path d="M28 44 Q48 14 68 44 L68 36 Q48 8 28 36 Z"/>',
        '<path d="M26 50 Q24 18 48 18 Q72 18 70 50 L64 34 Q48 26 32 34 Z"/>',
        '<path d="M27 46 Q30 16 48 17 Q70 18 69 46 Q66 58 70 70 L62 40 Q48 30 34 40 '
        'L26 70 Q30 58 27 46 Z"/>',
    )[style]
    glasses = (
        '<g fill="none" stroke="#333" stroke-width="1.5"><circle cx="40" cy="48" r="5"/>'
        '<circle cx="56" cy="48" r="5"/><path d="M45 48 H51"/></g>'
        if d[7] % 2
        else ""
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 96 96" role="img" aria-label="avatar">'
        f'<rect width="96" height="96" rx="12" fill="{back}"/>'
        f'<path d="M18 96 Q20 70 48 68 Q76 70 78 96 Z" fill="{shirt}"/>'
        f'<rect x="42" y="58" width="12" height="12" fill="{skin}"/>'
        f'<ellipse cx="48" cy="46" rx="19" ry="22" fill="{skin}"/>'
        f'<g fill="{hair}">{hair_shape}</g>'
        f'<circle cx="40" cy="48" r="2" fill="#222"/><circle cx="56" cy="48" r="2" fill="#222"/>'
        f'<path d="M42 58 Q48 62 54 58" stroke="#a0522d" stroke-width="2" fill="none"/>'
        f"{glasses}</svg>"
    )

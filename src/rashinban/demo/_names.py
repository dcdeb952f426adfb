"""Pools of Japanese names and the vectorised samplers that draw from them.

Faker's ``ja_JP`` data is read once to build pools (surnames with their
frequency weights, given names, romanisations); rows are then drawn from the
pools with numpy, never with one Faker call per row, so a million accounts cost
a few array operations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from faker.providers.person.ja_JP import Provider as _PersonProvider

from rashinban.demo._reference import INDUSTRIES

#: Place-like kanji stems of company names, with romaji for e-mail domains.
_PLACE_STEMS: tuple[tuple[str, str], ...] = (
    ("東洋", "toyo"),
    ("日本", "nihon"),
    ("大和", "yamato"),
    ("北斗", "hokuto"),
    ("中央", "chuo"),
    ("東亜", "toa"),
    ("富士", "fuji"),
    ("三和", "sanwa"),
    ("太平", "taihei"),
    ("関西", "kansai"),
    ("東海", "tokai"),
    ("旭", "asahi"),
    ("昭和", "showa"),
    ("平和", "heiwa"),
    ("光", "hikari"),
    ("大洋", "taiyo"),
    ("新日本", "shinnihon"),
    ("瀬戸内", "setouchi"),
    ("湘南", "shonan"),
    ("北陸", "hokuriku"),
)

#: Katakana stems (coined brand-like names).
_KATAKANA_STEMS: tuple[tuple[str, str], ...] = (
    ("アーク", "ark"),
    ("ネクスト", "next"),
    ("ブライト", "bright"),
    ("サンライズ", "sunrise"),
    ("グリーン", "green"),
    ("ブルーオーシャン", "blueocean"),
    ("フォレスト", "forest"),
    ("エコー", "echo"),
    ("スカイ", "sky"),
    ("ユニオン", "union"),
    ("フロンティア", "frontier"),
    ("ミライ", "mirai"),
    ("コスモ", "cosmo"),
    ("ステラ", "stella"),
    ("リンクス", "links"),
    ("ハーモニー", "harmony"),
    ("オリオン", "orion"),
    ("ノヴァ", "nova"),
    ("ゼニス", "zenith"),
    ("アトラス", "atlas"),
    ("クレスト", "crest"),
    ("パイン", "pine"),
    ("レガシー", "legacy"),
    ("ヴィスタ", "vista"),
    ("ソレイユ", "soleil"),
    ("トラスト", "trust"),
    ("プライム", "prime"),
    ("カナデ", "kanade"),
    ("ツバサ", "tsubasa"),
    ("ヒビキ", "hibiki"),
)


@dataclass(frozen=True)
class NamePools:
    """Name parts as numpy object arrays, built once per process."""

    last: np.ndarray
    last_roman: np.ndarray
    last_p: np.ndarray
    first: np.ndarray
    first_roman: np.ndarray
    stems: np.ndarray
    stems_roman: np.ndarray
    stems_p: np.ndarray


def _build_pools() -> NamePools:
    pairs = list(_PersonProvider.last_name_pairs.items())
    last = np.array([p[0][0] for p in pairs], dtype=object)
    last_roman = np.array([p[0][2].lower() for p in pairs], dtype=object)
    w = np.array([float(p[1]) for p in pairs])
    firsts = _PersonProvider.first_name_pairs
    first = np.array([f[0] for f in firsts], dtype=object)
    first_roman = np.array([f[2].lower() for f in firsts], dtype=object)
    # Company stems: surnames (the most common kind of Japanese company name),
    # place-like words and coined katakana words, in roughly 5:2:3 proportion.
    stems = np.concatenate(
        [last, [s for s, _ in _PLACE_STEMS], [s for s, _ in _KATAKANA_STEMS]]
    ).astype(object)
    stems_roman = np.concatenate(
        [last_roman, [r for _, r in _PLACE_STEMS], [r for _, r in _KATAKANA_STEMS]]
    ).astype(object)
    stems_p = np.concatenate(
        [
            0.5 * w / w.sum(),
            np.full(len(_PLACE_STEMS), 0.2 / len(_PLACE_STEMS)),
            np.full(len(_KATAKANA_STEMS), 0.3 / len(_KATAKANA_STEMS)),
        ]
    )
    return NamePools(last, last_roman, w / w.sum(), first, first_roman, stems, stems_roman, stems_p)


POOLS = _build_pools()


def company_names(
    rng: np.random.Generator, industry_idx: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Company names without legal form, and an e-mail domain for each.

    The name is a stem plus an industry word ("山田" + "製作所"); the domain is
    their romanisation ("yamada-seisakusho.co.jp").
    """
    n = len(industry_idx)
    stem = rng.choice(len(POOLS.stems), size=n, p=POOLS.stems_p)
    names = np.empty(n, dtype=object)
    domains = np.empty(n, dtype=object)
    pick = rng.random(n)
    for k, ind in enumerate(INDUSTRIES):
        rows = np.flatnonzero(industry_idx == k)
        if rows.size == 0:
            continue
        words = np.array([w for w, _ in ind.words], dtype=object)
        romans = np.array([r for _, r in ind.words], dtype=object)
        w_idx = (pick[rows] * len(words)).astype(np.int64)
        names[rows] = POOLS.stems[stem[rows]] + words[w_idx]
        domains[rows] = POOLS.stems_roman[stem[rows]] + "-" + romans[w_idx] + ".co.jp"
    return names, domains


def person_names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``(names, romaji local parts)``: "佐藤 翔太" and "shota.sato"."""
    last = rng.choice(len(POOLS.last), size=n, p=POOLS.last_p)
    first = rng.integers(0, len(POOLS.first), size=n)
    names = POOLS.last[last] + " " + POOLS.first[first]
    local = POOLS.first_roman[first] + "." + POOLS.last_roman[last]
    return names, local


def corporate_numbers(rng: np.random.Generator, kind_code: np.ndarray) -> np.ndarray:
    """Valid 13-digit 法人番号 strings.

    The 12-digit base follows the 会社法人等番号 layout (4-digit registry office,
    2-digit kind of company, 6-digit serial); the leading check digit is
    ``9 - (Σ P_n × Q_n mod 9)`` with weights 1, 2, 1, 2, … counted from the
    right, as specified by the National Tax Agency and implemented by
    python-stdnum's ``stdnum.jp.cn.calc_check_digit`` (the test suite uses it as
    the oracle).
    """
    n = len(kind_code)
    office = rng.integers(100, 9_999, size=n, dtype=np.int64)
    serial = rng.integers(0, 1_000_000, size=n, dtype=np.int64)
    base = office * 100_000_000 + kind_code.astype(np.int64) * 1_000_000 + serial
    return np.array([f"{x:013d}" for x in with_check_digit(base)], dtype=object)


def with_check_digit(base: np.ndarray) -> np.ndarray:
    """13-digit integers: the check digit of each 12-digit ``base`` put in front."""
    total = np.zeros(len(base), dtype=np.int64)
    rest = base.astype(np.int64).copy()
    for pos in range(12):  # pos 0 is the rightmost digit, weight 1
        total += (rest % 10) * (1 if pos % 2 == 0 else 2)
        rest //= 10
    check = 9 - total % 9
    return check * 10**12 + base


def rep_names(n_reps: int) -> np.ndarray:
    """Sales reps' names: a fixed, deterministic roster (no random state)."""
    last = POOLS.last[np.arange(n_reps) * 7 % len(POOLS.last)]
    first = POOLS.first[np.arange(n_reps) * 11 % len(POOLS.first)]
    return last + " " + first

"""Name pools, corporate numbers and the export spellings, against oracles and properties."""

from __future__ import annotations

import unicodedata
from datetime import date

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from stdnum.jp import cn

from rashinban.demo import _messy as M
from rashinban.demo._names import corporate_numbers, with_check_digit


def test_corporate_numbers_valid_per_stdnum() -> None:
    rng = np.random.default_rng(0)
    nums = corporate_numbers(rng, np.ones(2000, dtype=np.int64))
    assert all(len(x) == 13 and cn.is_valid(x) for x in nums)


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_check_digit_matches_stdnum(base: int) -> None:
    full = int(with_check_digit(np.array([base]))[0])
    text = f"{full:013d}"
    assert text[0] == cn.calc_check_digit(f"{base:012d}")
    assert cn.is_valid(text)


def test_accounts_corporate_numbers(tables) -> None:
    nums = tables["accounts"]["corporate_number"].dropna()
    assert len(nums) > 0.9 * len(tables["accounts"])
    assert nums.map(cn.is_valid).all()


@given(st.text(alphabet=st.characters(min_codepoint=0x30A1, max_codepoint=0x30F4)))
def test_halfwidth_kana_round_trips_through_nfkc(text: str) -> None:
    half = M.to_halfwidth_kana(text)
    assert unicodedata.normalize("NFKC", half) == unicodedata.normalize("NFC", text)


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_full_width_numbers_normalise_back(n: int) -> None:
    assert unicodedata.normalize("NFKC", M.full_width(f"{n:,}")) == f"{n:,}"


@given(st.dates(min_value=date(2019, 5, 1), max_value=date(2030, 12, 31)))
def test_reiwa_dates(d: date) -> None:
    text = M.reiwa(d)
    year = text[2 : text.index("年")]
    assert (1 if year == "元" else int(year)) + 2018 == d.year
    assert text.endswith(f"{d.month}月{d.day}日")


@given(st.lists(st.integers(min_value=-(10**10), max_value=10**10), min_size=1, max_size=30))
def test_yen_spellings_parse_back(values: list[int]) -> None:
    rng = np.random.default_rng(len(values))
    for v, s in zip(
        values, M.yen(rng, pd.Series(values, dtype=float), thousands=True), strict=True
    ):
        t = unicodedata.normalize("NFKC", s)
        neg = t.startswith("▲")
        t = t.lstrip("▲").replace("¥", "").replace(",", "").removesuffix("円")
        mult = 1000 if t.endswith("千") else 1
        assert (-1 if neg else 1) * int(t.removesuffix("千")) * mult == v


def test_names_look_japanese(tables) -> None:
    acc = tables["accounts"]
    assert acc["name"].str.len().between(2, 20).all()
    assert acc["name"].nunique() > 0.3 * len(acc)
    con = tables["contacts"]
    assert con["name"].str.contains(" ").all()
    assert con["email"].str.match(r"^[a-z]+\.[a-z]+@[a-z0-9-]+\.co\.jp$").all()
    assert (acc["prefecture"] == "東京都").mean() > 0.15
    assert acc["prefecture"].nunique() >= 40
    codes = acc.drop_duplicates("prefecture").set_index("prefecture")["prefecture_code"]
    assert codes["北海道"] == "01" and codes["東京都"] == "13" and codes["沖縄県"] == "47"

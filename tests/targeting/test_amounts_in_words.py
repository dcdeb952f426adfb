"""Amounts in segment definitions read like the ICP rules: 52.5億円 / ¥5.25bn, never raw yen.

QA: cluster definitions printed 売上高の中央値5,253,746,500(全体1,720,880,500) in the
same table where ICP rules read 売上高20億円〜200億円.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from rashinban.targeting import conditions_text
from rashinban.targeting._clusters import _describe
from rashinban.targeting._conditions import amount_text

_RAW_YEN = re.compile(r"\d{1,3}(,\d{3}){2,}")  # 5,253,746,500: grouped digits in the millions


def _frame() -> tuple[pd.DataFrame, np.ndarray]:
    """Three clusters: 5 large 関東 accounts, 30 typical ones, 5 small 九州・沖縄 ones."""
    sizes = (5, 30, 5)
    frame = pd.DataFrame(
        {
            "industry": ["製造業"] * 40,
            "region": ["関東"] * 5 + ["近畿"] * 30 + ["九州・沖縄"] * 5,
            "channel": ["Web広告"] * 40,
            "employees": [100] * 40,
            "annual_revenue": [5_253_746_500.0] * 5 + [1_720_880_500.0] * 30 + [5e7] * 5,
            "leads": [2] * 40,
        }
    )
    return frame, np.repeat(np.arange(3), sizes)


def test_cluster_definitions_write_revenue_in_oku_and_billions() -> None:
    frame, labels = _frame()
    ja, en = _describe(frame, labels, "ja"), _describe(frame, labels, "en")
    assert "売上高の中央値52.5億円(全体17.2億円)" in ja[0]
    assert "売上高の中央値5,000万円(全体17.2億円)" in ja[2]
    assert "median annual revenue ¥5.25bn (all ¥1.72bn)" in en[0]
    assert "median annual revenue ¥50m (all ¥1.72bn)" in en[2]
    for text in ja + en:
        assert not _RAW_YEN.search(text), text


def test_cluster_regions_read_in_english() -> None:
    frame, labels = _frame()
    en = _describe(frame, labels, "en")
    assert "region Kanto (100%)" in en[0] and "region Kyushu–Okinawa (100%)" in en[2]
    assert "地域関東が100%" in _describe(frame, labels, "ja")[0]


def test_revenue_under_one_oku_reads_in_man_and_millions() -> None:
    small = [{"column": "annual_revenue", "op": "between", "low": 5e7, "high": None}]
    assert conditions_text(small) == "売上高5,000万円以上"
    assert conditions_text(small, "en") == "annual revenue ≥ ¥50m"
    assert amount_text(1234, "employees") == "1,234"


def test_a_column_nobody_recorded_is_left_out_without_warnings() -> None:
    import warnings

    frame, labels = _frame()
    frame["annual_revenue"] = np.nan  # no account has 年間売上
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "Mean of empty slice" used to fire here
        ja = _describe(frame, labels, "ja")
    assert not any("売上高" in text for text in ja)

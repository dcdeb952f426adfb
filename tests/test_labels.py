"""Labels: result columns and the values the analyses write, in Japanese and English."""

from __future__ import annotations

import pytest

from rashinban._labels import value_label
from rashinban.targeting import TARGET_NAME, grid_segments, one_condition_away


@pytest.mark.parametrize(
    ("written", "english"),
    [
        ("製造業 × 100〜299名", "製造業 × 100–299 employees"),
        ("卸売業・小売業 × 1000名以上", "卸売業・小売業 × 1000+ employees"),
        ("1,000名〜", "1,000+ employees"),
        ("〜29名", "up to 29 employees"),
        ("(競合なし)", "(no competitor)"),
        (TARGET_NAME, "current target"),
        ("条件外し: employees", "without the employees condition"),
        ("industry→建設業", "industry→建設業"),
    ],
)
def test_written_values_read_in_english(written: str, english: str) -> None:
    assert value_label(written, "en") == english


@pytest.mark.parametrize(
    "data",
    ["現場の5名以上が毎日使う", "100〜299名の会社に強い", "営業部 × 3名", 42, None, "なし。"],
)
def test_the_companys_own_words_stay_as_written(data: object) -> None:
    assert value_label(data, "en") == data
    assert value_label(data, "ja") == data


def test_every_name_the_segment_builders_write_reads_in_english() -> None:
    import re

    import pandas as pd

    facts = pd.DataFrame(
        {
            "industry": ["製造業"] * 40 + ["建設業"] * 40,
            "employees": [20, 50, 150, 500, 2000] * 16,
        }
    )
    target = [
        {"column": "industry", "op": "in", "values": ["製造業"]},
        {"column": "employees", "op": "between", "low": 100, "high": 999},
    ]
    names = [*grid_segments(facts, min_accounts=1, spans=2), *one_condition_away(target, facts)]
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    for name in names:
        english = str(value_label(name, "en"))
        # Only the industry (the company's data) may stay Japanese.
        assert not japanese.search(english.replace("製造業", "").replace("建設業", "")), name
    assert value_label("条件外し: industry") == "条件外し: 業種"

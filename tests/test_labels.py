"""Labels: result columns and the values the analyses write, in Japanese and English."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from rashinban._labels import code_label, in_language, value_label
from rashinban.cli._render import table_cell
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


@pytest.mark.parametrize(
    ("column", "value", "lang", "shown"),
    [
        ("win_rate", 0.5684, "ja", "56.8%"),
        ("revenue_share", 0.0260, "en", "2.6%"),
        ("win_rate_interval", [0.4997, 0.6359], "ja", "50.0%–63.6%"),
        ("p_alive", np.float64(0.98765), "ja", "98.8%"),
        ("rate", float("nan"), "ja", ""),
        ("revenue_at_risk", np.int64(486466), "ja", "486,466"),
        ("support", 1341, "en", "1,341"),
        ("version", 12, "ja", "12"),
        ("R", 5, "ja", "5"),
        ("alert", True, "ja", "はい"),
        ("alert", np.bool_(False), "en", "no"),
        ("kind", "contractual", "ja", "契約"),
        ("kind", "kpi_shift", "en", "KPI shift"),
        ("source", "seat_limit", "ja", "利用者数がプラン上限に接近"),
        ("kind", "製造業", "ja", "製造業"),  # not a code of the column: as written
        ("name", "deal", "ja", "deal"),  # a code only in its own column
        ("model_id", "988f72d69cef" + "0" * 52, "ja", "988f72d69cef"),
        ("account_id", "0015g00000ABCDEFGH", "ja", "0015g00000ABCDEFGH"),  # 18-char SF id
        ("lift", 4.876, "ja", "4.876"),
        ("clv", 12758935.47, "ja", "12,758,935"),
        ("segment", "全体", "en", "all"),
        ("reasons", np.array(["a", "b"]), "ja", "a; b"),
        ("rate", 1, "ja", "100.0%"),  # a whole proportion stored as an integer
        ("rate", float("inf"), "ja", "inf"),
        ("win_low", 0.25, "ja", "25.0%"),
        ("share_customers", 0.566, "en", "56.6%"),
        ("fiscal_year", 2025, "ja", "2025"),
        ("account_id", 100234, "ja", "100234"),
        ("amount", Decimal("1234567.5"), "ja", "1,234,568"),
        ("amount", pd.NA, "ja", ""),
        ("at", pd.NaT, "ja", ""),
        ("kind", "canvas_swot", "ja", "SWOTキャンバス"),
        ("kind", "target", "en", "target"),
        ("feature", "revenue_band", "ja", "売上規模"),
        ("feature", "decision_maker", "en", "decision-maker contact"),
        ("win_rate_interval", np.array([0.25, 0.5]), "ja", "25.0%–50.0%"),
    ],
)
def test_table_cells_read_as_people_write_them(
    column: str, value: object, lang: str, shown: str
) -> None:
    assert table_cell(column, value, lang) == shown


def test_every_trigger_kind_is_named_in_both_languages() -> None:
    from rashinban.targets import TRIGGER_KINDS

    for kind, (ja, en) in TRIGGER_KINDS.items():
        assert code_label("kind", kind) == ja and code_label("kind", kind, "en") == en


def test_recorded_moments_show_in_local_time_to_the_minute() -> None:
    import datetime as dt

    stored = "2023-01-02T09:00:00+00:00"
    local = dt.datetime.fromisoformat(stored).astimezone().strftime("%Y-%m-%d %H:%M")
    assert table_cell("at", stored) == local
    assert table_cell("at", dt.datetime(2023, 1, 2, 9, 0, 30)) == "2023-01-02 09:00"
    assert table_cell("note", "2023-01-02T09:00 に電話") == "2023-01-02T09:00 に電話"
    assert table_cell("detected_at", "2024-10-01") == "2024-10-01"
    aware = pd.Timestamp("2023-01-02 09:00", tz="UTC")  # a pandas moment with its zone
    assert table_cell("at", aware) == aware.to_pydatetime().astimezone().strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    "name",
    [
        "rashinban._labels",
        "rashinban._stats",
        "rashinban._threads",
        "rashinban.cli._layout",
        "rashinban.cli._render",
        "rashinban.cli._usage",
        "rashinban.state._words",
    ],
)
def test_docstring_examples_run(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0


def test_messages_in_english_keep_the_english_halves() -> None:
    from rashinban import NotEnoughDataError

    err = NotEnoughDataError(
        "感情分析には推奨者・批判者のコメントが30件以上必要です (現在 推奨者4件) / "
        "sentiment needs at least 30 comments; got 4 promoters",
        fix="NPS付きのコメントを取り込んでください / import more survey comments",
    )
    assert in_language(str(err), "en") == (
        "sentiment needs at least 30 comments; got 4 promoters — fix: import more survey comments"
    )
    assert in_language(str(err), "ja") == str(err)
    assert (
        in_language("optimiser stopped / gradient 3.2", "en") == "optimiser stopped / gradient 3.2"
    )


def test_kpi_table_shows_rates_with_intervals_and_shares_as_percentages() -> None:
    from rashinban.cli._targets import _compact_kpi

    row = {
        "scope": "company",
        "period": "2025-01",
        "period_start": "2025-01-01",
        "win_rate": 0.21,
        "win_rate_low": 0.18,
        "win_rate_high": 0.24,
        "nrr": 1,
        "churn_rate": float("nan"),
        "leads": 1200,
    }
    (shown,) = _compact_kpi([row])
    assert list(shown) == ["scope", "period", "win_rate", "nrr", "churn_rate", "leads"]
    assert (shown["win_rate"], shown["nrr"]) == ("21% (18%–24%)", "100%")
    assert shown["churn_rate"] != shown["churn_rate"]  # no value: left for the cell to blank
    assert table_cell("scope", shown["scope"]) == "全社"
    assert table_cell("leads", shown["leads"]) == "1,200"

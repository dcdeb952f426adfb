"""Each language reads its own words: no role codes, なし or column names leak across.

QA found raw role codes (decision_maker) in Japanese worksheets, なし in English
ones and Japanese segment headings on English persona cards. These tests build
small tables by hand, so each case is stated where it is checked.
"""

from __future__ import annotations

import doctest
import importlib
import re
from dataclasses import replace

import pandas as pd
import pytest

from rashinban.personas import card_markdown, describe_conds, workshop
from rashinban.personas._card import Evidence, PersonaCard, Statement
from rashinban.personas._render import segment_text
from rashinban.personas._roles import ROLE_NAMES, role_name
from rashinban.personas._story import story
from rashinban.schema import TABLES

_KANA_OR_KANJI = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_CODES = re.compile(r"decision_maker|influencer|purchaser|\buser\b|\bother\b")


def _tables() -> dict[str, pd.DataFrame]:
    accounts = pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3"],
            "name": ["北海商事", "札幌製作所", "東京物産"],
            "industry": ["製造業", "製造業", "卸売業・小売業"],
            "employees": [1200, 1500, 80],
            "prefecture": ["北海道", "北海道", "東京都"],
        }
    )
    contacts = pd.DataFrame(
        {
            "contact_id": ["C1", "C2", "C3", "C4", "C5", "C6"],
            "account_id": ["A1", "A1", "A2", "A2", "A3", "A3"],
            "name": ["阿部 花子", "吉田 里佳", "佐藤 陽子", "鈴木 直人", "渡辺 智也", "中村 直人"],
            "title": ["本部長", "係長", "代表取締役", None, "室長", "課長"],
            "department": [
                "情報システム部",
                "情報システム部",
                "経営企画部",
                "総務部",
                None,
                "購買部",
            ],
            "role": [
                "decision_maker",
                "user",
                "decision_maker",
                "influencer",
                "influencer",
                "purchaser",
            ],
        }
    )
    deals = pd.DataFrame(
        {
            "deal_id": ["D1", "D2", "D3"],
            "account_id": ["A1", "A2", "A3"],
            "created_at": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"]),
            "closed_at": pd.to_datetime(["2025-03-02", "2025-03-03", "2025-04-01"]),
            "amount": [1_200_000.0, 600_000.0, 300_000.0],
            "outcome": ["won", "won", "won"],
            "competitor": [None, "ガンマソフト", "  "],
            "product_id": ["P01", "P01", "P02"],
        }
    )
    return {"accounts": accounts, "contacts": contacts, "deals": deals}


def _lines(sheet: dict, key: str) -> list[dict]:
    return [line for a in sheet["accounts"] for line in a["sheet"][key]]


def test_role_names_cover_the_schema_enum() -> None:
    role = next(c for c in TABLES["contacts"].columns if c.name == "role")
    assert set(ROLE_NAMES) == set(role.values)
    assert [role_name(r) for r in ("decision_maker", "influencer", "user", "purchaser")] == [
        "決裁者",
        "影響者",
        "利用者",
        "購買担当",
    ]
    assert [role_name(r, "en") for r in ("decision_maker", "influencer", "user", "purchaser")] == [
        "decision-maker",
        "influencer",
        "user",
        "purchasing",
    ]


def test_worksheet_people_name_roles_in_each_language() -> None:
    # QA: 阿部 花子: 情報システム部 本部長（decision_maker）
    people = _lines(workshop(_tables(), ["A1", "A2", "A3"]), "person")
    by_id = {line["evidence"][0]: line for line in people}
    assert by_id["C1"]["text"] == "阿部 花子: 情報システム部 本部長（決裁者）"
    assert by_id["C1"]["text_en"] == "阿部 花子: 本部長, 情報システム部 (decision-maker)"
    assert by_id["C6"]["text_en"].endswith("(purchasing)")
    # A missing title or department is left out, not written as None or nan.
    assert by_id["C4"]["text"] == "鈴木 直人: 総務部（影響者）"
    assert by_id["C5"]["text_en"] == "渡辺 智也: 室長 (influencer)"
    for line in people:
        assert not _CODES.search(line["text"]), line["text"]
        assert "None" not in line["text"] + line["text_en"]
        assert "nan" not in line["text"] + line["text_en"]


def test_worksheet_common_roles_read_in_each_language() -> None:
    # QA: 3/3社に役割「user」の担当者がいる
    common = workshop(_tables(), ["A1", "A2", "A3"])["common"]
    texts = {c["text"]: c["text_en"] for c in common}
    assert texts["2/3社に役割「決裁者」の担当者がいる"] == "2/3 have a decision-maker contact"
    assert texts["2/3社に役割「影響者」の担当者がいる"] == "2/3 have an influencer contact"
    for ja in texts:
        assert not _CODES.search(ja), ja


def test_an_id_given_twice_is_one_customer_on_the_worksheet() -> None:
    sheet = workshop(_tables(), ["A1", "A1"])
    [account] = sheet["accounts"]
    assert account["account_id"] == "A1"
    assert account["sheet"]["business"][0]["text"] == "北海商事（製造業、従業員1,200名、北海道）"
    # One customer shares nothing with itself: no "2/2" traits.
    assert sheet["common"] == []
    twice = workshop(_tables(), ["A1", "A2", "A1"])
    assert [a["account_id"] for a in twice["accounts"]] == ["A1", "A2"]
    assert [c["text_en"] for c in twice["common"]][:2] == [
        "2/2 share industry 製造業",
        "2/2 share size 1,000+ employees",
    ]


def test_worksheet_deals_without_a_competitor_say_so_in_each_language() -> None:
    # QA: "closed in 60 days, competitor なし" in English
    decision = {
        line["evidence"][0]: line
        for line in _lines(workshop(_tables(), ["A1", "A2", "A3"]), "decision")
    }
    for empty in ("D1", "D3"):  # no competitor, and a blank one
        assert decision[empty]["text"].endswith("競合なし")
        assert decision[empty]["text_en"].endswith(", no competitor")
        assert not _KANA_OR_KANJI.search(decision[empty]["text_en"]), decision[empty]
    assert decision["D2"]["text"].endswith("競合 ガンマソフト")
    assert decision["D2"]["text_en"].endswith("competitor ガンマソフト")
    assert "¥1,200,000" in decision["D1"]["text_en"] and "1,200,000円" in decision["D1"]["text"]


def test_worksheet_prefectures_read_in_english() -> None:
    sheet = workshop(_tables(), ["A1", "A2", "A3"])
    business = _lines(sheet, "business")
    assert business[0]["text"] == "北海商事（製造業、従業員1,200名、北海道）"
    assert business[0]["text_en"] == "北海商事 (製造業, 1,200 employees, Hokkaido)"
    common = {c["text"]: c["text_en"] for c in sheet["common"]}
    assert common["所在地が北海道（2/3社）"] == "2/3 share prefecture Hokkaido"


def _card(segment: str) -> PersonaCard:
    ev = Evidence("statistic", "contacts", "role", "purchaser", 3, 4)
    st = [
        Statement("role", "購買での役割は購買担当が最多（75%）", "Most common buying role: x", ev)
    ]
    return PersonaCard(
        key="k",
        name_ja="佐藤 誠",
        name_en="Makoto Sato",
        segment=segment,
        n_accounts=4,
        avatar_svg="",
        statements=st,
        story=story("佐藤 誠", "Makoto Sato", st),
        notes_ja=[],
    )


def test_evidence_keeps_the_stored_code_and_names_it() -> None:
    # The stored value stays queryable as written; its name follows in the reader's language.
    role = Evidence("statistic", "contacts", "role", "influencer", 3, 10)
    assert role.describe("ja") == "contacts.role = influencer（影響者）: 3/10 (30%)"
    assert role.describe("en") == "contacts.role = influencer: 3/10 (30%)"
    buyer = Evidence("statistic", "contacts", "role", "decision_maker", 1, 4)
    assert buyer.describe("en") == "contacts.role = decision_maker (decision-maker): 1/4 (25%)"
    won = Evidence("statistic", "deals", "outcome", "won", 2, 8)
    assert won.describe("ja") == "deals.outcome = won（受注）: 2/8 (25%)"
    # A value that is not a code is shown once.
    plain = Evidence("statistic", "accounts", "industry", "製造業", 5, 10)
    assert plain.describe("ja") == "accounts.industry = 製造業: 5/10 (50%)"


def test_story_names_the_role_in_each_language() -> None:
    card = _card("業種 = 製造業")
    assert "購買担当[1]の立場にある。" in card.story_text("ja")
    assert "Buying role: purchasing[1]." in card.story_text("en")
    assert "purchaser" not in card.story_text("en")


def test_markdown_card_reads_its_segment_rule_in_english() -> None:
    # The HTML card did; the Markdown card printed 業種 = 製造業 in English.
    card = _card("業種 = 製造業")
    assert "*industry is 製造業* — 4 accounts" in card_markdown(card, lang="en")
    assert "*業種 = 製造業* — 4 社" in card_markdown(card)
    named = replace(card, segment="中堅製造")
    assert "*中堅製造* — 4 accounts" in card_markdown(named, lang="en")


def test_condition_lists_read_as_japanese_rules_and_english_sentences() -> None:
    # QA: --rule '[COND…]' headed the Japanese card "industry ∈ {製造業} × employees ≥ 100"
    conds = [
        {"column": "industry", "op": "in", "values": ["製造業"]},
        {"column": "employees", "op": "between", "low": 100, "high": 999},
        {"column": "annual_revenue", "op": "between", "low": 2e9, "high": None},
    ]
    ja = describe_conds(conds)
    assert (
        ja == "業種 = 製造業 かつ 従業員数 >= 100 かつ 従業員数 <= 999 かつ 年間売上 >= 2000000000"
    )
    assert not re.search(r"[A-Za-z]", ja), ja  # no column names or keywords in English
    en = segment_text(ja, "en")
    assert en == (
        "industry is 製造業, and employees at least 100, and employees at most 999, "
        "and annual revenue at least ¥2bn"
    )
    # A column outside the rule language keeps the plain symbols.
    assert describe_conds([{"column": "score", "op": "between", "low": 3, "high": None}]) == (
        "score ≥ 3"
    )


@pytest.mark.parametrize("module", ["rashinban.personas._roles", "rashinban.personas._workshop"])
def test_docstring_examples(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0

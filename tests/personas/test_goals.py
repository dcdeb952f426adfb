"""Goals: only sentences that state a goal or a wish, labelled by a word of that sentence.

The goal slots used to take a frequent theme word and keep it when its sentence held
たい, 要望 or 重視 anywhere (「価格」に取り組みたい: 価格が合えば前向きに検討したいとのこと。);
now a goal is a sentence with a goal cue in the clause its term comes from, and a card
with none says データなし.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from rashinban import init_workspace
from rashinban.importing import load_frames
from rashinban.personas import (
    PersonaCard,
    card_html,
    card_markdown,
    personas_for,
)
from rashinban.personas._build import _about
from rashinban.personas._cues import cue, cue_sentences


@pytest.mark.parametrize(
    ("sentence", "want"),
    [
        ("複数のツールを統合してコストを削減したい。", "たい"),
        ("在庫と生産計画をリアルタイムで可視化したいという要望が強い。", "たい"),
        ("経理の工数削減が最優先。", "最優先"),
        ("まずはコスト削減が第一で、現行ツールより安くなるかを気にされている。", "が第一"),
        ("開発者体験を重視しており、SDKやWebhookの対応を細かく質問された。", "重視"),
        ("Excel管理からの脱却が経営層のテーマになっている。", "脱却"),
        ("ペーパーレスの実現を目指している。", "実現"),
        ("スマートフォンからも帳票出力を使えるようにしてほしい。", "ようにしてほしい"),
        ("帳票出力の改善要望を受けた。", "要望"),
        ("We want to close the books in two days.", "want to"),
        ("Our goal is one view of stock across plants.", "goal"),
        ("They would like to automate invoice entry.", "would like"),
        # wanting to learn, check or consider is no goal; nor a conditional consideration
        ("価格が合えば前向きに検討したいとのこと。", None),
        ("現場の5名が毎日入力できるか、定着のイメージを知りたいとのこと。", None),
        ("契約更新の時期を確認したいです。", None),
        ("来期に改めて提案したい。", None),
        # that a request exists says nothing of what is wanted
        ("情報システム部から追加の要望が出ている。", None),
        # a question, a denial, asking about the goals
        ("API連携を実現したいですか？", None),
        ("自動化したいか確認した。", None),
        ("特に要望はありません。", None),
        ("価格は重視していない。", None),
        ("導入時の要望を伺った。", None),
        ("We don't want to change the workflow.", None),
        ("Do you want to add users?", None),
        ("We want to know the price for ten more users.", None),
        # no cue: an adjective in たい, a request for proof, a fact
        ("動作が重たいです。", None),
        ("コスト削減の効果を数字で示してほしいとのこと。", None),
        ("次回は情報システム部の方も同席予定。", None),
        ("導入してから月末の作業がかなり楽になりました。", None),
    ],
)
def test_cue_classifies_goal_sentences(sentence: str, want: str | None) -> None:
    assert cue(sentence, "goal") == want


def test_the_goal_term_comes_from_the_clause_that_states_it() -> None:
    # 情報システム部 only sets the scene; the goal is fewer operating chores
    scene = "情報システム部の人数は少なく、運用の手間を減らしたい。"
    assert _about(scene, "goal") == ("運用", "手間")
    # 定着 is the past failure, not the goal; the stating clause has no content word
    # the tokenizer keeps (使いやすさ), so the sentence labels no goal at all
    said = "以前に別のツールを入れたが現場に定着しなかった経験があり、使いやすさを重視している。"
    assert _about(said, "goal") == ()
    assert _about("帳票出力の改善要望を受けた。", "goal") == ("帳票出力",)  # not 改善要望
    assert {"view", "stock"} <= set(_about("Our goal is a single view of stock.", "goal"))
    assert "goal" not in _about("Our goal is a single view of stock.", "goal")


def test_demo_goals_are_stated_in_their_evidence(
    demo_cards: list[PersonaCard], voice_texts: dict[str, str]
) -> None:
    texts = voice_texts
    terms = []
    for card in demo_cards:
        for s in card.by_field("goal"):
            term, sentence = str(s.evidence.value), s.text_ja.split(": ", 1)[1]
            assert s.text_ja == f"「{term}」に取り組みたい: {sentence}"
            assert s.text_en == f"Wants progress on '{term}': {sentence}"
            assert cue(sentence, "goal"), s.text_ja  # the quote states a goal
            assert term in _about(sentence, "goal"), s.text_ja
            for i in s.evidence.ids:  # every cited text states a goal about the term
                assert any(term in _about(x, "goal") for x in cue_sentences(texts[i], "goal"))
            terms.append(term)
        said = " ".join(s.text_ja for s in card.by_field("goal"))
        for wrong in ("検討したい", "知りたい", "追加の要望", "数字で示して"):
            assert wrong not in said, (card.key, said)
    # every slot filled on the three default cards, and never by the frequent word 価格
    assert len(terms) == 9 and "価格" not in terms and "検討" not in terms
    assert {"可視化", "電子化", "工数削減", "API", "開発者体験"} <= set(terms)


def test_a_segment_whose_texts_state_no_goal_says_no_data(tmp_path: Path) -> None:
    day = pd.Timestamp
    ids = ["A1", "A2", "A3"]
    accounts = pd.DataFrame(
        {
            "account_id": ids,
            "name": ["甲社", "乙社", "丙社"],
            "industry": ["製造業"] * 3,
            "employees": pd.array([120, 80, 60], dtype="Int64"),
            "created_at": [day("2024-01-10")] * 3,
            "status": ["customer"] * 3,
        }
    )
    # a frequent word (価格) and たい in a sentence that wants only to consider
    said = ["価格が合えば前向きに検討したいとのこと。", "定着のイメージを知りたいとのこと。"]
    notes = pd.DataFrame(
        [(f"N{a}{k}", a, None, "interview", t) for a in ids for k, t in enumerate(said)],
        columns=["note_id", "account_id", "deal_id", "kind", "text"],
    ).assign(written_at=day("2024-03-05"))
    ws = init_workspace(tmp_path / "ws")
    load_frames(ws, {"accounts": accounts, "notes": notes})
    rule = [{"column": "industry", "op": "in", "values": ["製造業"]}]
    card = personas_for(ws.backend(), dt.date(2024, 12, 31), {"k": ("製造業", rule)})[0]
    assert not card.by_field("goal")
    assert card.notes()[-3] == (
        "目標: データなし（この区分の文章に目標や要望を述べた文が見つかりません）"
    )
    assert card.notes("en")[-3] == (
        "goals: no data (no sentence in this segment's texts states a goal or wish)"
    )
    assert '<dt>目標</dt><dd class="none">データなし</dd>' in card_html(card)
    assert '<dt>Goals</dt><dd class="none">no data</dd>' in card_html(card, lang="en")
    assert "### 目標\n- データなし\n" in card_markdown(card)
    assert "### Goals\n- no data\n" in card_markdown(card, lang="en")
    assert "本当はこうしたい" not in card.story_text("ja")  # the story invents no goal

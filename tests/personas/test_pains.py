"""Pains and objections: only sentences that state one, labelled by a word of that sentence.

The slots used to be filled with the most frequent noun of a segment's texts and any
sentence holding it (「情報システム部」が課題: 次回は情報システム部の方も同席予定。);
now a sentence must carry a pain or objection cue, and a slot with none says データなし.
"""

from __future__ import annotations

import datetime as dt
import doctest
from pathlib import Path

import pandas as pd
import pytest

from rashinban import Workspace, init_workspace
from rashinban.importing import load_frames
from rashinban.personas import (
    PersonaCard,
    _build,
    _cues,
    card_html,
    card_markdown,
    personas_for,
)
from rashinban.personas._build import _about
from rashinban.personas._cues import cue, cue_clauses, cue_sentences


@pytest.mark.parametrize("module", [_cues, _build])
def test_docstring_examples(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.attempted >= 5 and result.failed == 0


@pytest.mark.parametrize(
    ("sentence", "kind", "want"),
    [
        ("担当者が変わると引き継ぎができない状態。", "pain", "できない"),
        ("サポートの返信が遅く、困っています。", "pain", "遅く"),
        ("締め作業に毎月3日かかっている。", "pain", "日かか"),
        ("適格請求書の登録番号の管理に不安があるとのこと。", "pain", "不安"),
        ("ダッシュボードが使いにくく、作業時間がかえって増えました。", "pain", "にくく"),
        ("問題はないが、動作が遅い。", "pain", "遅い"),  # the denial hides only its own cue
        ("Closing takes too long because invoices are typed by hand.", "pain", "takes too long"),
        ("価格が高いという評価。", "objection", "高い"),
        ("機能は評価されたが、価格が予算に合わなかった。", "objection", "予算に合わ"),
        ("他社に決定したとのこと。", "objection", "他社"),
        ("社内の体制が整っておらず時期尚早とのこと。", "objection", "整っておらず"),
        ("The price was too high for their budget.", "objection", "price was too high"),
        # the sentences the slots were filled with, which state neither
        ("次回は情報システム部の方も同席予定。", "pain", None),
        ("操作研修の追加を相談された。", "pain", None),
        ("電子帳簿保存法の要件を満たす請求書の保存方法を探している。", "pain", None),
        ("ワークフローのおかげで作業時間が減りました。", "pain", None),
        ("特に大きな不満はありません。", "pain", None),
        ("大きな問題はなさそう。", "pain", None),
        ("動作が軽快でストレスがありません。", "pain", None),
        ("経理部の方から現状の課題を伺った。", "pain", None),  # asking is not stating
        ("Great support, no issues so far.", "pain", None),
        ("動作は遅くはないと思います。", "pain", None),  # a denied adjective
        ("画面の見た目は悪くない。", "pain", None),
        ("連携できないか相談された。", "pain", None),  # asking whether it can be done
        ("The user manual is great.", "pain", None),
        ("価格は高くないという評価。", "objection", None),
        ("導入は難しくなさそう。", "objection", None),
        ("再来月に改めて提案したい。", "objection", None),
        ("紙の請求書が月に数百枚あり、電子化したいとのこと。", "objection", None),
        ("先方の予算時期を把握できていなかった。", "objection", None),
        (
            "生産計画をExcelで管理しており、担当者が変わると引き継ぎができない状態。",
            "objection",
            None,
        ),
        ("We will propose again next quarter.", "objection", None),
    ],
)
def test_cue_classifies_sentences(sentence: str, kind: str, want: str | None) -> None:
    assert cue(sentence, kind) == want  # type: ignore[arg-type]


def test_a_label_is_cut_and_the_sentence_stays_verbatim() -> None:
    text = "失注。背景：他社と価格を比較検討中。来期に改めて提案したい。"
    assert cue_sentences(text, "objection") == ["他社と価格を比較検討中。"]
    assert cue_sentences("Note: 10:00 call. Exports are slow.", "pain") == ["Exports are slow."]


def test_the_keyword_comes_from_the_clause_that_states_it() -> None:
    # 機能 was praised; the objection is the price against the budget
    assert cue_clauses("機能は評価されたが、価格が予算に合わなかった。", "objection") == [
        "価格が予算に合わなかった。"
    ]
    assert _about("機能は評価されたが、価格が予算に合わなかった。", "objection") == ("価格", "予算")
    assert _about("現状の課題を伺った。", "pain") == ()
    assert _about("Support is great, but exports are slow.", "pain") == ("exports", "slow")


def test_demo_pains_and_objections_are_stated_in_their_evidence(
    demo_cards: list[PersonaCard], voice_texts: dict[str, str]
) -> None:
    texts = voice_texts
    checked = {"pain": 0, "objection": 0}
    for card in demo_cards:
        for s in card.statements:
            if s.field not in checked or s.evidence.kind != "texts":
                continue
            kind = s.field
            sentence = s.text_ja.split(": ", 1)[1]
            assert s.text_en.endswith(": " + sentence)
            assert cue(sentence, kind), s.text_ja  # the quote states a pain / an objection
            assert s.evidence.value in _about(sentence, kind), s.text_ja
            # every cited text says the term inside a sentence of the same kind
            for i in s.evidence.ids:
                said = cue_sentences(texts[i], kind)
                assert any(s.evidence.value in _about(x, kind) for x in said), (s.text_ja, i)
            checked[kind] += 1
        said = " ".join(s.text_ja for s in card.statements if s.field in checked)
        for wrong in ("同席予定", "追加を相談", "改めて提案", "紙の請求書が月に数百枚"):
            assert wrong not in said, (card.key, said)
        pain = next(ja for ja, _, ref in card.story if ref is not None and ja.endswith("。"))
        assert cue(pain, "pain"), card.story_text("ja")  # the story's pain is a pain
    assert checked == {"pain": 9, "objection": 6}  # every slot filled on the demo


@pytest.fixture(scope="module")
def small_ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """Six accounts: 製造業 ones whose notes state no pain, 情報通信業 ones with English notes."""
    day = pd.Timestamp
    ids = [f"A{i}" for i in range(1, 7)]
    accounts = pd.DataFrame(
        {
            "account_id": ids,
            "name": [f"会社{i}" for i in ids],
            "industry": ["製造業"] * 3 + ["情報通信業"] * 3,
            "employees": pd.array([120, 80, 60, 40, 200, 90], dtype="Int64"),
            "created_at": [day("2024-01-10")] * 6,
            "status": ["customer"] * 6,
        }
    )
    deal_ids = [f"D{i}" for i in range(1, 10)]
    deals = pd.DataFrame(
        {
            "deal_id": deal_ids,
            "account_id": [*ids, "A4", "A5", "A6"],
            "created_at": [day("2024-02-01")] * 9,
            "closed_at": [day("2024-03-01")] * 9,
            "amount": [100000.0] * 9,
            "outcome": ["won"] * 6 + ["lost"] * 3,
            "loss_reason": [None] * 6 + ["価格が高い"] * 3,
            "kind": ["new"] * 9,
        }
    )
    rows = []
    for n, acc in enumerate(ids):
        if acc in {"A1", "A2", "A3"}:
            said = ["次回は情報システム部の方も同席予定。", "操作研修の追加を相談された。"]
        else:
            said = [
                "Closing takes too long because invoices are typed by hand.",
                "Next meeting with the IT team.",
            ]
        rows += [(f"N{n}{k}", acc, None, "interview", t) for k, t in enumerate(said)]
    outcomes = ["won"] * 3 + ["lost"] * 3
    for deal, acc, outcome in zip(deal_ids[3:], ["A4", "A5", "A6"] * 2, outcomes, strict=True):
        text = (
            "Won. The demo convinced the plant manager."
            if outcome == "won"
            else "Lost. The price was too high for their budget. "
            "We will propose again next quarter."
        )
        rows.append((f"W{deal}", acc, deal, "win_loss", text))
    notes = pd.DataFrame(rows, columns=["note_id", "account_id", "deal_id", "kind", "text"])
    notes["written_at"] = day("2024-03-05")
    ws = init_workspace(Path(tmp_path_factory.mktemp("pains")) / "ws")
    load_frames(ws, {"accounts": accounts, "deals": deals, "notes": notes})
    return ws


def _card(ws: Workspace, industry: str) -> PersonaCard:
    rule = [{"column": "industry", "op": "in", "values": [industry]}]
    return personas_for(ws.backend(), dt.date(2024, 12, 31), {"k": (industry, rule)})[0]


def test_a_segment_whose_notes_state_no_pain_says_no_data(small_ws: Workspace) -> None:
    card = _card(small_ws, "製造業")
    assert not card.by_field("pain") and not card.by_field("objection")
    assert any(n.startswith("課題: データなし") for n in card.notes("ja"))
    assert any(n.startswith("pains: no data") for n in card.notes("en"))
    assert any(n.startswith("懸念・失注理由: データなし") for n in card.notes("ja"))
    assert any(n.startswith("objections: no data") for n in card.notes("en"))
    assert '<dt>課題</dt><dd class="none">データなし</dd>' in card_html(card)
    assert '<dt>Objections</dt><dd class="none">no data</dd>' in card_html(card, lang="en")
    assert "### 課題\n- データなし\n" in card_markdown(card)
    assert "### Pains\n- no data\n" in card_markdown(card, lang="en")
    assert "課題" not in card.story_text("ja")  # the story invents no pain either
    # the sentence is still a real voice of the segment, shown as what it is: a quote
    assert [s.field for s in card.statements if "同席予定" in s.text_ja] == ["quote"]


def test_english_notes_give_english_pains_and_objections(small_ws: Workspace) -> None:
    card = _card(small_ws, "情報通信業")
    pain = "Closing takes too long because invoices are typed by hand."
    assert [s.text_en.split(": ", 1)[1] for s in card.by_field("pain")] == [pain]
    assert card.by_field("pain")[0].evidence.value in pain.lower().split()
    texts = [s.text_en for s in card.by_field("objection")]
    assert texts[0].endswith(": The price was too high for their budget.")
    assert texts[0].split("'")[1] in {"price", "high", "budget"}
    assert texts[1] == "Top new-business loss reason: 価格が高い (3/3, 100%)"
    assert len(texts) == 2  # "We will propose again next quarter." is no objection
    assert f"In the morning the usual problem comes back: {pain}[" in card.story_text("en")
    # age band, and goals (no note states one): pains and objections have data
    assert card.notes("en")[1:] == [
        "goals: no data (no sentence in this segment's texts states a goal or wish)"
    ]


def test_a_card_round_reads_each_note_once_per_process() -> None:
    # Every segment card reads the whole corpus; the second and later cards reuse the
    # sentences and words worked out for the first, with the same result.
    texts = ["次回は経理部も同席。紙の請求書の処理に手間がかかる。", "動作が遅い。", "受注。"]
    docs = pd.DataFrame({"doc_id": ["N1", "N2", "N3"], "text": texts})
    _cues._cue_sentences.cache_clear()
    _build._whole_keywords.cache_clear()
    first = _build._cue_docs(docs, "pain")
    themes_first = _build._text_themes(docs, [True, False, False], top_n=5, min_docs=1)
    worked = (_cues._cue_sentences.cache_info().misses, _build._whole_keywords.cache_info().misses)
    again = _build._cue_docs(docs, "pain")
    themes_again = _build._text_themes(docs, [True, False, False], top_n=5, min_docs=1)
    assert first[0]["text"].tolist() == ["紙の請求書の処理に手間がかかる。", "動作が遅い。", ""]
    assert first[1] == again[1] == [["請求書", "処理", "手間"], ["動作"], []]
    assert themes_first == themes_again
    assert themes_first[1] == [["経理部", "同席", "請求書", "処理", "手間"], ["動作"], []]
    # the second round found everything already worked out
    assert worked[0] == 3
    assert (
        _cues._cue_sentences.cache_info().misses,
        _build._whole_keywords.cache_info().misses,
    ) == (worked)

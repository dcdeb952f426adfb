"""Which sentences state a pain or an objection: a small classifier of cue expressions.

A persona's pain must be a sentence in which the customer says what hurts, and an
objection a sentence that says why a deal was held back; a sentence that only shares
a frequent word with them (「次回は情報システム部の方も同席予定。」) is neither. The
classifier reads one sentence (after NFKC normalisation) and looks for a cue
expression of its kind, written for this project (no third-party list is shipped):

- **pain** (Japanese): the customer names a problem or a burden (課題, 困って, 手間,
  負担, 不満, 不安, 支障, 急務, 属人化), cannot do something (できない, 使えない,
  見えない, 分からない, 解決しない, 定着しなかった), finds it slow, heavy or hard
  (遅い, 重い, 使いにくい, 時間がかかる), or lacks something (足りない, 不足, エラー,
  不具合). English: problem, issue, struggle, difficult, hard to, slow, manual,
  time-consuming, can't, unable, error, confusing, missing …
- **objection** (Japanese): price or budget (高い, 割高, 安い, 値引き, 予算が合わない,
  予算不足, 価格次第), doubt (懸念, 不安, 難しい), delay (見送り, 保留, 時期尚早,
  体制が整っておらず), a rival (他社, 競合, 負けた) or a gap (足りない, 不足,
  未対応). English: expensive, price too high, over budget, concern, not ready,
  postpone, competitor, lost to, missing …

- **goal** (Japanese): a wish (〜たい: 削減したい, 可視化したい, 使いたい), an aim
  (目指し, 実現し, 効率化, 脱却, 最優先, 第一, 必須, 目標は), a request or preference
  (改善要望, 希望, 重視, 〜ようにしてほしい). Wanting only to learn, check,
  consider or discuss something (知りたい, 確認したい, 検討したい, 相談したい) states
  no goal, nor does a question (〜か。, ？) or a request whose content is not said
  (追加の要望が出ている). English: want to, would like, aim to, goal,
  objective, hope to, looking to, priority …

A cue that is denied does not count: 「特に大きな不満はありません」, 「大きな問題は
なさそう」 and "no issues so far" are not pains. The lists favour precision over
recall: a sentence that states a pain without any of these words is missed, and the
persona card then says so (データなし / no data) rather than fill the slot with a
frequent word.

Examples
--------
>>> cue("担当者が変わると引き継ぎができない状態。", "pain")
'できない'
>>> cue("次回は情報システム部の方も同席予定。", "pain") is None
True
>>> cue("特に大きな不満はありません。", "pain") is None
True
>>> cue("価格が高いという評価。", "objection")
'高い'
>>> cue("The reporting is slow and we export everything by hand.", "pain")
'slow'
>>> cue("複数のツールを統合してコストを削減したい。", "goal")
'たい'
>>> cue("価格が合えば前向きに検討したいとのこと。", "goal") is None
True
"""

from __future__ import annotations

import functools
import re
from typing import Literal

from rashinban.text._tokenize import detect_language, normalize_for_mining, sentences

Kind = Literal["pain", "objection", "goal"]

_PAIN_JA = (
    r"課題|問題|悩み|困って|困る|困り|手間|負担|不満|不便|不安|苦労|支障|急務|嘆|"
    r"属人化|ばらばら|バラバラ|二重入力|手作業|煩雑|面倒|非効率|無駄|ムダ|ストレス|"
    r"入力ミス|ミス(?:が|の|を)|漏れ|"
    r"(?:でき|使え|見え|届か|直せ|進ま|回ら|追いつか|つながら|動か|分から|わから)"
    r"(?:ない|なく|ず|ません|なかった)(?!か)|できて(?:い)?ない|できていません|"
    r"定着(?:しな|せず)|解決し(?:ない|ていない|ていません|ません|なかった)|"
    r"感じられ(?:ない|ません)|分かりません|わかりません|"
    r"止まっ|期限が迫|遅い|遅れ|重い|(?:遅|重|にく)く(?!(?:は|も)?な[いかくさ])|にくい|"
    r"(?:時間|日|手間|工数)(?:が|も)?かか|工数が(?:大きい|多い|増え)|かえって|"
    r"足りな|足りず|不足|エラー|不具合|障害(?!者)|文字化け|悪く(?!(?:は|も)?な[いかくさ])|悪い"
)
_PAIN_EN = (
    r"\bproblems?\b|\bissues?\b|\bstruggl\w*|\bdifficult\w*|\bhard to\b|\bpainful\b|"
    r"\bpain points?\b|\bfrustrat\w*|\bannoy\w*|\bcomplain\w*|\bslow\w*|\bmanually\b|"
    r"\bmanual (?:work|entry|input|process\w*|steps?)\b|"
    r"\bby hand\b|\btime[- ]consuming\b|\btakes? (?:too )?long\b|\btoo much time\b|"
    r"\bwast\w*|\bburden\w*|\bcan'?t\b|\bcannot\b|\bunable\b|\bnot working\b|"
    r"\bdoes(?:n'?t| not) work\b|\bbroken\b|\berrors?\b|\bbugs?\b|\bcrash\w*|\bfail\w*|"
    r"\bconfus\w*|\bunclear\b|\bmissing\b|\bnot enough\b|\binsufficient\b|\bworr\w*|"
    r"\bsiloed\b|\bscattered\b|\berror-prone\b"
)
_OBJECTION_JA = (
    r"高い|高く(?!(?:は|も)?な[いかくさ])|高額|割高|安[いくか]|値引き|値下げ|"
    r"予算(?:が|に|の)?(?:合わ|足り|不足|な[いく]|限られ|確保でき|取れ|超え|オーバー)|"
    r"予算不足|予算外|予算次第|価格次第|価格が合|費用対効果|"
    r"懸念|心配|不安|(?:難|厳)し(?!く(?:は|も)?な[いかくさ])|"
    r"見送|見合わせ|保留|延期|再検討|時期尚早|時期ではない|まだ早い|"
    r"整っておらず|整っていない|"
    r"(?:費用|価格|料金|月額)(?:を|が)?(?:もう少し)?下げ|"
    r"他社|競合|負け|劣[るっ]|"
    r"足りな|足りず|不足|未対応|対応していない|(?:対応|連携)できな|合わなかった|合わない"
)
_OBJECTION_EN = (
    r"\bexpensive\b|\bcostly\b|\btoo (?:high|much)\b|\bprice\w* (?:is |was )?(?:too )?high\b|"
    r"\bcheaper\b|\bdiscount\w*|\bover (?:the )?budget\b|\bno budget\b|"
    r"\b(?:tight|limited|insufficient) budget\b|\bbudget (?:is |was )?(?:tight|limited|cut|"
    r"frozen|not approved)\b|\bout of budget\b|\bconcern\w*|\bworr\w*|\brisk\w*|"
    r"\bhesita\w*|\bnot ready\b|\btoo early\b|\bpostpone\w*|\bdelay\w*|\bon hold\b|"
    r"\bcompetitor\w*|\bwent with\b|\blost to\b|\bchose (?:another|a competitor)\b|"
    r"\black\w*|\bmissing\b|\bnot enough\b|\bdifficult\w*|\bhard to justify\b"
)
# 〜たい after a verb (削減したい, 使いたい), not the adjectives 重たい, 冷たい, ありがたい,
# めでたい, nor a question (導入したいか).
_GOAL_JA = (
    r"(?<![重冷平眠])(?<!ありが)(?<!めで)たい(?![かへ])|"
    r"目指|実現(?!し(?:た|まし|てい|ており))|効率化(?!(?:でき|され|し)(?:た|まし))|"
    r"脱却|最優先|(?:が|は)第一|必須|目標(?:は|として)|"
    r"要望|希望|重視|ニーズ|"
    r"(?:ように|ようになって|ようにして)(?:ほしい|欲しい)|(?:が|も)(?:ほしい|欲しい)"
)
_GOAL_EN = (
    r"\bwant(?:s|ed)? to\b|\bwould like\b|\b(?:i|we|they)'d like\b|\baim(?:s|ing)? (?:to|for)\b|"
    r"\bgoals?\b|\bobjectives?\b|\bhop(?:e|es|ing) to\b|\blooking to\b|\bprioriti\w*|"
    r"\btop priority\b|\bwish\w*|\bmust[- ]have\b|\bneeds? to\b"
)
# Wanting only to learn, check, consider or discuss is no goal (知りたい, 検討したい), and
# asking about the goals is not stating one (要望を伺った); a denied wish says the opposite.
_DENIED_GOAL_JA = re.compile(
    r"(?:知り|確認し|聞き|伺い|検討し|相談し|提案し|連絡し|質問し|問い合わせ|教えてもらい)たい|"
    r"たい(?:わけ|という訳)?(?:では|じゃ)(?:ない|ありません)|たいとは思(?:わ|っていな|いません)|"
    r"(?:要望|希望|目標|ニーズ)(?:は|も|が)?(?:特に|とくに|何も)?(?:な[いくし]|ありません|無い|無し)|"
    r"(?:要望|希望|目標|ニーズ|意向)(?:を|について|の)(?:伺|聞|ヒアリング|確認|共有|整理)|"
    # that there is a request says nothing of what is wanted: 追加の要望が出ている
    r"(?:追加|新た|別|他)の(?:要望|希望)|"
    r"重視(?:して)?(?:いない|いません|しない|しません)"
)
_DENIED_GOAL_EN = re.compile(
    r"\b(?:do not|don't|does not|doesn't|did not|didn't|no longer) (?:want|need|aim|plan|wish)\w*"
    r"(?: to)?|\bno (?:goals?|plans?|need|wish) to\b|\bnot looking to\b|\bno particular goals?\b|"
    r"\bwant(?:s|ed)? to (?:know|ask|check|confirm|discuss)\b"
)
# A question states nothing: 連携できますか。, Can we export?
_QUESTION = re.compile(r"(?:[?？]|か[。.．]?|かな[。.．]?)\s*$")

# A cue word followed by a denial says the opposite: 不満はありません, 問題なく, no issues.
_DENIED_JA = re.compile(
    r"(?:課題|問題|悩み|不満|不便|不安|支障|懸念|心配|ストレス|手間|負担|不具合|エラー)"
    r"(?:は|も|が)?(?:特に|とくに|あまり|全く|まったく|何も)?"
    r"(?:な[いくし]|ありません|ございません|なさそう|無い|無く|無し)"
    # asking about the pains is not stating one: 現状の課題を伺った
    r"|(?:現状の)?(?:課題|悩み|問題)(?:を|について|点を)(?:伺|聞|ヒアリング|確認|共有|整理)"
)
_DENIED_EN = re.compile(
    r"\b(?:no|not any|without(?: any)?|zero)(?: major| real| big)? "
    r"(?:problems?|issues?|complaints?|concerns?|worries)\b|\bnot a (?:problem|concern)\b"
)

# Clauses: a sentence can praise one thing and regret another (機能は評価されたが、
# 価格が予算に合わなかった); the pain or objection is about the words of its own clause.
_CLAUSE = re.compile(r"(?<=[、，,;；])|(?<=\bbut) ", re.IGNORECASE)
# A heading written before a sentence (背景：, Note:) is not part of what was said.
_LABEL = re.compile(r"^(?!https?:)[^\s:：。、.,0-9０-９]{1,8}[:：]\s*")

_CUES: dict[tuple[str, str], re.Pattern[str]] = {
    ("pain", "ja"): re.compile(_PAIN_JA),
    ("pain", "en"): re.compile(_PAIN_EN),
    ("objection", "ja"): re.compile(_OBJECTION_JA),
    ("objection", "en"): re.compile(_OBJECTION_EN),
    ("goal", "ja"): re.compile(_GOAL_JA),
    ("goal", "en"): re.compile(_GOAL_EN),
}

#: Words that name the kind of complaint rather than what it is about; a pain or an
#: objection is labelled by what it is about (「機能」, not 「懸念」 or 「課題」).
GENERIC_TERMS = frozenset(
    "課題 問題 悩み 懸念 不満 心配 不安 理由 判断 評価 指摘 相談 要望 印象 検討 "
    "改善要望 希望 目標 意向 ニーズ 最優先 第一 必須 重視 "
    "issue issues problem problems concern concerns goal goals objective objectives".split()
)


def cue(sentence: str | None, kind: Kind) -> str | None:
    """The cue expression that makes ``sentence`` a ``kind`` sentence, or ``None``.

    Japanese or English is told by the sentence itself (any kana or kanji is Japanese);
    English is matched in lower case. A denied cue (「不満はありません」) is removed
    before matching, so it neither counts nor hides another cue in the same sentence.

    Examples
    --------
    >>> cue("問題はないが、動作が遅い。", "pain")
    '遅い'
    >>> cue("今回は見送りとの連絡。", "objection")
    '見送'
    >>> cue("Great support, no issues so far.", "pain") is None
    True
    """
    norm = normalize_for_mining(sentence)
    if not norm:
        return None
    lang = detect_language(norm)
    if kind == "goal" and _QUESTION.search(norm):
        return None
    if lang == "en":
        norm = (_DENIED_GOAL_EN if kind == "goal" else _DENIED_EN).sub(" ", norm.lower())
    else:
        norm = (_DENIED_GOAL_JA if kind == "goal" else _DENIED_JA).sub("\0", norm)
    found = _CUES[(kind, lang)].search(norm)
    return found.group(0) if found else None


def cue_sentences(text: str | None, kind: Kind) -> list[str]:
    """The sentences of ``text`` that state a ``kind``, in order, headings cut off.

    Each is an exact substring of ``text`` (a heading such as 「背景：」 is cut from the
    front only), so it can be quoted as written.

    Examples
    --------
    >>> cue_sentences("失注。背景：他社と価格を比較検討中。来期に改めて提案したい。", "objection")
    ['他社と価格を比較検討中。']
    """
    return list(_cue_sentences(str(text), kind)) if text else []


@functools.lru_cache(maxsize=1 << 16)
def _cue_sentences(text: str, kind: Kind) -> tuple[str, ...]:
    # Cached: a persona run reads every note once per segment card.
    return tuple(_LABEL.sub("", s) for s in sentences(text) if cue(s, kind))


def cue_clauses(sentence: str | None, kind: Kind) -> list[str]:
    """The clauses of ``sentence`` (cut at 、 , ;) that hold a ``kind`` cue themselves.

    Examples
    --------
    >>> cue_clauses("機能は評価されたが、価格が予算に合わなかった。", "objection")
    ['価格が予算に合わなかった。']
    >>> cue_clauses("Support is great, but exports are slow.", "pain")
    ['exports are slow.']
    """
    if not sentence:
        return []
    parts = [p.strip() for p in _CLAUSE.split(sentence)]
    return [p for p in parts if p and cue(p, kind)]

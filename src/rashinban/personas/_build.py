"""Build a persona card from the accounts of a segment, an ICP rule or a target.

Every statement is computed from the segment's rows (contacts, accounts, deals,
leads) or from its texts (notes, tickets, survey comments), and keeps the
numbers or ids that back it. Only the name, the avatar and the story's
connecting words are made up.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from rashinban._errors import NotEnoughDataError
from rashinban.personas._avatar import avatar_svg, persona_name
from rashinban.personas._card import Evidence, PersonaCard, Statement
from rashinban.personas._cues import GENERIC_TERMS, Kind, cue_clauses, cue_sentences
from rashinban.personas._roles import role_name
from rashinban.personas._story import story
from rashinban.text._stats import wilson
from rashinban.text._themes import whole_ctfidf
from rashinban.text._tokenize import batch_keywords, keywords, normalize_for_mining
from rashinban.text._winloss import quote_for

# Words that name an outcome (受注, 見送り) or a kind of complaint (課題, 懸念), not a reason.
_OUTCOME = frozenset({"受注", "失注", "見送り"})
_NOT_ABOUT = GENERIC_TERMS | _OUTCOME
_SIZE_BANDS = (
    (1, 29, "〜29名"),
    (30, 99, "30〜99名"),
    (100, 299, "100〜299名"),
    (300, 999, "300〜999名"),
    (1000, 10**9, "1,000名〜"),
)
_AGE_BANDS = (
    (0, 29, "20代以下"),
    (30, 39, "30代"),
    (40, 49, "40代"),
    (50, 59, "50代"),
    (60, 200, "60代以上"),
)


def _band(value: float, bands: Sequence[tuple[int, int, str]]) -> str:
    return next(label for lo, hi, label in bands if lo <= value <= hi)


def _mode(
    frame: pd.DataFrame,
    table: str,
    column: str,
    where: Mapping[str, object] | None = None,
) -> Evidence | None:
    """The most frequent value of ``column`` (ties by value) with its count."""
    rows = frame
    for k, v in (where or {}).items():
        rows = rows[rows[k] == v]
    values = rows[column].dropna().astype(str)
    values = values[values.str.strip() != ""]
    if values.empty:
        return None
    counts = values.value_counts()
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return Evidence(
        "statistic", table, column, top[0], int(top[1]), len(values), where=dict(where or {})
    )


def _fact(field: str, ja: str, en: str, ev: Evidence | None) -> list[Statement]:
    return (
        [Statement(field, ja.format(v=ev.value, p=ev.share), en.format(v=ev.value, p=ev.share), ev)]
        if ev
        else []
    )


def _whole(text: str | None, tokens: list[str]) -> list[str]:
    """The keywords of ``text`` that stand as whole words, repeats kept.

    :func:`~rashinban.text.keywords` gives a noun compound and its parts
    (情報システム部, 情報, システム, 部); a part is a term of its own only where it also
    occurs outside every longer keyword of the text, so 「情報」 is not read out of
    「次回は情報システム部の方も同席予定」.

    Examples
    --------
    >>> text = "次回は情報システム部の方も同席予定。"
    >>> _whole(text, keywords(text))
    ['情報システム部', '同席予定']
    >>> text = "情報が足りない。情報システム部に確認する。"
    >>> _whole(text, keywords(text))
    ['情報', '情報システム部']
    """
    norm = normalize_for_mining(text)
    distinct = sorted(set(tokens), key=len, reverse=True)
    # how often a part of a compound stands alone (a term in no compound keeps every repeat)
    alone: dict[str, int] = {}
    for term in distinct:
        masked, inside = norm, False
        for longer in distinct:
            if len(longer) <= len(term):
                break
            if term in longer:
                masked, inside = masked.replace(longer, "\0" * len(longer)), True
        if inside:
            alone[term] = masked.count(term)
    out = []
    for t in tokens:
        if t in alone:
            if alone[t] <= 0:
                continue
            alone[t] -= 1
        out.append(t)
    return out


@functools.lru_cache(maxsize=1 << 16)
def _keywords(text: str | None) -> tuple[str, ...]:
    """``keywords(text)`` (each compound right before its parts), worked out once per text."""
    return tuple(keywords(text))


@functools.lru_cache(maxsize=1 << 16)
def _whole_keywords(text: str | None) -> tuple[str, ...]:
    """``_whole(text, keywords(text))``, worked out once per text: every card reads the
    same notes."""
    return tuple(_whole(text, list(_keywords(text))))


def _quote(docs: pd.DataFrame, term: str, kind: Kind | None = None) -> tuple[str, str] | None:
    """The most often written sentence with ``term`` as a whole word: ``(doc id, sentence)``.

    As :func:`rashinban.text.quote_for`, but a sentence where the term is only part
    of a longer compound does not quote it; with ``kind``, nor one where the term is
    not in a clause that states the pain or objection (see :func:`_about`).
    """

    def accept(sentence: str) -> bool:
        if kind is not None:
            return term in _about(sentence, kind)
        return term in _whole_keywords(sentence)

    return quote_for(docs, term, id_col="doc_id", accept=accept)


@functools.lru_cache(maxsize=65536)
def _about(sentence: str, kind: Kind, whole: bool = True) -> tuple[str, ...]:
    """What a ``kind`` sentence is about: the whole words of its clauses that state it.

    Not a word for the complaint itself (課題, 懸念) nor for the outcome (失注, 見送り).
    With ``whole=False`` every keyword of those clauses, each compound right before its
    parts: what :func:`~rashinban.text._themes.whole_ctfidf` counts compounds in.

    Examples
    --------
    >>> _about("機能は評価されたが、価格が予算に合わなかった。", "objection")
    ('価格', '予算')
    >>> _about("現状の課題を伺った。", "pain")
    ()
    """
    return tuple(
        w
        for clause in cue_clauses(sentence, kind)
        for w in (_whole_keywords if whole else _keywords)(clause)
        if w not in _NOT_ABOUT
    )


def _contrast(
    tokens: Sequence[Sequence[str]],
    inside: Sequence[bool] | np.ndarray,
    *,
    top_n: int,
    min_docs: int,
    keywords: Sequence[Sequence[str]],
) -> list[str]:
    """The terms of the ``inside`` documents by c-TF-IDF against the others, best first.

    A part of a compound said mostly inside the compound is no term (see
    :func:`~rashinban.text._themes.whole_ctfidf`; ``keywords`` are the documents'
    keywords before ``tokens`` kept the whole words). Empty when the documents hold
    no terms at all (e.g. no sentence states a pain).
    """
    classes = ["in" if m else "out" for m in inside]
    if "out" not in classes:
        classes[-1] = "out"  # one class alone has no contrast; c-TF-IDF needs two
    try:
        table = whole_ctfidf(tokens, classes, top_n=top_n, min_docs=min_docs, keywords=keywords)
    except NotEnoughDataError:
        return []
    return table.loc[table["group"] == "in", "term"].tolist()


def _text_themes(
    docs: pd.DataFrame,
    in_segment: Sequence[bool] | np.ndarray,
    *,
    top_n: int,
    min_docs: int,
) -> tuple[list[str], list[list[str]]]:
    texts = docs["text"].tolist()
    tokens = [list(_whole_keywords(t)) for t in texts]
    every = [list(_keywords(t)) for t in texts]
    return _contrast(tokens, in_segment, top_n=top_n, min_docs=min_docs, keywords=every), tokens


def _cue_docs(
    docs: pd.DataFrame, kind: Kind
) -> tuple[pd.DataFrame, list[list[str]], list[list[str]]]:
    """``docs`` with each text cut down to its sentences that state a ``kind``, their terms
    and their keywords.

    The sentences stay verbatim, one a line (see :func:`cue_sentences`); the terms are
    what they are about (:func:`_about`), the keywords the same with the parts of
    compounds kept (``_about(..., whole=False)``).

    Examples
    --------
    >>> text = "次回は経理部も同席。紙の請求書の処理に手間がかかる。"
    >>> docs = pd.DataFrame({"doc_id": ["N1"], "text": [text]})
    >>> cut, terms, _ = _cue_docs(docs, "pain")
    >>> cut["text"].tolist(), terms
    (['紙の請求書の処理に手間がかかる。'], [['請求書', '処理', '手間']])
    """
    said = [cue_sentences(t, kind) for t in docs["text"]]
    tokens = [[w for s in sents for w in _about(s, kind)] for sents in said]
    every = [[w for s in sents for w in _about(s, kind, False)] for sents in said]
    return docs.assign(text=["\n".join(sents) for sents in said]), tokens, every


def _texts_evidence(
    docs: pd.DataFrame,
    tokens: list[list[str]],
    term: str,
    table: str,
    kind: Kind | None = None,
) -> tuple[Evidence, tuple[str, str] | None]:
    ids = tuple(d for d, toks in zip(docs["doc_id"], tokens, strict=True) if term in toks)
    quote = _quote(docs, term, kind)
    if quote:  # the quoted text first, so the kept ids always hold it
        ids = (quote[0], *(i for i in ids if i != quote[0]))
    ev = Evidence("texts", table, "text", term, len(ids), len(docs), ids=ids[:20])
    return ev, quote


def _quoted(
    docs: pd.DataFrame,
    tokens: list[list[str]],
    terms: Sequence[str],
    *,
    table: str,
    used: set[str],
    limit: int,
    kind: Kind | None = None,
) -> list[tuple[str, Evidence, str]]:
    """Up to ``limit`` of ``terms`` with their evidence and a sentence no other line quotes.

    ``used`` holds the sentences already quoted on the card and gains the new ones;
    ``kind`` quotes only sentences whose ``kind`` clauses hold the term.
    """
    out: list[tuple[str, Evidence, str]] = []
    for term in terms:
        if len(out) >= limit:
            break
        ev, quote = _texts_evidence(docs, tokens, term, table, kind)
        if quote is None or quote[1] in used:
            continue
        used.add(quote[1])
        out.append((term, ev, quote[1]))
    return out


#: Per kind of line: terms ranked, lines kept, evidence table, and the line in ja / en.
_STATED: dict[str, tuple[int, int, str, str, str]] = {
    "goal": (12, 3, "texts", "「{t}」に取り組みたい: {q}", "Wants progress on '{t}': {q}"),
    "pain": (12, 3, "texts", "「{t}」が課題: {q}", "Struggles with '{t}': {q}"),
    "objection": (6, 2, "notes", "懸念「{t}」: {q}", "Objection '{t}': {q}"),
}


def _stated(
    kind: Kind,
    docs: pd.DataFrame,
    rows: np.ndarray,
    *,
    used: set[str],
    min_docs: int,
    others: tuple[list[list[str]], list[list[str]]] | None = None,
    keep: Callable[[list[str]], list[str]] = list,
) -> list[Statement]:
    """The card's ``kind`` lines (goals, pains, objections) for the ``rows`` of ``docs``.

    Only the sentences that state a ``kind`` count: their terms (filtered by ``keep``)
    are ranked by c-TF-IDF against the other rows' ``kind`` sentences, or against
    ``others`` (the terms and the keywords of everything the other rows say) when given.
    """
    top_n, limit, table, ja, en = _STATED[kind]
    cut, tokens, every = _cue_docs(docs, kind)
    tokens, every = [keep(t) for t in tokens], [keep(t) for t in every]
    if others is not None:
        tokens_or_others = [t if m else o for t, o, m in zip(tokens, others[0], rows, strict=True)]
        every = [t if m else o for t, o, m in zip(every, others[1], rows, strict=True)]
    else:
        tokens_or_others = tokens
    found = _quoted(
        cut[rows],
        [t for t, m in zip(tokens, rows, strict=True) if m],
        _contrast(tokens_or_others, rows, top_n=top_n, min_docs=min_docs, keywords=every),
        table=table,
        used=used,
        limit=limit,
        kind=kind,
    )
    return [Statement(kind, ja.format(t=t, q=q), en.format(t=t, q=q), ev) for t, ev, q in found]


def build_persona(
    tables: dict[str, pd.DataFrame],
    account_ids: Sequence[str],
    *,
    key: str,
    segment: str,
    min_docs: int = 3,
) -> PersonaCard:
    """A persona card for the accounts ``account_ids``.

    Parameters
    ----------
    tables
        As of the card's date: accounts, contacts, leads, deals, notes, tickets,
        surveys (see :func:`rashinban.text.voice_tables`).
    account_ids
        The accounts the persona stands for (see :func:`select_accounts`).
    key
        Stable key of the segment; the name and avatar are derived from it.
    segment
        The segment's definition in words, shown on the card.

    Examples
    --------
    >>> card = build_persona(tables, ids, key="ideal", segment="製造業")  # doctest: +SKIP
    >>> card.statements[0].evidence.describe()  # doctest: +SKIP
    'contacts.title = 部長: 120/400 (30%)'
    """
    ids = set(map(str, account_ids))
    acc = tables["accounts"][tables["accounts"]["account_id"].astype(str).isin(ids)]
    if acc.empty:
        raise NotEnoughDataError(
            f"ペルソナ {key!r}: 基準日時点で該当する取引先がありません / "
            f"persona {key!r}: none of its accounts exist as of the date",
            fix="セグメントのルールと基準日を確かめてください / "
            "check the segment rule and the as-of date",
        )
    own = {
        name: f[f["account_id"].astype(str).isin(ids)]
        for name, f in tables.items()
        if "account_id" in f.columns
    }
    st: list[Statement] = []
    notes_ja: list[str] = []
    # Who: the contact that buys. Prefer contacts of accounts that bought.
    contacts = own.get("contacts", pd.DataFrame())
    role = _mode(contacts, "contacts", "role")
    if role is not None:
        st.append(
            Statement(
                "role",
                f"購買での役割は{role_name(role.value)}が最多（{role.share:.0%}）",
                f"Most common buying role: {role_name(role.value, 'en')} ({role.share:.0%})",
                role,
            )
        )
        rj, re_ = role_name(role.value), role_name(role.value, "en")
        st += _fact(
            "title",
            "役職は「{v}」が最多（" + rj + "のうち{p:.0%}）",
            # "of purchasing contacts": the English names are not all nouns to pluralise
            "Most common title: {v} ({p:.0%} of " + re_ + " contacts)",
            _mode(contacts, "contacts", "title", {"role": role.value}),
        )
        st += _fact(
            "department",
            "所属は{v}が最多（{p:.0%}）",
            "Most common department: {v} ({p:.0%})",
            _mode(contacts, "contacts", "department", {"role": role.value}),
        )
    if "age" in contacts.columns and contacts["age"].notna().any():
        ages = pd.to_numeric(contacts["age"], errors="coerce").dropna()
        band_col = ages.map(lambda a: _band(a, _AGE_BANDS))
        frame = pd.DataFrame({"age_band": band_col})
        st += _fact(
            "age_band",
            "年齢層は{v}が最多（{p:.0%}）",
            "Most common age band: {v} ({p:.0%})",
            _mode(frame, "contacts", "age_band"),
        )
    else:
        notes_ja.append(
            "年齢層: データなし（contacts に age 列がありません） / "
            "age band: no data (contacts have no age column)"
        )
    # Company profile.
    st += _fact(
        "industry",
        "業種は{v}（{p:.0%}）",
        "Industry: {v} ({p:.0%})",
        _mode(acc, "accounts", "industry"),
    )
    emp = pd.to_numeric(acc["employees"], errors="coerce").dropna()
    if len(emp):
        med = int(emp.median())
        ev = Evidence("statistic", "accounts", "employees", med, len(emp), len(emp), agg="median")
        band = _band(med, _SIZE_BANDS)
        st.append(
            Statement(
                "size",
                f"従業員規模は中央値{med:,}名（{band}）",
                f"Median size {med:,} employees",
                ev,
            )
        )
    st += _fact(
        "region",
        "所在地は{v}が最多（{p:.0%}）",
        "Most are in {v} ({p:.0%})",
        _mode(acc, "accounts", "prefecture"),
    )
    deals = own.get("deals", pd.DataFrame())
    closed = deals[deals["outcome"].isin(["won", "lost"])] if len(deals) else deals
    # The win rate and the loss reasons read new business only, as winloss, icp and kpi
    # do: renewals and expansions are won far more often and would inflate both.
    new = closed[closed["kind"] == "new"] if len(closed) else closed
    if len(new):
        won = int((new["outcome"] == "won").sum())
        lo, hi = wilson(won, len(new))
        ev = Evidence(
            "statistic",
            "deals",
            "outcome",
            "won",
            won,
            len(new),
            where={"outcome": ["won", "lost"], "kind": "new"},
        )
        st.append(
            Statement(
                "win_rate",
                f"新規商談の受注率 {won}/{len(new)}件（{ev.share:.0%}、"
                f"95%区間 {float(lo):.0%}〜{float(hi):.0%}）",
                f"New-business win rate {won}/{len(new)} ({ev.share:.0%}, "
                f"95% CI {float(lo):.0%}–{float(hi):.0%})",
                ev,
            )
        )
    # Goals and pains only from the sentences of interview/meeting notes, tickets and
    # comments that state one; quotes from the themes of those texts.
    docs = _documents(tables)
    used_quotes: set[str] = set()
    voice = docs[docs["kind"].isin(["interview", "meeting", "other", "tickets", "surveys"])]
    goals: list[Statement] = []
    pains: list[Statement] = []
    if len(voice) and voice["account_id"].isin(ids).any():
        inside = voice["account_id"].isin(ids).to_numpy()
        top, tokens = _text_themes(voice, inside, top_n=12, min_docs=min_docs)
        seg_docs = voice[inside]
        seg_tokens = [t for t, m in zip(tokens, inside, strict=True) if m]
        quotes, seen = list[Statement](), set()
        for term in top:
            if len(quotes) >= 3:
                break
            _, quote = _texts_evidence(seg_docs, seg_tokens, term, "texts")
            if quote is None or quote[1] in seen:
                continue
            seen.add(quote[1])
            qev = Evidence("texts", "texts", "text", term, 1, 1, ids=(quote[0],))
            quotes.append(Statement("quote", quote[1], quote[1], qev))
        goals = _stated("goal", voice, inside, used=used_quotes, min_docs=min_docs)
        pains = _stated("pain", voice, inside, used=used_quotes, min_docs=min_docs)
        st += goals
        st += pains
        st += quotes
    if not goals:
        notes_ja.append(
            "目標: データなし（この区分の文章に目標や要望を述べた文が見つかりません） / "
            "goals: no data (no sentence in this segment's texts states a goal or wish)"
        )
    if not pains:
        notes_ja.append(
            "課題: データなし（この区分の文章に課題を述べた文が見つかりません） / "
            "pains: no data (no sentence in this segment's texts states a pain)"
        )
    # Triggers from won win/loss notes; objections only from the sentences of lost ones
    # that state an objection, and from the structured loss reasons.
    objections: list[Statement] = []
    wl = docs[(docs["kind"] == "win_loss") & docs["account_id"].isin(ids)]
    if len(wl) and len(closed):
        outcome = wl["deal_id"].map(closed.set_index("deal_id")["outcome"])
        wl = wl.assign(outcome=outcome.to_numpy())
        wl = wl[wl["outcome"].isin(["won", "lost"])]
        if wl["outcome"].nunique() == 2:
            # Competitor names (and their pieces) are who, not why.
            names = (
                set(closed["competitor"].dropna().astype(str)) if "competitor" in closed else set()
            )

            def why(words: list[str]) -> list[str]:
                return [t for t in words if not any(t in n for n in names)]

            texts = wl["text"].tolist()
            every = batch_keywords(texts)
            tokens = [why(_whole(text, doc)) for text, doc in zip(texts, every, strict=True)]
            every = [why(doc) for doc in every]
            won = (wl["outcome"] == "won").to_numpy()
            table = whole_ctfidf(
                tokens, wl["outcome"].tolist(), top_n=6, min_docs=min_docs, keywords=every
            )
            terms = [t for t in table.loc[table["group"] == "won", "term"] if t not in _OUTCOME]
            for t, ev, q in _quoted(
                wl[won],
                [t for t, m in zip(tokens, won, strict=True) if m],
                terms,
                table="notes",
                used=used_quotes,
                limit=2,
            ):
                st.append(
                    Statement(
                        "trigger",
                        f"決め手になりやすい「{t}」: {q}",
                        f"Often decisive: '{t}': {q}",
                        ev,
                    )
                )
            # A lost deal's objection sentences, against everything the won deals' notes say.
            objections = _stated(
                "objection",
                wl,
                ~won,
                used=used_quotes,
                min_docs=min_docs,
                others=(tokens, every),
                keep=why,
            )
            st += objections
    lost = new[new["outcome"] == "lost"] if len(new) else new
    where = {"outcome": "lost", "kind": "new"}
    reasons = _mode(lost, "deals", "loss_reason", where) if len(lost) else None
    if reasons is not None:
        st.append(
            Statement(
                "objection",
                f"新規商談の失注理由は「{reasons.value}」が最多"
                f"（{reasons.count}/{reasons.n}件、{reasons.share:.0%}）",
                f"Top new-business loss reason: {reasons.value}"
                f" ({reasons.count}/{reasons.n}, {reasons.share:.0%})",
                reasons,
            )
        )
    elif not objections:
        notes_ja.append(
            "懸念・失注理由: データなし（失注メモに懸念を述べた文がなく、失注理由も記録されて"
            "いません） / objections: no data (no lost-deal note states an objection and no "
            "loss reason is recorded)"
        )
    # Channels: where this segment's converted leads came from.
    leads = own.get("leads", pd.DataFrame())
    if len(leads):
        conv = leads[leads["status"] == "converted"]
        where = {"status": "converted"} if len(conv) else {}
        st += _fact(
            "channel",
            "商談化したリードの流入経路は{v}が最多（{p:.0%}）",
            "Converted leads came most often via {v} ({p:.0%})",
            _mode(leads, "leads", "channel", where),
        )
    name_ja, name_en = persona_name(key)
    return PersonaCard(
        key,
        name_ja,
        name_en,
        avatar_svg(key),
        segment,
        len(acc),
        st,
        story(name_ja, name_en, st),
        notes_ja,
    )


def _documents(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    from rashinban.text._sources import documents

    docs = documents(tables)
    notes = tables.get("notes")
    if notes is not None and "deal_id" in notes.columns:
        deal = notes.set_index(notes["note_id"].astype(str))["deal_id"]
        docs["deal_id"] = docs["doc_id"].map(deal)
    else:
        docs["deal_id"] = None
    return docs[docs["source"] != "deals"].reset_index(drop=True)

"""Themes per segment by class-based TF-IDF, with real quotes as evidence.

Method: c-TF-IDF (Grootendorst, 2022, *BERTopic*, arXiv:2203.05794, eq. 1).
All documents of one segment form one class ``c``; the weight of term ``t`` is

    W(t, c) = tf(t, c) / Σ_t' tf(t', c) · log(1 + A / f(t))

with ``tf(t, c)`` the term's count in the class, ``f(t)`` its count over all
classes and ``A`` the average number of terms per class. A term is a theme of a
segment when the segment says it much more than everyone else does. We chose
c-TF-IDF over NMF because the segments are given (we describe known groups, we
do not discover topics) and because it is one sparse matrix product, so a
million texts cost seconds after tokenising.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from rashinban._errors import InvalidValueError, NotEnoughDataError
from rashinban.text._tokenize import batch_keywords, normalize_for_mining, sentences

#: A part of a compound (費用 in ライセンス費用) is no theme of its own in a group when
#: at least this share of its occurrences there are inside the group's candidate compounds.
PART_INSIDE_SHARE = 2 / 3
#: Pseudo-texts pulling a group's document share toward the share over all texts
#: before groups are compared, so a term in few texts cannot look distinctive.
PRIOR_DOCS = 30.0


def _vocab(tokens: Sequence[Sequence[str]]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Document × term count matrix from token lists."""
    index: dict[str, int] = {}
    indptr = [0]
    indices: list[int] = []
    for doc in tokens:
        for term in doc:
            indices.append(index.setdefault(term, len(index)))
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float64)
    counts = sparse.csr_matrix(
        (data, np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
        shape=(len(tokens), len(index)),
    )
    counts.sum_duplicates()
    terms = np.empty(len(index), dtype=object)
    for term, i in index.items():
        terms[i] = term
    return counts, terms


def _check_lengths(func: str, tokens: Sequence[object], groups: Sequence[object]) -> None:
    """One group label per document, or a clear error naming ``func``."""
    if len(tokens) != len(groups):
        raise InvalidValueError(
            f"{func}: 文書 {len(tokens)} 件に対してグループ名が {len(groups)} 件です / "
            f"{func} got {len(tokens)} documents but {len(groups)} group labels",
            fix="文書ごとにグループ名を1つ渡してください / pass one group label per document",
        )


def _class_counts(
    counts: sparse.csr_matrix, groups: Sequence[object]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``labels, codes, tf, docs, group_docs``: term and document counts per class."""
    labels, codes = np.unique(
        np.asarray([str(g) for g in groups], dtype=object), return_inverse=True
    )
    member = sparse.csr_matrix(
        (np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(len(labels), len(codes))
    )
    tf = np.asarray((member @ counts).todense())  # class × term counts
    present = counts.copy()
    present.data[:] = 1.0
    docs = np.asarray((member @ present).todense())  # class × term document counts
    group_docs = np.asarray(member.sum(axis=1)).ravel()
    return labels, codes, tf, docs, group_docs


def _ranked(
    labels: np.ndarray,
    terms: np.ndarray,
    w: np.ndarray,
    docs: np.ndarray,
    group_docs: np.ndarray,
    top_n: int,
) -> pd.DataFrame:
    """The ``top_n`` finite weights of each class, best first (ties by term)."""
    rows = []
    for c, label in enumerate(labels):
        order = np.lexsort((terms, -w[c]))  # ties by term, for determinism
        rank = 0
        for j in order:
            if not np.isfinite(w[c, j]) or rank >= top_n:
                break
            rank += 1
            rows.append(
                (label, rank, terms[j], float(w[c, j]), int(docs[c, j]), int(group_docs[c]))
            )
    out = pd.DataFrame(rows, columns=["group", "rank", "term", "score", "docs", "group_docs"])
    out["doc_share"] = out["docs"] / out["group_docs"]
    return out


def ctfidf(
    tokens: Sequence[Sequence[str]],
    groups: Sequence[object],
    *,
    top_n: int = 10,
    min_docs: int = 3,
) -> pd.DataFrame:
    """Top c-TF-IDF terms per group from pre-tokenised documents.

    Parameters
    ----------
    tokens
        One list of terms per document (e.g. from :func:`keywords`).
    groups
        The group (segment) of each document.
    top_n
        Terms kept per group.
    min_docs
        A term must occur in at least this many of the group's documents, so a
        word from a single note never becomes a segment's theme.

    Returns
    -------
    DataFrame
        ``group, rank, term, score, docs, group_docs, doc_share``, best first per group.

    Examples
    --------
    >>> toks = [["在庫", "可視化"], ["在庫"], ["価格"], ["価格", "コスト"]]
    >>> out = ctfidf(toks, ["a", "a", "b", "b"], top_n=1, min_docs=1)
    >>> out[["group", "term"]].values.tolist()
    [['a', '在庫'], ['b', '価格']]
    """
    return _ctfidf(tokens, groups, top_n=top_n, min_docs=min_docs, keywords=None)


def _ctfidf(
    tokens: Sequence[Sequence[str]],
    groups: Sequence[object],
    *,
    top_n: int,
    min_docs: int,
    keywords: Sequence[Sequence[str]] | None,
) -> pd.DataFrame:
    """:func:`ctfidf`, with the compound rule counted in ``keywords`` when they are given."""
    _check_lengths("ctfidf", tokens, groups)
    if top_n < 1 or min_docs < 1:
        raise InvalidValueError(
            "top_n と min_docs は1以上にしてください / top_n and min_docs must be at least 1",
            fix="1以上を渡してください / pass 1 or more",
        )
    counts, terms = _vocab(tokens)
    if counts.shape[1] == 0:
        raise NotEnoughDataError(
            "文章にキーワードがなく、テーマを探せません / "
            "no keywords in the texts: nothing to find themes in",
            fix="文章の入った営業メモ、問い合わせ、アンケートのコメントを取り込んでください / "
            "import notes, tickets or survey comments with text",
        )
    labels, codes, tf, docs, group_docs = _class_counts(counts, groups)
    f_t = tf.sum(axis=0)
    avg = tf.sum() / len(labels)
    totals = tf.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(totals > 0, tf / totals, 0.0) * np.log1p(avg / f_t)
    w[docs < min_docs] = -np.inf
    if keywords is not None:
        _drop_parts(w, terms, codes, keywords)
    return _ranked(labels, terms, w, docs, group_docs, top_n)


def whole_ctfidf(
    tokens: Sequence[Sequence[str]],
    groups: Sequence[object],
    *,
    top_n: int = 10,
    min_docs: int = 3,
    keywords: Sequence[Sequence[str]] | None = None,
) -> pd.DataFrame:
    """:func:`ctfidf` whose terms are whole terms: the compound rule of :func:`distinct_terms`.

    A part of a compound (体制 in サポート体制) is no term of a group when at least
    :data:`PART_INSIDE_SHARE` of its occurrences there are inside the group's
    candidate compounds. ``keywords`` are the texts' keywords as
    :func:`~rashinban.text.keywords` lists them (each compound right before its
    parts), when ``tokens`` are a filtered version of them (e.g. only the parts that
    stand alone); by default ``tokens`` are those keywords.

    Examples
    --------
    >>> toks = [["サポート体制", "サポート", "体制"]] * 3 + [["価格"]] * 3
    >>> out = whole_ctfidf(toks, ["won"] * 3 + ["lost"] * 3, top_n=3, min_docs=1)
    >>> out[["group", "term"]].values.tolist()
    [['lost', '価格'], ['won', 'サポート体制']]
    """
    every = tokens if keywords is None else keywords
    return _ctfidf(tokens, groups, top_n=top_n, min_docs=min_docs, keywords=every)


def _parts_inside(
    tokens: Sequence[Sequence[str]], codes: np.ndarray, n_groups: int
) -> list[Counter[tuple[str, str]]]:
    """Per group, how often each part occurs inside each compound: ``(compound, part)``.

    :func:`~rashinban.text.keywords` lists a compound right before its parts
    (ライセンス費用, ライセンス, 費用), so a term that follows a longer term it is a
    piece of is that compound's part; any other term starts a new phrase.
    """
    out: list[Counter[tuple[str, str]]] = [Counter() for _ in range(n_groups)]
    for doc, code in zip(tokens, codes, strict=True):
        phrase = ""
        for term in doc:
            if phrase and term != phrase and term in phrase:
                out[code][(phrase, term)] += 1
            else:
                phrase = term
    return out


def _drop_parts(
    w: np.ndarray, terms: np.ndarray, codes: np.ndarray, keywords: Sequence[Sequence[str]]
) -> None:
    """Set to -inf the weight of a part said mostly inside its group's candidate compounds.

    Occurrences are counted in ``keywords`` (see :func:`_parts_inside`); ``w`` and
    ``terms`` may come from a filtered version of them.
    """
    index = {t: i for i, t in enumerate(terms)}
    said: list[Counter[str]] = [Counter() for _ in range(w.shape[0])]
    for doc, code in zip(keywords, codes, strict=True):
        said[code].update(doc)
    for c, pairs in enumerate(_parts_inside(keywords, codes, w.shape[0])):
        within: Counter[str] = Counter()
        for (compound, part), n in pairs.items():
            i, j = index.get(compound), index.get(part)
            if i is not None and j is not None and np.isfinite(w[c, i]) and np.isfinite(w[c, j]):
                within[part] += n
        for part, n in within.items():
            if n >= PART_INSIDE_SHARE * said[c][part]:
                w[c, index[part]] = -np.inf


def _log_odds_z(docs: np.ndarray, group_docs: np.ndarray, prior_docs: float) -> np.ndarray:
    """z of the log-odds ratio of each term's document share, group against the rest.

    The shares are pulled toward the term's share over all texts by ``prior_docs``
    pseudo-texts (plus ½, so a term in every text stays finite), and the log-odds
    ratio is divided by its standard error (Monroe, Colaresi & Quinn, 2008,
    *Political Analysis* 16(4), "informative Dirichlet prior", here for document
    presence). A term every group says alike scores near 0, whatever its frequency.
    """
    n_all = float(group_docs.sum())
    p0 = docs.sum(axis=0) / n_all
    a = prior_docs * p0 + 0.5
    b = prior_docs * (1.0 - p0) + 0.5
    rest = docs.sum(axis=0)[None, :] - docs
    rest_docs = n_all - group_docs[:, None]
    yes_g, no_g = docs + a, group_docs[:, None] - docs + b
    yes_r, no_r = rest + a, rest_docs - rest + b
    delta = np.log(yes_g / no_g) - np.log(yes_r / no_r)
    return np.asarray(delta / np.sqrt(1 / yes_g + 1 / no_g + 1 / yes_r + 1 / no_r))


def distinct_terms(
    tokens: Sequence[Sequence[str]],
    groups: Sequence[object],
    *,
    top_n: int = 10,
    min_docs: int = 3,
    prior_docs: float = PRIOR_DOCS,
) -> pd.DataFrame:
    """Terms each group says more than the other groups do, best first.

    Candidates are the terms in at least ``min_docs`` of the group's texts. A
    part of a compound (費用 in ライセンス費用) is dropped when at least
    :data:`PART_INSIDE_SHARE` of its occurrences in the group are inside the
    group's candidate compounds: the compound says it better. With two or more
    groups the score is :func:`_log_odds_z` and only terms with a positive score
    are kept; with one group there is nothing to compare with and the score is
    the c-TF-IDF weight (term frequency), as in :func:`ctfidf`.

    Returns
    -------
    DataFrame
        ``group, rank, term, score, docs, group_docs, doc_share, rest_share``;
        ``rest_share`` is the term's document share in the other groups (NaN
        with one group).

    Examples
    --------
    >>> toks = [["ライセンス費用", "ライセンス", "費用"], ["ライセンス費用", "ライセンス", "費用"],
    ...         ["在庫"], ["価格"], ["価格"], ["在庫"]]
    >>> out = distinct_terms(toks, ["a", "a", "b", "b", "a", "b"], min_docs=1)
    >>> out[["group", "term"]].values.tolist()
    [['a', 'ライセンス費用'], ['b', '在庫']]
    """
    _check_lengths("distinct_terms", tokens, groups)
    counts, terms = _vocab(tokens)
    if counts.shape[1] == 0:
        return ctfidf(tokens, groups, top_n=top_n, min_docs=min_docs)  # its clear error
    labels, codes, tf, docs, group_docs = _class_counts(counts, groups)
    if len(labels) < 2:
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.where(tf > 0, tf / tf.sum(axis=1, keepdims=True), 0.0)
    else:
        w = _log_odds_z(docs, group_docs, prior_docs)
        w[w <= 0] = -np.inf
    w[docs < min_docs] = -np.inf
    _drop_parts(w, terms, codes, tokens)
    out = _ranked(labels, terms, w, docs, group_docs, top_n)
    rest_docs = group_docs.sum() - group_docs
    col = {t: i for i, t in enumerate(terms)}
    code_of = {label: c for c, label in enumerate(labels)}
    out["rest_share"] = [
        (docs[:, col[t]].sum() - docs[code_of[g], col[t]]) / rest_docs[code_of[g]]
        if rest_docs[code_of[g]] > 0
        else float("nan")
        for g, t in zip(out["group"], out["term"], strict=True)
    ]
    return out


def themes(
    docs: pd.DataFrame,
    *,
    group_col: str = "segment",
    text_col: str = "text",
    top_n: int = 10,
    min_docs: int = 3,
) -> pd.DataFrame:
    """Themes per segment of a frame of texts (c-TF-IDF over noun-phrase keywords).

    Parameters
    ----------
    docs
        One row per text with a group column and a text column.

    Returns
    -------
    DataFrame
        As :func:`ctfidf`.

    Examples
    --------
    >>> frame = pd.DataFrame({"segment": ["a", "a", "b"],
    ...                       "text": ["在庫を可視化したい。", "在庫が合わない。", "価格が高い。"]})
    >>> themes(frame, top_n=1, min_docs=1)["term"].tolist()
    ['在庫', '価格']
    """
    for col in (group_col, text_col):
        if col not in docs.columns:
            raise InvalidValueError(
                f"themes には列 {col!r} が必要です / "
                f"themes needs a column {col!r}; the frame has {list(docs.columns)}",
                fix=f"{col!r} を加えるか group_col=/text_col= を指定してください / "
                f"add {col!r} or pass group_col=/text_col=",
            )
    frame = docs[docs[text_col].notna() & docs[group_col].notna()]
    if frame.empty:
        raise NotEnoughDataError(
            "テーマを探す文章がありません / no texts to find themes in",
            fix="営業メモかコメントを取り込んでください / import notes or comments",
        )
    tokens = batch_keywords(frame[text_col].tolist())
    return distinct_terms(tokens, frame[group_col].tolist(), top_n=top_n, min_docs=min_docs)


def text_sentences(
    frame: pd.DataFrame, id_col: str, text_col: str, max_chars: int | None = None
) -> Iterator[tuple[str, str, str]]:
    """``(text id, sentence, normalised sentence)`` of every sentence of ``frame``'s texts.

    In text order; a text that is missing is skipped, and so is a sentence longer
    than ``max_chars`` characters (too long to quote). The sentence is cut from the
    original text; the normalised one is what terms are looked for in.

    Examples
    --------
    >>> f = pd.DataFrame({"note_id": ["N1", "N2"], "text": ["価格で負けた。ＡＰＩ連携。", None]})
    >>> list(text_sentences(f, "note_id", "text"))
    [('N1', '価格で負けた。', '価格で負けた。'), ('N1', 'ＡＰＩ連携。', 'API連携。')]
    """
    kept = frame[frame[text_col].notna()]
    for doc_id, text in zip(kept[id_col].astype(str), kept[text_col].astype(str), strict=True):
        for sentence in sentences(text):
            if max_chars is None or len(sentence) <= max_chars:
                yield doc_id, sentence, normalize_for_mining(sentence)


def quotes(
    docs: pd.DataFrame,
    theme_table: pd.DataFrame,
    *,
    group_col: str = "segment",
    text_col: str = "text",
    id_col: str = "note_id",
    per_group: int = 3,
    max_chars: int = 120,
) -> pd.DataFrame:
    """Representative real sentences per group, with the id of the text they come from.

    A sentence of a group's text represents the group when it says the group's
    themes: it is scored by the c-TF-IDF weights of the themes it contains, and
    sentences that repeat an already chosen sentence or theme are passed over.

    Returns
    -------
    DataFrame
        ``group, term, id, quote``: ``quote`` is an exact sentence of the text
        whose id is ``id``; ``term`` is the strongest theme it contains.

    Examples
    --------
    >>> frame = pd.DataFrame({"segment": ["a", "a"], "note_id": ["N1", "N2"],
    ...                       "text": ["受注。在庫を可視化したい。", "在庫が合わない。"]})
    >>> th = pd.DataFrame({"group": ["a"], "term": ["在庫"], "score": [1.0]})
    >>> quotes(frame, th, per_group=1)[["id", "quote"]].values.tolist()
    [['N1', '在庫を可視化したい。']]
    """
    rows = []
    for group, th in theme_table.groupby("group", sort=True):
        weights = dict(zip(th["term"], th["score"], strict=True))
        sub = docs[docs[group_col].astype(str) == str(group)]
        cands: list[tuple[float, str, str, str]] = []
        for doc_id, sentence, norm in text_sentences(sub, id_col, text_col, max_chars):
            hit = [t for t in weights if t in norm]
            if hit:
                best = max(hit, key=lambda t: (weights[t], t))
                cands.append((-sum(weights[t] for t in hit), doc_id, sentence, best))
        cands.sort()
        seen_sentences: set[str] = set()
        seen_terms: set[str] = set()
        for _, doc_id, sentence, best in cands:
            if sentence in seen_sentences or best in seen_terms:
                continue
            seen_sentences.add(sentence)
            seen_terms.add(best)
            rows.append((group, best, doc_id, sentence))
            if len(seen_sentences) >= per_group:
                break
    return pd.DataFrame(rows, columns=["group", "term", "id", "quote"])


def theme_quotes(
    docs: pd.DataFrame,
    theme_table: pd.DataFrame,
    *,
    group_col: str = "segment",
    text_col: str = "text",
    id_col: str = "note_id",
    max_chars: int = 120,
) -> pd.DataFrame:
    """One real sentence per theme row: the group's most written sentence holding the term.

    Returns
    -------
    DataFrame
        ``quote, quote_id`` aligned with ``theme_table``'s rows (``None`` where no
        sentence of at most ``max_chars`` characters holds the term).

    Examples
    --------
    >>> frame = pd.DataFrame({"segment": ["a", "a"], "note_id": ["N1", "N2"],
    ...                       "text": ["在庫が合わない。", "在庫が合わない。価格。"]})
    >>> th = pd.DataFrame({"group": ["a", "a"], "term": ["在庫", "納期"]})
    >>> theme_quotes(frame, th).values.tolist()
    [['在庫が合わない。', 'N1'], [None, None]]
    """
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for group, th in theme_table.groupby("group", sort=False):
        sub = docs[docs[group_col].astype(str) == str(group)]
        seen: dict[str, tuple[int, str, str]] = {}  # normalised → (count, sentence, first id)
        for doc_id, sentence, norm in text_sentences(sub, id_col, text_col, max_chars):
            count, first, first_id = seen.get(norm, (0, sentence, doc_id))
            seen[norm] = (count + 1, first, first_id)
        ranked = sorted(seen.items(), key=lambda kv: (-kv[1][0], kv[0]))
        for term in th["term"]:
            hit = next((v for norm, v in ranked if term in norm), None)
            if hit is not None:
                found[(str(group), term)] = (hit[1], hit[2])
    pairs = [
        found.get((str(g), t), (None, None))
        for g, t in zip(theme_table["group"], theme_table["term"], strict=True)
    ]
    return pd.DataFrame(pairs, columns=["quote", "quote_id"], index=theme_table.index)

"""Why deals are won and lost: structured loss reasons and the words of win/loss notes.

Loss reasons come from ``deals.loss_reason`` (share of a group's lost deals,
Wilson interval, shrunk toward the all-deals share); win and loss *themes* come
from the text of ``win_loss`` notes, by c-TF-IDF with one class per group and
outcome, so a win reason is a word that won deals' notes use and lost deals'
notes do not. Groups are competitors, segments or any deal column.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from rashinban._errors import InvalidValueError, NotEnoughDataError
from rashinban.text._stats import shrink, wilson
from rashinban.text._themes import text_sentences, whole_ctfidf
from rashinban.text._tokenize import batch_keywords

NO_COMPETITOR = "(競合なし)"
# Words that name the outcome itself rather than a reason for it.
_OUTCOME_WORDS = frozenset({"受注", "失注", "見送り", "連絡", "正式", "今回"})


def quote_for(
    frame: pd.DataFrame,
    term: str,
    *,
    id_col: str = "note_id",
    text_col: str = "text",
    accept: Callable[[str], bool] | None = None,
) -> tuple[str, str] | None:
    """The most often written real sentence containing ``term``: ``(note id, sentence)``.

    ``accept`` can turn a sentence down (e.g. one where the term is only part of a
    longer compound).

    Examples
    --------
    >>> f = pd.DataFrame({"note_id": ["N1", "N2", "N3"],
    ...                   "text": ["価格で負けた。", "受注。価格で負けた。", "価格が高い。"]})
    >>> quote_for(f, "価格")
    ('N1', '価格で負けた。')
    """
    seen: dict[str, tuple[int, str]] = {}
    for doc_id, sentence, norm in text_sentences(frame, id_col, text_col):
        if term in norm and (accept is None or accept(sentence)):
            count, first = seen.get(sentence, (0, doc_id))
            seen[sentence] = (count + 1, first)
    if not seen:
        return None
    sentence, (_, doc_id) = min(seen.items(), key=lambda kv: (-kv[1][0], kv[0]))
    return doc_id, sentence


def _group(deals: pd.DataFrame, by: str | None) -> pd.Series:
    if by is None:
        return pd.Series("全体", index=deals.index)
    if by not in deals.columns:
        raise InvalidValueError(
            f"受注・失注を分ける列 {by!r} は商談の列ではありません / "
            f"win/loss grouping column {by!r} is not a deals column",
            fix=f"次のいずれかを使ってください / use one of {sorted(deals.columns)}",
        )
    fill = NO_COMPETITOR if by == "competitor" else "(不明)"
    return deals[by].astype(object).where(deals[by].notna(), fill).astype(str)


def loss_reasons(deals: pd.DataFrame, *, by: str | None = "competitor") -> pd.DataFrame:
    """Share of each structured loss reason among a group's lost deals.

    Returns
    -------
    DataFrame
        ``group, reason, lost, lost_in_group, share, share_low, share_high,
        shrunk_share, rank`` — ``rank`` 1 is the group's top reason by shrunk share.

    Examples
    --------
    >>> reasons = ["価格"] * 25 + ["機能"] * 5 + ["価格"] * 5 + ["機能"] * 25
    >>> d = pd.DataFrame({"outcome": ["lost"] * 60, "competitor": ["X"] * 30 + ["Y"] * 30,
    ...                   "loss_reason": reasons})
    >>> out = loss_reasons(d)
    >>> out[out["rank"] == 1][["group", "reason", "lost", "lost_in_group"]].values.tolist()
    [['X', '価格', 25, 30], ['Y', '機能', 25, 30]]
    >>> out[out["rank"] == 1]["shrunk_share"].round(3).tolist()  # (25 + 20·0.5) / (30 + 20)
    [0.7, 0.7]
    """
    lost = deals[(deals["outcome"] == "lost") & deals["loss_reason"].notna()].copy()
    if lost.empty:
        raise NotEnoughDataError(
            "失注理由のある失注商談がありません / no lost deals with a loss_reason",
            fix="結果 (outcome) と失注理由 (loss_reason) の入った商談を取り込んでください / "
            "import deals with outcome and loss_reason",
        )
    lost["group"] = _group(lost, by)
    counts = lost.groupby(["group", "loss_reason"]).size().rename("lost").reset_index()
    counts = counts.rename(columns={"loss_reason": "reason"})
    # Every reason in every group, zeros included, so shares of a group sum to 1.
    full = pd.MultiIndex.from_product(
        [sorted(lost["group"].unique()), sorted(lost["loss_reason"].unique())],
        names=["group", "reason"],
    )
    counts = counts.set_index(["group", "reason"]).reindex(full, fill_value=0).reset_index()
    counts["lost_in_group"] = counts.groupby("group")["lost"].transform("sum")
    prior = lost["loss_reason"].value_counts(normalize=True)
    counts["share"] = counts["lost"] / counts["lost_in_group"]
    lo, hi = wilson(counts["lost"].to_numpy(), counts["lost_in_group"].to_numpy())
    counts["share_low"], counts["share_high"] = lo, hi
    counts["shrunk_share"] = shrink(
        counts["lost"].to_numpy(),
        counts["lost_in_group"].to_numpy(),
        counts["reason"].map(prior).to_numpy(),
    )
    counts = counts.sort_values(["group", "shrunk_share", "reason"], ascending=[True, False, True])
    counts["rank"] = counts.groupby("group").cumcount() + 1
    return counts.reset_index(drop=True)


#: The columns of :func:`note_reasons`.
NOTE_REASON_COLUMNS = (
    "group",
    "outcome",
    "rank",
    "term",
    "score",
    "docs",
    "group_docs",
    "doc_share",
    "share_low",
    "share_high",
    "quote",
    "quote_note_id",
)


def note_reasons(
    deals: pd.DataFrame,
    notes: pd.DataFrame,
    *,
    by: str | None = "competitor",
    top_n: int = 5,
    min_docs: int = 3,
) -> pd.DataFrame:
    """Win and loss themes from ``win_loss`` notes, per group, with real quotes.

    Returns
    -------
    DataFrame
        ``group, outcome, rank, term, score, docs, group_docs, doc_share,
        share_low, share_high, quote, quote_note_id``.
    """
    wl = notes[(notes["kind"] == "win_loss") & notes["deal_id"].notna() & notes["text"].notna()]
    closed = deals[deals["outcome"].isin(["won", "lost"])].copy()
    closed["group"] = _group(closed, by)
    frame = wl.merge(closed[["deal_id", "group", "outcome"]], on="deal_id", how="inner")
    if frame.empty:
        raise NotEnoughDataError(
            "完了した商談に紐づく受注・失注メモがありません / "
            "no win_loss notes linked to closed deals",
            fix="種類 win_loss のメモを取り込んでください / import notes with kind win_loss",
        )
    frame["cls"] = frame["group"] + "|" + frame["outcome"]
    names = set(closed["group"])
    tokens = [
        [t for t in doc if t not in _OUTCOME_WORDS and not any(t in g for g in names)]
        for doc in batch_keywords(frame["text"].tolist())
    ]
    table = whole_ctfidf(tokens, frame["cls"].tolist(), top_n=top_n, min_docs=min_docs)
    if table.empty:
        raise NotEnoughDataError(
            f"1つのグループの受注・失注メモ{min_docs}件以上に出てくる語がありません / "
            f"no term appears in {min_docs} or more win_loss notes of one group",
            fix="受注・失注メモをもっと取り込むか min_docs を下げてください / "
            "import more win_loss notes or lower min_docs",
        )
    found = [
        quote_for(frame[frame["cls"] == c], t)
        for c, t in zip(table["group"], table["term"], strict=True)
    ]
    table["quote"] = [f[1] if f else None for f in found]
    table["quote_note_id"] = [f[0] if f else None for f in found]
    split = table["group"].str.rsplit("|", n=1, expand=True)
    table["group"], table["outcome"] = split[0], split[1]
    lo, hi = wilson(table["docs"].to_numpy(), table["group_docs"].to_numpy())
    table["share_low"], table["share_high"] = lo, hi
    return table[list(NOTE_REASON_COLUMNS)]


def win_rates(deals: pd.DataFrame, *, by: str | None = "competitor") -> pd.DataFrame:
    """Win rate of closed deals per group with Wilson interval and shrunk rate."""
    closed = deals[deals["outcome"].isin(["won", "lost"])].copy()
    if closed.empty:
        raise NotEnoughDataError(
            "完了した商談がありません / no closed deals",
            fix="受注・失注の結果 (outcome) が入った商談を取り込んでください / "
            "import deals with outcome won/lost",
        )
    closed["group"] = _group(closed, by)
    agg = (
        closed.groupby("group")["outcome"]
        .agg(won=lambda s: int((s == "won").sum()), closed="size")
        .reset_index()
    )
    overall = float((closed["outcome"] == "won").mean())
    agg["win_rate"] = agg["won"] / agg["closed"]
    agg["win_low"], agg["win_high"] = wilson(agg["won"].to_numpy(), agg["closed"].to_numpy())
    agg["shrunk_win_rate"] = shrink(agg["won"].to_numpy(), agg["closed"].to_numpy(), overall)
    return agg.sort_values("shrunk_win_rate", ascending=False).reset_index(drop=True)


#: The columns of :func:`reason_change`.
CHANGE_COLUMNS = ("group", "reason", "before", "before_n", "after", "after_n", "change", "z")


def reason_change(
    deals: pd.DataFrame,
    split_date: str | pd.Timestamp,
    *,
    by: str | None = None,
    date_col: str = "closed_at",
) -> pd.DataFrame:
    """How loss-reason shares moved between deals closed before and on/after ``split_date``.

    Returns ``group, reason, before, before_n, after, after_n, change, z`` where
    ``z`` is the two-proportion z statistic (pooled variance); |z| > 1.96 is a
    change beyond chance at the 5% level.
    """
    split = pd.Timestamp(split_date)
    when = pd.to_datetime(deals[date_col])
    parts = []
    for label, part in (("before", deals[when < split]), ("after", deals[when >= split])):
        try:
            r = loss_reasons(part, by=by)
        except NotEnoughDataError:
            when_ja = "より前" if label == "before" else "以降"
            raise NotEnoughDataError(
                f"{split.date()} {when_ja}に失注理由のある失注商談がありません / "
                f"no lost deals with a reason {label} {split.date()}",
                fix="データの期間内で区切りの日付を選んでください / "
                "choose a split date inside the data",
            ) from None
        parts.append(
            r[["group", "reason", "lost", "lost_in_group"]].rename(
                columns={"lost": f"{label}_k", "lost_in_group": f"{label}_n"}
            )
        )
    out = parts[0].merge(parts[1], on=["group", "reason"], how="outer").fillna(0)
    for label in ("before", "after"):
        out[f"{label}_n"] = out.groupby("group")[f"{label}_n"].transform("max")
        out[label] = np.where(out[f"{label}_n"] > 0, out[f"{label}_k"] / out[f"{label}_n"], np.nan)
    pooled = (out["before_k"] + out["after_k"]) / (out["before_n"] + out["after_n"])
    se = np.sqrt(pooled * (1 - pooled) * (1 / out["before_n"] + 1 / out["after_n"]))
    out["change"] = out["after"] - out["before"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["z"] = np.where(se > 0, out["change"] / se, 0.0)
    return out[list(CHANGE_COLUMNS)].sort_values(["group", "change"]).reset_index(drop=True)

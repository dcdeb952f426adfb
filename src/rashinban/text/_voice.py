"""Workspace-level voice-of-the-customer analyses: read as of a date, mine, return tables.

These are what ``rashinban analyze`` (analyses ``themes``, ``sentiment``,
``winloss``) and the ``rashinban themes`` / ``winloss`` commands call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from rashinban._errors import InvalidValueError, NotEnoughDataError
from rashinban.engine import check_as_of, first_date
from rashinban.text._sentiment import SentimentModel, nps_label, sentiment_frame, validate_sentiment
from rashinban.text._sources import documents, voice_tables
from rashinban.text._themes import quotes, theme_quotes, themes
from rashinban.text._winloss import (
    CHANGE_COLUMNS,
    NOTE_REASON_COLUMNS,
    loss_reasons,
    note_reasons,
    reason_change,
    win_rates,
)

#: Text sources mined for themes (structured loss reasons are win/loss's, not themes).
THEME_KINDS = ("interview", "meeting", "win_loss", "other", "tickets", "surveys")
#: Where those texts start: the first note, ticket and survey answer.
TEXT_DATES = (("notes", "written_at"), ("tickets", "opened_at"), ("surveys", "answered_at"))
#: The kinds of deal (``deals.kind``); win/loss reads new business unless told otherwise.
DEAL_KINDS = ("new", "expansion", "renewal")
_KIND_JA = {"new": "新規", "expansion": "拡大", "renewal": "更新"}


def _of_kinds(deals: pd.DataFrame, kinds: Sequence[str] | None) -> pd.DataFrame:
    """The deals of ``kinds`` (all deals for ``None`` or a frame without ``kind``)."""
    if kinds is None or "kind" not in deals.columns:
        return deals
    unknown = sorted(set(kinds) - set(DEAL_KINDS))
    if unknown or not kinds:
        raise InvalidValueError(
            f"商談の種類 {unknown or list(kinds)} は使えません / unknown deal kind "
            f"{unknown or list(kinds)}",
            fix=f"次のいずれかを使ってください / use one of {list(DEAL_KINDS)}",
        )
    return deals[deals["kind"].isin(list(kinds))]


def kinds_text(kinds: Sequence[str] | None, lang: str = "ja") -> str:
    """Which deals a win/loss table counts, in words: 新規商談 / new deals, or all deals.

    >>> kinds_text(["new"]), kinds_text(["new", "renewal"], "en"), kinds_text(None)
    ('新規商談', 'new and renewal deals', '全商談')
    """
    if kinds is None or set(kinds) >= set(DEAL_KINDS):
        return "all deals" if lang == "en" else "全商談"
    ordered = [k for k in DEAL_KINDS if k in kinds]
    if lang == "en":
        return " and ".join(ordered) + " deals"
    return "・".join(_KIND_JA[k] for k in ordered) + "商談"


def voice_themes(
    backend: Any,
    as_of: dt.date,
    *,
    by: str = "industry",
    top_n: int = 10,
    tables: dict[str, pd.DataFrame] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Themes per segment (an accounts column, industry by default) and their quotes.

    Returns ``(themes, quotes)``: see :func:`rashinban.text.themes` and
    :func:`rashinban.text.quotes` (``id`` is a note, ticket or response id).
    """
    tables = tables if tables is not None else voice_tables(backend, as_of)
    acc = tables["accounts"]
    if by not in acc.columns:
        raise InvalidValueError(
            f"{by!r} は取引先の列ではないため、テーマを分けられません / "
            f"cannot group themes by {by!r}: not an accounts column",
            fix=f"次のいずれかを使ってください / use one of {list(acc.columns)}",
        )
    docs = documents(tables)
    docs = docs[docs["kind"].isin(THEME_KINDS)]
    seg = acc.set_index(acc["account_id"].astype(str))[by].astype(str)
    docs = docs.assign(segment=docs["account_id"].map(seg)).dropna(subset=["segment"])
    if docs.empty and backend is not None:
        # Texts written only after the as-of date: say so rather than ask for them.
        first = first_date(backend, TEXT_DATES)
        check_as_of(
            as_of,
            first,
            what=("文章 (メモ・問い合わせ・アンケート)", "the texts (notes, tickets, surveys)"),
        )
    table = themes(docs, top_n=top_n)
    table = table.join(theme_quotes(docs, table, id_col="doc_id"))
    return table, quotes(docs, table, id_col="doc_id", per_group=3)


def _closed_after(
    backend: Any,
    as_of: dt.date,
    *,
    lost_with_reason: bool = False,
    kinds: Sequence[str] | None = None,
) -> int:
    """How many deals were won or lost after ``as_of`` (0 without a backend); with
    ``lost_with_reason``, how many deals of ``kinds`` (all for None) were lost with a
    ``loss_reason``."""
    if backend is None:
        return 0
    d = backend.table("deals")
    if lost_with_reason:
        later = d.filter((d.outcome == "lost") & d.loss_reason.notnull() & (d.closed_at > as_of))
        if kinds is not None:
            later = later.filter(later.kind.isin(list(kinds)))
    else:
        later = d.filter(d.outcome.isin(["won", "lost"]) & (d.closed_at > as_of))
    return int(later.count().execute())


def voice_winloss(
    backend: Any,
    as_of: dt.date,
    *,
    by: str = "competitor",
    split_date: dt.date | None = None,
    kinds: Sequence[str] | None = ("new",),
    tables: dict[str, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    """Loss reasons, win rates, note themes and the change between two periods.

    ``by`` is a deals column (``competitor``) or an accounts column (``industry``).
    ``split_date`` defaults to the midpoint of the closed deals' dates. ``kinds`` are
    the kinds of deal counted (``deals.kind``): new business by default, because
    competitors are recorded on new deals and a renewal's win rate is retention, not
    selling; ``None`` counts every deal. Each frame's ``attrs["kinds"]`` says which.
    """
    tables = tables if tables is not None else voice_tables(backend, as_of)
    every = tables["deals"]
    deals = _of_kinds(every, kinds)
    if by not in deals.columns:
        acc = tables["accounts"]
        if by not in acc.columns:
            raise InvalidValueError(
                f"{by!r} では受注・失注を分けられません / cannot group win/loss by {by!r}",
                fix="商談か取引先の列を指定してください / use a deals or accounts column",
            )
        deals = deals.merge(acc[["account_id", by]], on="account_id", how="left")
    closed = pd.to_datetime(deals.loc[deals["outcome"].isin(["won", "lost"]), "closed_at"])
    if closed.empty and len(deals) < len(every):
        other = int(every["outcome"].isin(["won", "lost"]).sum())
        if other:
            raise NotEnoughDataError(
                f"{kinds_text(kinds)}に完了したものがありません (他の種類は{other}件) / "
                f"no closed {kinds_text(kinds, 'en')} ({other} closed deals of other kinds)",
                fix="--kind all で全商談を数えてください / count every deal with --kind all",
            )
    if closed.empty:
        later = _closed_after(backend, as_of)
        if later:
            raise NotEnoughDataError(
                "この日付までに完了した商談がありません / no closed deals as of this date",
                fix=f"--as-of を後にしてください (その後に{later}件が完了しています) / "
                f"choose a later --as-of ({later} deals closed after it)",
            )
        raise NotEnoughDataError(
            "受注・失注した商談がありません / no closed deals in the workspace",
            fix="受注・失注の結果 (outcome, closed_at) が入った商談を取り込んでください / "
            "import deals with outcome won/lost and closed_at",
        )
    lost = (deals["outcome"] == "lost") & deals["loss_reason"].notna()
    if not lost.any() and (
        later := _closed_after(backend, as_of, lost_with_reason=True, kinds=kinds)
    ):
        # The workspace has them, after this date: importing them again would not help.
        raise NotEnoughDataError(
            "この日付までに失注理由のある失注商談がありません / "
            "no lost deals with a loss_reason as of this date",
            fix=f"--as-of を後にしてください (その後に{later}件が失注理由つきで失注しています) / "
            f"choose a later --as-of ({later} deals lost with a reason after it)",
        )
    split = (
        pd.Timestamp(split_date) if split_date else closed.min() + (closed.max() - closed.min()) / 2
    )
    try:
        themes = note_reasons(deals, tables["notes"], by=by)
    except NotEnoughDataError as exc:
        # Loss reasons, win rates and the change come from the deals alone: without
        # win_loss notes only the themes are missing, and the frame says why.
        themes = pd.DataFrame(columns=list(NOTE_REASON_COLUMNS))
        themes.attrs["skipped"] = exc.message
    try:
        change = reason_change(deals, split.normalize(), by=by).assign(
            split_date=split.normalize().date()
        )
    except NotEnoughDataError as exc:
        if split_date is not None:
            raise
        # The default split is only a suggestion: with too few losses on one side
        # the comparison is missing, not the reasons and rates.
        change = pd.DataFrame(columns=[*CHANGE_COLUMNS, "split_date"])
        change.attrs["skipped"] = exc.message
    out = {
        "loss_reasons": loss_reasons(deals, by=by),
        "win_rates": win_rates(deals, by=by),
        "note_reasons": themes,
        "change": change,
    }
    counted = None if kinds is None else [k for k in DEAL_KINDS if k in kinds]
    for frame in out.values():
        frame.attrs["kinds"] = counted
    return out


def voice_sentiment(
    backend: Any,
    as_of: dt.date,
    *,
    holdout: float = 0.3,
    tables: dict[str, pd.DataFrame] | None = None,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Learn sentiment from NPS comments, validate on the latest ``holdout`` share, score texts.

    Returns ``(scores, metrics)``: ``scores`` has ``id, source, account_id,
    p_positive, sentiment, reason_ja, reason_en`` for tickets and notes;
    ``metrics`` the time-split accuracy and the majority-class baseline.
    """
    tables = tables if tables is not None else voice_tables(backend, as_of)
    surveys = tables["surveys"]
    lab = nps_label(surveys["nps"])
    keep = lab.notna() & surveys["comment"].notna()
    if keep.sum() < 2:
        raise NotEnoughDataError(
            "推奨者・批判者のコメントがありません / no promoter/detractor comments",
            fix="コメント付きのアンケートを取り込んでください / import surveys with comments",
        )
    when = pd.to_datetime(surveys.loc[keep, "answered_at"]).sort_values()
    cut = when.iloc[min(len(when) - 1, int(len(when) * (1 - holdout)))]
    metrics = validate_sentiment(surveys, cut)
    metrics["cut"] = cut.date().isoformat()
    model = SentimentModel().fit(
        surveys.loc[keep, "comment"].tolist(), lab[keep].astype(int).tolist()
    )
    docs = documents(tables)
    docs = docs[docs["source"].isin(["tickets", "notes"])]
    scores = sentiment_frame(model, docs, id_col="doc_id")
    scores.insert(1, "source", docs["source"].to_numpy())
    scores.insert(2, "account_id", docs["account_id"].to_numpy())
    metrics["negative_share"] = float(np.mean(scores["sentiment"] < 0)) if len(scores) else 0.0
    return scores, metrics

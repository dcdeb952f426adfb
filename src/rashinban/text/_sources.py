"""The voice-of-the-customer tables as known on an as-of date, read through Ibis.

Every filter is an Ibis expression on the workspace backend, so it runs on the
warehouse; only the filtered rows come back as pandas for text mining. No
look-ahead: a row dated after the as-of date is not returned, and a deal closed
after it is still open (outcome ``open``, no loss reason) as of that date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import pandas as pd

# table -> the date column that says when the row became known
_KNOWN_AT: dict[str, str] = {
    "accounts": "created_at",
    "contacts": "created_at",
    "leads": "created_at",
    "deals": "created_at",
    "notes": "written_at",
    "tickets": "opened_at",
    "surveys": "answered_at",
}


def _known(table: ibis.Table, column: str, as_of: dt.date) -> ibis.Table:
    col = table[column]
    return table.filter(col.isnull() | (col <= ibis.literal(as_of)))


def voice_tables(backend: Any, as_of: dt.date) -> dict[str, pd.DataFrame]:
    """accounts, contacts, leads, deals, notes, tickets and surveys as of ``as_of``.

    Parameters
    ----------
    backend
        An Ibis backend holding the canonical tables (``ws.backend()``).
    as_of
        Rows dated after this day are left out; deals closed after it are open.

    Examples
    --------
    >>> import datetime as dt
    >>> tables = voice_tables(ws.backend(), dt.date(2024, 3, 31))  # doctest: +SKIP
    """
    out: dict[str, pd.DataFrame] = {}
    for name, column in _KNOWN_AT.items():
        table = _known(backend.table(name), column, as_of)
        if name == "deals":
            after = table.closed_at.isnull() | (table.closed_at > ibis.literal(as_of))
            table = table.mutate(
                outcome=ibis.ifelse(after, ibis.literal("open"), table.outcome),
                loss_reason=ibis.ifelse(after, ibis.null("string"), table.loss_reason),
                closed_at=ibis.ifelse(after, ibis.null("date"), table.closed_at),
            )
        if name == "leads":
            late = ibis.literal(as_of)
            table = table.mutate(
                status=ibis.ifelse(
                    (table.status == "converted") & (table.sql_at > late),
                    ibis.literal("open"),
                    table.status,
                )
            )
        out[name] = table.to_pandas()
    return out


def documents(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """All customer texts in one frame: ``doc_id, source, kind, account_id, date, text``.

    Sources: notes (kind interview / win_loss / meeting / other), ticket texts,
    survey comments and structured loss reasons. ``doc_id`` is the row's own id
    (note_id, ticket_id, response_id, deal_id), so evidence points back to it.

    Examples
    --------
    >>> notes = pd.DataFrame({"note_id": ["N1"], "account_id": ["A1"], "kind": ["interview"],
    ...                       "written_at": ["2024-01-01"], "text": ["在庫の可視化"]})
    >>> documents({"notes": notes})[["doc_id", "source"]].values.tolist()
    [['N1', 'notes']]
    """
    parts = []
    spec = [
        ("notes", "note_id", "written_at", "text", "kind"),
        ("tickets", "ticket_id", "opened_at", "text", None),
        ("surveys", "response_id", "answered_at", "comment", None),
        ("deals", "deal_id", "closed_at", "loss_reason", None),
    ]
    for table, id_col, date_col, text_col, kind_col in spec:
        frame = tables.get(table)
        if frame is None or frame.empty or text_col not in frame.columns:
            continue
        frame = frame[frame[text_col].notna() & (frame[text_col].astype(str).str.strip() != "")]
        kind = frame[kind_col].astype(str) if kind_col else table
        parts.append(
            pd.DataFrame(
                {
                    "doc_id": frame[id_col].astype(str).to_numpy(),
                    "source": table,
                    "kind": kind if isinstance(kind, str) else kind.to_numpy(),
                    "account_id": frame["account_id"].astype(str).to_numpy(),
                    "date": pd.to_datetime(frame[date_col]).to_numpy(),
                    "text": frame[text_col].astype(str).to_numpy(),
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=["doc_id", "source", "kind", "account_id", "date", "text"])
    return pd.concat(parts, ignore_index=True)

"""Reviews, sales feedback and the audit log of the app-state store (append-only)."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any

import sqlalchemy as sa

from rashinban.state import _schema as s
from rashinban.state._content import canonical_json, content_id

__all__ = ["RecordsMixin", "utc"]


def utc(value: dt.datetime | None) -> dt.datetime:
    """``value`` as an aware UTC datetime (now when ``None``; naive values are UTC)."""
    if value is None:
        return dt.datetime.now(dt.UTC)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class RecordsMixin:
    """The records part of :class:`~rashinban.state.StateStore` (reviews, feedback, audit)."""

    engine: sa.Engine

    def _tx(self) -> AbstractContextManager[sa.Connection]:
        raise NotImplementedError

    def _audit(
        self, con: sa.Connection, actor: str, action: str, obj: str, at: dt.datetime, **detail: Any
    ) -> None:
        raise NotImplementedError

    def user(self, user_id: str) -> dict[str, Any]:
        raise NotImplementedError

    def active(self, name: str) -> Any:
        raise NotImplementedError

    def revision(self, name: str, number: int | None = None) -> Any:
        raise NotImplementedError

    def target_revision(self, name: str) -> Any:
        raise NotImplementedError

    # ------------------------------------------------------------------ reviews
    def add_review(
        self,
        name: str,
        version_id: str,
        as_of: dt.date,
        content: Mapping[str, Any],
        *,
        author: str,
        at: dt.datetime | None = None,
    ) -> str:
        """Store a review; returns its id (content hash of version, date and findings).

        ``author`` must be a registered user, as for every other change.
        """
        author = self.user(author)["user_id"]
        at = utc(at)
        body = canonical_json(dict(content))
        rid = content_id({"version_id": version_id, "as_of": as_of.isoformat(), "review": body})
        with self._tx() as con:
            if con.execute(
                sa.select(s.reviews.c.review_id).where(s.reviews.c.review_id == rid)
            ).first():
                return rid
            con.execute(
                s.reviews.insert().values(
                    review_id=rid,
                    name=name,
                    version_id=version_id,
                    as_of=as_of,
                    author=author,
                    at=at,
                    content=body,
                )
            )
            # A back-test (as-of date before the version was saved) says so in the log.
            back = {"back_test": True} if content.get("back_test") else {}
            self._audit(
                con, author, "review", name, at, review_id=rid, as_of=as_of.isoformat(), **back
            )
        return rid

    def reviews(self, name: str | None = None) -> list[dict[str, Any]]:
        """Stored reviews (of ``name``), oldest first, content decoded."""
        q = sa.select(s.reviews).order_by(s.reviews.c.at, s.reviews.c.review_id)
        if name:
            q = q.where(s.reviews.c.name == name)
        with self.engine.connect() as con:
            rows = con.execute(q).all()
        return [dict(r._mapping) | {"content": json.loads(r.content)} for r in rows]

    # ------------------------------------------------------------------ feedback
    def add_feedback(
        self,
        *,
        fits: bool,
        author: str,
        on: dt.date,
        lead_id: str | None = None,
        account_id: str | None = None,
        reason: str | None = None,
        text: str = "",
        target: str | None = None,
        at: dt.datetime | None = None,
    ) -> int:
        """Record a rep's fits / does-not-fit verdict; returns its sequence number.

        The version of ``target`` active at the time (else its latest) is recorded
        with it, so feedback can be summarised per target version; a canvas is
        refused, since no lead or account can fit one.
        """
        from rashinban.state._feedback import check_feedback, reason_code

        reason = reason_code(reason)  # 予算がない and "no budget" read as no_budget
        check_feedback(fits=fits, reason=reason, lead_id=lead_id, account_id=account_id)
        author = self.user(author)["user_id"]
        version_id = None
        if target is not None:
            version_id = self.target_revision(target).version_id
        at = utc(at)
        with self._tx() as con:
            res = con.execute(
                s.feedback.insert().values(
                    lead_id=lead_id,
                    account_id=account_id,
                    fits=fits,
                    reason=reason,
                    text=text,
                    author=author,
                    at=at,
                    on=on,
                    target=target,
                    version_id=version_id,
                )
            )
            seq = int(res.inserted_primary_key[0])  # type: ignore[index]
            # The verdict and whom it is about, so that the log reads without the feedback table.
            about = {
                k: v
                for k, v in (("reason", reason), ("lead_id", lead_id), ("account_id", account_id))
                if v
            }
            self._audit(
                con,
                author,
                "feedback",
                target or lead_id or account_id or "",
                at,
                seq=seq,
                fits=bool(fits),
                **about,
            )
        return seq

    def log_win_story(
        self,
        *,
        author: str,
        account_id: str,
        note_id: str,
        written_at: dt.date,
        deal_id: str | None = None,
        at: dt.datetime | None = None,
    ) -> None:
        """Log a win story written into the workspace (``rashinban win-story``).

        The story itself is a note in the workspace's data; the audit log keeps who wrote
        it, about which account, its note id, deal and date. ``author`` is the name the
        story was written under (NFKC, no surrounding spaces): a win story needs no
        registered user.
        """
        actor = unicodedata.normalize("NFKC", str(author)).strip()
        deal = {"deal_id": deal_id} if deal_id else {}
        at = utc(at)
        with self._tx() as con:
            self._audit(
                con,
                actor,
                "win_story",
                account_id,
                at,
                note_id=note_id,
                written_at=written_at.isoformat(),
                **deal,
            )

    def feedback(self, target: str | None = None) -> list[dict[str, Any]]:
        q = sa.select(s.feedback).order_by(s.feedback.c.seq)
        if target:
            q = q.where(s.feedback.c.target == target)
        with self.engine.connect() as con:
            return [dict(r._mapping) for r in con.execute(q).all()]

    # ------------------------------------------------------------------ audit
    def audit_log(
        self,
        *,
        obj: str | None = None,
        actor: str | None = None,
        action: str | None = None,
        since: dt.datetime | None = None,
    ) -> list[dict[str, Any]]:
        """Who did what, oldest first (``detail`` decoded).

        Parameters
        ----------
        obj, actor, action
            Keep only the entries about this object (a target, canvas or user id),
            by this user, or of this action (``add_user``, ``save``, ``approve``,
            ``activate``, ``review``, ``feedback``, ``win_story``).
        since
            Keep only the entries at or after this time (UTC when naive).
        """
        q = sa.select(s.audit).order_by(s.audit.c.seq)
        if actor is not None:  # as user ids are stored: NFKC, no surrounding spaces
            actor = unicodedata.normalize("NFKC", actor).strip()
        if obj is not None:
            q = q.where(s.audit.c.object == obj)
        if actor is not None:
            q = q.where(s.audit.c.actor == actor)
        if action is not None:
            q = q.where(s.audit.c.action == action)
        if since is not None:
            q = q.where(s.audit.c.at >= utc(since).astimezone(dt.UTC))
        with self.engine.connect() as con:
            rows = con.execute(q).all()
        return [dict(r._mapping) | {"detail": json.loads(r.detail), "at": utc(r.at)} for r in rows]

    def require_logged(self, *, obj: str | None = None, actor: str | None = None) -> None:
        """Refuse an object or actor the audit log has never named.

        ``target audit`` calls it when its list is empty, so that a mistyped name is
        told as such rather than read as a clean record; a name that is in the log,
        but not in the period or action asked for, passes.

        Raises
        ------
        UnknownIdError
            No entry is about ``obj``, or none is by ``actor``.
        """
        from rashinban._errors import UnknownIdError

        for value, logged, ja, en in (
            (
                obj,
                obj is not None and self.audit_log(obj=obj),
                "ターゲット・キャンバス・ユーザー・取引先・リード",
                "target, canvas, user, account or lead",
            ),
            (
                actor,
                actor is not None and self.audit_log(actor=actor),
                "操作したユーザー",
                "user who acted",
            ),
        ):
            if value is not None and not logged:
                raise UnknownIdError(
                    f"{value!r} は監査ログにありません ({ja}として記録がありません) / "
                    f"{value!r} is not in the audit log (no {en} by that name)",
                    value=value,
                    fix="'rashinban target list' か 'rashinban target audit' で名前を確かめて"
                    "ください / check the name with 'rashinban target list' or "
                    "'rashinban target audit'",
                )

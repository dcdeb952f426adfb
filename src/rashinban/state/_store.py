"""The app-state store: SQLite in the workspace by default, PostgreSQL for teams.

Every write is one transaction, so a process killed mid-write leaves either the
whole change or nothing. Nothing is ever updated or deleted: a change appends a
revision that points at an immutable, content-addressed version.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from rashinban._errors import ConfigError, InvalidValueError, UnknownIdError
from rashinban.state import _schema as s
from rashinban.state._content import Canvas, TargetDefinition, canonical_json, content_id
from rashinban.state._records import RecordsMixin, utc
from rashinban.state._words import approval_step_text, department_label
from rashinban.workspace._workspace import database_error

__all__ = [
    "DEPARTMENTS",
    "STATE_FILE",
    "Revision",
    "StateStore",
    "open_store",
    "sqlalchemy_url",
]

STATE_FILE = "state.sqlite"
DEPARTMENTS = ("marketing", "sales", "other")
_DEPT_JA = {d: department_label(d) for d in DEPARTMENTS}
_MIGRATIONS = Path(__file__).with_name("migrations")


@dataclass(frozen=True)
class Revision:
    """One entry of a definition's history: which version, by whom, when and why."""

    name: str
    kind: str
    number: int
    version_id: str
    parent_id: str | None
    author: str
    at: dt.datetime
    note: str
    content: dict[str, Any]

    @property
    def short_id(self) -> str:
        return self.version_id[:12]


def _sqlite_pragmas(dbapi_con: Any, _record: Any) -> None:
    # The driver begins no transaction of its own (it would start one only at the first
    # INSERT, after the SELECTs that decided it): :func:`_sqlite_begin` begins each one.
    dbapi_con.isolation_level = None
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    # A synchronous journal: a commit is on disk before it returns.
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _sqlite_begin(con: sa.Connection) -> None:
    """Begin a SQLite transaction: ``BEGIN IMMEDIATE`` for a write (the write lock is
    taken first, so a second writer waits for it instead of failing when it reaches its
    first INSERT, and what a write checks cannot change before it commits), a plain
    ``BEGIN`` for a read."""
    con.exec_driver_sql(f"BEGIN {con.get_execution_options().get('sqlite_begin', 'DEFERRED')}")


def _write_connection(engine: sa.Engine) -> sa.Connection:
    """A connection whose transactions are writes (``BEGIN IMMEDIATE`` on SQLite)."""
    con = engine.connect()
    if engine.dialect.name == "sqlite":
        con = con.execution_options(sqlite_begin="IMMEDIATE")
    return con


class StateStore(RecordsMixin):
    """Targets, canvases, reviews, feedback, users and the audit log.

    Open one with :func:`open_store`. Methods that change state take the actor
    and an optional ``at`` (default: now, UTC) — the store records when things
    happened; analyses never read this clock.
    """

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    # ------------------------------------------------------------------ plumbing
    @contextmanager
    def _tx(self) -> Iterator[sa.Connection]:
        try:
            with _write_connection(self.engine) as con, con.begin():
                yield con
        except (sa.exc.OperationalError, sa.exc.IntegrityError) as exc:
            raise _write_error(self.engine, exc) from None

    def _audit(
        self, con: sa.Connection, actor: str, action: str, obj: str, at: dt.datetime, **detail: Any
    ) -> None:
        con.execute(
            s.audit.insert().values(
                at=at, actor=actor, action=action, object=obj, detail=canonical_json(detail)
            )
        )

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ users
    def add_user(
        self, user_id: str, name: str, department: str, *, at: dt.datetime | None = None
    ) -> None:
        """Register a user of a department (marketing / sales / other).

        The id is read as NFKC (full-width ``ｓａｔｏ`` is ``sato``), as every lookup
        reads it; a blank id or name is refused.
        """
        user_id = _user_key(user_id)
        _require_text(user_id, "ユーザーID", "user id")
        _require_text(name, "氏名", "name")
        if department not in DEPARTMENTS:
            raise InvalidValueError(
                f"部署 {department!r} はありません / department {department!r} is not known",
                fix=f"次のいずれかを指定してください / use {', '.join(DEPARTMENTS)}",
            )
        at = utc(at)
        with self._tx() as con:
            if con.execute(
                sa.select(s.users.c.user_id).where(s.users.c.user_id == user_id)
            ).first():
                raise InvalidValueError(
                    f"ユーザー {user_id!r} はすでに登録されています / "
                    f"user {user_id!r} already exists",
                    fix="別のユーザーIDを選んでください / choose another user id",
                )
            con.execute(
                s.users.insert().values(
                    user_id=user_id, name=name, department=department, created_at=at
                )
            )
            self._audit(con, user_id, "add_user", user_id, at, department=department)

    def user(self, user_id: str) -> dict[str, Any]:
        """The registered user ``user_id`` (read as NFKC), or :class:`UnknownIdError`."""
        user_id = _user_key(user_id)
        with self.engine.connect() as con:
            row = con.execute(sa.select(s.users).where(s.users.c.user_id == user_id)).first()
        if row is None:
            raise UnknownIdError(
                f"ユーザー {user_id!r} は登録されていません / user {user_id!r} is not registered",
                fix="'rashinban target user' で登録してください / "
                "add it with 'rashinban target user'",
            )
        return dict(row._mapping)

    def users(self) -> list[dict[str, Any]]:
        with self.engine.connect() as con:
            rows = con.execute(sa.select(s.users).order_by(s.users.c.user_id)).all()
        return [dict(r._mapping) for r in rows]

    # ------------------------------------------------------------------ versions
    def save(
        self,
        name: str,
        definition: TargetDefinition | Canvas | Mapping[str, Any],
        *,
        author: str,
        note: str,
        at: dt.datetime | None = None,
        new: bool = False,
        parent: str | None = None,
    ) -> Revision:
        """Record a new version of ``name`` (creating the definition on first save).

        The content is stored once under its content id; the history gets a new
        revision even when the content equals an earlier version (a revert).
        ``new=True`` refuses a name that exists (``target create``); ``parent`` is the
        version id the change was made from, and the save is refused when another
        version has been saved since (two people editing at once, or a draft from a
        review of an older version), so that nobody's change is silently undone.

        Raises
        ------
        InvalidValueError
            The content is invalid, or equals the current version (nothing changed),
            a name is reused for another kind, a new name exists, the name is blank or
            reads as a version reference, or ``parent`` is no longer the latest version.
        """
        content = dict(definition) if isinstance(definition, Mapping) else definition.to_content()
        kind = str(content.get("kind", ""))
        check_name(name)
        vid = content_id(content)
        at = utc(at)
        author = self.user(author)["user_id"]
        with self._tx() as con:
            # Locked until the commit (PostgreSQL; SQLite's write lock is already held):
            # two saves of one name are taken one after the other, and the second is
            # checked against the version the first saved.
            existing = con.execute(
                sa.select(s.definitions.c.kind)
                .where(s.definitions.c.name == name)
                .with_for_update()
            ).first()
            if existing is not None and new:
                from rashinban.state._words import shell_word

                raise InvalidValueError(
                    f"{name!r} はすでにあります / {name!r} already exists",
                    value=name,
                    fix=f"変更は 'rashinban target edit {shell_word(name)}' で新しい版に"
                    "してください（別のターゲットなら別の名前を） / "
                    f"change it with 'rashinban target edit {shell_word(name)}' "
                    "(or pick another name)",
                )
            if existing is None:
                con.execute(
                    s.definitions.insert().values(
                        name=name, kind=kind, created_at=at, created_by=author
                    )
                )
            elif existing.kind != kind:
                raise InvalidValueError(
                    f"{name!r} は {kind} ではなく {existing.kind} の名前です / "
                    f"{name!r} is a {existing.kind}, not a {kind}",
                    fix="別の名前を使ってください / use another name",
                )
            last = con.execute(
                sa.select(s.revisions.c.number, s.revisions.c.version_id, s.revisions.c.author)
                .where(s.revisions.c.name == name)
                .order_by(s.revisions.c.number.desc())
                .limit(1)
            ).first()
            if parent is not None and last is not None and last.version_id != parent:
                _refuse_stale(name, parent, last.number, last.author)
            if last is not None and last.version_id == vid:
                raise InvalidValueError(
                    f"{name!r}: 内容が現在の版 {vid[:12]} と同じです / "
                    f"{name!r}: the content equals the current version {vid[:12]}",
                    fix="内容を変えてから新しい版を保存してください / "
                    "change something before saving a new version",
                )
            known = con.execute(
                sa.select(s.versions.c.name).where(s.versions.c.version_id == vid)
            ).first()
            if known is None:
                con.execute(
                    s.versions.insert().values(
                        version_id=vid, name=name, content=canonical_json(content), created_at=at
                    )
                )
            elif known.name != name:
                raise InvalidValueError(
                    f"同じ内容が {known.name!r} として保存済みです / "
                    f"the same content is already stored as {known.name!r}",
                    fix="複製せずにその定義を編集してください / "
                    "edit that definition instead of copying it",
                )
            number = 1 if last is None else last.number + 1
            con.execute(
                s.revisions.insert().values(
                    name=name,
                    number=number,
                    version_id=vid,
                    parent_id=None if last is None else last.version_id,
                    author=author,
                    at=at,
                    note=note,
                )
            )
            self._audit(con, author, "save", name, at, version_id=vid, number=number, note=note)
        return self.revision(name, number)

    def check_owners(self, owners: Mapping[str, Any]) -> None:
        """Every owner is a registered user of the department they own the target for.

        Raises
        ------
        UnknownIdError, InvalidValueError
            An owner is not registered, or belongs to another department.
        """
        for department, who in owners.items():
            for user_id in who:
                user = self.user(str(user_id))
                if department in _DEPT_JA and user["department"] != department:
                    raise InvalidValueError(
                        f"{user_id} は{_DEPT_JA[user['department']]}のユーザーで、"
                        f"{_DEPT_JA[department]}の担当にはできません / "
                        f"{user_id} is in the {user['department']} department, not {department}",
                        value=str(user_id),
                        fix=f"{_DEPT_JA[department]}のユーザーを指定してください / "
                        f"name a {department} user as the {department} owner",
                    )

    def _revisions(self, where: Any) -> list[Revision]:
        q = (
            sa.select(s.revisions, s.versions.c.content, s.definitions.c.kind)
            .join(s.versions, s.versions.c.version_id == s.revisions.c.version_id)
            .join(s.definitions, s.definitions.c.name == s.revisions.c.name)
            .where(where)
            .order_by(s.revisions.c.name, s.revisions.c.number)
        )
        with self.engine.connect() as con:
            rows = con.execute(q).all()
        return [
            Revision(
                name=r.name,
                kind=r.kind,
                number=r.number,
                version_id=r.version_id,
                parent_id=r.parent_id,
                author=r.author,
                at=utc(r.at),
                note=r.note,
                content=json.loads(r.content),
            )
            for r in rows
        ]

    def history(self, name: str) -> list[Revision]:
        """Every revision of ``name``, oldest first."""
        revs = self._revisions(s.revisions.c.name == name)
        if not revs:
            raise UnknownIdError(
                f"{name!r} という名前のターゲットもキャンバスもありません / "
                f"no target or canvas named {name!r}",
                fix="'rashinban target list' で名前を確かめてください / "
                "list them with 'rashinban target list'",
            )
        return revs

    def revision(self, name: str, number: int | None = None) -> Revision:
        """Revision ``number`` of ``name`` (the latest when ``None``)."""
        revs = self.history(name)
        if number is None:
            return revs[-1]
        for r in revs:
            if r.number == number:
                return r
        raise UnknownIdError(
            f"{name!r} に版 {number} はありません / {name!r} has no version {number}",
            fix=f"1〜{revs[-1].number} の版を指定してください / "
            f"versions are 1 to {revs[-1].number}",
        )

    def resolve(self, ref: str) -> Revision:
        """A revision by ``NAME``, ``NAME@N`` or a version id (or a unique prefix of one)."""
        if "@" in ref:
            name, _, num = ref.rpartition("@")
            if num.isdigit():
                return self.revision(name, int(num))
        with self.engine.connect() as con:
            is_name = con.execute(
                sa.select(s.definitions.c.name).where(s.definitions.c.name == ref)
            ).first()
        if is_name:
            return self.revision(ref)
        revs = self._revisions(s.revisions.c.version_id.startswith(ref)) if len(ref) >= 6 else []
        ids = {r.version_id for r in revs}
        if len(ids) == 1:
            return revs[-1]
        raise UnknownIdError(
            f"{ref!r} は名前でも一意な版IDでもありません / "
            f"{ref!r} is neither a name nor a unique version id",
            fix="名前、名前@番号、または版IDの先頭6文字以上を指定してください / "
            "use NAME, NAME@N or at least 6 characters of a version id",
        )

    def definitions(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Names with kind, latest version number and id, and the active version id."""
        with self.engine.connect() as con:
            q = sa.select(s.definitions).order_by(s.definitions.c.name)
            if kind:
                q = q.where(s.definitions.c.kind == kind)
            names = con.execute(q).all()
        out = []
        for d in names:
            latest = self.revision(d.name)
            active = self.active(d.name)
            out.append(
                {
                    "name": d.name,
                    "kind": d.kind,
                    "version": latest.number,
                    "version_id": latest.version_id,
                    "active_version": None if active is None else active.number,
                    "active_version_id": None if active is None else active.version_id,
                }
            )
        return out

    # ------------------------------------------------------------------ approval
    def approve(self, ref: str, user_id: str, *, at: dt.datetime | None = None) -> None:
        """Approve a version as ``user_id`` (one approval per user and version).

        Only the latest version can be approved (or an older one with the same
        content): approving one that a later version has replaced would make it
        ready to activate without the later changes. An approved older version can
        still be activated again.

        Raises
        ------
        InvalidValueError
            The user has approved the version already, or it is not the latest.
        """
        rev = self.resolve(ref)
        user = self.user(user_id)
        user_id = user["user_id"]
        at = utc(at)
        with self._tx() as con:
            latest = con.execute(
                sa.select(s.revisions.c.number, s.revisions.c.version_id, s.revisions.c.author)
                .where(s.revisions.c.name == rev.name)
                .order_by(s.revisions.c.number.desc())
                .limit(1)
            ).one()
            if latest.version_id != rev.version_id:
                _refuse_superseded(rev, latest.number, latest.author)
            done = con.execute(
                sa.select(s.approvals.c.seq).where(
                    (s.approvals.c.version_id == rev.version_id)
                    & (s.approvals.c.user_id == user_id)
                )
            ).first()
            if done:
                given = con.execute(
                    sa.select(s.approvals.c.department).where(
                        s.approvals.c.version_id == rev.version_id
                    )
                ).scalars()
                missing = sorted({"marketing", "sales"} - set(given))
                raise InvalidValueError(
                    f"{user_id} は {rev.name}@{rev.number} を承認済みです / "
                    f"{user_id} has already approved {rev.name}@{rev.number}",
                    # What is still needed, as the approval itself said it.
                    fix=approval_step_text(f"{rev.name}@{rev.number}", missing),
                )
            con.execute(
                s.approvals.insert().values(
                    version_id=rev.version_id, user_id=user_id, department=user["department"], at=at
                )
            )
            self._audit(con, user_id, "approve", rev.name, at, version_id=rev.version_id)

    def approvals(self, version_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as con:
            rows = con.execute(
                sa.select(s.approvals)
                .where(s.approvals.c.version_id == version_id)
                .order_by(s.approvals.c.seq)
            ).all()
        return [dict(r._mapping) for r in rows]

    def missing_approvals(self, version_id: str) -> list[str]:
        """The departments (marketing, sales) whose approval the version still needs.

        An approval by a member of ``other`` is recorded but counts for neither.
        """
        depts = {a["department"] for a in self.approvals(version_id)}
        return [d for d in ("marketing", "sales") if d not in depts]

    def activate(self, ref: str, by: str, *, at: dt.datetime | None = None) -> Revision:
        """Make a version the active one (needs one marketing and one sales approval).

        Activating the version that is already active changes nothing and logs nothing
        (the schedule trigger counts from the activation, which must not move).

        Raises
        ------
        InvalidValueError
            An approval from marketing or from sales is missing.
        """
        rev = self.resolve(ref)
        by = self.user(by)["user_id"]
        current = self.active(rev.name)
        if current is not None and current.version_id == rev.version_id:
            return current
        missing = self.missing_approvals(rev.version_id)
        if missing:
            raise InvalidValueError(
                f"{rev.name}@{rev.number} には{'と'.join(_DEPT_JA[d] for d in missing)}の"
                f"承認がありません / "
                f"{rev.name}@{rev.number} lacks an approval from {' and '.join(missing)}",
                fix=f"{'と'.join(_DEPT_JA[d] for d in missing)}のメンバーに "
                "'rashinban target approve' を実行してもらってください / "
                f"ask a {' and a '.join(missing)} member to run 'rashinban target approve'",
            )
        at = utc(at)
        with self._tx() as con:
            # Checked again under the lock (SQLite's write lock; the target's row on
            # PostgreSQL): of two people activating the same version at once, the
            # second finds it active and logs nothing.
            con.execute(
                sa.select(s.definitions.c.kind)
                .where(s.definitions.c.name == rev.name)
                .with_for_update()
            )
            last = con.execute(
                sa.select(s.activations.c.version_id)
                .where(s.activations.c.name == rev.name)
                .order_by(s.activations.c.seq.desc())
                .limit(1)
            ).first()
            already = last is not None and last.version_id == rev.version_id
            if not already:
                con.execute(
                    s.activations.insert().values(
                        name=rev.name, version_id=rev.version_id, by=by, at=at
                    )
                )
                self._audit(con, by, "activate", rev.name, at, version_id=rev.version_id)
        return (self.active(rev.name) or rev) if already else rev

    def active(self, name: str) -> Revision | None:
        """The active revision of ``name`` (the last activated), or ``None``."""
        with self.engine.connect() as con:
            row = con.execute(
                sa.select(s.activations.c.version_id, s.activations.c.at)
                .where(s.activations.c.name == name)
                .order_by(s.activations.c.seq.desc())
                .limit(1)
            ).first()
        if row is None:
            return None
        # The latest revision holding that version (a revert may repeat an id).
        revs = [r for r in self.history(name) if r.version_id == row.version_id]
        return revs[-1]

    def target_revision(self, name: str) -> Revision:
        """The version of target ``name`` that counts: the active one, else the latest.

        Raises
        ------
        UnknownIdError, InvalidValueError
            No definition has that name, or it names a canvas (which has no rule to
            count leads, accounts or KPIs by).
        """
        rev = self.active(name) or self.revision(name)
        require_target(rev)
        return rev

    def activated_at(self, name: str) -> dt.datetime | None:
        with self.engine.connect() as con:
            row = con.execute(
                sa.select(s.activations.c.at)
                .where(s.activations.c.name == name)
                .order_by(s.activations.c.seq.desc())
                .limit(1)
            ).first()
        return None if row is None else utc(row.at)


def require_target(rev: Revision) -> None:
    """Refuse a canvas where a target is needed (feedback, KPIs, reviews), naming its kind."""
    if rev.kind == "target":
        return
    from rashinban._labels import code_label

    raise InvalidValueError(
        f"{rev.name!r} はターゲットではなく{code_label('kind', rev.kind)}です / "
        f"{rev.name!r} is a {code_label('kind', rev.kind, 'en')}, not a target",
        value=rev.name,
        fix="ターゲットの名前を指定してください ('rashinban target list' の種類が"
        "ターゲットのもの) / name a target (kind 'target' in 'rashinban target list')",
    )


def _refuse_superseded(rev: Revision, number: int, author: str) -> None:
    """Refuse to approve ``rev`` when version ``number`` by ``author`` has replaced it."""
    from rashinban.state._words import shell_word

    old, new = shell_word(f"{rev.name}@{rev.number}"), shell_word(f"{rev.name}@{number}")
    raise InvalidValueError(
        f"{rev.name}@{rev.number} は最新の版ではありません: その後に @{number} ({author}) が"
        "保存されています。古い版を承認すると、その後の変更を含まない版が有効化できてしまいます / "
        f"{rev.name}@{rev.number} is not the latest version: @{number} by {author} was "
        "saved after it, and approving the older one would let it be activated without "
        "the later changes",
        value=f"{rev.name}@{rev.number}",
        fix=f"'rashinban target diff {old} {new}' で違いを確かめ、"
        f"'rashinban target approve {new}' で最新版を承認してください / check what changed "
        f"with 'rashinban target diff {old} {new}' and approve the latest with "
        f"'rashinban target approve {new}'",
    )


def _refuse_stale(name: str, parent: str, number: int, author: str) -> None:
    """Refuse a save made from ``parent`` when version ``number`` by ``author`` is newer."""
    from rashinban.state._words import shell_word

    raise InvalidValueError(
        f"{name}: 元にした版 {parent[:12]} の後に @{number} ({author}) が"
        "保存されています。このまま保存するとその変更が消えます / "
        f"{name}: @{number} by {author} was saved after the version this "
        f"change starts from ({parent[:12]}); saving would undo it",
        value=parent[:12],
        fix=f"'rashinban target show {shell_word(name)}' で最新版を確かめてから、"
        "もう一度実行してください"
        "（見直しからの下書きなら最新版を見直し直してください） / "
        f"check the latest with 'rashinban target show {shell_word(name)}' and run the "
        "command again "
        "(for a draft from a review, review the latest version first)",
    )


def _user_key(user_id: str) -> str:
    """A user id as stored and looked up: NFKC, without surrounding spaces."""
    return unicodedata.normalize("NFKC", str(user_id)).strip()


def _require_text(value: str, ja: str, en: str) -> None:
    if not str(value).strip():
        raise InvalidValueError(
            f"{ja}が空です / the {en} is empty",
            fix=f"{ja}を指定してください / give a {en}",
        )


_VERSION_LIKE = re.compile(r"[0-9a-f]{6,64}")


def check_name(name: str) -> None:
    """Refuse a target or canvas name that commands could not tell from a reference.

    A name is read where ``NAME@N`` and version ids are accepted: a blank name, one
    with ``@`` or one of 6 or more hex digits (a version-id prefix) would be misread.
    """
    _require_text(name, "名前", "name")
    if "@" in name or _VERSION_LIKE.fullmatch(name) or name != name.strip():
        raise InvalidValueError(
            f"名前 {name!r} は使えません: '@'、前後の空白、版IDと紛らわしい英数字は"
            f"使えません / the name {name!r} cannot be used: no '@', no surrounding "
            "spaces, and not a run of hex digits that reads as a version id",
            value=name,
            fix="別の名前を選んでください (例: 中堅製造業) / choose another name (e.g. 中堅製造業)",
        )


def _write_error(engine: sa.Engine, exc: Exception) -> Exception:
    """A database error on a write, as the user error that says what to do."""
    where = (
        engine.url.database if engine.dialect.name == "sqlite" else engine.url.render_as_string()
    )
    if isinstance(exc, sa.exc.IntegrityError):
        return InvalidValueError(
            f"{where}: 同時に別の変更が保存されました / another change was saved at the same time",
            fix="少し待ってからもう一度実行してください / run the command again",
        )
    return database_error(str(where), exc)


#: The newest migration's revision id (a test keeps it equal to Alembic's head).
HEAD_REVISION = "0001"
#: Where Alembic keeps the store's revision (``version_table`` in migrations/env.py).
VERSION_TABLE = "rb_alembic_version"


def _at_head(con: sa.Connection | sa.Engine) -> bool:
    """Whether the store is already at :data:`HEAD_REVISION` (read without Alembic)."""
    if isinstance(con, sa.Engine):
        with con.connect() as own:
            return _at_head(own)
    if not sa.inspect(con).has_table(VERSION_TABLE):
        return False
    rows = con.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
    return [r[0] for r in rows] == [HEAD_REVISION]


#: The PostgreSQL advisory lock that lets one process at a time migrate the store.
_MIGRATION_LOCK = 0x7261736869  # "rashi"


def migrate(engine: sa.Engine) -> None:
    """Bring the store's schema to the newest migration (Alembic, shipped in the package).

    A store already at the newest revision is left alone without loading Alembic,
    which keeps every state command about 0.1 s faster. The migration holds the
    database's write lock (SQLite) or an advisory lock (PostgreSQL) and checks again
    under it, so that two commands opening a new store at once migrate it once: the
    second waits and finds it done.
    """
    if _at_head(engine):
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with _write_connection(engine) as con, con.begin():
        if engine.dialect.name == "postgresql":
            con.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        if _at_head(con):
            return
        cfg.attributes["connection"] = con
        command.upgrade(cfg, "head")


def sqlalchemy_url(url: str) -> str:
    """Map a plain ``postgres://`` / ``postgresql://`` URL to SQLAlchemy's psycopg 3 driver.

    Examples
    --------
    >>> sqlalchemy_url("postgres://me@db:5432/crm")
    'postgresql+psycopg://me@db:5432/crm'
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def open_store(where: Any = None, *, url: str | None = None) -> StateStore:
    """Open (and migrate) the app-state store.

    Parameters
    ----------
    where
        A :class:`~rashinban.workspace.Workspace`: its ``[state] url`` setting, or
        ``state.sqlite`` in the workspace folder when that is empty.
    url
        A SQLAlchemy URL instead (``sqlite:///…``, ``postgresql+psycopg://…``).

    Examples
    --------
    >>> store = open_store(url="sqlite://")
    >>> store.add_user("sato", "佐藤", "marketing")
    >>> [u["department"] for u in store.users()]
    ['marketing']
    """
    if url is None:
        if where is None:
            raise ConfigError(
                "open_store にはワークスペースかURLが必要です / "
                "open_store needs a workspace or a url",
                fix="どちらかを渡してください / pass one of them",
            )
        url = str(where.config.get("state", {}).get("url") or "") or os.environ.get(
            "RASHINBAN_STATE_URL", ""
        )
        if not url:
            url = f"sqlite:///{Path(where.path) / STATE_FILE}"
    url = sqlalchemy_url(url)
    try:
        engine = sa.create_engine(url)
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise ConfigError(
            f"[state] url {url!r} は使えません / [state] url {url!r} cannot be used: {exc}",
            fix="sqlite:///PATH か postgresql+psycopg://USER@HOST/DB の形で書いてください / "
            "write sqlite:///PATH or postgresql+psycopg://USER@HOST/DB",
        ) from None
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
    try:
        migrate(engine)
    except sa.exc.OperationalError as exc:  # locked past the busy timeout, read-only …
        raise _write_error(engine, exc) from None
    return StateStore(engine)

"""A new draft version from a stored review's proposals (``rashinban target draft``).

Proposals are numbered from 1 as ``rashinban target review`` shows them (提案 #1); the
Python API takes 0-based indexes into the review's ``proposals`` list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rashinban._errors import InvalidValueError, UnknownIdError
from rashinban.segments import Or, Rule, parse_rule
from rashinban.state import Evidence, StateStore, TargetDefinition

__all__ = ["choose_proposals", "draft_from_review", "find_review"]

#: Words that accept every proposal of a review (``--accept all``).
ALL = ("all", "すべて", "全部")


def find_review(store: StateStore, review_id: str) -> dict[str, Any]:
    """The stored review whose id starts with ``review_id`` (one, else a user error)."""
    found = [r for r in store.reviews() if r["review_id"].startswith(review_id)]
    if len(found) != 1:
        raise UnknownIdError(
            f"ID {review_id!r} のレビューが見つからないか、複数あります / "
            f"no single review with id {review_id!r}",
            fix="'rashinban target review' の出力からレビューIDをコピーしてください / "
            "copy the review id from 'rashinban target review'",
        )
    return found[0]


def _listing(proposals: Sequence[dict[str, Any]]) -> str:
    """``#1 widen: 業種が… ; #2 …`` — the proposals as the review table numbers them."""
    return "; ".join(
        f"#{i} {p['kind']}: "
        + (parse_rule(p["rule"]).describe() if p.get("rule") else p["reason_ja"])
        for i, p in enumerate(proposals, 1)
    )


def choose_proposals(store: StateStore, review_id: str, values: Sequence[str]) -> list[int] | None:
    """The 0-based indexes of the proposals numbered ``values`` (from 1), or None for
    ``all``. Giving none is refused with the list of proposals, so that nobody
    applies every proposal without choosing to.
    """
    proposals = find_review(store, review_id)["content"]["proposals"]
    n = len(proposals)
    if not n:
        raise InvalidValueError(
            "そのレビューには提案がありません / that review has no proposal",
            fix="別のレビューIDを指定してください / pick another review id",
        )
    if not values:
        raise InvalidValueError(
            f"採用する提案を選んでください: {_listing(proposals)} / choose the proposals to apply",
            fix="--accept 番号 (繰り返し可) か --accept all を指定してください / "
            "pass --accept N (repeatable) or --accept all",
        )
    if any(v.strip().casefold() in ALL for v in values):
        return None
    chosen = []
    for v in values:
        if not v.strip().isdigit() or not 1 <= int(v) <= n:
            raise InvalidValueError(
                f"提案 {v!r} はありません: {_listing(proposals)} / "
                f"the review has no proposal {v!r}",
                value=v,
                fix=f"1〜{n} か all を指定してください / use 1 to {n}, or all",
            )
        chosen.append(int(v) - 1)
    return chosen


def _branches(rule: Rule) -> set[str]:
    """The canonical texts of the parts OR-ed together in ``rule``."""
    items = rule.root.items if isinstance(rule.root, Or) else (rule.root,)
    return {Rule(item, rule.table).to_text() for item in items}


def draft_from_review(
    store: StateStore,
    review_id: str,
    *,
    author: str,
    accept: Sequence[int] | None = None,
    note: str | None = None,
    skipped: list[tuple[str, str]] | None = None,
) -> Any:
    """Start a new draft version that applies proposals of a stored review.

    The proposals are applied to the target's latest version (which may have been
    saved after the reviewed one), so that no later change is undone.
    ``accept`` lists proposal indexes (0-based; default: every widen/exclude proposal).
    Widening adds ``or (proposal)`` to the included segment; excluding adds the
    proposal to the exclusions. A proposal the latest version already holds (or one
    that does not change the segment) is left out, with a (ja, en) sentence appended
    to ``skipped``; when nothing is left to apply no version is saved and None is
    returned. The draft still needs approval to become active.
    """
    review = find_review(store, review_id)
    reviewed = store.resolve(review["version_id"])
    rev = store.revision(reviewed.name)
    definition = TargetDefinition.from_content(rev.content)
    proposals = review["content"]["proposals"]
    chosen = range(len(proposals)) if accept is None else accept
    include = parse_rule(definition.include)
    exclude = list(definition.exclude)
    rid = review["review_id"]
    applied: list[Evidence] = []
    notes: list[tuple[str, str]] = []
    held = False  # a chosen change the latest version already has
    for i in chosen:
        if not 0 <= i < len(proposals):
            raise InvalidValueError(
                f"レビューに提案 {i} はありません / the review has no proposal {i}",
                fix=f"0〜{len(proposals) - 1} を指定してください / use 0 to {len(proposals) - 1}",
            )
        p = proposals[i]
        rule = parse_rule(p["rule"]) if p.get("rule") else None
        if rule is None or p["kind"] not in ("widen", "exclude"):
            notes.append(
                (
                    f"提案 #{i + 1} はセグメントを変えないので版には入れません",
                    f"proposal #{i + 1} does not change the segment and is left out",
                )
            )
            continue
        if p["kind"] == "widen":
            if _branches(rule) <= _branches(include):
                notes.append(_held(i, rev.number))
                held = True
                continue
            include = Rule(parse_rule(f"({include.to_text()}) or ({p['rule']})").root)
        else:
            if rule.to_text() in {parse_rule(x).to_text() for x in exclude}:
                notes.append(_held(i, rev.number))
                held = True
                continue
            exclude.append(p["rule"])
        applied.append(Evidence("review", rid, p["reason_ja"], p.get("reason_en", "")))
    if skipped is not None:
        skipped.extend(notes)
    if not applied:
        if held:
            return None  # every chosen change is already in the latest version
        raise InvalidValueError(
            "そのレビューにはセグメントを変える提案がありません / "
            "no proposal of that review changes the segment",
            fix="widen か exclude の提案を選んでください / pick widen or exclude proposals",
        )
    new = TargetDefinition(
        include=include.to_text(),
        exclude=tuple(exclude),
        positioning=definition.positioning,
        personas=definition.personas,
        hypotheses=definition.hypotheses,
        cadence_days=definition.cadence_days,
        owners=definition.owners,
        rationale=(*definition.rationale, *applied),
    )
    later = rev.version_id != reviewed.version_id
    on_ja = f" (@{rev.number} に適用)" if later else ""
    on_en = f" (applied to @{rev.number})" if later else ""
    return store.save(
        rev.name,
        new,
        author=author,
        note=note
        or f"見直し {rid[:12]} の提案から作成{on_ja} / "
        f"from the proposals of review {rid[:12]}{on_en}",
        parent=rev.version_id,  # refused if another version is saved meanwhile
    )


def _held(i: int, number: int) -> tuple[str, str]:
    return (
        f"提案 #{i + 1} は版{number}にすでに含まれているので適用しません",
        f"proposal #{i + 1} is already in version {number} and is not applied again",
    )

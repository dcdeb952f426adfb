"""Which active targets hold an account: the default target of a rep's verdict, and the
accounts a widening proposal would take from another active target."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from rashinban._errors import InvalidValueError
from rashinban.segments import parse_rule
from rashinban.state import StateStore, TargetDefinition

__all__ = ["account_of", "active_targets", "feedback_target", "holding_targets", "widen_overlaps"]


def active_targets(store: StateStore) -> list[tuple[Any, TargetDefinition]]:
    """Every target with an active version: (its active revision, its definition)."""
    out = []
    for d in store.definitions("target"):
        rev = store.active(d["name"])
        if rev is not None:
            out.append((rev, TargetDefinition.from_content(rev.content)))
    return out


def account_of(backend: Any, *, lead_id: str | None, account_id: str | None) -> str | None:
    """The account a verdict is about: ``account_id``, else the lead's account (None when
    the lead has none)."""
    if account_id is None and lead_id is not None:
        leads = backend.table("leads")
        found = leads.filter(leads.lead_id == lead_id).select("account_id").execute()
        account_id = None if found.empty else found["account_id"].iloc[0]
    if account_id is None or pd.isna(account_id):
        return None
    return str(account_id)


def holding_targets(
    store: StateStore, backend: Any, *, lead_id: str | None = None, account_id: str | None = None
) -> list[str]:
    """``NAME@N`` of every active target whose rule holds the account (the lead's account),
    by name; empty when none does or the lead has no account."""
    account = account_of(backend, lead_id=lead_id, account_id=account_id)
    if account is None:
        return []
    acc = backend.table("accounts")
    one = acc.filter(acc.account_id == account)
    return [
        f"{rev.name}@{rev.number}"
        for rev, definition in active_targets(store)
        if int(one.filter(definition.rule().to_ibis(one)).count().execute()) > 0
    ]


def feedback_target(
    store: StateStore, backend: Any, *, lead_id: str | None = None, account_id: str | None = None
) -> str | None:
    """The target a verdict given without one is for: the one active target that holds the
    account (the lead's account), or None when no active target holds it.

    Raises
    ------
    InvalidValueError
        Several active targets hold it; the message lists them and the fix names
        ``--target``.
    """
    held = holding_targets(store, backend, lead_id=lead_id, account_id=account_id)
    if len(held) <= 1:
        return held[0].rpartition("@")[0] if held else None
    who = lead_id or account_id
    names = ", ".join(held)
    from rashinban.state._words import shell_word

    first = shell_word(held[0].rpartition("@")[0])  # pastes back as one argument
    raise InvalidValueError(
        f"{who} は有効なターゲット {len(held)}件 ({names}) に入っているため、どのターゲットへの"
        f"判定か決められません / {who} is in {len(held)} active targets ({names}): which one "
        "the verdict is for cannot be told",
        value=who,
        fix=f"--target NAME でターゲットを指定してください (例: --target {first}) / "
        f"name the target with --target NAME (e.g. --target {first})",
    )


def widen_overlaps(
    store: StateStore,
    backend: Any,
    name: str,
    definition: TargetDefinition,
    proposals: Sequence[dict[str, Any]],
) -> None:
    """Flag widen proposals that would take accounts another active target holds.

    For each widen proposal, the accounts the widened definition (``include or
    proposal``, less the exclusions) adds are counted inside every other active target's
    rule. Each widen proposal gets ``accounts_added`` (how many accounts the widening
    adds), ``overlaps`` (``[{"target", "version", "accounts"}]``, the other active
    targets holding some of them; empty when none) and, when there are any, a sentence
    appended to ``reason_ja`` / ``reason_en``.
    """
    widen = [p for p in proposals if p.get("kind") == "widen" and p.get("rule")]
    if not widen:
        return
    others = [(rev, d) for rev, d in active_targets(store) if rev.name != name]
    acc = backend.table("accounts")
    current = definition.rule().to_ibis(acc)
    for p in widen:
        wider = TargetDefinition(
            include=parse_rule(f"({definition.include}) or ({p['rule']})").to_text(),
            exclude=definition.exclude,
        )
        added = acc.filter(wider.rule().to_ibis(acc) & ~current)
        found = []
        for rev, other in others:
            n = int(added.filter(other.rule().to_ibis(added)).count().execute())
            if n:
                found.append({"target": rev.name, "version": rev.number, "accounts": n})
        total = int(added.count().execute())
        p["accounts_added"], p["overlaps"] = total, found
        if found:
            ja = "、".join(f"{o['accounts']:,}社は {o['target']}@{o['version']}" for o in found)
            en = ", ".join(f"{o['accounts']:,} are in {o['target']}@{o['version']}" for o in found)
            p["reason_ja"] += (
                f"。注意: この拡大で加わる取引先 {total:,}社のうち、{ja} "
                "(有効な別のターゲット) にすでに入っています"
            )
            p["reason_en"] += (
                f". Note: of the {total:,} accounts this widening adds, {en} "
                "(another active target)"
            )

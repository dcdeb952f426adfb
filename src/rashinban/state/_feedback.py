"""Sales feedback: a rep's fits / does-not-fit verdict with a reason from a fixed list."""

from __future__ import annotations

from rashinban._errors import InvalidValueError

__all__ = ["FEEDBACK_REASONS", "check_feedback"]

#: The fixed reasons a rep can give that a lead or account does not fit (ja, en).
FEEDBACK_REASONS: dict[str, tuple[str, str]] = {
    "no_budget": ("予算がない", "no budget"),
    "no_need": ("ニーズがない", "no need"),
    "wrong_size": ("規模が合わない", "wrong size"),
    "wrong_industry": ("業種が合わない", "wrong industry"),
    "competitor_lock_in": ("競合に囲い込まれている", "locked in with a competitor"),
    "bad_timing": ("時期が悪い", "bad timing"),
    "other": ("その他", "other"),
}


def check_feedback(
    *, fits: bool, reason: str | None, lead_id: str | None, account_id: str | None
) -> None:
    """Raise :class:`InvalidValueError` unless the feedback is complete and its reason known."""
    if not lead_id and not account_id:
        raise InvalidValueError(
            "フィードバックの対象 (リードか取引先) がありません / "
            "feedback needs a lead or an account",
            fix="--lead LEAD_ID か --account ACCOUNT_ID を指定してください / "
            "pass --lead LEAD_ID or --account ACCOUNT_ID",
        )
    if reason is not None and reason not in FEEDBACK_REASONS:
        raise InvalidValueError(
            f"理由 {reason!r} は一覧にありません / reason {reason!r} is not in the list",
            fix=f"次のいずれかを使ってください / use one of: {', '.join(FEEDBACK_REASONS)}",
        )
    if not fits and reason is None:
        raise InvalidValueError(
            "「合わない」には理由が必要です / a does-not-fit verdict needs a reason",
            fix="--reason で次のいずれかを指定してください / "
            f"pass --reason with one of: {', '.join(FEEDBACK_REASONS)}",
        )

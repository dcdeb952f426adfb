"""Sales feedback: a rep's fits / does-not-fit verdict with a reason from a fixed list."""

from __future__ import annotations

import datetime as dt

from rashinban._errors import InvalidValueError
from rashinban._labels import FEEDBACK_REASONS

__all__ = ["FEEDBACK_REASONS", "check_feedback", "check_feedback_day", "reason_code"]


def reason_code(text: str | None) -> str | None:
    """The reason code for a code or its name in either language (NFKC, any case);
    text that names no reason is returned as it is (and refused by :func:`check_feedback`).

    Examples
    --------
    >>> reason_code("予算がない"), reason_code("No Budget"), reason_code("ｏｔｈｅｒ")
    ('no_budget', 'no_budget', 'other')
    """
    if text is None:
        return None
    import unicodedata

    key = unicodedata.normalize("NFKC", text).strip().casefold()
    for code, (ja, en) in FEEDBACK_REASONS.items():
        if key in (code, ja.casefold(), en.casefold()):
            return code
    return text


def _reasons() -> str:
    return ", ".join(f"{code} ({ja})" for code, (ja, _) in FEEDBACK_REASONS.items())


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
            fix=f"次のいずれか (コードか名前) を使ってください / use one of: {_reasons()}",
        )
    if not fits and reason is None:
        raise InvalidValueError(
            "「合わない」には理由が必要です / a does-not-fit verdict needs a reason",
            fix="--reason で次のいずれかを指定してください / "
            f"pass --reason with one of: {_reasons()}",
        )


def check_feedback_day(
    day: dt.date, *, today: dt.date, first: dt.date | None, option: str = "--on"
) -> None:
    """Raise :class:`InvalidValueError` for a business date feedback cannot have: after
    ``today`` (it has not happened yet) or before ``first``, the first date of the data
    (None when the workspace holds no dated rows yet). ``option`` names where the date
    came from (``--on``; ``win-story`` passes ``--date``).

    Examples
    --------
    >>> check_feedback_day(dt.date(2025, 6, 1), today=dt.date(2025, 6, 1), first=None)
    >>> try:
    ...     check_feedback_day(dt.date(2099, 1, 1), today=dt.date(2025, 6, 1), first=None)
    ... except InvalidValueError as err:
    ...     print(err.message.split(" / ")[1])
    --on 2099-01-01 is after today, 2025-06-01
    """
    if day > today:
        raise InvalidValueError(
            f"{option} {day} は今日 ({today}) より後です / {option} {day} is after today, {today}",
            fix=f"{option} を今日以前の日付にするか、省略してください (省略すると今日) / "
            f"set {option} to today or earlier, or leave it out for today",
        )
    if first is not None and day < first:
        raise InvalidValueError(
            f"{option} {day} はデータの開始日 {first} より前です / "
            f"{option} {day} is before the first date of the data, {first}",
            fix=f"{option} を {first} 以後にしてください / set {option} to {first} or later",
        )

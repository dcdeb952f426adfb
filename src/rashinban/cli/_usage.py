"""Usage errors (exit 2) Japanese first, as every other message of the command line.

Click, under Typer, words its own usage errors in English ("Missing argument
'account_ids'.", "No such option: --top"). :func:`show_usage_error` puts the
Japanese before them in the form of rashinban's other messages ("日本語 / English")
and prints them as Typer does (usage line, the ``--help`` hint, the error panel).
Messages rashinban writes itself (a ``typer.BadParameter`` with Japanese in it)
are left as they are.
"""

from __future__ import annotations

import re
import sys
from typing import Any, NoReturn

from rashinban._labels import in_language

__all__ = ["is_usage_error", "japanese_first", "show_usage_error"]

#: Click's messages (click 8.x, as vendored by Typer) and how Japanese says them.
_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Missing argument '(?P<x>[^']+)'\.?"), "引数 {x} が指定されていません"),
    (
        re.compile(
            r"Missing option (?P<x>'[^']+'(?: / '[^']+')*)"
            r"(?: \(env var: '(?P<env>[^']+)'\))?\.?"
        ),
        "オプション {x} が指定されていません",
    ),
    (
        re.compile(r"No such command '(?P<x>[^']+)'\.?(?: Did you mean (?P<y>.+?)\?)?"),
        "コマンド '{x}' はありません",
    ),
    (
        re.compile(
            r"No such option: (?P<x>\S+?)"
            r"(?: Did you mean (?P<y>\S+?)\?| \(Possible options: (?P<z>.+)\))?"
        ),
        "オプション {x} はありません",
    ),
    (
        re.compile(r"(?:Got )?unexpected extra arguments?(?:\(s\))? \((?P<x>.*)\)"),
        "余分な引数があります ({x})",
    ),
    (
        re.compile(r"Option '(?P<x>[^']+)' requires an argument\.?"),
        "オプション {x} には値が必要です",
    ),
    (re.compile(r"Invalid value for (?P<x>.+?): (?P<why>.*)"), "{x} の値が正しくありません"),
)

#: Why a value is invalid (the tail of "Invalid value for …: why").
_WHY: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"(?:Value error, )?(?P<v>'[^']*') is not one of (?P<c>.+?)\.?"),
        "{v} は {c} のいずれでもありません",
    ),
    (
        re.compile(r"(?P<v>'[^']*') is not a valid integer(?: range)?\.?"),
        "{v} は整数ではありません",
    ),
    (re.compile(r"(?P<v>'[^']*') is not a valid float(?: range)?\.?"), "{v} は数値ではありません"),
    (re.compile(r"(?:Path|File|Directory) (?P<v>'[^']*') does not exist\.?"), "{v} がありません"),
    (
        re.compile(r"(?:Value error, )?Input should be a valid integer\b.*"),
        "整数で指定してください",
    ),
    (re.compile(r"(?:Value error, )?Input should be a valid number\b.*"), "数値で指定してください"),
)


_OWN = re.compile(r"Invalid value(?: for (?P<x>.+?))?: (?P<rest>.*)", re.S)


def japanese_first(message: str) -> str:
    """Click's English ``message`` with its Japanese before it ("日本語 / English").

    Examples
    --------
    >>> japanese_first("Missing argument 'account_ids'.")
    "引数 account_ids が指定されていません / Missing argument 'account_ids'."
    >>> japanese_first("No such option: --top Did you mean --to?")
    'オプション --top はありません (--to のことですか?) / No such option: --top Did you mean --to?'
    >>> japanese_first("Invalid value: 期間の単位が違います / wrong period")
    '期間の単位が違います / wrong period'
    >>> japanese_first("No such command '解約'.")  # a user's word does not make it ours
    "コマンド '解約' はありません / No such command '解約'."
    """
    own = _OWN.fullmatch(message.strip())
    if own is not None and _bilingual(own["rest"]):
        # rashinban's own wording (a BadParameter), bilingual already: Click's English
        # "Invalid value:" before it says nothing the English half does not.
        return f"{own['x']}: {own['rest']}" if own["x"] else own["rest"]
    for pattern, form in _FORMS:
        match = pattern.fullmatch(message.strip())
        if match is None:
            continue
        parts = match.groupdict()
        ja = form.format(**parts)
        if parts.get("y"):
            ja += f" ({parts['y']} のことですか?)"
        if parts.get("z"):
            ja += f" (候補: {parts['z']})"
        if parts.get("env"):
            ja += f" (環境変数 {parts['env']} でも指定できます)"
        why = parts.get("why")
        if why:
            ja += _why(why)
        return f"{ja} / {message}"
    if _bilingual(message):
        return message
    return f"コマンドの使い方に誤りがあります / {message}"


def _bilingual(text: str) -> bool:
    """Whether ``text`` is written as rashinban writes messages: Japanese, " / ", English."""
    return in_language(text, "en") != text


def _why(text: str) -> str:
    for pattern, form in _WHY:
        match = pattern.fullmatch(text.strip())
        if match is not None:
            return ": " + form.format(**match.groupdict())
    return ""


def is_usage_error(exc: BaseException) -> bool:
    """Whether ``exc`` is one of Click's errors (checked by shape: Typer vendors Click)."""
    return all(hasattr(exc, name) for name in ("format_message", "exit_code", "show"))


def show_usage_error(exc: Any) -> NoReturn:
    """Print a Click error with its message Japanese first, and exit with its code (2)."""
    if type(exc).__name__ != "NoArgsIsHelpError":  # that one has printed the help already
        message = japanese_first(str(exc.format_message()))
        exc.format_message = lambda: message
        try:
            from typer.rich_utils import rich_format_error
        except ImportError:  # pragma: no cover - a Typer without rich
            exc.show()
        else:
            rich_format_error(exc)
    sys.exit(int(exc.exit_code))

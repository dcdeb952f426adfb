"""Usage errors (exit 2) and ``--help`` Japanese first, as every other message of the command line.

Click, under Typer, words its own usage errors in English ("Missing argument
'account_ids'.", "No such option: --top"). :func:`show_usage_error` puts the
Japanese before them in the form of rashinban's other messages ("日本語 / English")
and prints them as Typer does (usage line, the ``--help`` hint, the error panel).
Messages rashinban writes itself (a ``typer.BadParameter`` with Japanese in it)
are left as they are.

The words Typer prints around help and errors ("Usage:", "Options", "Show this
message and exit.", "Try … for help.") are put in the same languages by
:class:`HelpGroup`, the root group: every command below it makes a
:class:`HelpContext`, which words help and usage lines as
:func:`rashinban.cli._render.error_language` decides (both languages until
``--lang`` or a workspace decides one).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption

from rashinban._errors import pick_language
from rashinban._labels import in_language
from rashinban.cli._render import error_language

__all__ = [
    "HelpContext",
    "HelpGroup",
    "is_usage_error",
    "japanese_first",
    "manual_metavar",
    "show_usage_error",
]

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
    (
        re.compile(r"(?:Value error, )?Input should be greater than or equal to (?P<n>\S+?)\.?"),
        "{n} 以上で指定してください",
    ),
    (
        re.compile(r"(?:Value error, )?Input should be less than or equal to (?P<n>\S+?)\.?"),
        "{n} 以下で指定してください",
    ),
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
    """Print a Click error with its message Japanese first, and exit with its code (2).

    Once ``--lang`` has been read (it is read before the other options), the message,
    the usage line and the ``--help`` hint are in that language alone.
    """
    if type(exc).__name__ != "NoArgsIsHelpError":  # that one has printed the help already
        lang = error_language()
        message = pick_language(japanese_first(str(exc.format_message())), lang)
        exc.format_message = lambda: message
        try:
            from typer.rich_utils import rich_format_error
        except ImportError:  # pragma: no cover - a Typer without rich
            exc.show()
        else:
            _use_words(lang)
            rich_format_error(exc)
    sys.exit(int(exc.exit_code))


#: Typer's words around help and errors (constants of :mod:`typer.rich_utils`), as
#: "日本語 / English"; :func:`_use_words` sets them in the language of the moment.
_WORDS = {
    "ARGUMENTS_PANEL_TITLE": "引数 / Arguments",
    "OPTIONS_PANEL_TITLE": "オプション / Options",
    "COMMANDS_PANEL_TITLE": "コマンド / Commands",
    "ERRORS_PANEL_TITLE": "エラー / Error",
    "ABORTED_TEXT": "中断しました / Aborted.",
    "RICH_HELP": "[blue]'{command_path} {help_option}'[/] で使い方を表示します / "
    "Try [blue]'{command_path} {help_option}'[/] for help.",
}
#: The same for the notes around a help text: ``[既定: table]``, ``[必須]``, ``(非推奨)`` …
_NOTES = {
    "DEFAULT_STRING": ("既定 / default", "[{}: {{}}]"),
    "ENVVAR_STRING": ("環境変数 / env var", "[{}: {{}}]"),
    "REQUIRED_LONG_STRING": ("必須 / required", "[{}]"),
    "DEPRECATED_STRING": ("非推奨 / deprecated", "({}) "),
}
_HELP_OPTION = "この説明を表示して終了します / Show this message and exit."
_USAGE = "使い方 / Usage"


def _use_words(lang: str | None) -> None:
    """Set Typer's help and error words in ``lang`` (None: both, Japanese first)."""
    from typer import rich_utils

    for name, text in _WORDS.items():
        setattr(rich_utils, name, pick_language(text, lang))
    for name, (label, form) in _NOTES.items():
        setattr(rich_utils, name, form.format(pick_language(label, lang)))


#: How a manual names a value: Typer's type label (``<str>``, ``<int range>``) → word.
_METAVARS = {
    "str": "TEXT",
    "int": "INTEGER",
    "int range": "INTEGER",
    "float": "NUMBER",
    "float range": "NUMBER",
    "path": "PATH",
    "file": "FILE",
    "dir": "DIR",
    "datetime": "DATE",
    "bool": "true|false",
}


def manual_metavar(label: str, *, flag: bool = False, repeatable: bool = False) -> str:
    """The value of an option or argument as a manual shows it, from Typer's ``label``.

    A flag takes no value and shows none; a list, or an option given more than once,
    is marked repeatable with "…" as the command reference writes it (``--target
    NAME…``); choices are listed as they are.

    Examples
    --------
    >>> manual_metavar("<str>"), manual_metavar("<int range>"), manual_metavar("<path>")
    ('TEXT', 'INTEGER', 'PATH')
    >>> manual_metavar("<list[str]>", repeatable=True), manual_metavar("<bool>", flag=True)
    ('TEXT…', '')
    >>> manual_metavar("<table|csv|json>"), manual_metavar("<list[str]>")  # an argument: NAME...
    ('table|csv|json', 'TEXT')
    """
    if flag:
        return ""
    inner = label.removeprefix("<").removesuffix(">")
    if inner.startswith("list[") and inner.endswith("]"):
        inner = inner.removeprefix("list[").removesuffix("]")
    if "%" in inner:  # date formats (%Y-%m-%d|…)
        inner = "datetime"
    word = _METAVARS.get(inner.lower(), inner)  # list[Path] says "Path"
    return f"{word}…" if repeatable else word


_MANUAL_METAVARS: list[bool] = []


def _manual_metavars() -> None:
    """Show value types in ``--help`` as a manual does (TEXT, INTEGER, table|csv|json).

    The one monkeypatch of the command line, set once: Typer 0.29 labels every value
    with its Python type (``<str>``, ``<list[str]>``, and ``<bool>`` on a flag, which
    takes no value) and has no hook for it. Options and arguments are built from
    Typer's own classes (no ``cls=`` for a parameter), and an argument ignores
    ``metavar`` in that column while ``metavar`` would also rename it in usage errors.
    Wrapping the one method that names the type (used by help alone) keeps the rest.
    """
    if _MANUAL_METAVARS:
        return
    _MANUAL_METAVARS.append(True)
    for cls in (TyperArgument, TyperOption):
        typer_label = getattr(cls, "display_type", None)
        if typer_label is None:  # a Typer before the type labels: Click's own metavars
            continue

        def display_type(self: Any, ctx: Any, typer_label: Any = typer_label) -> str:
            option = isinstance(self, TyperOption)
            return manual_metavar(
                typer_label(self, ctx),
                flag=option and bool(self.is_flag or self.count),
                repeatable=option and bool(self.multiple),
            )

        cls.display_type = display_type  # type: ignore[method-assign]


# Click's help formatter, taken from the context class: recent Typer vendors Click in a
# private module (earlier ones used the click package), so it has no fixed import path.
class _UsageFormatter(typer.Context.formatter_class):  # type: ignore[misc,valid-type]
    """Click's help formatter with the usage line headed in the language of the moment."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:
            prefix = f"{pick_language(_USAGE, error_language())}: "
        super().write_usage(prog, args, prefix)


class HelpContext(typer.Context):
    """A context whose ``--help`` and usage lines read in rashinban's languages.

    Typer's words, the help option's own help and the usage line follow
    :func:`~rashinban.cli._render.error_language`; so do the help texts of the
    command, its options and its subcommands (written "日本語 / English"): ``--lang
    en --help`` shows the English half, ``--lang ja --help`` the Japanese.
    """

    formatter_class = _UsageFormatter

    def get_help(self) -> str:
        lang = error_language()
        _use_words(lang)
        option = self.command.get_help_option(self)
        if option is not None:
            option.help = pick_language(_HELP_OPTION, lang)
        with _texts_in(self.command, lang):
            return super().get_help()


@contextmanager
def _texts_in(command: Any, lang: str | None) -> Iterator[None]:
    """Show ``command``'s help texts (and its parameters' and subcommands') in ``lang``."""
    saved: list[tuple[Any, str, str]] = []
    if lang is not None:
        for thing in (command, *command.params, *getattr(command, "commands", {}).values()):
            for attr in ("help", "short_help"):
                text = getattr(thing, attr, None)
                if isinstance(text, str):
                    saved.append((thing, attr, text))
                    parts = (pick_language(part, lang) for part in text.split("\n\n"))
                    setattr(thing, attr, "\n\n".join(parts))
    try:
        yield
    finally:
        for thing, attr, text in saved:
            setattr(thing, attr, text)


class HelpGroup(TyperGroup):
    """The root group: it and every command below it make a :class:`HelpContext`.

    Typer builds each command from a plain ``TyperCommand`` unless it is given
    ``cls=``; the context class is Click's hook for what a command's context does,
    so setting it on each command of the tree reaches them all.
    """

    context_class = HelpContext

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        _manual_metavars()
        pending: list[Any] = list(self.commands.values())
        while pending:
            command = pending.pop()
            command.context_class = HelpContext
            pending.extend(getattr(command, "commands", {}).values())

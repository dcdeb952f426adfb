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
:class:`HelpContext`, which words help and usage lines in the language of a
``--lang`` anywhere on the line (:func:`usage_language`), else as
:func:`rashinban.cli._render.error_language` decides (both languages until a
workspace decides one). Usage lines name arguments as the command reference does
(``rashinban import [OPTIONS] TABLE FILE…``).
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption

from rashinban._errors import pick_language
from rashinban._labels import in_language
from rashinban.cli._render import error_language, set_display_language

__all__ = [
    "HelpContext",
    "HelpGroup",
    "is_usage_error",
    "japanese_first",
    "manual_metavar",
    "show_usage_error",
    "usage_language",
    "usage_metavar",
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
#: Pydantic's prefix on the reason a value is refused, which says nothing to a user.
_VALUE_ERROR = re.compile(r"(?<=: )Value error, ")


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
    >>> japanese_first("Invalid value for '--lang': Value error, 'fr' is not one of 'ja', 'en'.")
    "'--lang' の値が正しくありません: 'fr' は 'ja', 'en' のいずれでもありません / \
Invalid value for '--lang': 'fr' is not one of 'ja', 'en'."
    """
    message = _VALUE_ERROR.sub("", message, count=1)
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

    With ``--lang`` anywhere on the line (:func:`usage_language`), the message, the
    usage line and the ``--help`` hint are in that language alone.
    """
    if type(exc).__name__ != "NoArgsIsHelpError":  # that one has printed the help already
        lang = usage_language()
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


def usage_metavar(name: str, *, required: bool = True, repeatable: bool = False) -> str:
    """An argument as the usage line names it: ``TABLE``, ``FILE…``, ``[DIRECTORY]``.

    The argument's name in capitals, as the command reference writes it; an argument
    taking several values is named by one of them and marked "…", one that may be
    left out is in brackets. The name stays as it is in the help's argument list and
    in usage errors ("Missing argument 'files'"), where it names the parameter.

    Examples
    --------
    >>> usage_metavar("table"), usage_metavar("files", repeatable=True)
    ('TABLE', 'FILE…')
    >>> usage_metavar("account_ids", repeatable=True), usage_metavar("directory", required=False)
    ('ACCOUNT_ID…', '[DIRECTORY]')
    >>> usage_metavar("address", repeatable=True)  # "ss" is not a plural
    'ADDRESS…'
    """
    word = name.upper()
    if repeatable:
        if word.endswith("S") and not word.endswith("SS"):
            word = word[:-1]
        word += "…"
    return word if required else f"[{word}]"


@functools.cache
def _manual_metavars() -> None:
    """Show value types in ``--help`` as a manual does (TEXT, INTEGER, table|csv|json),
    and arguments in usage lines as the command reference does (``TABLE FILE…``).

    The one monkeypatch of the command line, set once: Typer 0.29 labels every value
    with its Python type (``<str>``, ``<list[str]>``, and ``<bool>`` on a flag, which
    takes no value) and writes a required argument as ``{table}`` in usage lines, and
    has no hook for either. Options and arguments are built from Typer's own classes
    (no ``cls=`` for a parameter), and an argument ignores ``metavar`` in that column
    while ``metavar`` would also rename it in usage errors. Wrapping the methods that
    name the type and the usage piece (used by help and usage lines alone) keeps the rest.
    """

    def usage_pieces(self: Any, ctx: Any) -> list[str]:
        return [
            self.metavar
            or usage_metavar(self.name or "", required=self.required, repeatable=self.nargs != 1)
        ]

    TyperArgument.get_usage_pieces = usage_pieces  # type: ignore[method-assign]
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
            prefix = f"{pick_language(_USAGE, usage_language())}: "
        super().write_usage(prog, args, prefix)


class HelpContext(typer.Context):
    """A context whose ``--help`` and usage lines read in rashinban's languages.

    Typer's words, the help option's own help and the usage line follow
    :func:`usage_language`; so do the help texts of the command, its options and its
    subcommands (written "日本語 / English") and a default written so: ``--help --lang
    en`` shows the English half, ``--help --lang ja`` the Japanese.
    """

    formatter_class = _UsageFormatter

    def get_help(self) -> str:
        lang = usage_language()
        _use_words(lang)
        option = self.command.get_help_option(self)
        if option is not None:
            option.help = pick_language(_HELP_OPTION, lang)
        with _texts_in(self.command, lang):
            return super().get_help()


def _help_half(text: str, lang: str) -> str:
    """The ``lang`` half of a help text; an English half shown alone starts as a sentence.

    The English halves are written to follow the Japanese after " / " in lower case
    ("解約リスクと理由 / churn risk of every customer"); alone they read as Click's own
    help does ("Show this message and exit.").

    >>> _help_half("出力形式 / output format", "en"), _help_half("出力形式 / output format", "ja")
    ('Output format', '出力形式')
    >>> _help_half("--top N", "en")
    '--top N'
    """
    half = pick_language(text, lang)
    if lang == "en" and half != text and half[:1].isascii() and half[:1].islower():
        return half[0].upper() + half[1:]
    return half


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
                    parts = (_help_half(part, lang) for part in text.split("\n\n"))
                    setattr(thing, attr, "\n\n".join(parts))
        for param in command.params:  # a default such as "初版 / first version"
            if isinstance(param.default, str) and _bilingual(param.default):
                saved.append((param, "default", param.default))
                param.default = pick_language(param.default, lang)
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

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        """Read ``--lang`` from the whole line first (:func:`_read_line_language`)."""
        if parent is None:
            args = _read_line_language(self, list(args))
        return super().make_context(info_name, args, parent=parent, **extra)

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        _manual_metavars()
        pending: list[Any] = list(self.commands.values())
        while pending:
            command = pending.pop()
            command.context_class = HelpContext
            pending.extend(getattr(command, "commands", {}).values())


#: The language a ``--lang`` on the command line names (the last valid one), read from
#: the whole line before Click parses it.
_LINE: dict[str, str | None] = {"lang": None}
_LANGS = ("ja", "en")


def usage_language() -> str | None:
    """The language of ``--help`` and usage errors: a ``--lang`` anywhere on the line,
    else :func:`~rashinban.cli._render.error_language`.

    Click prints the help as soon as it reads ``--help``, before the options after it
    (``rashinban kpi --help --lang en``), and the groups and some commands take no
    ``--lang`` at all (``rashinban target --help --lang en``): the line is read first.
    """
    return _LINE["lang"] or error_language()


def _without_lang(args: Sequence[str]) -> tuple[str | None, list[str]]:
    """The last valid language ``--lang X`` / ``--lang=X`` names in ``args`` (up to
    ``--``), and ``args`` without every ``--lang`` and its value.

    Examples
    --------
    >>> _without_lang(["kpi", "--help", "--lang", "en"])
    ('en', ['kpi', '--help'])
    >>> _without_lang(["target", "list", "--lang=fr", "--help"])  # a wrong value: none
    (None, ['target', 'list', '--help'])
    >>> _without_lang(["feedback", "add", "--text", "x", "--", "--lang", "en"])
    (None, ['feedback', 'add', '--text', 'x', '--', '--lang', 'en'])
    """
    lang: str | None = None
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg == "--lang":
            value = args[i + 1] if i + 1 < len(args) else ""
            i += 2
        elif arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
            i += 1
        else:
            rest.append(arg)
            i += 1
            continue
        if value in _LANGS:
            lang = value
    return lang, rest


def _read_line_language(root: Any, args: list[str]) -> list[str]:
    """Record the language of ``--lang`` on the line for :func:`usage_language`; when
    the line asks for help (``--help``, or a group alone, which shows its help), the
    arguments without ``--lang``, so that it is no unknown option there and a wrong
    value does not stand in the way of the help."""
    lang, rest = _without_lang(args)
    _LINE["lang"] = lang
    set_display_language(None, explicit=True)  # a command's --lang sets it again
    if rest == args:
        return args
    options = rest[: rest.index("--")] if "--" in rest else rest
    return rest if "--help" in options or _is_bare_group(root, options) else args


def _is_bare_group(root: Any, words: list[str]) -> bool:
    """Whether ``words`` name a group (the root when empty) and nothing after it."""
    command = root
    for word in words:
        command = getattr(command, "commands", {}).get(word)
        if command is None:
            return False
    return bool(getattr(command, "commands", None)) and bool(command.no_args_is_help)

"""The one exception tree of rashinban.

Every error rashinban raises on purpose derives from :class:`RashinbanError`.
Errors the user can fix derive from :class:`UserError`; the CLI turns them into
one line on standard error and exit code 1 (the traceback only with ``--debug``).
Builtins are mixed in where the meaning matches, so ``except ValueError`` still
works for callers who do not know rashinban::

    RashinbanError
    ├── UserError                      the user can fix it; CLI exit 1
    │   ├── WorkspaceError             no workspace here, or a broken one
    │   ├── ConfigError(ValueError)    rashinban.toml or a setting is wrong
    │   ├── ImportFileError(ValueError)  a file to import cannot be read as asked
    │   │   ├── EncodingError          bytes that are not in the stated encoding
    │   │   ├── MappingError           a mapping file or header mapping is wrong
    │   │   └── RejectedRowsError      --strict and some rows were rejected
    │   ├── InvalidValueError(ValueError)  one value cannot be parsed (a reason for a reject)
    │   ├── UnknownIdError(KeyError)   an id that is not in the workspace
    │   ├── NotEnoughDataError(ValueError)  an analysis needs more rows than there are
    │   └── RuleSyntaxError(ValueError)  the segment rule language cannot parse a rule
    ├── NotFittedError(AttributeError, ValueError)  a model used before fit
    └── ConvergenceError(RuntimeError) an optimiser did not converge (says why)

Each :class:`UserError` may carry where the problem is (``file``, ``row``,
``column``, ``value``) and how to fix it (``fix``); ``str(err)`` renders them in
one line, e.g. ``取引先.csv row 18, column 従業員数: '約500名' is not an exact
number — fix: write a whole number or map the column``.

Messages and fixes are written ``"日本語 / English"``. ``str(err)`` keeps both;
:meth:`UserError.text` picks one (the CLI does so when ``--lang`` is given), using
:func:`pick_language`, which leaves a text it cannot split safely as it is.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "ConfigError",
    "ConvergenceError",
    "EncodingError",
    "ImportFileError",
    "InvalidValueError",
    "MappingError",
    "NotEnoughDataError",
    "NotFittedError",
    "RashinbanError",
    "RejectedRowsError",
    "RuleSyntaxError",
    "UnknownIdError",
    "UserError",
    "WorkspaceError",
    "language_halves",
    "pick_language",
]

_JAPANESE = re.compile("[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
_HIRAGANA = re.compile("[\u3040-\u309f]")
_LATIN = re.compile("[A-Za-z]")
#: Quoted and bracketed values ('製造', 「…」, (…), （…）), which an English half may hold.
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|「[^」]*」|\([^()]*\)|（[^（）]*）")


def _split_languages(text: str) -> tuple[str, str] | None:
    """``(ja, en)`` of a ``"日本語 / English"`` text, or None when there is no safe split.

    The separator is the first `` / `` with Japanese before it and, after it, text
    that does not start with a Japanese character and, outside quotes and brackets,
    holds Latin letters and no hiragana (an English sentence may quote a Japanese
    value, but is not a Japanese sentence). A `` / `` inside either half
    (``注文 / 契約``, ``orders / subscriptions``) is therefore not taken for the
    separator.
    """
    start = 0
    while (i := text.find(" / ", start)) != -1:
        left, right = text[:i], text[i + 3 :]
        start = i + 1
        if not _JAPANESE.search(left) or not right or _JAPANESE.match(right):
            continue
        bare = _QUOTED.sub("", right)
        if _LATIN.search(bare) and not _HIRAGANA.search(bare):
            return left.strip(), right.strip()
    return None


def language_halves(text: str) -> tuple[str, str]:
    """``(ja, en)`` of a ``"日本語 / English"`` text; the whole text twice when it does not split.

    >>> language_halves("取引先がありません / no such account")
    ('取引先がありません', 'no such account')
    >>> language_halves("orders / subscriptions")
    ('orders / subscriptions', 'orders / subscriptions')
    """
    return _split_languages(text) or (text, text)


def pick_language(text: str, lang: str | None) -> str:
    """The ``lang`` half (``"ja"`` / ``"en"``) of a ``"日本語 / English"`` text.

    With ``lang=None``, or a text that is not in two halves, the text comes back whole.

    >>> pick_language("取引先がありません / no such account", "en")
    'no such account'
    >>> pick_language("取引先がありません / no such account", "ja")
    '取引先がありません'
    >>> pick_language("orders / subscriptions", "ja")
    'orders / subscriptions'
    """
    if lang not in ("ja", "en"):
        return text
    ja, en = language_halves(text)
    return ja if lang == "ja" else en


class RashinbanError(Exception):
    """Base of every error rashinban raises on purpose."""


class UserError(RashinbanError):
    """An error the user can fix: bad input, a missing workspace, an unknown id.

    Parameters
    ----------
    message
        What is wrong, in one sentence.
    file, row, column, value
        Where it is, as far as known. ``row`` counts data rows from 1 as a
        spreadsheet shows them (the header is row 1, so the first data row is 2).
    fix
        What the user should do about it.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        fix: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        self.value = value
        self.fix = fix
        super().__init__(self._render())

    def _render(self, lang: str | None = None) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"{self.row}行目" if lang == "ja" else f"row {self.row}")
        if self.column:
            where.append(f"列 {self.column}" if lang == "ja" else f"column {self.column}")
        message = pick_language(self.message, lang)
        text = ", ".join(where)
        text = f"{text}: {message}" if text else message
        if self.fix:
            label = "対処" if lang == "ja" else "fix"
            text = f"{text} — {label}: {pick_language(self.fix, lang)}"
        return text

    def text(self, lang: str | None = None) -> str:
        """The one-line message in ``lang`` (``"ja"`` / ``"en"``); both when ``None``.

        >>> UnknownIdError("取引先 X がありません / no account X", fix="IDを確かめてください / "
        ...                "check the id").text("en")
        'no account X — fix: check the id'
        """
        return self._render(lang)

    # KeyError's str() quotes its argument; keep our one-line rendering everywhere.
    def __str__(self) -> str:
        return self._render()


class WorkspaceError(UserError):
    """No workspace where one was expected, or a workspace that is damaged."""


class ConfigError(UserError, ValueError):
    """``rashinban.toml`` or a setting passed in has a wrong value."""


class ImportFileError(UserError, ValueError):
    """A file cannot be imported as asked (format, header, size)."""


class EncodingError(ImportFileError):
    """The file's bytes are not in the stated (or detected) text encoding."""


class MappingError(ImportFileError):
    """A mapping file is malformed, or a header maps to nothing known."""


class RejectedRowsError(ImportFileError):
    """``--strict`` import stopped because some rows were rejected; nothing was loaded."""


class InvalidValueError(UserError, ValueError):
    """One value cannot be read as its column's type; the message is the reason."""


class UnknownIdError(UserError, KeyError):
    """An id (account, target, version, …) that the workspace does not hold."""


class NotEnoughDataError(UserError, ValueError):
    """An analysis needs more rows (or more events) than the workspace has."""


class RuleSyntaxError(UserError, ValueError):
    """A segment rule cannot be parsed; the message points at the offending word."""


class NotFittedError(RashinbanError, AttributeError, ValueError):
    """A model's results were asked for before ``fit``.

    Like :class:`ConvergenceError` it carries ``message`` and ``fix`` (each
    "日本語 / English" where the model writes them so), rendered on one line as
    ``message — fix: fix``.
    """

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        self.message = message
        self.fix = fix
        super().__init__(f"{message} — fix: {fix}" if fix else message)


class ConvergenceError(RashinbanError, RuntimeError):
    """An optimiser stopped without converging; the message says why.

    Not a :class:`UserError` (the data may be fine and the optimiser settings not),
    but it reaches users through ``rashinban clv`` and ``analyze``, so it is written
    as one: ``message`` and ``fix``, each "日本語 / English", rendered on one line as
    ``message — fix: fix``.
    """

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        self.message = message
        self.fix = fix
        super().__init__(f"{message} — fix: {fix}" if fix else message)

"""Every user error written out in the source reads Japanese first, English alongside.

The form is the one of ``rashinban.workspace``: ``"日本語 / English"`` for the
message and for the fix. The scan reads each construction of a
:class:`rashinban.UserError` subclass whose message (or fix) is written out as a
string, f-string or sum of them; a message built elsewhere (a variable, a call)
is checked where it is written.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

import rashinban._errors as errors

SRC = Path(errors.__file__).parent
#: User errors, and the convergence error that reaches users through the CLI.
USER_ERRORS = frozenset(
    name
    for name, cls in vars(errors).items()
    if inspect.isclass(cls) and issubclass(cls, (errors.UserError, errors.ConvergenceError))
)
#: Kana, kanji and the ideographic punctuation.
JAPANESE = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u9fff]")
HOLE = "{}"


def _texts(node: ast.expr) -> list[str]:
    """The literal text of a message argument (``{}`` for each value put in), per branch."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        parts = [v.value if isinstance(v, ast.Constant) else HOLE for v in node.values]
        return ["".join(map(str, parts))]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _texts(node.left) or [HOLE], _texts(node.right) or [HOLE]
        if left == [HOLE] and right == [HOLE]:
            return []
        return [a + b for a in left for b in right]
    if isinstance(node, ast.IfExp):
        return _texts(node.body) + _texts(node.orelse)
    return []  # a name or a call: the text is written (and checked) elsewhere


def _problem(text: str) -> str | None:
    """Why ``text`` does not read "日本語 / English", or ``None`` when it does."""
    if not any(c.isalpha() for c in text.replace(HOLE, "")):
        return None  # only joins messages made elsewhere, e.g. f"{path}: {why}"
    ja, sep, en = text.partition(" / ")
    if not sep:
        return "no ' / ' between the Japanese and the English"
    if not JAPANESE.search(ja):
        return "no Japanese before ' / '"
    if not re.search(r"[A-Za-z]", en):
        return "no English after ' / '"
    return None


def _user_error_calls(tree: ast.AST) -> list[ast.Call]:
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in USER_ERRORS:
                calls.append(node)
    return calls


def _problems(source: str, where: str) -> tuple[int, list[str]]:
    """How many user errors ``source`` makes, and each message part that is not bilingual."""
    calls = _user_error_calls(ast.parse(source))
    found = []
    for call in calls:
        parts = [("message", a) for a in call.args[:1]]
        parts += [(k.arg, k.value) for k in call.keywords if k.arg in ("message", "fix")]
        for label, arg in parts:
            for text in _texts(arg):
                why = _problem(text)
                if why:
                    found.append(f"{where}:{call.lineno} {label} {text!r}: {why}")
    return len(calls), found


@pytest.mark.parametrize(
    ("source", "ok"),
    [
        ('raise UserError("ありません / missing", fix="取り込んでください / import it")', True),
        ('raise UserError(f"{x} は日付ではありません / {x} is not a date")', True),
        (
            'raise UserError("a" + "の値です / a value", fix="次から / one of " + ", ".join(x))',
            True,
        ),
        ('raise ConfigError(f"{path}: {why} ({text})", fix=fix)', True),
        ("raise UnknownIdError(message)", True),
        ('raise errors.InvalidValueError("English only")', False),
        ('raise UserError("日本語だけです")', False),
        ('raise UserError("English first / 日本語")', False),
        ('raise UserError("ありません / missing", fix="use another")', False),
        ('raise UserError("ありません / missing", fix="ok / ok" if a else "use another")', False),
        ('raise UserError("ありません / {}".format(x))', True),
    ],
)
def test_the_check_itself(source: str, ok: bool) -> None:
    count, problems = _problems(source, "<test>")
    assert count == 1
    assert (not problems) == ok, problems


def test_every_user_error_reads_japanese_first_with_english_alongside() -> None:
    total, problems = 0, []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        count, found = _problems(path.read_text(encoding="utf-8"), str(rel))
        total += count
        problems += found
    assert total > 150  # the scan sees the messages (it is not vacuous)
    assert not problems, "\n".join(problems)

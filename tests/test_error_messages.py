"""Every user error written out in the source reads Japanese first, English alongside.

The form is the one of ``rashinban.workspace``: ``"日本語 / English"`` for the
message and for the fix. The scan reads each construction of a
:class:`rashinban.UserError` subclass whose message (or fix) is written out as a
string, f-string or sum of them; a message built elsewhere (a variable, a call)
is checked where it is written.
"""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import rashinban._errors as errors
from rashinban import Workspace, init_workspace
from rashinban.importing import load_frames

SRC = Path(errors.__file__).parent
#: User errors, the convergence error that reaches users through the CLI, and the
#: not-fitted error a notebook user meets.
USER_ERRORS = frozenset(
    name
    for name, cls in vars(errors).items()
    if inspect.isclass(cls)
    and issubclass(cls, (errors.UserError, errors.ConvergenceError, errors.NotFittedError))
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
    # ``--lang`` shows one half: the split must fall where the text was written to
    # split (values put in are stood in for by a plain id).
    if errors._split_languages(text.replace(HOLE, "A1")) != (
        ja.replace(HOLE, "A1").strip(),
        en.replace(HOLE, "A1").strip(),
    ):
        return "--lang would not split it at its ' / '"
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


# Messages that name the real cause, and a fix the user can carry out.


def _first(tables: dict[str, pd.DataFrame], *columns: tuple[str, str]) -> dt.date:
    return min(pd.to_datetime(tables[t][c]).min().date() for t, c in columns)


def test_rfm_and_clv_before_the_first_sale_name_that_date(
    demo_ws: Workspace, demo_tables: dict[str, pd.DataFrame]
) -> None:
    # Orders and subscriptions are imported; they start after the as-of date (which is
    # inside the data: leads and deals start earlier), so "import orders" would be wrong.
    from rashinban.value import clv_report, rfm_report

    start = _first(demo_tables, ("orders", "ordered_at"), ("subscriptions", "started_at"))
    day = start - dt.timedelta(days=1)
    assert _first(demo_tables, ("leads", "created_at")) <= day
    for report in (rfm_report, clv_report):
        with pytest.raises(errors.NotEnoughDataError) as err:
            report(demo_ws.backend(read_only=True), day)
        assert err.value.message == (
            f"基準日 {day} は注文・契約の開始日 {start} より前です / "
            f"the as-of date {day} is before the first date of orders and subscriptions, {start}"
        )
        assert (
            err.value.fix
            == f"--as-of を {start} 以後にしてください / set --as-of to {start} or later"
        )


def test_themes_before_the_first_text_name_that_date(
    demo_ws: Workspace, demo_tables: dict[str, pd.DataFrame]
) -> None:
    from rashinban.text import voice_themes

    start = _first(
        demo_tables, ("notes", "written_at"), ("tickets", "opened_at"), ("surveys", "answered_at")
    )
    day = start - dt.timedelta(days=1)
    with pytest.raises(errors.NotEnoughDataError) as err:
        voice_themes(demo_ws.backend(read_only=True), day)
    assert err.value.message == (
        f"基準日 {day} は文章 (メモ・問い合わせ・アンケート)の開始日 {start} より前です / "
        f"the as-of date {day} is before the first date of the texts (notes, tickets, "
        f"surveys), {start}"
    )


def test_kpi_before_the_first_lead_names_that_date(tmp_path: Path) -> None:
    from rashinban.kpi import funnel

    ws = init_workspace(tmp_path / "ws")
    deals = pd.DataFrame(
        {"deal_id": ["D1"], "account_id": ["A1"], "created_at": [dt.date(2024, 1, 5)]}
    )
    leads = pd.DataFrame(
        {"lead_id": ["L1"], "account_id": ["A1"], "created_at": [dt.date(2024, 6, 1)]}
    )
    load_frames(ws, {"deals": deals, "leads": leads})
    with pytest.raises(errors.NotEnoughDataError) as err:
        funnel(ws.backend(), as_of=dt.date(2024, 3, 1))
    assert err.value.message == (
        "基準日 2024-03-01 はリードの開始日 2024-06-01 より前です / "
        "the as-of date 2024-03-01 is before the first date of leads, 2024-06-01"
    )


def test_a_churn_horizon_longer_than_the_history_says_so(demo_ws: Workspace) -> None:
    # Not "no customer was active … import subscriptions": they are there.
    from rashinban.churn import churn_watchlist, fit_churn_model

    backend = demo_ws.backend(read_only=True)
    with pytest.raises(errors.InvalidValueError) as err:
        fit_churn_model(backend, dt.date(2025, 12, 31), horizon_days=400, history_days=365)
    assert err.value.message == (
        "予測期間 400日が学習に使う履歴 365日より長く、学習できる時点がありません / the "
        "horizon of 400 days is longer than the 365-day history the model learns from: there "
        "is no snapshot to train on"
    )
    assert err.value.fix == (
        "horizon_days を365日以下にするか history_days を長くしてください / "
        "use a horizon_days of 365 or less, or a longer history_days"
    )
    with pytest.raises(errors.InvalidValueError, match="730 days is longer than the 720-day"):
        churn_watchlist(backend, dt.date(2025, 12, 31), horizon_days=730)


def test_icp_fixes_name_what_the_user_can_do() -> None:
    from rashinban.icp import discover_subgroups

    five = pd.DataFrame({"industry": ["製造業"] * 5, "won": [True, False, True, False, True]})
    with pytest.raises(errors.NotEnoughDataError) as err:
        discover_subgroups(five, "won", columns=["industry"])
    assert str(err.value) == (
        "取引先が5社で、1つのルールに必要な10社に足りません / 5 accounts: a rule must cover "
        "at least 10 — fix: 取引先をもっと取り込んでください (rashinban import accounts; "
        "Python では min_support を10より小さくできます) / import more accounts (rashinban "
        "import accounts; in Python, a min_support below 10)"
    )
    # Enough accounts, but every one in its own industry: no condition covers ten.
    many = pd.DataFrame({"industry": [f"業種{i}" for i in range(40)], "won": [True, False] * 20})
    with pytest.raises(errors.NotEnoughDataError) as err:
        discover_subgroups(many, "won", columns=["industry"])
    assert err.value.message.endswith("no condition covers at least 10 accounts")
    assert err.value.fix is not None and err.value.fix.endswith(
        "fill in the accounts' industry, employees, prefecture and other columns, or import "
        "more accounts (rashinban import accounts; in Python, a min_support below 10)"
    )
    # No account reaches the outcome: what to import, and the Python knob for another one.
    none = pd.DataFrame({"industry": ["製造業"] * 12, "won": [False] * 12})
    with pytest.raises(errors.NotEnoughDataError) as err:
        discover_subgroups(none, "won", columns=["industry"], outcome="ideal")
    assert err.value.message == (
        "成果指標 'ideal' に当てはまる取引先が12社中0社です / "
        "the outcome 'ideal' has 0 positives among 12 accounts"
    )
    assert err.value.fix == (
        "取引先と商談 (受注・失注)、注文か契約をもっと取り込んでください (rashinban import; "
        'Python では icp_rules(..., outcome="won") などで別の成果指標を指定できます) / import '
        "more accounts, deals won or lost and their orders or subscriptions (rashinban import; "
        'in Python, icp_rules(..., outcome="won") or another outcome)'
    )


def test_score_validation_names_the_deals_it_lacks(tmp_path: Path) -> None:
    # 5 accounts and a few deals: the time split has nothing to test on. The command has
    # no window option, so the fix asks for deals with the command that imports them (the
    # window is named for the Python API after it).
    from rashinban.demo import generate
    from rashinban.icp._runs import score_workspace

    ws = init_workspace(tmp_path / "ws")
    load_frames(ws, generate(5, seed=7))
    day = dt.date(2025, 12, 31)
    cut = day - dt.timedelta(days=270)
    with pytest.raises(errors.NotEnoughDataError) as err:
        score_workspace(ws.backend(), day)
    assert f"deals created after the cut {cut} and closed by {day}" in err.value.message
    assert "(20 or more, both won and lost, are needed)" in err.value.message
    assert err.value.fix == (
        f"{cut} より後の商談 (受注・失注と完了日入り) をもっと取り込んでください (rashinban "
        "import deals; Python では score_workspace(..., validation_days=365) のように検証期間を"
        f"長くできます) / import more deals won or lost after {cut}, with their close dates "
        "(rashinban import deals; in Python, a longer window: score_workspace(..., "
        "validation_days=365))"
    )


# One language with --lang: the halves of "日本語 / English".


@pytest.mark.parametrize(
    ("text", "ja", "en"),
    [
        ("取引先がありません / no such account", "取引先がありません", "no such account"),
        # A value with ' / ' in it, put into both halves.
        (
            "列 注文 / 契約 がありません / no column 注文 / 契約",
            "列 注文 / 契約 がありません",
            "no column 注文 / 契約",
        ),
        # The English half quotes a Japanese value (no hiragana in it).
        (
            "製造業の商談がありません / no deals in 製造業",
            "製造業の商談がありません",
            "no deals in 製造業",
        ),
    ],
)
def test_pick_language_splits_where_the_halves_meet(text: str, ja: str, en: str) -> None:
    assert errors.pick_language(text, "ja") == ja
    assert errors.pick_language(text, "en") == en
    assert errors.pick_language(text, None) == text


@pytest.mark.parametrize(
    "text",
    [
        "orders / subscriptions",  # no Japanese half
        "注文 / 契約",  # no English half
        # The English half holds a Japanese sentence (hiragana): no safe split.
        "名前がありません / no name: さくらの会",
    ],
)
def test_pick_language_leaves_a_text_it_cannot_split_whole(text: str) -> None:
    assert errors.pick_language(text, "en") == text
    assert errors.pick_language(text, "ja") == text


def test_user_error_text_in_one_language_names_the_place_in_it() -> None:
    err = errors.InvalidValueError(
        "数値として読めません / not a number",
        file="取引先.csv",
        row=18,
        column="従業員数",
        fix="数字で書いてください / write a number",
    )
    assert (
        err.text("ja")
        == "取引先.csv, 18行目, 列 従業員数: 数値として読めません — 対処: 数字で書いてください"
    )
    assert (
        err.text("en") == "取引先.csv, row 18, column 従業員数: not a number — fix: write a number"
    )
    assert (
        err.text()
        == str(err)
        == (
            "取引先.csv, row 18, column 従業員数: 数値として読めません / not a number — "
            "fix: 数字で書いてください / write a number"
        )
    )


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rashinban", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
        env={**os.environ, "COLUMNS": "300"},
    )


def test_cli_errors_follow_lang_and_show_both_without_it(tmp_path: Path) -> None:
    nowhere = str(tmp_path / "nowhere")
    en = _cli("rfm", "-w", nowhere, "--lang", "en")
    assert en.returncode == 1 and "Traceback" not in en.stderr
    assert en.stderr.startswith("error: no workspace at ")
    assert not JAPANESE.search(en.stderr.replace(nowhere, ""))
    ja = _cli("rfm", "-w", nowhere, "--lang", "ja")
    assert ja.returncode == 1
    assert ja.stderr.startswith("エラー: ")
    assert "対処: " in ja.stderr and "no workspace" not in ja.stderr
    both = _cli("rfm", "-w", nowhere)
    assert both.stderr.startswith("エラー / error: ")
    assert "no workspace" in both.stderr and JAPANESE.search(both.stderr.replace(nowhere, ""))


def test_cli_errors_in_english_for_a_workspace_set_to_english(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    init_workspace(ws, lang="en")
    proc = _cli("rfm", "-w", str(ws))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ")
    assert not JAPANESE.search(proc.stderr.replace(str(ws), ""))
    # --lang still decides over the workspace's language.
    assert _cli("rfm", "-w", str(ws), "--lang", "ja").stderr.startswith("エラー: ")

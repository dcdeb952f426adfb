"""Every ``--help`` text reads Japanese first, English alongside: ``"日本語 / English"``.

The scan walks the Click command tree Typer builds (every group and command) and
checks each command's help and each option's and argument's help, with the check of
:mod:`tests.test_error_messages`. ``--help`` itself is Click's own option and is left
out of the scan; what it prints (Typer's words, the values options take) is checked
on the help a user sees, below.
"""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import pytest
import typer
from tests.test_cli import run
from tests.test_error_messages import _problem

from rashinban.cli import app
from rashinban.cli._usage import manual_metavar
from rashinban.crosssell import MIN_EVIDENCE


def _helps(command: Any, path: str) -> list[tuple[str, str | None]]:
    """``(where, help)`` of ``command``, its parameters and every subcommand below it."""
    text = command.help or command.short_help
    found = [(path, text.split("\n\n")[0] if text else None)]
    found += [(f"{path} {p.name}", getattr(p, "help", None)) for p in command.params]
    for name, sub in getattr(command, "commands", {}).items():
        found += _helps(sub, f"{path} {name}")
    return found


def _problems(helps: list[tuple[str, str | None]]) -> list[str]:
    return [
        f"{where}: {text!r}: {why}"
        for where, text in helps
        if (why := "no help" if not text else _problem(text))
    ]


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("対象日 / business date", True),
        ("種類 / canvas kind: 3c|swot", True),
        ("3c | swot", False),
        ("合う / 合わない", False),
        ("対象日", False),
        (None, False),
    ],
)
def test_the_check_itself(text: str | None, ok: bool) -> None:
    assert (not _problems([("rashinban x --y", text)])) == ok


def test_every_help_text_reads_japanese_first_with_english_alongside() -> None:
    helps = _helps(typer.main.get_command(app), "rashinban")
    assert len(helps) > 200  # the scan sees every option of every command (not vacuous)
    where = {w for w, _ in helps}
    assert {"rashinban feedback add on", "rashinban target canvas kind"} <= where
    problems = _problems(helps)
    assert not problems, "\n".join(problems)


# --- Help and usage lines as the user sees them (a real subprocess) -----------------

_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
#: Typer's own types before they were named as a manual names them.
_TYPER_TYPES = re.compile(r"<(?:str|int|float|bool|path|list\[[^>]*\]|[a-z]+ range)>")


def _lines(text: str) -> list[str]:
    """The lines of ``text`` without the panels' borders (the program run as a module
    names itself ``python -m rashinban``: read as ``rashinban``)."""
    text = text.replace("python -m rashinban", "rashinban")
    return [s for line in text.splitlines() if (s := line.strip(" │╭╮╰╯─"))]


def _option_row(text: str, option: str) -> str:
    """The help row of ``option`` (its long name, then the value it takes and its help)."""
    rows = [" ".join(line.split()) for line in _lines(text) if line.split()[:1] == [option]]
    assert len(rows) == 1, text
    return rows[0]


@pytest.mark.parametrize(
    ("args", "panels"),
    [
        (["--help"], ["オプション / Options", "コマンド / Commands"]),
        (["kpi", "--help"], ["オプション / Options"]),
        (["lookalike", "--help"], ["引数 / Arguments", "オプション / Options"]),
    ],
)
def test_help_reads_japanese_first_before_a_language_is_chosen(
    args: list[str], panels: list[str]
) -> None:
    proc = run(*args)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    usage = " ".join(["使い方 / Usage: rashinban", *args[:-1], "[OPTIONS]"])
    assert _lines(out)[0].startswith(usage), out
    for panel in panels:
        assert f"╭─ {panel} ─" in out, out
    help_row = _option_row(out, "--help")
    assert help_row == "--help この説明を表示して終了します / Show this message and exit.", out
    # No line of Typer's is left in English alone.
    english_only = [line for line in _lines(out) if line in {"Options", "Commands", "Arguments"}]
    assert not english_only and "╭─ Options" not in out, out


def test_help_follows_lang() -> None:
    en = run("kpi", "--lang", "en", "--help")
    assert en.returncode == 0, en.stderr
    assert _lines(en.stdout)[0] == "Usage: rashinban kpi [OPTIONS]"
    assert "╭─ Options ─" in en.stdout
    assert _option_row(en.stdout, "--help") == "--help Show this message and exit."
    # The help texts show their English half: the command's and the options'.
    assert "The KPI funnel per scope and period." in en.stdout
    assert _option_row(en.stdout, "--format").endswith(
        "Output format: table|csv|json [default: table]"
    )
    assert not _JAPANESE.search(en.stdout), en.stdout
    ja = run("crosssell", "--lang", "ja", "--help")
    assert ja.returncode == 0, ja.stderr
    assert _lines(ja.stdout)[0] == "使い方: rashinban crosssell [OPTIONS]"
    assert "╭─ オプション ─" in ja.stdout and "Options" not in ja.stdout
    assert _option_row(ja.stdout, "--help") == "--help この説明を表示して終了します"
    assert _option_row(ja.stdout, "--min-count").endswith(
        f"根拠に必要な最少の社数 [既定: {MIN_EVIDENCE}]"
    )


def test_japanese_help_alone_names_what_the_english_half_does() -> None:
    # `--lang ja --help` shows the Japanese halves only: they name the defaults and the
    # choices the English halves name, not fewer.
    ja = run("kpi", "--lang", "ja", "--help").stdout
    assert _option_row(ja, "--as-of") == "--as-of TEXT 基準日 (YYYY-MM-DD、省略でデータの最終日)"
    assert _option_row(ja, "--lang") == "--lang ja|en 表示言語 (省略でワークスペースの設定)"
    assert _option_row(ja, "--workspace").startswith(
        "--workspace -w PATH ワークスペースのフォルダ (省略で"
    )
    assert "$RASHINBAN_WORKSPACE、なければ現在のフォルダ)" in ja, ja
    # The periods are choices, listed in either language.
    period = _option_row(ja, "--period")
    assert period.startswith(
        "--period week|month|quarter|year|fiscal_quarter|fiscal_year 集計単位 (year は暦年"
    ), ja
    assert "fiscal_year_start_month" in ja, ja
    churn = run("churn", "--lang", "ja", "--help").stdout
    assert _option_row(churn, "--top") == "--top INTEGER [x>=1] 表示件数 (省略ですべて)"


def test_a_wrong_period_is_wrong_usage_like_a_wrong_format() -> None:
    proc = run("kpi", "--period", "fiscal", "--lang", "ja")
    assert (proc.returncode, proc.stdout) == (2, ""), proc.stderr
    flat = "".join(_lines(proc.stderr)).replace(" ", "")
    assert "'--period'の値が正しくありません:'fiscal'は'week','month'" in flat, proc.stderr
    assert "'fiscal_year'のいずれでもありません" in flat, proc.stderr


def test_help_names_values_as_a_manual_does() -> None:
    out = run("kpi", "--help").stdout
    assert not _TYPER_TYPES.search(out), out
    assert _option_row(out, "--as-of").startswith("--as-of TEXT 基準日")
    assert _option_row(out, "--format").startswith("--format -f table|csv|json 出力形式")
    # Repeatable options say so, as the command reference writes them (NAME…).
    assert _option_row(out, "--target").startswith("--target TEXT… ターゲット名")
    assert _option_row(out, "--lang").startswith("--lang ja|en 表示言語")
    # A flag takes no value and shows none.
    assert _option_row(out, "--help").startswith("--help この説明")
    root = run("--help").stdout
    assert _option_row(root, "--debug").startswith("--debug エラー時に")
    crosssell = run("crosssell", "--help").stdout
    assert _option_row(crosssell, "--min-count").startswith(
        "--min-count INTEGER [1<=x<=1000000000] 根拠に"
    )
    lookalike = run("lookalike", "--help").stdout
    assert re.search(r"account_ids\.\.\. +TEXT +優良顧客のID", lookalike), lookalike
    assert not _TYPER_TYPES.search(root + crosssell + lookalike)


@pytest.mark.parametrize(
    ("label", "flag", "repeatable", "shown"),
    [
        ("<str>", False, False, "TEXT"),
        ("<int range>", False, False, "INTEGER"),
        ("<float>", False, False, "NUMBER"),
        ("<list[Path]>", False, False, "PATH"),
        ("<list[str]>", False, True, "TEXT…"),
        ("<bool>", True, False, ""),
        ("<3c|swot>", False, False, "3c|swot"),
    ],
)
def test_manual_metavar(label: str, flag: bool, repeatable: bool, shown: str) -> None:
    assert manual_metavar(label, flag=flag, repeatable=repeatable) == shown


def test_usage_errors_leave_no_line_of_clicks_english_alone() -> None:
    proc = run("rfm", "--qqq")
    assert proc.returncode == 2, proc.stderr
    lines = _lines(proc.stderr)
    assert lines[0] == "使い方 / Usage: rashinban rfm [OPTIONS]", proc.stderr
    assert lines[1] == (
        "'rashinban rfm --help' で使い方を表示します / Try 'rashinban rfm --help' for help."
    )
    assert "╭─ エラー / Error ─" in proc.stderr
    english_alone = [line for line in lines if not _JAPANESE.search(line)]
    assert not english_alone, proc.stderr


def test_usage_errors_follow_lang() -> None:
    en = run("rfm", "--lang", "en", "--top", "x")
    assert en.returncode == 2, en.stderr
    assert _lines(en.stderr)[:2] == [
        "Usage: rashinban rfm [OPTIONS]",
        "Try 'rashinban rfm --help' for help.",
    ]
    assert "╭─ Error ─" in en.stderr and "Invalid value for '--top'" in en.stderr
    assert not _JAPANESE.search(en.stderr), en.stderr
    # --lang is read first wherever it stands on the line.
    ja = run("rfm", "--top", "x", "--lang", "ja")
    assert ja.returncode == 2, ja.stderr
    assert _lines(ja.stderr)[:2] == [
        "使い方: rashinban rfm [OPTIONS]",
        "'rashinban rfm --help' で使い方を表示します",
    ]
    assert "'--top' の値が正しくありません: 整数で指定してください" in ja.stderr
    assert "Invalid value" not in ja.stderr and "Error" not in ja.stderr


def test_the_period_choices_are_the_kpi_engine_s_periods() -> None:
    # The command line lists them without importing the KPI engine; they must not drift.
    from rashinban.cli._targets import Period
    from rashinban.kpi import PERIODS

    assert [p.value for p in Period] == list(PERIODS)


def test_rashinban_lang_sets_the_language_of_every_help_and_message() -> None:
    en = {"RASHINBAN_LANG": "en"}
    # Groups and commands without --lang (target, import) follow it too.
    for args in (("--help",), ("target", "--help"), ("import", "--help")):
        proc = run(*args, env=en)
        assert proc.returncode == 0, proc.stderr
        assert _lines(proc.stdout)[0].startswith("Usage: rashinban"), proc.stdout
        assert not _JAPANESE.search(proc.stdout), proc.stdout
    # A command's --lang comes first.
    ja = run("target", "list", "--lang", "ja", "--help", env=en)
    assert _lines(ja.stdout)[0].startswith("使い方: rashinban target list")
    bad = run("rfm", "--qqq", env=en)
    assert bad.returncode == 2 and "No such option: --qqq" in bad.stderr
    assert not _JAPANESE.search(bad.stderr), bad.stderr


def test_rashinban_lang_outranks_the_workspace_and_a_wrong_value_is_named(
    demo_ws: Any, tiny_ws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = ["-w", str(demo_ws.path), "--period", "year"]
    table = run("kpi", *w, env={"RASHINBAN_LANG": "en"})  # the workspace says ja
    assert table.returncode == 0, table.stderr
    assert "KPI (yearly)" in table.stdout and "win rate" in table.stdout
    assert not _JAPANESE.search(table.stdout), table.stdout
    wrong = run("kpi", *w, env={"RASHINBAN_LANG": "fr"})
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr
    assert "RASHINBAN_LANG='fr'" in wrong.stderr and "ja か en" in wrong.stderr
    # The library reads it the same way.
    assert tiny_ws.lang == "ja"
    monkeypatch.setenv("RASHINBAN_LANG", "EN ")
    assert tiny_ws.lang == "en"


# --- Everyday use: --version, --lang anywhere, usage lines, plain English -----------


def test_version_prints_the_version_and_exits_0_without_a_workspace(tmp_path: Any) -> None:
    from rashinban import __version__

    nowhere = {"RASHINBAN_WORKSPACE": str(tmp_path / "no-such-workspace")}
    for args in (["--version"], ["-V"], ["--version", "kpi"], ["--debug", "--version"]):
        proc = run(*args, env=nowhere)
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"rashinban {__version__}\n", "")
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", __version__)
    # Only the command line itself is loaded: no data or model library, no workspace.
    probe = (
        "import sys\n"
        "from rashinban.cli import main\n"
        "sys.argv = ['rashinban', '--version']\n"
        "try:\n    main()\n"
        "except SystemExit as stop:\n    assert not stop.code, stop.code\n"
        "heavy = ('pandas', 'numpy', 'ibis', 'duckdb', 'sklearn', 'scipy')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.splitlines() == [f"rashinban {__version__}", "[]"], done.stderr
    root = run("--help").stdout
    assert _option_row(root, "--version").startswith(
        "--version -V バージョンを表示して終了します / show the version and exit"
    )


@pytest.mark.parametrize(
    ("args", "usage", "code"),
    [
        (["kpi", "--help", "--lang", "en"], "Usage: rashinban kpi [OPTIONS]", 0),
        (["--help", "--lang", "en"], "Usage: rashinban [OPTIONS] COMMAND [ARGS]...", 0),
        (["target", "--help", "--lang", "en"], "Usage: rashinban target [OPTIONS] COMMAND", 0),
        (["target", "list", "--help", "--lang=en"], "Usage: rashinban target list [OPTIONS]", 0),
        (["import", "--help", "--lang", "en"], "Usage: rashinban import [OPTIONS] TABLE FILE…", 0),
        (["--lang", "en", "target", "--help"], "Usage: rashinban target [OPTIONS] COMMAND", 0),
        # A group alone shows its help (exit 2, Click's rule for a missing command).
        (["target", "--lang", "en"], "Usage: rashinban target [OPTIONS] COMMAND", 2),
        (["--lang=en"], "Usage: rashinban [OPTIONS] COMMAND [ARGS]...", 2),
    ],
)
def test_help_follows_lang_anywhere_on_the_line(args: list[str], usage: str, code: int) -> None:
    proc = run(*args)
    assert proc.returncode == code, proc.stderr
    out = proc.stdout + proc.stderr
    assert _lines(out)[0].startswith(usage), out
    assert "╭─ Options ─" in out, out
    assert not _JAPANESE.search(out), out


def test_help_after_lang_ja_outranks_rashinban_lang() -> None:
    proc = run("target", "show", "--help", "--lang", "ja", env={"RASHINBAN_LANG": "en"})
    assert proc.returncode == 0, proc.stderr
    assert _lines(proc.stdout)[0] == "使い方: rashinban target show [OPTIONS] REF"
    assert "Usage" not in proc.stdout and "╭─ オプション ─" in proc.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["kpi", "--help", "--lang", "fr"],
        ["target", "--help", "--lang"],
        ["rfm", "--help", "--lang="],
    ],
)
def test_a_wrong_lang_does_not_stand_in_the_way_of_help(args: list[str]) -> None:
    proc = run(*args)
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    assert _lines(proc.stdout)[0].startswith(f"使い方 / Usage: rashinban {args[0]} [OPTIONS]")


def test_usage_errors_follow_lang_anywhere_on_the_line() -> None:
    # Found while the line is read, before a command's --lang is: told in English alone.
    for args in (["rfm", "--qqq", "--lang", "en"], ["import", "--lang", "en"]):
        proc = run(*args)
        assert proc.returncode == 2, proc.stderr
        flat = " ".join(_lines(proc.stderr))
        assert "No such option: --" in flat and "Try 'rashinban" in flat, proc.stderr
        assert not _JAPANESE.search(proc.stderr), proc.stderr
    # The command still runs with --lang as before.
    kpi = run("kpi", "--period", "fiscal", "--lang", "en")
    assert kpi.returncode == 2 and "Invalid value for '--period'" in kpi.stderr


def _command_paths(command: Any, path: list[str]) -> list[list[str]]:
    paths = [path]
    for name, sub in getattr(command, "commands", {}).items():
        paths += _command_paths(sub, [*path, name])
    return paths


#: The usage line as the command reference writes it: [OPTIONS], then the arguments in
#: capitals (``TABLE``, ``FILE…``, ``[DIRECTORY]``), or a group's COMMAND [ARGS]...
_USAGE_LINE = re.compile(
    r"(?P<head>使い方|Usage): rashinban(?: [a-z-]+)* \[OPTIONS\]"
    r"(?P<args>(?: \[?[A-Z][A-Z_]*…?\]?)*| COMMAND \[ARGS\]\.\.\.)"
)
#: Typer's words, translated in Japanese help, and the English half of a help text.
_ENGLISH_IN_JAPANESE = (
    "Usage", "Options", "Arguments", "Commands", "Show this message", "[default",
    "[required", "[env var", "e.g.", " / ",
)  # fmt: skip


def test_every_help_reads_as_people_expect_in_either_language() -> None:
    from typer.testing import CliRunner

    paths = _command_paths(typer.main.get_command(app), [])
    assert len(paths) > 35 and ["target", "canvas"] in paths and ["import"] in paths
    runner = CliRunner()
    usages: dict[str, dict[str, str]] = {"ja": {}, "en": {}}
    for lang, usages_in in usages.items():
        for path in paths:
            done = runner.invoke(app, [*path, "--help", "--lang", lang], env={"COLUMNS": "300"})
            where = f"{' '.join(path)} --help --lang {lang}"
            assert done.exit_code == 0, f"{where}: {done.output}"
            out = done.stdout
            first = _lines(out)[0]
            usage = _USAGE_LINE.fullmatch(first)
            assert usage, f"{where}: {first!r}"
            assert usage["head"] == ("使い方" if lang == "ja" else "Usage"), where
            assert "{" not in out and "}" not in out, f"{where}: {out}"
            assert not _TYPER_TYPES.search(out), f"{where}: {out}"
            usages_in[" ".join(path)] = first.split("[OPTIONS]")[1]
            if lang == "ja":
                left = [word for word in _ENGLISH_IN_JAPANESE if word in out]
                assert not left, f"{where}: {left}\n{out}"
            else:  # Japanese only where an example quotes the company's data
                japanese = [s for s in _lines(out) if _JAPANESE.search(s) and "e.g." not in s]
                assert not japanese, f"{where}: {japanese}"
    # The usage line names the arguments the same way in either language.
    assert usages["ja"] == usages["en"]
    assert usages["en"]["import"] == " TABLE FILE…"
    assert usages["en"]["init"] == " [DIRECTORY]"
    assert usages["en"]["lookalike"] == " ACCOUNT_ID…"
    assert usages["en"]["win-story"] == " ACCOUNT_ID TEXT"
    assert usages["en"]["target diff"] == " A B"
    assert usages["en"]["target audit"] == " [NAME]"
    assert usages["en"]["target"] == " COMMAND [ARGS]..."


def test_english_help_texts_read_as_sentences() -> None:
    """Alone, an English half starts with a capital, as Click's own help does."""
    from typer.testing import CliRunner

    runner = CliRunner()
    seen = 0
    for path in _command_paths(typer.main.get_command(app), []):
        out = runner.invoke(app, [*path, "--help", "--lang", "en"], env={"COLUMNS": "300"}).stdout
        description = _lines(out)[1]
        assert not description[:1].islower(), f"{path}: {description!r}"
        for row in _lines(out):
            words = row.split()
            if words[:1] in (["--workspace"], ["--format"], ["--lang"], ["--as-of"]):
                seen += 1
                helptext = re.split(r"\s{2,}", row.strip())[-1]
                assert not helptext[:1].islower(), f"{path}: {row!r}"
    assert seen > 50
    churn = run("churn", "--help", "--lang", "en").stdout
    assert _option_row(churn, "--top").endswith("Rows to show (default: all)"), churn
    both = run("churn", "--help").stdout
    assert "表示件数 (省略ですべて) / rows to show (default: all)" in both


def test_a_default_written_in_both_languages_is_shown_in_one() -> None:
    en = run("target", "create", "--help", "--lang", "en").stdout
    assert _option_row(en, "--note").endswith("Change note [default: first version]"), en
    ja = run("target", "create", "--help", "--lang", "ja").stdout
    assert _option_row(ja, "--note").endswith("変更メモ [既定: 初版]"), ja
    both = run("target", "create", "--help").stdout
    assert "[既定 / default: 初版 / first version]" in both, both


def test_a_usage_error_shows_the_usage_line_and_keeps_the_argument_s_name() -> None:
    proc = run("import", "accounts", env={"RASHINBAN_LANG": "en"})
    assert proc.returncode == 2, proc.stderr
    lines = _lines(proc.stderr)
    assert lines[0] == "Usage: rashinban import [OPTIONS] TABLE FILE…", proc.stderr
    assert "Missing argument 'files'." in lines, proc.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["kpi", "--period", "x", "--lang", "en"],
            "Invalid value for '--period': 'x' is not one of 'week', 'month'",
        ),
        (["churn", "--top", "0", "--lang", "en"], "Invalid value for '--top': Input should be"),
        (["init", "--lang", "fr"], "/ Invalid value for '--lang': 'fr' is not one of 'ja', 'en'"),
    ],
)
def test_english_usage_errors_say_what_is_wrong_without_pydantic_s_prefix(
    args: list[str], said: str
) -> None:
    proc = run(*args)
    assert proc.returncode == 2, proc.stderr
    flat = " ".join(_lines(proc.stderr))
    assert said in flat, proc.stderr
    assert "Value error" not in flat, proc.stderr

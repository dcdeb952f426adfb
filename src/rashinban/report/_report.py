"""The self-contained HTML report: every chart inline, no network, Japanese by default."""

from __future__ import annotations

import datetime as dt
import os
from importlib import resources
from pathlib import Path

import jinja2

from rashinban._errors import InvalidValueError, UserError, pick_language
from rashinban._version import __version__
from rashinban.pipeline import latest_results, load_result_table
from rashinban.pipeline._registry import analysis_title
from rashinban.report._i18n import t
from rashinban.report._sections import SECTIONS, ReportContext
from rashinban.workspace import Workspace


def build_report(ws: Workspace, *, lang: str | None = None) -> str:
    """Render the report for the latest stored analysis run as one HTML string."""
    language = lang or ws.lang
    if language not in ("ja", "en"):
        raise InvalidValueError(
            f"レポートの言語 {language!r} には対応していません / "
            f"report language {language!r} is not supported",
            value=language,
            fix="ja か en を指定してください / use ja or en",
        )
    runs = latest_results(ws)
    ctx = ReportContext(ws, language, runs, lambda a, k: load_result_table(ws, a, k))
    rendered = []
    for section in SECTIONS:
        body = section.render(ctx) if runs else None
        if body:
            rendered.append(
                {"id": section.name, "title": t(section.title_key, language), "body": body}
            )
    skipped = {  # named as the report's language names them, not by code (rfm, clv …)
        analysis_title(a, language): message_text(str(r["message"]), language)
        for a, r in runs.items()
        if r["status"] != "ok"
    }
    as_of = next((r["as_of"] for r in runs.values()), None)
    env = jinja2.Environment(autoescape=jinja2.select_autoescape(["html", "j2"]))
    template = env.from_string(
        (resources.files("rashinban.report") / "templates" / "report.html.j2").read_text("utf-8")
    )
    return template.render(
        lang=language,
        t=lambda k: t(k, language),
        sections=rendered,
        skipped=skipped,
        as_of=as_of,
        workspace=ws.config["workspace"]["name"],
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        version=__version__,
    )


def message_text(message: str, lang: str) -> str:
    """A stored "日本語 / English — fix: 日本語 / English" message in ``lang`` alone, as
    :meth:`rashinban.UserError.text` writes it (a part that does not split stays whole).

    >>> msg = "データが足りません / too little data — fix: 取り込む / import more"
    >>> message_text(msg, "ja"), message_text(msg, "en")
    ('データが足りません — 対処: 取り込む', 'too little data — fix: import more')
    """
    what, sep, fix = message.partition(" — fix: ")
    text = pick_language(what, lang)
    if sep:
        text += f" — {'fix' if lang == 'en' else '対処'}: {pick_language(fix, lang)}"
    return text


def write_report(
    ws: Workspace, path: str | os.PathLike[str] | None = None, *, lang: str | None = None
) -> Path:
    """Write the report (default ``report.html`` in the workspace) atomically; return its path.

    Raises
    ------
    UserError
        ``path`` is a folder or lies in a folder that does not exist, or no analysis has
        been run in the workspace yet (nothing is written: a page saying "no results"
        would only replace a report, or look like one).
    """
    target = Path(path) if path else ws.path / "report.html"
    if target.is_dir():
        raise UserError(
            f"{target} はフォルダです / {target} is a folder",
            fix="ファイル名まで指定してください / name the file, e.g. -o report.html",
        )
    if not target.parent.is_dir():
        raise UserError(
            f"{target} に書き込めません。フォルダ {target.parent} がありません / "
            f"cannot write {target}: the folder {target.parent} does not exist",
            fix="フォルダを作るか、ある場所を -o で指定してください / "
            "create the folder, or pass -o with a folder that exists",
        )
    if not latest_results(ws):
        raise UserError(
            "このワークスペースではまだ分析を実行していません / "
            "no analysis has been run in this workspace yet",
            fix="先に 'rashinban analyze' を実行してください / run 'rashinban analyze' first",
        )
    text = build_report(ws, lang=lang)
    tmp = target.with_suffix(target.suffix + ".part")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(
            f"{target} に書き込めません / cannot write {target}: {exc.strerror}",
            fix="フォルダがあり書き込めることを確かめてください / "
            "check that the folder exists and that you may write there",
        ) from None
    return target

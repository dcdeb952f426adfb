"""Voice-of-the-customer commands: personas, themes, winloss, workshop, win-story."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from rashinban._labels import in_language
from rashinban.cli._app import FormatOpt, LangOpt, WorkspaceOpt, app, open_ws, out_console
from rashinban.cli._render import Format, display_language, heading, render, render_sections
from rashinban.cli._run import AsOfOpt, as_of_date, parse_as_of


def _rows(frame: Any) -> list[dict[str, Any]]:
    return [
        {k: (None if v != v else v) if isinstance(v, float) else v for k, v in r.items()}
        for r in frame.to_dict(orient="records")
    ]


@app.command()
def personas(
    ctx: typer.Context,
    workspace: WorkspaceOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
    rule: Annotated[
        str | None,
        typer.Option(
            "--rule",
            help="対象の条件: ルール文 (industry = 製造業 and employees >= 100) または "
            "COND の JSON / segment as a rule text or a COND JSON list",
        ),
    ] = None,
    name: Annotated[
        str, typer.Option("--name", help="--rule のペルソナのキー / key for the --rule persona")
    ] = "target",
    html_out: Annotated[
        Path | None, typer.Option("--html", help="カードをHTMLで保存 / write printable HTML cards")
    ] = None,
    md_out: Annotated[
        Path | None,
        typer.Option("--markdown", help="カードをMarkdownで保存 / write Markdown cards"),
    ] = None,
    rewrite_url: Annotated[
        str | None,
        typer.Option(
            "--rewrite-url",
            help="物語の文章を整えるOpenAI互換API (既定: 使わない; キーは $RASHINBAN_LLM_API_KEY) "
            "/ optional OpenAI-compatible endpoint to polish the story wording",
        ),
    ] = None,
    rewrite_model: Annotated[
        str, typer.Option("--rewrite-model", help="そのモデル名 / model name")
    ] = "default",
) -> None:
    """根拠つきペルソナカード / persona cards whose every line cites its evidence."""
    from rashinban._errors import InvalidValueError
    from rashinban.personas import (
        card_markdown,
        cards_html,
        describe_conds,
        personas_for,
        segment_personas,
    )

    # (Typer vendors Click privately: its ParameterSource is read by name.)
    given = getattr(ctx.get_parameter_source("name"), "name", None) == "COMMANDLINE"
    if given and not rule:
        from rashinban._errors import UserError

        raise UserError(
            "--name は --rule で指定したペルソナのキーです / --name keys the --rule persona",
            fix='--rule も付けてください (例: rashinban personas --rule "業種 = 製造業" '
            "--name 製造) / add --rule, e.g. rashinban personas --rule "
            '"industry = 製造業" --name mfg',
        )
    ws = open_ws(workspace)
    day = as_of_date(ws, as_of)
    language = lang or ws.lang
    if rule:
        try:
            conds = json.loads(rule)
        except json.JSONDecodeError:
            conds = rule  # a rule text, for the rule language
        if isinstance(conds, dict):
            conds = conds.get("conditions", conds)
        if not isinstance(conds, list | str) or (
            isinstance(conds, list) and not all(isinstance(c, dict) for c in conds)
        ):
            raise InvalidValueError(
                "--rule は条件の JSON リストかルール文で書いてください / "
                "--rule must be a rule text or a JSON list of conditions",
                value=rule,
                fix='例 / e.g. --rule "industry = 製造業" or '
                '--rule \'[{"column": "industry", "op": "in", "values": ["製造業"]}]\'',
            )
        if isinstance(conds, list):
            from rashinban.segments import Rule

            Rule.from_conditions(conds)  # a clear error for a COND it cannot read
            label = describe_conds(conds)
        else:
            from rashinban.segments import parse_rule

            label = parse_rule(conds).describe(language)
        cards = personas_for(ws.backend(), day, {name: (label, conds)})
    else:
        cards = segment_personas(ws.backend(), day)
    if html_out:
        html_out.write_text(cards_html(cards, lang=language), encoding="utf-8")
    if md_out:
        md_out.write_text("\n".join(card_markdown(c, lang=language) for c in cards), "utf-8")
    dicts = [c.to_dict() for c in cards]
    full: dict[str, Any] = {"as_of": day, "personas": dicts}
    if rewrite_url:
        import os

        from rashinban.personas import rewrite_story

        key = os.environ.get("RASHINBAN_LLM_API_KEY")
        for card, item in zip(cards, dicts, strict=True):
            r = rewrite_story(
                card, endpoint=rewrite_url, model=rewrite_model, api_key=key, lang=language
            )
            item["story_rewrite"] = {"text": r.text, "accepted": r.accepted, "reason": r.reason}
    if fmt is Format.json:
        render(full, "personas", fmt)
        return
    from rashinban.personas._render import segment_text

    slim = {
        "personas": [
            {
                "key": c.key,
                "name": c.name_en if language == "en" else c.name_ja,
                "segment": segment_text(c.segment, language),
                "accounts": c.n_accounts,
                "statements": len(c.statements),
                "story": c.story_text(language),
            }
            for c in cards
        ]
    }
    render(slim, "personas", fmt, title=heading("ペルソナ", "personas"))
    if fmt is Format.table:  # the statements the story's [n] marks point to
        cited = [
            {
                "persona": c.name_en if language == "en" else c.name_ja,
                "mark": f"[{i + 1}]",
                "text": c.statements[i].text(language),
                "source_ids": _id_list(c.statements[i].evidence.ids),
            }
            for c in cards
            for i in sorted({ref for _, _, ref in c.story if ref is not None})
        ]
        render(
            {"statements": cited},
            "statements",
            fmt,
            title=heading("ストーリーが引用する記述", "statements the story cites"),
        )


def _id_list(ids: tuple[str, ...], shown: int = 3) -> str:
    """The first ``shown`` source ids, with an ellipsis when there are more.

    >>> _id_list(("N1", "N2", "N3", "N4")), _id_list(())
    ('N1, N2, N3 …', '')
    """
    return ", ".join(ids[:shown]) + (" …" if len(ids) > shown else "")


@app.command()
def themes(
    workspace: WorkspaceOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    by: Annotated[
        str, typer.Option("--by", help="セグメントの列 / accounts column to group by")
    ] = "industry",
    top: Annotated[
        int, typer.Option("--top", min=1, help="セグメントごとの語数 / terms per segment")
    ] = 10,
    lang: LangOpt = None,
) -> None:
    """セグメント別のテーマと原文の声 (c-TF-IDF) / themes by segment with verbatim quotes."""
    from rashinban.text import voice_themes

    ws = open_ws(workspace)
    day = as_of_date(ws, as_of)
    table, quotes = voice_themes(ws.backend(), day, by=by, top_n=top)
    payload: dict[str, Any] = {
        "as_of": day,
        "by": by,
        "themes": _rows(table),
        "quotes": _rows(quotes),
    }
    if fmt is Format.table:  # one shortened quote per theme (JSON and CSV: whole, and the score)
        payload["themes"] = [
            {**{k: v for k, v in r.items() if k != "score"}, "quote": _short(r["quote"], 40)}
            for r in payload["themes"]
        ]
    render(payload, "themes", fmt, title=heading("テーマ", "themes"))


def _short(text: str | None, limit: int) -> str | None:
    """``text`` cut to ``limit`` characters with an ellipsis.

    >>> _short("在庫が合わない。", 5), _short("短い", 5), _short(None, 5)
    ('在庫が合…', '短い', None)
    """
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


class DealKind(StrEnum):
    """Which deals ``winloss`` counts (``deals.kind``, or all of them)."""

    new = "new"
    expansion = "expansion"
    renewal = "renewal"
    all = "all"


@app.command()
def winloss(
    workspace: WorkspaceOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    by: Annotated[
        str, typer.Option("--by", help="区分の列 (competitor, industry …) / group by column")
    ] = "competitor",
    split_date: Annotated[
        str | None,
        typer.Option("--split-date", help="期間比較の境目 / compare before/after (YYYY-MM-DD)"),
    ] = None,
    lang: LangOpt = None,
    kind: Annotated[
        DealKind,
        typer.Option(
            "--kind",
            help="数える商談の種類 (既定は新規。all で全商談) / deal kind counted "
            "(new by default; all for every deal)",
        ),
    ] = DealKind.new,
) -> None:
    """受注・失注の理由 (区分別・期間比較) / win and loss reasons by group and period."""
    from rashinban.text import DEAL_KINDS, kinds_text, voice_winloss

    ws = open_ws(workspace)
    day = as_of_date(ws, as_of)
    split = parse_as_of(split_date, "--split-date")
    kinds = None if kind is DealKind.all else (kind.value,)
    tables = voice_winloss(ws.backend(), day, by=by, split_date=split, kinds=kinds)
    payload: dict[str, Any] = {"as_of": day, "by": by, "kinds": list(kinds or DEAL_KINDS)}
    payload.update({k: _rows(v) for k, v in tables.items()})
    skipped = {
        key: tables[key].attrs["skipped"]
        for key in ("note_reasons", "change")
        if tables[key].attrs.get("skipped")
    }
    for key, why in skipped.items():
        payload[f"{key}_skipped"] = why
    if fmt is Format.table:  # shares as percentages, the change in points (CSV/JSON: values)
        payload["change"] = [_change_cells(r) for r in payload.get("change") or []]
    lang_now = display_language()
    counted = kinds_text(kinds, lang_now)
    titles = {
        "loss_reasons": heading("失注理由", "loss reasons"),
        "win_rates": heading("受注率", "win rates"),
        "note_reasons": heading("商談メモの受注・失注テーマ", "win/loss themes in notes"),
        "change": heading("失注理由の変化 (期間比較)", "loss reasons before and after"),
    }
    render_sections(
        payload,
        [(key, f"{title} ({counted})") for key, title in titles.items()],
        fmt,
    )
    if fmt is Format.table:
        for key, why in skipped.items():
            out_console.print(f"{titles[key]}: {in_language(why, lang_now)}", highlight=False)


def _change_cells(row: dict[str, Any]) -> dict[str, Any]:
    """A before/after row for people: 33.8% → 29.5%, -4.2pt, z to two decimals."""
    out = dict(row)
    for key in ("before", "after"):
        if isinstance(row.get(key), float):
            out[key] = f"{row[key]:.1%}"
    if isinstance(row.get("change"), float):
        out["change"] = f"{row['change'] * 100:+.1f}pt"
    if isinstance(row.get("z"), float):
        out["z"] = f"{row['z']:.2f}"
    return out


@app.command()
def workshop(
    account_ids: Annotated[list[str], typer.Argument(help="ベスト顧客のID / best customers' ids")],
    workspace: WorkspaceOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
) -> None:
    """ベスト顧客ワークシート (4つの観点) / best-customer worksheet under four headings."""
    from rashinban.personas import workshop as build
    from rashinban.text import voice_tables

    ws = open_ws(workspace)
    day = as_of_date(ws, as_of)
    tables = voice_tables(ws.backend(), day)
    tables["products"] = ws.backend().table("products").to_pandas()  # named, not P01
    sheet = build(tables, account_ids)
    if fmt is Format.json:
        render({"as_of": day, **sheet}, "accounts", fmt)
        return
    en = display_language() == "en"
    common = "what they share" if en else "共通点"
    cut = _shown if fmt is Format.table else list  # CSV, like JSON, keeps every id
    rows = [
        {
            "account_id": a["account_id"],
            "heading": sheet["headings"][key][1 if en else 0],
            "text": line["text_en" if en else "text"],
            "evidence": cut(line["evidence"]),
        }
        for a in sheet["accounts"]
        for key, lines in a["sheet"].items()
        for line in lines
    ]
    rows += [
        {
            "account_id": common,
            "heading": common,
            "text": c["text_en" if en else "text"],
            "evidence": cut(c["evidence"]),
        }
        for c in sheet["common"]
    ]
    render({"rows": rows}, "rows", fmt, title=heading("ワークシート", "workshop"))


def _shown(ids: list[str], limit: int = 5) -> list[str]:
    """The first ``limit`` ids, then ``… (+N)`` for the rest (JSON keeps them all).

    >>> _shown([f"N{i}" for i in range(8)])
    ['N0', 'N1', 'N2', 'N3', 'N4', '… (+3)']
    """
    return ids[:limit] + ([f"… (+{len(ids) - limit})"] if len(ids) > limit else [])


@app.command("win-story")
def win_story(
    account_id: Annotated[str, typer.Argument(help="取引先ID / account id")],
    text: Annotated[str, typer.Argument(help="受注の経緯 / what happened and why they chose us")],
    author: Annotated[str, typer.Option("--author", help="記入者 / author")],
    workspace: WorkspaceOpt = None,
    deal_id: Annotated[str | None, typer.Option("--deal", help="商談ID / deal id")] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="記入日 (省略で今日。データの開始日〜今日) / written on (default: today; "
            "from the first date of the data to today)",
        ),
    ] = None,
) -> None:
    """最近の受注ストーリーをメモとして記録 / record a recent win story as a note."""
    from rashinban.engine import data_span
    from rashinban.personas import record_win_story
    from rashinban.state._feedback import check_feedback_day

    ws = open_ws(workspace)
    today = dt.date.today()
    written = parse_as_of(date, "--date") or today
    backend = ws.backend()
    span = data_span(backend)
    backend.disconnect()  # the story is written through a connection of its own
    check_feedback_day(written, today=today, first=span[0] if span else None, option="--date")
    note_id = record_win_story(
        ws, account_id, text, author=author, written_at=written, deal_id=deal_id
    )
    # Logged as every change is (rashinban target audit --action win_story).
    from rashinban.state import open_store

    open_store(ws).log_win_story(
        author=author, account_id=account_id, note_id=note_id, written_at=written, deal_id=deal_id
    )
    out_console.print(f"記録しました / recorded: {note_id}")
    if span is not None and written > span[1]:
        out_console.print(
            f"記入日 {written} はデータの最終日 {span[1]} より後のため、データの最終日は変わらず、"
            "このストーリーはその日を含む新しいデータを取り込むまで分析に現れません / "
            f"written on {written}, after the data ends ({span[1]}): the end of the data "
            "stays, and analyses read the story once newer data is imported"
        )

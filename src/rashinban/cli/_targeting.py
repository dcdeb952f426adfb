"""Read commands of who to target: segments, icp, score, lookalike."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from rashinban._labels import REGION_LABELS, TABLE_COLUMNS, WEIGHT_LABELS
from rashinban.cli._app import FormatOpt, LangOpt, WorkspaceOpt, app, open_ws, out_console
from rashinban.cli._render import (
    Format,
    caption,
    dated_heading,
    display_language,
    heading,
    render,
)
from rashinban.cli._run import AsOfOpt, parse_as_of


@app.command()
def segments(
    workspace: WorkspaceOpt = None, fmt: FormatOpt = Format.table, lang: LangOpt = None
) -> None:
    """セグメントと魅力度(縮小推定・区間付き)を表示する / list segments with attractiveness."""
    from rashinban.pipeline._targeting_views import segment_table_row, segments_view

    ws = open_ws(workspace)
    payload = segments_view(ws, lang or ws.lang)
    if fmt is Format.table:
        shown = TABLE_COLUMNS["segments"]  # shrunk rates, per-customer value: not kpi's
        rows = [
            {shown.get(k, k): v for k, v in segment_table_row(r).items()}
            for r in payload["segments"]
        ]
        title = dated_heading("セグメント", "segments", payload["as_of"])
        render({"segments": rows}, "segments", fmt, console=out_console, limit=40, title=title)
        en = display_language() == "en"
        weights = ", " if en else "、"
        weights = weights.join(
            f"{WEIGHT_LABELS.get(k, (k, k))[1 if en else 0]} {v:g}"
            for k, v in payload["weights"].items()
        )
        label = heading("魅力度の重み", "weights of the index")
        out_console.print(f"{label}: {weights}", highlight=False)
        if payload["adjacent"]:
            adj = [{k: v for k, v in r.items() if k != "conditions"} for r in payload["adjacent"]]
            render(
                {"adjacent": adj},
                "adjacent",
                fmt,
                console=out_console,
                title=heading("隣接機会", "adjacent opportunities"),
            )
    else:
        render(payload, "segments", fmt)
    caption(payload["stale_note"], fmt, console=out_console)


@app.command()
def icp(
    workspace: WorkspaceOpt = None, fmt: FormatOpt = Format.table, lang: LangOpt = None
) -> None:
    """理想顧客像(ICP)ルールを表示する / show the ICP rules found in the accounts."""
    from rashinban.pipeline._targeting_views import icp_view

    ws = open_ws(workspace)
    payload = icp_view(ws, lang or ws.lang)
    if fmt is Format.table:
        label = heading("成果指標", "outcome")
        out_console.print(f"{label}: {payload['outcome']}", highlight=False)
        keep = ("description", "support", "lift", "coverage", "rate", "win_rate", "churn_rate")
        shown = TABLE_COLUMNS["icp"]
        rows = [{shown.get(k, k): r[k] for k in keep} for r in payload["rules"]]
        title = dated_heading("ICPルール", "ICP rules", payload["as_of"])
        render({"rules": rows}, "rules", fmt, console=out_console, title=title)
    else:
        render(payload, "rules", fmt)
    caption(payload["stale_note"], fmt, console=out_console)


class ScoreKind(StrEnum):
    """The records ``score`` can keep: another ``--kind`` is wrong usage (exit 2)."""

    lead = "lead"
    account = "account"
    deal = "deal"


@app.command()
def score(
    workspace: WorkspaceOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
    kind: Annotated[
        ScoreKind | None, typer.Option("--kind", help="対象 / only this kind of record")
    ] = None,
    top: Annotated[int | None, typer.Option("--top", min=1, help="上位N件 / top N records")] = None,
) -> None:
    """リード・商談・見込み先の適合スコアと理由を表示する / fit scores with reasons."""
    from rashinban.pipeline._targeting_views import score_validation_caption, score_view

    ws = open_ws(workspace)
    payload = score_view(ws, kind=kind and kind.value, top=top, lang=lang or ws.lang)
    if fmt is Format.table and payload.get("note"):
        out_console.print(payload["note"], highlight=False)
    title = dated_heading("適合スコア", "fit scores", payload["as_of"])
    render(payload, "records", fmt, console=out_console, limit=50, title=title)
    validated = score_validation_caption(
        payload["validation"], payload["validation_cut"], display_language()
    )
    caption(validated, fmt, console=out_console)
    caption(payload["stale_note"], fmt, console=out_console)


@app.command()
def lookalike(
    account_ids: Annotated[list[str], typer.Argument(help="優良顧客のID / best customers' ids")],
    workspace: WorkspaceOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
    as_of: AsOfOpt = None,
    top: Annotated[int, typer.Option("--top", min=1, help="類似見込み先の数 / lookalikes")] = 20,
) -> None:
    """優良顧客の共通点と類似の見込み先 / what your best customers share, and lookalikes."""
    from rashinban.pipeline._targeting_views import lookalike_view

    ws = open_ws(workspace)
    payload = lookalike_view(
        ws, account_ids, as_of=parse_as_of(as_of), top=top, lang=lang or ws.lang
    )
    if fmt is Format.table:
        # The sentence carries the counts and the 参考値 flag; JSON keeps them as keys.
        hidden = ("customers_with_value", "customers_compared", "indicative")
        en = display_language() == "en"
        shared = [{k: v for k, v in r.items() if k not in hidden} for r in payload["shared"]]
        for r in shared:  # a region named as the sentence beside it names it (関東 → Kanto)
            if en and r["feature"] == "region":
                r["value"] = REGION_LABELS.get(r["value"], r["value"])
        title = heading("共通点", "shared")
        render({"shared": shared}, "shared", fmt, console=out_console, title=title)
        if payload.get("note"):
            out_console.print(payload["note"], highlight=False)
        render(
            payload,
            "lookalikes",
            fmt,
            console=out_console,
            title=heading("類似見込み先", "lookalikes"),
        )
        return
    render(payload, "lookalikes", fmt)

"""Sales feedback commands: feedback add, feedback summary."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from rashinban.cli._app import FormatOpt, LangOpt, WorkspaceOpt, err_console, out_console
from rashinban.cli._render import Format, render
from rashinban.cli._run import parse_as_of, require_id
from rashinban.cli._targets import UserOpt, _store, feedback_app


@feedback_app.command("add")
def feedback_add(
    user: UserOpt,
    fits: Annotated[bool, typer.Option("--fits/--no-fit", help="合う・合わない / fits or not")],
    lead: Annotated[str | None, typer.Option("--lead", help="リードID / lead id")] = None,
    account: Annotated[str | None, typer.Option("--account", help="取引先ID / account id")] = None,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            help="合わない理由 (コードか名前: no_budget, 予算がない …) / reason, by code or name: "
            "no_budget, no_need, wrong_size, wrong_industry, competitor_lock_in, bad_timing, other",
        ),
    ] = None,
    text: Annotated[str, typer.Option("--text", help="自由記述 / free text")] = "",
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            help="ターゲット名 (省略時: その取引先を持つ唯一の有効なターゲット) / "
            "target name (default: the one active target holding the account)",
        ),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option(
            "--on",
            help="対象日 (省略で今日。データの開始日〜今日) / business date (default: today; "
            "from the first date of the data to today)",
        ),
    ] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """リード・取引先が合う/合わないを記録する / record fits or does-not-fit with a reason."""
    from rashinban.engine import data_span
    from rashinban.state._feedback import check_feedback_day
    from rashinban.targets import feedback_outside, feedback_target

    ws, store = _store(workspace)
    day, backend = parse_as_of(on, "--on") or dt.date.today(), ws.backend()
    check_feedback_day(day, today=dt.date.today(), first=(data_span(backend) or [None])[0])
    require_id(backend, "leads", "lead_id", lead, "--lead")
    require_id(backend, "accounts", "account_id", account, "--account")
    chosen = None
    if target is None:  # the one active target holding the account; several are refused
        chosen = target = feedback_target(store, backend, lead_id=lead, account_id=account)
    seq = store.add_feedback(
        fits=fits,
        lead_id=lead,
        account_id=account,
        reason=reason,
        text=text,
        target=target,
        author=user,
        on=day,
    )
    out_console.print(f"記録しました / recorded #{seq}")
    if chosen is not None:
        out_console.print(
            f"ターゲット: {chosen} (この取引先を持つ唯一の有効なターゲット) / "
            f"target: {chosen} (the one active target holding the account)",
            highlight=False,
        )
    warn = feedback_outside(store, backend, target, lead_id=lead, account_id=account)
    if warn:  # a verdict on a lead outside the target's rule
        err_console.print(" / ".join(warn), highlight=False, soft_wrap=True)


@feedback_app.command("summary")
def feedback_summary_cmd(
    workspace: WorkspaceOpt = None, fmt: FormatOpt = Format.table, lang: LangOpt = None
) -> None:
    """ターゲットの版・セグメント別の集計 / summary per target version and segment."""
    from rashinban.targets import feedback_summary

    ws, store = _store(workspace)
    frame = feedback_summary(store, ws.backend())
    rows: list[dict[str, Any]] = frame.to_dict("records")
    columns = list(frame.columns)
    if fmt is Format.table:  # for people: every reason tied for the top in one cell
        columns.remove("top_reasons")
        rows = [
            {k: v for k, v in r.items() if k != "top_reasons"}
            | {"top_reason": r["top_reasons"] or None}
            for r in rows
        ]
    render({"feedback": rows}, "feedback", fmt, header=columns)

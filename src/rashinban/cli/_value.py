"""Read commands for customer value: rfm, clv."""

from __future__ import annotations

from typing import Annotated

import typer

from rashinban.cli._app import FormatOpt, LangOpt, WorkspaceOpt, app
from rashinban.cli._render import Format, display_language, render
from rashinban.cli._run import AsOfOpt, open_at


@app.command()
def rfm(
    workspace: WorkspaceOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    compare_days: Annotated[
        int,
        typer.Option(
            "--compare-days", min=1, help="遷移の比較期間 (日) / transition window (days)"
        ),
    ] = 90,
    customers: Annotated[
        bool, typer.Option("--customers", help="顧客別の行を表示 / list customers, not segments")
    ] = False,
    lang: LangOpt = None,
) -> None:
    """RFMスコア・セグメントと遷移 / RFM scores, named segments and transitions."""
    from rashinban.value import rfm_report

    _ws, backend, day = open_at(workspace, as_of)
    result = rfm_report(backend, day, compare_days=compare_days)
    payload = result.payload()
    key = "customers" if customers else "segments"
    if fmt is Format.table:
        # One segment name column, in the display language (CSV/JSON keep both).
        other = "segment_ja" if display_language() == "en" else "segment_en"
        payload = {key: [{k: v for k, v in r.items() if k != other} for r in payload[key]]}
    render(payload, key, fmt, title=f"RFM ({day})")


@app.command()
def clv(
    workspace: WorkspaceOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    horizon: Annotated[
        int, typer.Option("--horizon", min=1, help="期間 (月) / horizon in months")
    ] = 12,
    discount: Annotated[
        float, typer.Option("--discount", help="月次割引率 / monthly discount rate")
    ] = 0.01,
    top: Annotated[
        int | None, typer.Option("--top", min=1, help="上位N件のみ / only the top N customers")
    ] = None,
    lang: LangOpt = None,
) -> None:
    """顧客生涯価値 (BG/NBD + Gamma-Gamma) / customer lifetime value per customer."""
    from rashinban.value import clv_report

    _ws, backend, day = open_at(workspace, as_of)
    result = clv_report(backend, day, horizon_months=horizon, discount_rate=discount)
    render(result.payload(limit=top), "customers", fmt, title=f"CLV ({day})", limit=50)

"""Read commands for customer value: rfm, clv."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from rashinban.cli._app import FormatOpt, LangOpt, WorkspaceOpt, app
from rashinban.cli._render import Format, caption, display_language, heading, render
from rashinban.cli._run import AsOfOpt, open_at

# The RFM summary of `rfm` counts days and includes the first purchase; the same keys in
# `clv` count repeat weeks. The table heads them for what they hold here.
_RFM_HEADINGS = {
    "frequency": "purchase_days",
    "recency": "first_to_last_days",
    "T": "days_since_first",
    "monetary_value": "spend_per_day",
}

# Columns of `clv` left out of its terminal table.
_CLV_WIDE = {
    "recency",
    "T",
    "running_contracts",
    "expected_billings",
    "subscription_ended",
    "p_alive_basis",
    "spend_basis",
}


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
    top: Annotated[
        int | None,
        typer.Option(
            "--top",
            min=1,
            help="--customers の上位N社のみ (RFMスコア合計、購入額の順) / "
            "with --customers, only the best N (by R+F+M, then spend)",
        ),
    ] = None,
    lang: LangOpt = None,
) -> None:
    """RFMスコア・セグメントと遷移 / RFM scores, named segments and transitions."""
    from rashinban.engine import name_rows
    from rashinban.value import rfm_report

    if top is not None and not customers:
        from rashinban._errors import UserError

        raise UserError(
            "--top は顧客別の一覧に使います / --top limits the list of customers",
            fix="--customers を付けてください (例: rashinban rfm --customers --top 20) / "
            "add --customers, e.g. rashinban rfm --customers --top 20",
        )
    _ws, backend, day = open_at(workspace, as_of)
    result = rfm_report(backend, day, compare_days=compare_days)
    payload = result.payload(limit=top)
    key = "customers" if customers else "segments"
    # Named in every format: JSON carries the customers with or without --customers.
    payload["customers"] = name_rows(backend, payload["customers"])
    shown = display_language()
    if fmt is not Format.table:
        render(payload, key, fmt, title=f"RFM ({day})")
        caption(result.naming_text(shown), fmt)
        return
    # One segment name column (and one naming basis), in the display language; the
    # codes and the other language stay in CSV/JSON. Mean scores to two decimals.
    other = "_ja" if shown == "en" else "_en"
    drop = {"segment", "basis", "segment" + other, "basis" + other}
    rows = [
        {
            _RFM_HEADINGS.get(k, k): round(v, 2)
            if k.startswith("mean_") and isinstance(v, float)
            else v
            for k, v in r.items()
            if k not in drop
        }
        for r in payload[key]
    ]
    render({key: rows}, key, fmt, title=f"RFM ({day})")
    caption(result.naming_text(shown), fmt)
    if not customers:
        moves = payload["transitions"]
        title = heading("セグメントの遷移", "segment transitions")
        # A line of its own: a matrix of few segments is narrower than its title, and a
        # table title folds at the table's width.
        caption(f"{title} ({moves['from']} → {moves['to']})", fmt)
        render({"rows": _transition_matrix(payload["segments"], moves["rows"], shown)}, "rows", fmt)


def _transition_matrix(
    segments: list[dict[str, Any]], moves: list[dict[str, Any]], lang: str
) -> list[dict[str, Any]]:
    """Customers moving from each segment (rows) to each segment (columns), by name."""
    suffix = "_en" if lang == "en" else "_ja"
    names = [s["segment" + suffix] for s in segments]
    counts = {(m["segment_a" + suffix], m["segment_b" + suffix]): m["customers"] for m in moves}
    for a, b in counts:  # a segment empty today can still have been left
        for name in (a, b):
            if name not in names:
                names.append(name)
    corner = "before \\ now" if lang == "en" else "前 \\ 今"
    targets = [b for b in names if any(counts.get((a, b)) for a in names)]
    rows = []
    for a in names:
        row: dict[str, Any] = {corner: a}
        row.update({b: int(counts.get((a, b), 0)) for b in targets})
        if any(row[b] for b in targets):
            rows.append(row)
    return rows


@app.command()
def clv(
    workspace: WorkspaceOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    horizon: Annotated[
        int,
        typer.Option("--horizon", min=1, max=120, help="期間 (月, 1〜120) / horizon in months"),
    ] = 12,
    discount: Annotated[
        float, typer.Option("--discount", help="月次割引率 / monthly discount rate")
    ] = 0.01,
    top: Annotated[
        int | None, typer.Option("--top", min=1, help="上位N件のみ / only the top N customers")
    ] = None,
    lang: LangOpt = None,
) -> None:
    """顧客生涯価値 (契約: sBG、注文: BG/NBD + Gamma-Gamma) / customer lifetime value
    (contracts by sBG, orders by BG/NBD + Gamma-Gamma)."""
    from rashinban.engine import name_rows
    from rashinban.value import clv_report

    _ws, backend, day = open_at(workspace, as_of)
    result = clv_report(backend, day, horizon_months=horizon, discount_rate=discount)
    payload = result.payload(limit=top)
    payload["customers"] = name_rows(backend, payload["customers"])
    if fmt is Format.table:  # what fits a terminal; CSV and JSON carry every column
        payload = {
            "customers": [
                {k: v for k, v in r.items() if k not in _CLV_WIDE} for r in payload["customers"]
            ]
        }
    render(payload, "customers", fmt, title=f"CLV ({day})", limit=50)

"""Read commands of the expand-and-defend motions: churn, crosssell, motions."""

from __future__ import annotations

import math
from typing import Annotated, Any

import typer

from rashinban._labels import in_language
from rashinban.cli._app import FormatOpt, LangOpt, WorkspaceOpt, app, out_console
from rashinban.cli._render import Format, caption, display_language, heading, render
from rashinban.cli._run import AsOfOpt, open_at, require_id
from rashinban.workspace._config import CHURN_HORIZON_RANGE

# The default and bound of ``crosssell --min-count``: rashinban.crosssell.MIN_EVIDENCE and
# rashinban.crosssell._rules.MAX_COUNT, written out (tests keep them equal) so that the
# command line starts without loading the cross-sell engine, Ibis and pandas.
MIN_EVIDENCE = 5
MAX_COUNT = 10**9

TopOpt = Annotated[
    int | None,
    typer.Option("--top", min=1, help="表示件数 (省略ですべて) / rows to show (default: all)"),
]


def _lang(ws: Any, lang: str | None) -> str:
    return (lang or ws.lang or "ja").lower()


@app.command()
def churn(
    workspace: WorkspaceOpt = None,
    as_of: AsOfOpt = None,
    horizon: Annotated[
        int | None,
        typer.Option(
            "--horizon",
            min=CHURN_HORIZON_RANGE[0],
            max=CHURN_HORIZON_RANGE[1],
            help="予測期間（日, 1〜365; 既定は設定の churn_horizon_days） / "
            "horizon in days (1-365; default: the churn_horizon_days setting)",
        ),
    ] = None,
    by_revenue: Annotated[
        bool,
        typer.Option("--by-revenue", help="リスク金額順に並べる / order by revenue at risk"),
    ] = False,
    top: TopOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
) -> None:
    """解約リスクと理由（守りのターゲット） / churn risk of every customer, with reasons."""
    from rashinban.churn import churn_watchlist
    from rashinban.engine import name_column
    from rashinban.pipeline._defend import (
        churn_snapshots,
        churn_validation,
        churn_validation_caption,
    )

    ws, backend, day = open_at(workspace, as_of)
    if horizon is None:
        horizon = ws.churn_horizon_days
    store = churn_snapshots(backend, day, horizon)  # one feature query for both
    watch = churn_watchlist(backend, day, horizon_days=horizon, features=store)
    # The same time split as 'analyze' stores, for this date and horizon.
    _, validation = churn_validation(backend, day, horizon_days=horizon, features=store)
    if not by_revenue:
        watch = watch.sort_values(["risk", "account_id"], ascending=[False, True])
    if top is not None:
        watch = watch.head(top)
    side = "en" if _lang(ws, lang) == "en" else "ja"
    rows = [
        {
            "account_id": r["account_id"],
            "account_name": r["account_name"],
            "risk": round(float(r["risk"]), 4),
            "reasons": list(r[f"reasons_{side}"]),
            "revenue_at_risk": round(float(r["revenue_at_risk"])),
            "kind": r["kind"],
            "alert": bool(r["alert"]),
            "evidence": list(r[f"evidence_{side}"]),
        }
        for r in name_column(backend, watch).to_dict("records")
    ]
    payload: dict[str, Any] = {"as_of": day, "horizon_days": horizon, "accounts": rows}
    if isinstance(validation, dict):  # JSON has no NaN: an interval a few churners leave open
        payload["validation"] = {
            k: None if isinstance(v, float) and not math.isfinite(v) else v
            for k, v in validation.items()
        }
    else:  # too little churn to test on: null, and why
        payload["validation"] = None
        payload["validation_skipped"] = in_language(validation.removeprefix("skipped: "), side)
    render(
        payload,
        "accounts",
        fmt,
        title=heading("解約リスク", "churn risk")
        + (
            f" (as of {day}, next {horizon} days)"
            if display_language() == "en"
            else f" (基準日 {day}, 今後{horizon}日)"
        ),
        console=out_console,
        limit=50 if top is None else None,
    )
    caption(churn_validation_caption(validation, display_language()), fmt, console=out_console)


@app.command()
def crosssell(
    workspace: WorkspaceOpt = None,
    as_of: AsOfOpt = None,
    k: Annotated[
        int, typer.Option("--k", min=1, help="1社あたりの提案数 / offers per customer")
    ] = 3,
    account: Annotated[
        str | None, typer.Option("--account", help="この取引先だけ / only this account_id")
    ] = None,
    min_count: Annotated[
        int,
        typer.Option(
            "--min-count",
            min=1,
            # The library's bound, checked here too: past it the library's message would
            # name its keyword (min_count=), not this option.
            max=MAX_COUNT,
            help="根拠に必要な最少の社数 / fewest accounts as evidence",
        ),
    ] = MIN_EVIDENCE,
    top: TopOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
) -> None:
    """クロスセル・アップセルの提案と理由 / products to offer each customer next, with reasons."""
    from rashinban.crosssell import (
        no_offer_error,
        offers,
        recommend,
        require_customer,
        upsell_signals,
    )
    from rashinban.engine import name_rows

    ws, backend, day = open_at(workspace, as_of)
    require_id(backend, "accounts", "account_id", account, "--account")
    if account is not None:
        require_customer(backend, day, account)  # churned, lapsed or a prospect: say so
    en = _lang(ws, lang) == "en"
    # One offer per account and product (its strongest reason), best first.
    merged = offers(recommend(backend, day, k=k, min_count=min_count), upsell_signals(backend, day))
    both = [
        (
            r["account_id"],
            r["product_id"],
            float(r["score"]),
            r["reason_en" if en else "reason_ja"],
            r["kind"],
            r["source"],
        )
        for r in merged.to_dict("records")
    ]
    if account is not None:
        both = [b for b in both if b[0] == account]
    note: str | None = None
    if not both:  # too little evidence for any offer: say so rather than print nothing
        error = no_offer_error(backend, day, account_id=account, min_count=min_count)
        if error is not None:
            raise error
        note = heading("全商品を保有（提案できる商品なし）", "owns every product, nothing to offer")
    if top is not None:
        both = both[:top]
    rows = [
        {
            "account_id": a,
            "product_id": p,
            "score": round(s, 4),
            "reason": reason,
            "kind": kind,
            "source": src,
        }
        for a, p, s, reason, kind, src in both
    ]
    rows = name_rows(backend, name_rows(backend, rows), "products")
    payload: dict[str, Any] = {"as_of": day, "recommendations": rows}
    if note is not None:
        payload["note"] = note
    render(
        payload,
        "recommendations",
        fmt,
        title=heading("クロスセル・アップセル", "cross-sell and up-sell")
        + f" ({'as of' if display_language() == 'en' else '基準日'} {day})"
        + (f" — {note}" if note else ""),
        console=out_console,
        limit=50 if top is None else None,
    )


@app.command()
def motions(
    workspace: WorkspaceOpt = None,
    as_of: AsOfOpt = None,
    industry: Annotated[
        list[str] | None, typer.Option("--industry", help="業種（複数可） / industry (repeatable)")
    ] = None,
    employees_min: Annotated[
        int | None, typer.Option("--employees-min", min=0, help="従業員数の下限 / min employees")
    ] = None,
    employees_max: Annotated[
        int | None, typer.Option("--employees-max", min=0, help="従業員数の上限 / max employees")
    ] = None,
    rule: Annotated[
        str | None,
        typer.Option(
            "--rule",
            help="セグメント定義ルール / segment rule, e.g. '業種 = 製造業 and 従業員数 >= 100'",
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
) -> None:
    """新規・深耕・防衛を並べて見る / new, expand and defend side by side for a segment."""
    from rashinban.motions import three_motions

    ws, backend, day = open_at(workspace, as_of)
    seg: list[dict[str, Any]] = []
    if industry:
        seg.append({"column": "industry", "op": "in", "values": list(industry)})
    if employees_min is not None and employees_max is not None and employees_min > employees_max:
        from rashinban._errors import UserError

        raise UserError(
            f"--employees-min {employees_min} が --employees-max {employees_max} より大きい / "
            f"--employees-min {employees_min} is above --employees-max {employees_max}",
            fix="下限と上限を入れ替えてください / swap the two numbers",
        )
    if employees_min is not None or employees_max is not None:
        seg.append(
            {"column": "employees", "op": "between", "low": employees_min, "high": employees_max}
        )
    if rule is not None and seg:
        from rashinban._errors import UserError

        raise UserError(
            "--rule は --industry/--employees-* と一緒に使えません / "
            "--rule cannot be combined with --industry/--employees-*",
            fix="セグメント全体を1つのルールで書いてください "
            "(例: '業種 = 製造業 and 従業員数 >= 100') / "
            "write the whole segment as one rule, e.g. '業種 = 製造業 and 従業員数 >= 100'",
        )
    frame = three_motions(
        backend,
        day,
        segment=rule if rule is not None else (seg or None),
        horizon_days=ws.churn_horizon_days,
    )
    side = "en" if _lang(ws, lang) == "en" else "ja"
    rows = [
        {
            "motion": r["motion"],
            "label": r[f"label_{side}"],
            # Not computed: no number rather than a 0 that reads as a finding.
            "accounts": int(r["accounts"]) if r["computed"] else None,
            "revenue": round(float(r["revenue"])) if r["computed"] else None,
            "revenue_label": r[f"revenue_label_{side}"],
            "definition": r[f"definition_{side}"],
            "computed": bool(r["computed"]),
            "reason": None if r["computed"] else r[f"reason_{side}"],
        }
        for r in frame.to_dict("records")
    ]
    if fmt is Format.table:  # the name says it; scripts read the code from CSV/JSON
        na = "n/a" if side == "en" else "算出できません"
        rows = [
            {
                "label": r["label"],
                "accounts": r["accounts"],
                "amount": r["revenue"],
                "revenue_label": r["revenue_label"],
                "definition": r["definition"] if r["computed"] else f"{na}: {r['reason']}",
            }
            for r in rows
        ]
    render(
        {"as_of": day, "segment": rule if rule is not None else seg, "motions": rows},
        "motions",
        fmt,
        title=f"{heading('新規・深耕・防衛', 'new, expand, defend')} ({day})",
        console=out_console,
    )

"""Commands for living targets: target …, kpi, triggers (feedback: ``_feedback.py``)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

import typer

from rashinban._errors import InvalidValueError
from rashinban._labels import code_label, column_label
from rashinban.cli._app import (
    FormatOpt,
    LangOpt,
    WorkspaceOpt,
    app,
    err_console,
    open_ws,
    out_console,
)
from rashinban.cli._render import Format, caption, heading, render
from rashinban.cli._run import AsOfOpt, as_of_date, parse_as_of

target_app = typer.Typer(
    help="ターゲット定義 (版管理・承認・見直し) / target definitions: versions, approval, reviews.",
    no_args_is_help=True,
)
feedback_app = typer.Typer(
    help="営業フィードバック / sales feedback on leads and accounts.", no_args_is_help=True
)
app.add_typer(target_app, name="target")
app.add_typer(feedback_app, name="feedback")

UserOpt = Annotated[
    str,
    typer.Option(
        "--user", "-u", envvar="RASHINBAN_USER", help="操作するユーザーID / acting user id"
    ),
]
NoteOpt = Annotated[str, typer.Option("--note", "-m", help="変更メモ / change note")]
RefArg = Annotated[
    str, typer.Argument(help="ターゲット名・名前@版・版ID / NAME, NAME@N or a version id")
]
IncludeOpt = Annotated[
    str | None, typer.Option("--include", help="対象セグメントのルール / included segment rule")
]
ExcludeOpt = Annotated[
    list[str] | None, typer.Option("--exclude", help="除外ルール (複数可) / exclusion rule")
]
HypOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--hypothesis",
        help="仮説 (例: 'win_rate >= 0.25'、複数可) / hypothesis, e.g. 'win_rate >= 0.25'",
    ),
]

PositioningOpt = Annotated[
    str | None, typer.Option("--positioning", help="ポジショニング / positioning")
]
PersonaOpt = Annotated[
    list[str] | None, typer.Option("--persona", help="ペルソナ (複数可) / persona")
]


def _days(value: str) -> int:
    """A whole number of days of 1 or more, full-width digits too (９０ is 90)."""
    import unicodedata

    text = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("日").strip()
    if not text.isdigit() or int(text) < 1:
        raise typer.BadParameter(
            f"{value!r} は1以上の日数ではありません (例: 90) / {value!r} is not a number of days "
            "of 1 or more (e.g. 90)"
        )
    return int(text)


CadenceOpt = Annotated[
    int | None,
    typer.Option(
        "--cadence", parser=_days, metavar="DAYS", help="見直し周期 (日) / review cadence (days)"
    ),
]
MarketingOpt = Annotated[
    list[str] | None,
    typer.Option("--marketing", help="マーケ担当 (登録済みユーザー) / marketing owner (user id)"),
]
SalesOpt = Annotated[
    list[str] | None,
    typer.Option("--sales", help="営業担当 (登録済みユーザー) / sales owner (user id)"),
]


class Department(StrEnum):
    """The departments ``target user --department`` takes."""

    marketing = "marketing"
    sales = "sales"
    other = "other"


class CanvasKind(StrEnum):
    """The canvases ``target canvas --kind`` saves."""

    three_c = "3c"
    swot = "swot"


def _store(workspace: Any) -> Any:
    from rashinban.state import open_store

    ws = open_ws(workspace)
    return ws, open_store(ws)


def _lang(ws: Any, lang: str | None) -> str:
    return lang or ws.lang


def _warn_if_empty(ws: Any, definition: Any) -> None:
    """Say so when a target selects no account of a workspace that has accounts.

    Saved all the same: a target may name a market the CRM has not reached yet. An
    empty workspace (the data not imported yet) is not checked.
    """
    from rashinban._errors import UserError
    from rashinban.segments import require_accounts

    backend = ws.backend()
    if int(backend.table("accounts").count().execute()) == 0:
        return
    try:
        require_accounts(backend, definition.rule(), text=definition.include)
    except UserError as exc:
        err_console.print(f"注意 / note: {exc.message}", highlight=False, soft_wrap=True)


# ---------------------------------------------------------------------------- target
@target_app.command("user")
def target_user(
    user_id: Annotated[str, typer.Argument(help="ユーザーID / user id")],
    name: Annotated[str, typer.Option("--name", help="氏名 / name")],
    department: Annotated[
        Department,
        typer.Option("--department", help="部署: マーケティング・営業・その他 / department"),
    ],
    workspace: WorkspaceOpt = None,
) -> None:
    """ユーザーを登録する / register a user of a department."""
    _, store = _store(workspace)
    store.add_user(user_id, name, department.value)
    added = store.user(user_id)["user_id"]
    out_console.print(f"登録しました / added: {added} ({department.value})")


def _definition(
    base: Any,
    include: str | None,
    exclude: list[str] | None,
    positioning: str | None,
    persona: list[str] | None,
    hypothesis: list[str] | None,
    cadence: int | None,
    marketing: list[str] | None,
    sales: list[str] | None,
) -> Any:
    from rashinban.state import Hypothesis, TargetDefinition

    owners = dict(base.owners) if base else {}
    if marketing:
        owners["marketing"] = tuple(marketing)
    if sales:
        owners["sales"] = tuple(sales)
    inc = include or (base.include if base else None)
    if not inc:
        raise typer.BadParameter(
            "新しいターゲットには --include が必要です / --include is required for a new target"
        )
    return TargetDefinition(
        include=inc,
        exclude=tuple(exclude) if exclude is not None else (base.exclude if base else ()),
        positioning=positioning if positioning is not None else (base.positioning if base else ""),
        personas=tuple(persona) if persona is not None else (base.personas if base else ()),
        hypotheses=tuple(Hypothesis.parse(h) for h in hypothesis)
        if hypothesis is not None
        else (base.hypotheses if base else ()),
        cadence_days=cadence or (base.cadence_days if base else 90),
        owners=owners,
        rationale=base.rationale if base else (),
    )


@target_app.command("create")
def target_create(
    name: Annotated[str, typer.Argument(help="ターゲット名 / target name")],
    user: UserOpt,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    positioning: PositioningOpt = None,
    persona: PersonaOpt = None,
    hypothesis: HypOpt = None,
    cadence: CadenceOpt = None,
    marketing: MarketingOpt = None,
    sales: SalesOpt = None,
    note: NoteOpt = "初版 / first version",
    workspace: WorkspaceOpt = None,
) -> None:
    """ターゲットを作成する (版1) / create a target (version 1)."""
    ws, store = _store(workspace)
    store.check_owners({"marketing": marketing or (), "sales": sales or ()})
    d = _definition(
        None, include, exclude, positioning, persona, hypothesis, cadence, marketing, sales
    )
    rev = store.save(name, d, author=user, note=note, new=True)
    out_console.print(f"{name}@{rev.number} {rev.short_id}")
    _next_step(store, rev)
    _warn_if_empty(ws, d)


@target_app.command("edit")
def target_edit(
    name: Annotated[str, typer.Argument(help="ターゲット名 / target name")],
    user: UserOpt,
    note: NoteOpt,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    positioning: PositioningOpt = None,
    persona: PersonaOpt = None,
    hypothesis: HypOpt = None,
    cadence: CadenceOpt = None,
    marketing: MarketingOpt = None,
    sales: SalesOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """変更して新しい版を作る (上書きしない) / save a changed copy as a new version."""
    from rashinban.state import TargetDefinition

    ws, store = _store(workspace)
    latest = store.revision(name)
    if latest.kind != "target":
        from rashinban.state._words import shell_word

        word = shell_word(name)
        raise InvalidValueError(
            f"{name!r} はターゲットではなく{code_label('kind', latest.kind)}です / "
            f"{name!r} is a {code_label('kind', latest.kind, 'en')}, not a target",
            value=name,
            fix=f"キャンバスは 'rashinban target canvas {word} --kind "
            f"{latest.kind.removeprefix('canvas_')} --item 項目=内容' で新しい版にしてください / "
            f"save a new canvas version with 'rashinban target canvas {word} --kind "
            f"{latest.kind.removeprefix('canvas_')} --item FIELD=TEXT'",
        )
    store.check_owners({"marketing": marketing or (), "sales": sales or ()})
    base = TargetDefinition.from_content(latest.content)
    d = _definition(
        base, include, exclude, positioning, persona, hypothesis, cadence, marketing, sales
    )
    rev = store.save(name, d, author=user, note=note, parent=latest.version_id)
    out_console.print(f"{name}@{rev.number} {rev.short_id}")
    if include is not None or exclude is not None:
        _warn_if_empty(ws, d)


@target_app.command("list")
def target_list(
    workspace: WorkspaceOpt = None, fmt: FormatOpt = Format.table, lang: LangOpt = None
) -> None:
    """ターゲットとキャンバスの一覧 / list targets and canvases."""
    _, store = _store(workspace)
    render({"targets": store.definitions()}, "targets", fmt)


@target_app.command("show")
def target_show(
    ref: RefArg,
    workspace: WorkspaceOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
) -> None:
    """ある版の内容 / show one version."""
    from rashinban.segments import parse_rule

    ws, store = _store(workspace)
    rev = store.resolve(ref)
    active = store.active(rev.name)
    payload = {
        "name": rev.name,
        "version": rev.number,
        "version_id": rev.version_id,
        "active": active is not None and active.version_id == rev.version_id,
        "author": rev.author,
        "at": rev.at.isoformat(),
        "note": rev.note,
        **rev.content,
    }
    shown = _lang(ws, lang)
    if rev.kind == "target":
        payload["description"] = parse_rule(rev.content["include"]).describe(shown)
    if fmt is Format.table:  # for people: labelled fields, hypotheses as they are written
        from rashinban.state._words import FIELD_LABELS, field_label

        rows = [
            {
                "field": field_label(k, shown) if k in FIELD_LABELS else column_label(k, shown),
                "value": _field_text(k, v, shown),
            }
            for k, v in payload.items()
        ]
    else:  # CSV and JSON keep the stored keys and values
        rows = [{"field": k, "value": v} for k, v in payload.items()]
    render(payload | {"fields": rows}, "fields", fmt, title=f"{rev.name}@{rev.number}")


def _field_text(field: str, value: Any, lang: str) -> Any:
    """One field of a version as ``target show`` prints it for people."""
    from rashinban._labels import hypothesis_text

    en = lang == "en"
    if isinstance(value, bool):
        return ("yes" if value else "no") if en else ("はい" if value else "いいえ")
    if field == "hypotheses" and isinstance(value, list):
        return "; ".join(
            hypothesis_text(h["kpi"], h["op"], float(h["value"]), lang)
            + (f" ({h['note']})" if h.get("note") else "")
            for h in value
        )
    if field == "kind":
        from rashinban._labels import code_label

        return code_label("kind", value, lang)  # target → ターゲット, canvas_3c → 3Cキャンバス
    from rashinban.state._words import owners_text, rationale_text

    if field == "owners" and isinstance(value, dict):
        return owners_text(value, lang)
    if field == "rationale" and isinstance(value, list):
        return "; ".join(rationale_text(item, lang) for item in value)
    return value


@target_app.command("history")
def target_history(
    name: Annotated[str, typer.Argument(help="ターゲット名 / target name")],
    workspace: WorkspaceOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
) -> None:
    """版の履歴 / versions (oldest first) with author, time, note and approvals."""
    ws, store = _store(workspace)
    active = store.active(name)
    rows = [
        {
            "version": r.number,
            "version_id": r.version_id,  # a table shows the first 12 digits
            "author": r.author,
            "at": r.at.isoformat(timespec="seconds"),
            "note": r.note,
            "approvals": [
                {"user_id": a["user_id"], "department": a["department"]}
                for a in store.approvals(r.version_id)
            ],
            # As `show` says it: the version whose content is active.
            "active": active is not None and active.version_id == r.version_id,
        }
        for r in store.history(name)
    ]
    if fmt is Format.table:  # approvals read as people write them: mkt (マーケティング)
        from rashinban.state._words import department_label

        shown = _lang(ws, lang)
        for row in rows:
            row["approvals"] = ", ".join(
                f"{a['user_id']} ({department_label(a['department'], shown)})"
                for a in row["approvals"]
            )
    render({"versions": rows}, "versions", fmt, title=name)


@target_app.command("audit")
def target_audit(
    name: Annotated[
        str | None,
        typer.Argument(
            help="ターゲット・キャンバス・ユーザーID (省略で全件) / target, canvas or user"
        ),
    ] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="操作したユーザー / by user")] = None,
    action: Annotated[
        str | None,
        typer.Option(
            "--action",
            help="操作 (コードか名前: save, 承認 …) / action, by code or name: add_user, save, "
            "approve, activate, review, feedback, win_story",
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="この日以降 (YYYY-MM-DD, UTC) / from this day")
    ] = None,
    workspace: WorkspaceOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
) -> None:
    """監査ログ: 誰がいつ何をしたか / the audit log: who did what, when (oldest first)."""
    from rashinban._errors import InvalidValueError
    from rashinban.state._words import AUDIT_ACTIONS, audit_action, audit_detail_text

    code = None if action is None else audit_action(action)
    if action is not None and code is None:
        # Each half names the actions in its own language (save (版の保存) / save (version saved)).
        names_ja = ", ".join(f"{c} ({ja})" for c, (ja, _) in AUDIT_ACTIONS.items())
        names_en = ", ".join(f"{c} ({en})" for c, (_, en) in AUDIT_ACTIONS.items())
        raise InvalidValueError(
            f"操作 {action!r} はありません / unknown action {action!r}",
            value=action,
            fix=f"次のいずれかを指定してください: {names_ja} / use one of {names_en}",
        )
    day = parse_as_of(since, "--since")
    start = None if day is None else dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    ws, store = _store(workspace)
    shown = _lang(ws, lang)
    en = shown == "en"
    # The table reads the detail in words; CSV and JSON keep the stored keys and values.
    rows = [
        {
            "seq": e["seq"],
            "at": e["at"].isoformat(timespec="seconds"),
            "actor": e["actor"],
            "action": e["action"],
            "action_label": AUDIT_ACTIONS.get(e["action"], (e["action"], e["action"]))[en],
            "object": e["object"],
            "detail": (
                audit_detail_text(e["action"], e["detail"], shown)
                if fmt is Format.table
                else e["detail"]
            ),
        }
        for e in store.audit_log(obj=name, actor=actor, action=code, since=start)
    ]
    if not rows:  # a NAME or --actor never logged is a typo, not a clean record
        store.require_logged(obj=name, actor=actor)
    render({"entries": rows}, "entries", fmt, title=name or heading("監査ログ", "audit log"))


@target_app.command("approve")
def target_approve(
    ref: RefArg,
    user: UserOpt,
    workspace: WorkspaceOpt = None,
) -> None:
    """版を承認する (マーケと営業の両方が必要) / approve a version."""
    _, store = _store(workspace)
    rev = store.resolve(ref)
    store.approve(rev.version_id, user)
    out_console.print(f"承認しました / approved: {rev.name}@{rev.number} by {user}")
    if store.user(user)["department"] not in ("marketing", "sales"):
        out_console.print(
            "この承認は記録しましたが、有効化の条件 (マーケティングと営業の承認) には数えません / "
            "recorded, but only marketing and sales approvals count toward activation",
            highlight=False,
        )
    _next_step(store, rev)


def _next_step(store: Any, rev: Any) -> None:
    from rashinban.state._words import approval_step_text  # missing approvals, or activate

    text = approval_step_text(f"{rev.name}@{rev.number}", store.missing_approvals(rev.version_id))
    out_console.print(text, highlight=False, soft_wrap=True)


@target_app.command("activate")
def target_activate(
    ref: RefArg,
    user: UserOpt,
    workspace: WorkspaceOpt = None,
) -> None:
    """承認済みの版を有効にする / make an approved version the active one."""
    _, store = _store(workspace)
    rev = store.resolve(ref)
    current = store.active(rev.name)
    if current is not None and current.version_id == rev.version_id:
        store.user(user)  # an unknown user is refused all the same
        out_console.print(
            f"すでに有効です (変更なし) / already active, nothing changed: "
            f"{current.name}@{current.number}"
        )
        return
    rev = store.activate(rev.version_id, user)
    out_console.print(f"有効化しました / active: {rev.name}@{rev.number}")


@target_app.command("diff")
def target_diff(
    a: Annotated[str, typer.Argument(help="比較元 / from: NAME@N or id")],
    b: Annotated[str, typer.Argument(help="比較先 / to: NAME@N or id")],
    workspace: WorkspaceOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
) -> None:
    """2つの版の違いを文章で / what changed between two versions, in words."""
    from rashinban.state import diff_contents

    ws, store = _store(workspace)
    ra, rb = store.resolve(a), store.resolve(b)
    if ra.kind != rb.kind:
        raise InvalidValueError(
            f"{ra.name}@{ra.number} ({code_label('kind', ra.kind)}) と {rb.name}@{rb.number} "
            f"({code_label('kind', rb.kind)}) は種類が違うので比べられません / "
            f"{ra.name}@{ra.number} is a {code_label('kind', ra.kind, 'en')} and "
            f"{rb.name}@{rb.number} a {code_label('kind', rb.kind, 'en')}: they cannot be compared",
            fix="同じ種類の2つの版を指定してください (例: 名前@1 名前@2) / "
            "compare two versions of the same kind (e.g. NAME@1 NAME@2)",
        )
    changes = diff_contents(ra.content, rb.content, _lang(ws, lang))
    render(
        {"changes": [{"change": c} for c in changes]},
        "changes",
        fmt,
        title=f"{ra.name}@{ra.number} → {rb.name}@{rb.number}",
    )


@target_app.command("review")
def target_review(
    name: Annotated[str, typer.Argument(help="ターゲット名 (または NAME@N) / target")],
    user: UserOpt,
    workspace: WorkspaceOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
) -> None:
    """仮説を実績で判定し改善案を出す (保存) / judge hypotheses, propose actions, store it."""
    from rashinban._labels import hypothesis_text
    from rashinban.segments import parse_rule
    from rashinban.targets import VERDICTS, run_review

    ws, store = _store(workspace)
    backend = ws.backend()
    review = run_review(store, backend, name, as_of=as_of_date(ws, as_of, backend), author=user)
    en = _lang(ws, lang) == "en"
    shown = "en" if en else "ja"
    rows = [
        {
            "kind": "verdict",
            "item": hypothesis_text(v["kpi"], v["op"], float(v["value"]), shown),
            "result": VERDICTS[v["verdict"]][1 if en else 0],
            "reason": v["reason_en" if en else "reason_ja"],
        }
        for v in review["verdicts"]
    ] + [
        {
            "kind": p["kind"],
            "item": parse_rule(p["rule"]).describe(shown) if p.get("rule") else "",
            "result": f"{'proposal' if en else '提案'} #{i}",  # the number --accept takes
            "reason": p["reason_en" if en else "reason_ja"],
        }
        for i, p in enumerate(review["proposals"], 1)
    ]
    render(
        review | {"rows": rows},
        "rows",
        fmt,
        title=f"{review['name']}@{review['version']} {review['as_of']} "
        f"review {review['review_id'][:12]}",
    )
    caption(review["back_test_en" if en else "back_test_ja"], fmt)


@target_app.command("draft")
def target_draft(
    review_id: Annotated[str, typer.Argument(help="見直しID / review id (prefix)")],
    user: UserOpt,
    accept: Annotated[
        list[str] | None,
        typer.Option(
            "--accept",
            help="採用する提案の番号 (見直しの表の 提案 #N、繰り返し可) か all。必須 / "
            "proposal numbers as the review shows them (repeatable), or all; required",
        ),
    ] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """見直しの提案から新しい下書き版を作る / start a draft version from a review."""
    from rashinban.targets._draft import choose_proposals, draft_from_review

    _, store = _store(workspace)
    chosen, skipped = choose_proposals(store, review_id, accept or []), list[tuple[str, str]]()
    rev = draft_from_review(store, review_id, author=user, accept=chosen, skipped=skipped)
    for ja, en in skipped:
        out_console.print(f"{ja} / {en}", highlight=False)
    if rev is None:
        out_console.print("変更がないので版は保存しません / nothing changes: no version saved")
        return
    out_console.print(f"下書き / draft: {rev.name}@{rev.number} {rev.short_id}")
    _next_step(store, rev)


@target_app.command("canvas")
def target_canvas(
    name: Annotated[str, typer.Argument(help="キャンバス名 / canvas name")],
    kind: Annotated[CanvasKind, typer.Option("--kind", help="種類 / canvas kind: 3c|swot")],
    user: UserOpt,
    item: Annotated[
        list[str],
        typer.Option(
            "--item",
            help="項目=内容 (複数可、例: strengths=導入実績) / FIELD=TEXT, repeatable "
            "(e.g. strengths=導入実績)",
        ),
    ],
    note: Annotated[
        str | None,
        typer.Option(
            "--note",
            "-m",
            help="変更メモ (省略で 初版、または変わった項目) / change note (default: first "
            "version, or the fields changed)",
        ),
    ] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """3C・SWOTキャンバスを版として保存する / save a 3C or SWOT canvas version."""
    from rashinban.state import Canvas, canvas_note

    _, store = _store(workspace)
    fields: dict[str, list[str]] = {}
    for it in item:
        key, eq, text = it.partition("=")
        if not eq:
            raise typer.BadParameter(
                f"{it!r}: FIELD=TEXT の形で書いてください / write it as FIELD=TEXT",
                param_hint="--item",
            )
        if not text.strip():
            raise InvalidValueError(
                f"--item {it!r} の内容が空です / --item {it!r} has no text",
                fix=f"'{key.strip()}=内容' と書くか、その --item を外してください / "
                f"write '{key.strip()}=TEXT', or leave that --item out",
            )
        fields.setdefault(key.strip(), []).append(text.strip())
    canvas = Canvas(f"canvas_{kind.value}", {k: tuple(v) for k, v in fields.items()})  # type: ignore[arg-type]
    note = note or canvas_note(store, name, canvas)
    rev = store.save(name, canvas, author=user, note=note)
    out_console.print(f"{name}@{rev.number} {rev.short_id}")


# ---------------------------------------------------------------------------- kpi
class Period(StrEnum):
    """The periods of ``kpi --period``: the names of :data:`rashinban.kpi.PERIODS` (not
    imported here, so that the command line starts without loading the KPI engine). A
    choice, so that ``--help`` lists them in either language and a wrong one is wrong
    usage (exit 2), as a wrong ``--format`` is."""

    week = "week"
    month = "month"
    quarter = "quarter"
    year = "year"
    fiscal_quarter = "fiscal_quarter"
    fiscal_year = "fiscal_year"


@app.command()
def kpi(
    workspace: WorkspaceOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    period: Annotated[
        Period,
        typer.Option(
            "--period",
            help="集計単位 (year は暦年、fiscal_year と fiscal_quarter は rashinban.toml の "
            "fiscal_year_start_month の月に始まる年度) / period (year: the calendar year; "
            "fiscal_year, fiscal_quarter: from the month rashinban.toml's "
            "fiscal_year_start_month sets)",
        ),
    ] = Period.month,
    target: Annotated[
        list[str] | None, typer.Option("--target", help="ターゲット名 (複数可) / target")
    ] = None,
    segment: Annotated[
        list[str] | None, typer.Option("--segment", help="セグメントのルール / segment rule")
    ] = None,
    lang: LangOpt = None,
) -> None:
    """KPIファネル (全社・ターゲット・セグメント × 期間) / the KPI funnel per scope and period."""
    from rashinban.targets import kpi_rows

    ws, store = _store(workspace)
    backend = ws.backend()
    # Read through the settings registry: a value outside 1-12 never gets here.
    start_month = int(ws.config["analysis"]["fiscal_year_start_month"])
    rows = kpi_rows(
        store,
        backend,
        as_of=as_of_date(ws, as_of, backend),
        period=period.value,
        targets=target or (),
        segments=segment or (),
        fiscal_year_start_month=start_month,
        lang=_lang(ws, lang),
    )
    # Not strftime("%B"): the English name whatever the locale.
    months_en = (
        "January February March April May June July August September October November December"
    ).split()
    month_en = months_en[start_month - 1]
    names = {
        "week": ("週次", "weekly"),
        "month": ("月次", "monthly"),
        "quarter": ("四半期", "quarterly"),
        "year": ("年次", "yearly"),
        "fiscal_quarter": (
            f"年度四半期, {start_month}月始まり",
            f"fiscal quarters from {month_en}",
        ),
        "fiscal_year": (f"年度, {start_month}月始まり", f"fiscal years from {month_en}"),
    }
    title = f"KPI ({heading(*names[period.value])})"
    shown = _compact_kpi(rows, _lang(ws, lang)) if fmt is Format.table else rows
    render({"rows": shown}, "rows", fmt, title=title)


#: Columns the terminal folds into the period's name (CSV and JSON keep them).
_PERIOD_DAYS = ("period_start", "counted_from", "counted_to", "partial")


def _compact_kpi(rows: list[dict[str, Any]], lang: str = "ja") -> list[dict[str, Any]]:
    """The KPI rows as a terminal shows them: a rate with its interval in one cell
    (21% (18%–24%)), shares such as NRR as percentages (100%), no period dates, and a
    partial period named with the days it covers (2022年度 (一部: 2023-01-01〜2023-03-31)).
    CSV and JSON keep every column."""
    from rashinban.kpi import KPIS

    shares = {k for k, kpi in KPIS.items() if kpi.unit == "share"}
    out = []
    for row in rows:
        shown: dict[str, Any] = {}
        for key, value in row.items():
            if key in _PERIOD_DAYS or key.endswith(("_low", "_high")):
                continue
            if key == "period" and row.get("partial"):
                first, last = row["counted_from"], row["counted_to"]
                part = f"partial: {first} to {last}" if lang == "en" else f"一部: {first}〜{last}"
                value = f"{value} ({part})"
            low, high = row.get(f"{key}_low"), row.get(f"{key}_high")
            # Every rate is a share in the KPI registry (its unit says how to show it).
            if key in shares and isinstance(value, int | float) and value == value:
                interval = (
                    f" ({low:.0%}–{high:.0%})"
                    if isinstance(low, float) and isinstance(high, float) and low == low
                    else ""
                )
                shown[key] = f"{value:.0%}{interval}"
            else:
                shown[key] = value
        out.append(shown)
    return out


@app.command()
def triggers(
    workspace: WorkspaceOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
) -> None:
    """見直しのきっかけ (定期・KPI変化・イベント・リード構成・営業の声) / review triggers."""
    from rashinban.targets import all_triggers

    ws, store = _store(workspace)
    backend = ws.backend()
    frame = all_triggers(store, backend, as_of=as_of_date(ws, as_of, backend))
    en = _lang(ws, lang) == "en"
    rows = [
        {
            "target": r["target"],
            "kind": r["kind"],
            "detected_at": r["detected_at"].isoformat(),
            "reason": r["reason_en"] if en else r["reason"],
            "version": int(r["version"]),
        }
        for r in frame.to_dict("records")
    ]
    render({"triggers": rows}, "triggers", fmt)


# The feedback commands live in their own module; importing it here registers them
# right after the target commands, so ``rashinban --help`` lists them in this order.
from rashinban.cli import _feedback  # noqa: E402, F401

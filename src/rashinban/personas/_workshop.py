"""Workshop kit: a best-customer worksheet filled from data, and quick win-story capture.

The worksheet follows the four headings of a best-customer interview sheet —
事業・組織の状況 (business and organisation), 担当者の人物像 (the person),
購買決定の要因 (why they bought) and 関係性の質 (quality of the relationship) —
and adds what the chosen customers have in common. Every line names the rows or
notes it comes from.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pandas as pd

from rashinban._errors import InvalidValueError, UnknownIdError
from rashinban._labels import count_en, value_label
from rashinban._rows import first_row
from rashinban.engine import RECORDED_NOTES
from rashinban.normalize import PREFECTURES
from rashinban.personas._roles import role_name
from rashinban.text._tokenize import sentences
from rashinban.workspace import Workspace

HEADINGS: dict[str, tuple[str, str]] = {
    "business": ("事業・組織の状況", "Business and organisation"),
    "person": ("担当者の人物像", "The people"),
    "decision": ("購買決定の要因", "Why they bought"),
    "relationship": ("関係性の質", "Quality of the relationship"),
}
_DECISIVE = re.compile(r"決め手|評価|選ばれ|勝った|上回|即決|効いた")
_PREFECTURE_EN = {ja: en for _, ja, en in PREFECTURES}


def _text(value: object) -> str:
    """A field as written, or "" when it is empty (None, NaN, blanks)."""
    return value.strip() if isinstance(value, str) else ""


def _prefecture(value: object, lang: str) -> str:
    """A prefecture as the language names it: 北海道 reads Hokkaido in English."""
    text = _text(value)
    return _PREFECTURE_EN.get(text, text) if lang == "en" else text


def _a(noun: str) -> str:
    """``noun`` with its English indefinite article: a user, an influencer.

    By the first letter, u excepted: the role names starting with u sound "you" (user).
    """
    return f"{'an' if noun[:1].lower() in 'aeio' else 'a'} {noun}"


def _line(text_ja: str, text_en: str, ids: Sequence[str]) -> dict[str, Any]:
    return {"text": text_ja, "text_en": text_en, "evidence": [str(i) for i in ids]}


def _product_names(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """``{product_id: name}`` from ``tables["products"]``; a product with no name keeps its id."""
    products = tables.get("products")
    if products is None or products.empty:
        return {}
    return {
        str(pid): _text(name) or str(pid)
        for pid, name in zip(products["product_id"], products["name"], strict=True)
    }


def _product(names: dict[str, str], product_id: object) -> str:
    """A product as the rest of the output names it: its name, else its id, else ―."""
    pid = _text(product_id)
    return names.get(pid, pid) or "―"


def _rows(tables: dict[str, pd.DataFrame], name: str, account_id: str) -> pd.DataFrame:
    frame = tables.get(name)
    if frame is None or frame.empty:
        return pd.DataFrame()
    return frame[frame["account_id"].astype(str) == account_id]


def _business(acc: pd.Series, aid: str) -> tuple[str, str]:
    """The account in one line (name, industry, employees, prefecture), each language.

    A fact the import left blank is left out rather than shown as None or NaN.
    """
    name = _text(acc.get("name")) or aid
    employees = pd.to_numeric(pd.Series([acc.get("employees")]), errors="coerce").iloc[0]
    known = pd.notna(employees) and math.isfinite(float(employees))
    industry = _text(acc.get("industry"))
    ja = [
        industry,
        f"従業員{int(employees):,}名" if known else "",
        _prefecture(acc.get("prefecture"), "ja"),
    ]
    en = [
        industry,
        f"{int(employees):,} employees" if known else "",
        _prefecture(acc.get("prefecture"), "en"),
    ]
    ja_facts, en_facts = "、".join(p for p in ja if p), ", ".join(p for p in en if p)
    return (
        f"{name}（{ja_facts}）" if ja_facts else name,
        f"{name} ({en_facts})" if en_facts else name,
    )


def _sheet(tables: dict[str, pd.DataFrame], aid: str) -> dict[str, list[dict[str, Any]]]:
    acc = _rows(tables, "accounts", aid).iloc[0]
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in HEADINGS}
    b = out["business"]
    b.append(_line(*_business(acc, aid), [aid]))
    names = _product_names(tables)
    subs = _rows(tables, "subscriptions", aid)
    if len(subs):
        live = subs[subs["ended_at"].isna()]
        pids = sorted(live["product_id"].astype(str).unique())
        prods = ", ".join(_product(names, pid) for pid in pids) or "―"
        b.append(
            _line(
                f"契約中の製品: {prods}（月額合計 {live['mrr'].sum():,.0f}円）",
                f"Active products: {prods} (MRR ¥{live['mrr'].sum():,.0f})",
                live["subscription_id"],
            )
        )
    p = out["person"]
    for c in _rows(tables, "contacts", aid).itertuples():
        # The role is a code (decision_maker …): named in the sheet's language.
        where_ja = " ".join(t for t in (_text(c.department), _text(c.title)) if t)
        where_en = ", ".join(t for t in (_text(c.title), _text(c.department)) if t)
        p.append(
            _line(
                f"{c.name}: {where_ja}（{role_name(c.role)}）",
                f"{c.name}: {where_en} ({role_name(c.role, 'en')})",
                [c.contact_id],
            )
        )
    d = out["decision"]
    deals = _rows(tables, "deals", aid)
    won = deals[deals["outcome"] == "won"] if len(deals) else deals
    for x in won.itertuples():
        days = (pd.Timestamp(x.closed_at) - pd.Timestamp(x.created_at)).days
        comp = _text(x.competitor)
        product = _product(names, x.product_id)
        d.append(
            _line(
                f"受注 {x.deal_id}: {product}、{x.amount:,.0f}円、{days}日で成約、"
                + (f"競合 {comp}" if comp else "競合なし"),
                f"Won {x.deal_id}: {product}, ¥{x.amount:,.0f}, closed in {days} days, "
                + (f"competitor {comp}" if comp else "no competitor"),
                [x.deal_id],
            )
        )
    notes = _rows(tables, "notes", aid)
    if len(notes):
        wl = (
            notes[(notes["kind"] == "win_loss") & notes["deal_id"].isin(won["deal_id"])]
            if len(won)
            else notes[:0]
        )
        for n in wl.itertuples():
            for s in sentences(n.text):
                if _DECISIVE.search(s):
                    d.append(_line(s, s, [n.note_id]))
    leads = _rows(tables, "leads", aid)
    if len(leads):
        first = leads.sort_values("created_at").iloc[0]
        d.append(
            _line(
                f"最初の接点: {first['channel']}（{first['lead_id']}）",
                f"First touch: {first['channel']}",
                [first["lead_id"]],
            )
        )
    r = out["relationship"]
    surveys = _rows(tables, "surveys", aid)
    if len(surveys):
        last = surveys.sort_values("answered_at").iloc[-1]
        r.append(
            _line(
                f"NPS 平均 {surveys['nps'].mean():.1f}（{len(surveys)}件）、"
                f"最新 {int(last['nps'])}",
                f"NPS mean {surveys['nps'].mean():.1f} ({len(surveys)} answers), "
                f"latest {int(last['nps'])}",
                surveys["response_id"],
            )
        )
        if isinstance(last["comment"], str):
            r.append(
                _line(
                    f"最新のコメント: {last['comment']}",
                    f"Latest comment: {last['comment']}",
                    [last["response_id"]],
                )
            )
    tickets = _rows(tables, "tickets", aid)
    if len(tickets):
        scored = pd.to_numeric(tickets["satisfaction"], errors="coerce").dropna()
        if scored.empty:
            sat_ja, sat_en = "満足度の記録なし", "no satisfaction scores"
        else:
            sat_ja = f"満足度平均 {scored.mean():.1f}"
            sat_en = f"mean satisfaction {scored.mean():.1f}"
            if len(scored) < len(tickets):  # the mean of the scored ones, said so
                sat_ja += f"（記録のある{len(scored)}件）"
                sat_en += f" ({len(scored)} scored)"
        r.append(
            _line(
                f"問い合わせ {len(tickets)}件、{sat_ja}",
                f"{count_en(len(tickets), 'ticket')}, {sat_en}",
                tickets["ticket_id"],
            )
        )
    if len(notes):
        meetings = notes[notes["kind"] == "meeting"]
        if len(meetings):
            r.append(
                _line(
                    f"定例・面談の記録 {len(meetings)}件",
                    count_en(len(meetings), "meeting note"),
                    meetings["note_id"],
                )
            )
    return out


def workshop(tables: dict[str, pd.DataFrame], best_account_ids: Sequence[str]) -> dict[str, Any]:
    """A worksheet for the best ``N`` customers, filled from data and notes.

    Parameters
    ----------
    tables
        Canonical tables as of the workshop's date (see :func:`rashinban.text.voice_tables`);
        ``subscriptions`` is used when present, and ``products`` names the products
        (a deal reads 「受注 D0000101: コアプラットフォーム」, not its product id).
    best_account_ids
        The customers the team picked (3 is the classic start); an id given twice
        counts once.

    Returns
    -------
    dict
        ``{"headings": {key: [ja, en]}, "accounts": [{"account_id", "sheet": {key: [line]}}],
        "common": [line]}``; every line is ``{"text", "text_en", "evidence": [ids]}``.

    Examples
    --------
    >>> sheet = workshop(tables, ["A000012", "A000034", "A000056"])  # doctest: +SKIP
    >>> sheet["accounts"][0]["sheet"]["decision"][0]["text"]  # doctest: +SKIP
    '受注 D0000101: コアプラットフォーム、1,200,000円、35日で成約、競合なし'
    """
    # An id given twice is one customer, as lookalike counts it: it neither gets two
    # sheets nor makes a trait "shared" by itself.
    ids = list(dict.fromkeys(str(a) for a in best_account_ids))
    if not ids:
        raise InvalidValueError(
            "ワークショップには取引先IDが1つ以上必要です / workshop needs at least one account id",
            fix="優良顧客を3社指定してください / pass 3 best customers",
        )
    known = set(tables["accounts"]["account_id"].astype(str))
    missing = [a for a in ids if a not in known]
    if missing:
        raise UnknownIdError(
            f"取引先ID {', '.join(missing)} はワークスペースにありません / "
            f"unknown account id(s): {', '.join(missing)}",
            fix="取引先テーブルの account_id を使ってください / "
            "use account_id values from the accounts table",
        )
    acc = tables["accounts"].set_index(tables["accounts"]["account_id"].astype(str)).loc[ids]
    common = []
    # What the chosen customers share (seed: 共通点を言語化する).
    size = pd.cut(
        acc["employees"],
        [0, 29, 99, 299, 999, 10**9],
        labels=["〜29名", "30〜99名", "100〜299名", "300〜999名", "1,000名〜"],
    )
    for label_ja, label_en, values in (
        ("業種", "industry", acc["industry"]),
        ("従業員規模", "size", size.astype(str)),
        ("所在地", "prefecture", acc["prefecture"]),
    ):
        for value, n in Counter(values.astype(str)).most_common():
            if n >= 2:
                who = list(values[values.astype(str) == value].index)
                en = _prefecture(value, "en") if label_en == "prefecture" else value
                common.append(
                    _line(
                        f"{label_ja}が{value}（{n}/{len(ids)}社）",
                        f"{n}/{len(ids)} share {label_en} {value_label(en, 'en')}",
                        who,
                    )
                )
    contacts = tables["contacts"][tables["contacts"]["account_id"].astype(str).isin(ids)]
    for role, n in Counter(contacts.drop_duplicates(["account_id", "role"])["role"]).most_common():
        if n >= 2:
            common.append(
                _line(
                    f"{n}/{len(ids)}社に役割「{role_name(role)}」の担当者がいる",
                    f"{n}/{len(ids)} have {_a(role_name(role, 'en'))} contact",
                    contacts[contacts["role"] == role]["contact_id"],
                )
            )
    return {
        "headings": {k: list(v) for k, v in HEADINGS.items()},
        "accounts": [
            {"account_id": a, "name": str(acc.loc[a, "name"]), "sheet": _sheet(tables, a)}
            for a in ids
        ],
        "common": common,
    }


def record_win_story(
    ws: Workspace,
    account_id: str,
    text: str,
    *,
    author: str,
    written_at: dt.date,
    deal_id: str | None = None,
) -> str:
    """Append a win story as a ``win_loss`` note in one transaction; return its note id.

    The new id continues the workspace's ``N`` + digits numbering (``N0004385``
    after ``N0004384``), or starts at ``N0000001``. The id is also listed in
    :data:`rashinban.engine.RECORDED_NOTES`, so the story is read as a note but never
    moves the end of the data (:func:`rashinban.engine.data_span`): a story written
    today leaves the default as-of date at the end of the imported records.

    Examples
    --------
    >>> record_win_story(ws, "A000012", "紹介で受注。決め手は導入支援。",  # doctest: +SKIP
    ...                  author="佐藤", written_at=dt.date(2025, 12, 1))
    'N0004385'
    """
    if not text or not text.strip():
        raise InvalidValueError(
            "受注ストーリーが空です / the win story is empty",
            fix="何があり、なぜ選ばれたかを書いてください / "
            "write what happened and why they chose us",
        )
    with ws.connect() as con:
        con.execute("BEGIN TRANSACTION")
        try:
            found = first_row(
                con, "SELECT count(*) FROM accounts WHERE account_id = ?", [account_id]
            )
            if not found or not found[0]:
                raise UnknownIdError(
                    f"取引先ID {account_id!r} はありません / unknown account id {account_id!r}",
                    fix="取引先テーブルの account_id を使ってください / "
                    "use an account_id from the accounts table",
                )
            if deal_id is not None:
                d = first_row(
                    con,
                    "SELECT count(*) FROM deals WHERE deal_id = ? AND account_id = ?",
                    [deal_id, account_id],
                )
                if not d or not d[0]:
                    raise UnknownIdError(
                        f"商談 {deal_id!r} は {account_id} の商談ではありません / "
                        f"deal {deal_id!r} is not a deal of {account_id}",
                        fix="商談IDを確かめてください / check the deal id",
                    )
            row = first_row(
                con,
                "SELECT max(CAST(substr(note_id, 2) AS BIGINT)) FROM notes "
                "WHERE regexp_full_match(note_id, 'N[0-9]+')",
            )
            note_id = f"N{(row[0] if row and row[0] is not None else 0) + 1:07d}"
            con.execute(
                "INSERT INTO notes (note_id, account_id, deal_id, written_at, kind, author, text) "
                "VALUES (?, ?, ?, ?, 'win_loss', ?, ?)",
                [note_id, account_id, deal_id, written_at, author, text.strip()],
            )
            schema, listed = RECORDED_NOTES
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            con.execute(
                f"CREATE TABLE IF NOT EXISTS {schema}.{listed} (note_id VARCHAR PRIMARY KEY)"
            )
            con.execute(f"INSERT OR IGNORE INTO {schema}.{listed} VALUES (?)", [note_id])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return note_id

"""The canonical CRM/SFA data model, declared once as data.

DDL, import validation, the docs page and CLI help are all derived from
:data:`TABLES`. Names are the public contract (see PRODUCT.md): users query
these tables with any SQL tool.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnKind = Literal[
    "id",  # a text key or reference
    "text",  # a short text field: NFKC, trimmed, inner whitespace collapsed on import
    "longtext",  # free text (notes, comments): NFKC and trimmed, line breaks kept
    "name",  # a company or person name
    "company_name",  # company name; the legal form is split off into legal_form
    "corporate_number",  # 法人番号, 13 digits with a check digit
    "prefecture",  # 都道府県: official name
    "prefecture_code",  # JIS X 0401 two-digit code
    "date",  # stored as DATE (ISO)
    "int",  # a whole count (employees, quantity)
    "money",  # an amount of money (JPY unless the workspace says otherwise)
    "float",  # any other number
    "enum",  # one of a fixed set of values
    "email",
]

_SQL_TYPES: dict[str, str] = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "longtext": "VARCHAR",
    "name": "VARCHAR",
    "company_name": "VARCHAR",
    "corporate_number": "VARCHAR",
    "prefecture": "VARCHAR",
    "prefecture_code": "VARCHAR",
    "date": "DATE",
    "int": "BIGINT",
    "money": "DOUBLE",
    "float": "DOUBLE",
    "enum": "VARCHAR",
    "email": "VARCHAR",
}


@dataclass(frozen=True)
class Column:
    """One canonical column.

    ``low``/``high`` bound numeric values (inclusive); ``values`` lists an enum's
    allowed values; ``references`` names the table whose key this column holds.
    """

    name: str
    kind: ColumnKind
    ja: str
    en: str
    values: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    references: str | None = None

    @property
    def sql_type(self) -> str:
        return _SQL_TYPES[self.kind]


@dataclass(frozen=True)
class Table:
    """One canonical table: its key columns and its columns, in order."""

    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    ja: str
    en: str
    extra: dict[str, str] = field(default_factory=dict)
    #: Physical order rows are written in: per-account analyses (RFM, churn features)
    #: aggregate account by account, and DuckDB's hash tables stay cache-friendly
    #: when a table is clustered by account.
    cluster_by: tuple[str, ...] = ()
    #: Columns every record needs because the analyses date it by them (an order
    #: without 注文日 cannot be counted in any period): a row that leaves one empty is
    #: rejected unless the stored record already has the value.
    required: tuple[str, ...] = ()
    #: Date pairs ``(earlier, later)`` that cannot be the other way round (a contract
    #: that ends before it starts): such a row is rejected. The later date may be empty.
    #: A pair that two others chain (created ≤ MQL, MQL ≤ SQL → created ≤ SQL) is
    #: checked only when the date between them is empty: otherwise they cover it.
    ordered: tuple[tuple[str, str], ...] = ()

    def between(self, first: str, later: str) -> tuple[str, ...]:
        """The dates that :attr:`ordered` puts between ``first`` and ``later``."""
        return tuple(m for a, m in self.ordered if a == first and (m, later) in self.ordered)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name: str, kind: ColumnKind, ja: str, en: str, **kw: object) -> Column:
    return Column(name, kind, ja, en, **kw)  # type: ignore[arg-type]


_ACCOUNT = {"references": "accounts"}

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "accounts",
            ("account_id",),
            (
                _c("account_id", "id", "取引先ID", "account id"),
                _c("name", "company_name", "取引先名", "company name"),
                _c("legal_form", "text", "法人格", "legal form"),
                _c("corporate_number", "corporate_number", "法人番号", "corporate number"),
                _c("industry", "text", "業種", "industry"),
                _c("industry_code", "id", "業種コード", "industry code"),
                _c("prefecture", "prefecture", "都道府県", "prefecture"),
                _c("prefecture_code", "prefecture_code", "都道府県コード", "prefecture code"),
                _c("country", "text", "国", "country"),
                _c("employees", "int", "従業員数", "employees", low=0, high=10_000_000),
                _c("annual_revenue", "money", "年間売上", "annual revenue"),
                _c("founded_year", "int", "設立年", "founded year", low=1600, high=2100),
                _c("created_at", "date", "作成日", "created at"),
                _c("owner", "name", "所有者", "owner"),
                _c("source", "text", "リードソース", "source"),
                _c(
                    "status",
                    "enum",
                    "ステータス",
                    "status",
                    values=("prospect", "customer", "churned"),
                ),
            ),
            "取引先",
            "accounts",
        ),
        Table(
            "contacts",
            ("contact_id",),
            (
                _c("contact_id", "id", "取引先責任者ID", "contact id"),
                _c("account_id", "id", "取引先ID", "account id", **_ACCOUNT),
                _c("name", "name", "氏名", "name"),
                _c("title", "text", "役職", "title"),
                _c("department", "text", "部署", "department"),
                _c(
                    "role",
                    "enum",
                    "購買役割",
                    "buying role",
                    values=("decision_maker", "influencer", "user", "purchaser", "other"),
                ),
                _c("email", "email", "メール", "email"),
                _c("created_at", "date", "作成日", "created at"),
            ),
            "取引先責任者",
            "contacts",
        ),
        Table(
            "leads",
            ("lead_id",),
            (
                _c("lead_id", "id", "リードID", "lead id"),
                _c("account_id", "id", "取引先ID", "account id", **_ACCOUNT),
                _c("contact_id", "id", "取引先責任者ID", "contact id", references="contacts"),
                _c("created_at", "date", "作成日", "created at"),
                _c("channel", "text", "チャネル", "channel"),
                _c("campaign_id", "id", "キャンペーンID", "campaign id", references="campaigns"),
                _c("mql_at", "date", "MQL日", "MQL at"),
                _c("sql_at", "date", "SQL日", "SQL at"),
                _c(
                    "status",
                    "enum",
                    "状況",
                    "status",
                    values=("open", "converted", "disqualified"),
                ),
                _c("disqualified_reason", "text", "不適格理由", "disqualified reason"),
            ),
            "リード",
            "leads",
            # A lead qualifies (MQL) after it is created, and is accepted by sales (SQL)
            # after it qualifies: funnel lead times would otherwise come out negative.
            # A lead without an MQL date still reaches SQL after it is created.
            ordered=(("created_at", "mql_at"), ("mql_at", "sql_at"), ("created_at", "sql_at")),
        ),
        Table(
            "deals",
            ("deal_id",),
            (
                _c("deal_id", "id", "商談ID", "deal id"),
                _c("account_id", "id", "取引先ID", "account id", **_ACCOUNT),
                _c("created_at", "date", "作成日", "created at"),
                _c("closed_at", "date", "完了予定日", "closed at"),
                _c("stage", "text", "フェーズ", "stage"),
                _c("amount", "money", "金額", "amount"),
                _c("outcome", "enum", "結果", "outcome", values=("won", "lost", "open")),
                _c("loss_reason", "text", "失注理由", "loss reason"),
                _c("competitor", "text", "競合", "competitor"),
                _c("product_id", "id", "製品ID", "product id", references="products"),
                _c(
                    "kind",
                    "enum",
                    "種別",
                    "kind",
                    values=("new", "expansion", "renewal"),
                ),
            ),
            "商談",
            "deals",
            cluster_by=("account_id", "created_at"),
            required=("created_at",),
            ordered=(("created_at", "closed_at"),),
        ),
        Table(
            "orders",
            ("order_id",),
            (
                _c("order_id", "id", "注文ID", "order id"),
                _c("account_id", "id", "取引先ID", "account id", **_ACCOUNT),
                _c("ordered_at", "date", "注文日", "ordered at"),
                _c("product_id", "id", "製品ID", "product id", references="products"),
                _c("quantity", "int", "数量", "quantity", low=-1_000_000_000, high=1_000_000_000),
                _c("amount", "money", "金額", "amount"),
            ),
            "注文",
            "orders",
            cluster_by=("account_id", "ordered_at"),
            required=("ordered_at",),
        ),
        Table(
            "subscriptions",
            ("subscription_id",),
            (
                _c("subscription_id", "id", "契約ID", "subscription id"),
                _c("account_id", "id", "取引先ID", "account id", **_ACCOUNT),
                _c("product_id", "id", "製品ID", "product id", references="products"),
                _c("plan", "text", "プラン", "plan"),
                _c("mrr", "money", "月額", "MRR"),
                _c("started_at", "date", "開始日", "started at"),
                _c("ended_at", "date", "終了日", "ended at"),
            ),
            "契約",
            "subscriptions",
            cluster_by=("account_id", "started_at"),
            required=("started_at",),
            ordered=(("started_at", "ended_at"),),
        ),
        Table(
            "usage",
            ("account_id", "date", "metric"),
            (
                _c("account_id", "id", "取引先ID", "account id", **_ACCOUNT),
                _c("date", "date", "日付", "date"),
                _c("metric", "id", "指標", "metric"),
                _c("value", "float", "値", "value"),
            ),
            "利用状況",
            "usage",
            cluster_by=("account_id", "date"),
        ),
        Table(
            "tickets",
            ("ticket_id",),
            (
                _c("ticket_id", "id", "問い合わせID", "ticket id"),
                _c("account_id", "id", "取引先ID", "account id", **_ACCOUNT),
                _c("opened_at", "date", "受付日", "opened at"),
                _c("closed_at", "date", "完了日", "closed at"),
                _c("category", "text", "カテゴリ", "category"),
                _c("priority", "text", "優先度", "priority"),
                _c("text", "longtext", "内容", "text"),
                _c("satisfaction", "int", "満足度", "satisfaction", low=1, high=5),
            ),
            "問い合わせ",
            "tickets",
            cluster_by=("account_id", "opened_at"),
            ordered=(("opened_at", "closed_at"),),
        ),
        Table(
            "surveys",
            ("response_id",),
            (
                _c("response_id", "id", "回答ID", "response id"),
                _c("account_id", "id", "取引先ID", "account id", **_ACCOUNT),
                _c("contact_id", "id", "取引先責任者ID", "contact id", references="contacts"),
                _c("answered_at", "date", "回答日", "answered at"),
                _c("nps", "int", "NPS", "NPS", low=0, high=10),
                _c("comment", "longtext", "コメント", "comment"),
            ),
            "アンケート",
            "surveys",
        ),
        Table(
            "notes",
            ("note_id",),
            (
                _c("note_id", "id", "メモID", "note id"),
                _c("account_id", "id", "取引先ID", "account id", **_ACCOUNT),
                _c("deal_id", "id", "商談ID", "deal id", references="deals"),
                _c("written_at", "date", "記入日", "written at"),
                _c(
                    "kind",
                    "enum",
                    "種類",
                    "kind",
                    values=("interview", "win_loss", "meeting", "other"),
                ),
                _c("author", "name", "記入者", "author"),
                _c("text", "longtext", "本文", "text"),
            ),
            "メモ",
            "notes",
        ),
        Table(
            "campaigns",
            ("campaign_id",),
            (
                _c("campaign_id", "id", "キャンペーンID", "campaign id"),
                _c("name", "text", "キャンペーン名", "name"),
                _c("channel", "text", "チャネル", "channel"),
                _c("started_at", "date", "開始日", "started at"),
                _c("ended_at", "date", "終了日", "ended at"),
                _c("cost", "money", "費用", "cost"),
            ),
            "キャンペーン",
            "campaigns",
            ordered=(("started_at", "ended_at"),),
        ),
        Table(
            "events",
            ("event_id",),
            (
                _c("event_id", "id", "イベントID", "event id"),
                _c("occurred_at", "date", "発生日", "occurred at"),
                _c(
                    "kind",
                    "enum",
                    "種類",
                    "kind",
                    values=(
                        "competitor",
                        "regulation",
                        "technology",
                        "product",
                        "pricing",
                        "other",
                    ),
                ),
                _c("title", "text", "件名", "title"),
                _c("description", "longtext", "説明", "description"),
                _c("scope", "text", "対象範囲", "scope"),
            ),
            "市場イベント",
            "events",
        ),
        Table(
            "products",
            ("product_id",),
            (
                _c("product_id", "id", "製品ID", "product id"),
                _c("name", "text", "製品名", "name"),
                _c("category", "text", "カテゴリ", "category"),
                _c("list_price", "money", "定価", "list price"),
            ),
            "製品",
            "products",
        ),
    ]
}

#: Order in which tables can be loaded so that references resolve.
LOAD_ORDER: tuple[str, ...] = (
    "products",
    "campaigns",
    "events",
    "accounts",
    "contacts",
    "leads",
    "deals",
    "orders",
    "subscriptions",
    "usage",
    "tickets",
    "surveys",
    "notes",
)

#: Legal forms recognised in company names, in their canonical spelling.
LEGAL_FORMS: tuple[str, ...] = (
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "医療法人",
    "学校法人",
    "社会福祉法人",
    "特定非営利活動法人",
)


def get_table(name: str) -> Table:
    """Return the canonical table ``name`` or raise a clear error listing the valid names."""
    from rashinban._errors import UserError

    try:
        return TABLES[name]
    except KeyError:
        raise UserError(
            f"テーブル {name!r} はありません / unknown table {name!r}",
            fix=f"次のいずれかを指定してください / use one of: {', '.join(TABLES)}",
        ) from None


def ddl(table: Table, *, schema: str | None = None, primary_key: bool = False) -> str:
    """``CREATE TABLE IF NOT EXISTS`` for ``table`` (DuckDB and PostgreSQL dialect).

    Keys are enforced by the importer's upsert rather than by an index: a
    primary-key index slows bulk loads of tens of millions of rows several-fold
    and the importer never writes a duplicate key. ``primary_key=True`` declares
    it anyway (app-state stores and small tables).
    """
    qualified = f'"{schema}"."{table.name}"' if schema else f'"{table.name}"'
    cols = [f'"{c.name}" {c.sql_type}' for c in table.columns]
    if primary_key:
        cols.append("PRIMARY KEY (" + ", ".join(f'"{k}"' for k in table.key) + ")")
    return f"CREATE TABLE IF NOT EXISTS {qualified} (\n  " + ",\n  ".join(cols) + "\n)"


def data_model_markdown() -> str:
    """The data-model docs page, derived from :data:`TABLES` (docs/data-model.md)."""
    lines = [
        "# Data model / データモデル",
        "",
        "<!-- generated from rashinban.schema.TABLES by `python -m rashinban.schema`;"
        " do not edit by hand -->",
        "",
        "Every import maps into these canonical tables in `data.duckdb`. Keys (*) are enforced",
        "by the importer's upsert. Headers may be the column name, its Japanese label or its",
        "English label; anything else needs a mapping (see import.md). Extra source columns",
        "are kept as additional text columns. A row that leaves a required date empty, or",
        "whose dates are the wrong way round, is rejected (see import.md). A date written",
        "with a UTC offset (`2024-03-31T15:30:00Z`) is stored as its date in the workspace's",
        "`[data] timezone` (default `Asia/Tokyo`: 2024-04-01); one without an offset as written.",
        "",
    ]
    for t in TABLES.values():
        lines += [
            f"## {t.name} — {t.ja}",
            "",
            "| column | 日本語 | type | values |",
            "|---|---|---|---|",
        ]
        for c in t.columns:
            star = "*" if c.name in t.key else ""
            extra = ", ".join(c.values)
            if c.low is not None or c.high is not None:
                extra = (
                    f"{c.low:g} … {c.high:g}" if c.low is not None and c.high is not None else extra
                )
            if c.references:
                extra = f"→ {c.references}"
            lines.append(f"| {c.name}{star} | {c.ja} | {c.kind} ({c.sql_type}) | {extra} |")
        lines.append("")
        if t.required:
            lines += [
                "Required for a new record / 新しい行に必須: "
                + ", ".join(f"{c} ({t.column(c).ja})" for c in t.required),
                "",
            ]
        if t.ordered:
            lines += [
                "Dates in order / 日付の前後: "
                + ", ".join(
                    f"{a} ≤ {b}" + "".join(f" (when {m} is empty)" for m in t.between(a, b))
                    for a, b in t.ordered
                ),
                "",
            ]
    return "\n".join(lines)

"""Column mappings: source headers → canonical columns, source values → canonical values.

A mapping is a small YAML file::

    columns:                 # source header -> canonical column
      取引先名: name
      従業員数: employees
    values:                  # canonical column -> {source value: canonical value}
      status: {顧客: customer, 見込み客: prospect}

or, for several tables at once (the built-in presets' form)::

    name: salesforce_ja
    tables:
      accounts: {columns: {...}, values: {...}}

Headers are compared after NFKC, case folding and removing spaces, so
``取引先 ID``, ``取引先ID`` and ``取引先ＩＤ`` are the same header. Canonical
headers (``account_id``) and the canonical Japanese labels of the schema
registry (``取引先ID``) need no mapping. Headers that map to nothing are kept
as extra columns.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from rashinban._errors import MappingError
from rashinban.schema import Table

_SPACE = re.compile(r"[\s_\-・]+")

#: Values every import understands for the enum columns, before any mapping.
ENUM_SYNONYMS: dict[str, dict[str, str]] = {
    "status": {
        "見込み客": "prospect",
        "見込": "prospect",
        "見込み": "prospect",
        "prospect": "prospect",
        "顧客": "customer",
        "既存顧客": "customer",
        "customer": "customer",
        "解約": "churned",
        "解約済み": "churned",
        "離反": "churned",
        "churned": "churned",
        "未対応": "open",
        "対応中": "open",
        "open": "open",
        "商談化": "converted",
        "取引開始済み": "converted",
        "converted": "converted",
        "不適格": "disqualified",
        "失格": "disqualified",
        "disqualified": "disqualified",
    },
    "outcome": {
        "受注": "won",
        "成約": "won",
        "成立": "won",  # Salesforce's Japanese UI for the stage Closed Won
        "closed won": "won",
        "won": "won",
        "失注": "lost",
        "不成立": "lost",  # … and for Closed Lost
        "closed lost": "lost",
        "lost": "lost",
        "商談中": "open",
        "進行中": "open",
        "open": "open",
    },
    "kind": {
        "新規": "new",
        "new": "new",
        "new business": "new",
        "拡大": "expansion",
        "アップセル": "expansion",
        "クロスセル": "expansion",
        "追加": "expansion",
        "expansion": "expansion",
        "更新": "renewal",
        "renewal": "renewal",
        "インタビュー": "interview",
        "interview": "interview",
        "勝敗分析": "win_loss",
        "win/loss": "win_loss",
        "win_loss": "win_loss",
        "商談メモ": "meeting",
        "打ち合わせ": "meeting",
        "meeting": "meeting",
        "その他": "other",
        "other": "other",
        "競合": "competitor",
        "competitor": "competitor",
        "規制": "regulation",
        "法規制": "regulation",
        "regulation": "regulation",
        "技術": "technology",
        "technology": "technology",
        "製品": "product",
        "product": "product",
        "価格": "pricing",
        "pricing": "pricing",
    },
    "role": {
        "決裁者": "decision_maker",
        "意思決定者": "decision_maker",
        "decision maker": "decision_maker",
        "decision_maker": "decision_maker",
        "影響者": "influencer",
        "推進者": "influencer",
        "influencer": "influencer",
        "利用者": "user",
        "ユーザー": "user",
        "user": "user",
        "購買担当": "purchaser",
        "購買": "purchaser",
        "purchaser": "purchaser",
        "その他": "other",
        "other": "other",
    },
}


#: Headers Japanese spreadsheets commonly use for a canonical column, beyond its name
#: and labels, read without a mapping. ``"*"`` applies to every table with the column
#: (an account reference means the same in deals as in accounts); a table's own entry
#: holds the synonyms whose meaning depends on the table (会社名 is the account's name,
#: not a contact's). A synonym is weaker than a column's name, its labels and a
#: mapping: it maps only when no such header in the file claims the column, so adding
#: one never makes two headers collide.
HEADER_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "*": {
        "account_id": (
            "会社コード",
            "会社ID",
            "取引先コード",
            "取引先番号",
            "顧客コード",
            "顧客ID",
            "顧客番号",
            "企業コード",
            "企業ID",
        ),
        "contact_id": ("担当者ID", "担当者コード", "取引先担当者ID"),
        "product_id": ("製品コード", "商品コード", "商品ID", "品番"),
        "campaign_id": ("キャンペーンコード",),
    },
    "accounts": {
        "name": ("会社名", "企業名", "顧客名", "法人名", "社名", "取引先", "取引先名称"),
        "employees": ("社員数", "従業員", "従業者数", "職員数", "人員数"),
        "annual_revenue": ("売上高", "年商", "年間売上高", "売上"),
        "founded_year": ("設立", "設立年度", "創業年", "創業", "設立年月"),
        "corporate_number": ("法人番号(13桁)", "会社法人番号"),
        "prefecture": ("所在地都道府県", "本社都道府県", "都道府県名"),
        "industry": ("業界", "業種名"),
        "owner": ("営業担当", "営業担当者", "担当営業"),
    },
    "contacts": {
        "name": ("担当者名", "名前", "氏名(フルネーム)"),
        "department": ("部署名", "所属部署"),
        "email": ("メールアドレス", "Eメール", "e-mail"),
    },
    "deals": {
        "deal_id": ("案件ID", "案件番号", "案件コード", "商談番号", "商談コード"),
        "amount": ("受注金額", "見込金額", "見込み金額", "商談金額"),
        "closed_at": ("完了日", "受注日", "クローズ日"),
        "stage": ("商談フェーズ", "進捗"),
    },
    "orders": {
        "order_id": ("注文番号", "受注番号", "伝票番号", "注文コード"),
        "ordered_at": ("受注日", "注文日付", "売上日"),
    },
    "products": {
        "name": ("商品名", "品名"),
    },
}


def header_key(header: str) -> str:
    """The form headers are compared in: NFKC, case-folded, no spaces or separators."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", header)).casefold()


# A unit or note in brackets closing a header, as Japanese spreadsheets write them:
# 年間売上(千円), 従業員数（名）, 金額[円], 売上高【単位：百万円】, 金額(税込).
_UNIT_NOTE = re.compile(
    r"(?P<base>.*?\S)\s*[(\[【]\s*(?:単位\s*[:]?\s*)?(?P<unit>[^()\[\]【】]+?)\s*[)\]】]"
)
#: Money units a header may carry, as multipliers to yen.
MONEY_UNITS: dict[str, float] = {
    "円": 1.0,
    "jpy": 1.0,
    "¥": 1.0,
    "千円": 1e3,
    "万円": 1e4,
    "百万円": 1e6,
    "億円": 1e8,
}
_COUNT_UNITS = frozenset({"名", "人", "社", "件", "個", "回", "口"})
_TAX_NOTE = re.compile(r"(消費)?税(抜|込)き?|tax(incl|excl)\w*")
_UNIT_KINDS = frozenset({"money", "int", "float"})


def header_unit(header: str) -> tuple[str, str] | None:
    """``(header without its unit, unit)`` when the header closes with a unit in brackets.

    Examples
    --------
    >>> header_unit("年間売上（千円）"), header_unit("金額【単位：百万円】"), header_unit("金額")
    (('年間売上', '千円'), ('金額', '百万円'), None)
    """
    found = _UNIT_NOTE.fullmatch(unicodedata.normalize("NFKC", header).strip())
    return None if found is None else (found["base"], found["unit"])


def unit_scale(unit: str) -> tuple[str, float] | None:
    """``("money", factor)`` or ``("count", 1.0)`` for a header unit; None if unknown.

    Examples
    --------
    >>> unit_scale("千円"), unit_scale("税抜・百万円"), unit_scale("名"), unit_scale("USD")
    (('money', 1000.0), ('money', 1000000.0), ('count', 1.0), None)
    """
    text = _SPACE.sub("", unicodedata.normalize("NFKC", unit)).casefold()
    taxed = _TAX_NOTE.search(text) is not None
    text = re.sub(r"[,、/]", "", _TAX_NOTE.sub("", text))
    if text in MONEY_UNITS:
        return "money", MONEY_UNITS[text]
    if not text and taxed:
        return "money", 1.0
    if text in _COUNT_UNITS and not taxed:
        return "count", 1.0
    return None


@dataclass(frozen=True)
class Mapping:
    """How one file's headers and values map onto one canonical table."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    source: str = "canonical"

    def _by_key(self, table: Table) -> dict[str, str]:
        known = set(table.column_names)
        by_key: dict[str, str] = {}
        for col in table.columns:
            by_key[header_key(col.name)] = col.name
            by_key[header_key(col.ja)] = col.name
            by_key[header_key(col.en)] = col.name
        for src, dst in self.columns.items():
            if dst not in known:
                raise MappingError(
                    f"{src!r} → {dst!r}: {table.name} に列 {dst!r} はありません / "
                    f"mapping {src!r} → {dst!r}: {table.name} has no column {dst!r}",
                    file=self.source,
                    fix="次のいずれかに対応付けてください / map to one of: "
                    + ", ".join(table.column_names),
                )
            by_key[header_key(src)] = dst
        return by_key

    def resolve(self, table: Table, headers: tuple[str, ...]) -> dict[str, str]:
        """Return ``{source header: canonical column}`` for the headers that map.

        A header with a unit in brackets (``年間売上(千円)``, ``従業員数（名）``,
        ``金額【単位：百万円】``) maps as the header without it; :meth:`scales` says
        what the unit multiplies by. A synonym of :data:`HEADER_SYNONYMS`
        (``社員数``, ``会社コード``) maps only to a column no other header claims;
        of two synonyms for one column the first is used, the other kept as an extra.

        Raises :class:`MappingError` if two headers map to the same column or a
        mapping targets a column the table does not have.
        """
        by_key = self._by_key(table)
        out: dict[str, str] = {}
        taken: dict[str, str] = {}
        weak: list[tuple[str, str]] = []
        synonyms = header_synonyms(table)
        for h in headers:
            found = _lookup(by_key, h)
            if found is None:
                syn = _lookup(synonyms, h)
                if syn is not None:
                    weak.append((h, syn))
                continue
            dst = found
            if dst in taken:
                raise MappingError(
                    f"見出し {taken[dst]!r} と {h!r} が同じ列 {dst} に当たります / "
                    f"headers {taken[dst]!r} and {h!r} both map to {dst}",
                    file=self.source,
                    column=h,
                    fix="片方の名前を変えるか削除するか、--mapping で別の列に対応付けてください / "
                    "rename or drop one of them, or map one explicitly to another column",
                )
            taken[dst] = h
            out[h] = dst
        for h, dst in weak:
            if dst not in taken:
                taken[dst] = h
                out[h] = dst
        return {h: out[h] for h in headers if h in out}

    def _plain_keys(self, table: Table) -> set[str]:
        """Header keys that map as written (no unit to read off)."""
        return set(self._by_key(table)) | set(header_synonyms(table))

    def scales(self, table: Table, resolved: dict[str, str]) -> dict[str, tuple[float, str]]:
        """``{column: (factor, unit)}`` for money columns whose header names a unit.

        ``年間売上(千円)`` gives ``{"annual_revenue": (1000.0, "千円")}``. A count unit
        (名, 人, 社 …) on a count column and a tax note (税込, 税抜) on a money column
        change nothing. A unit that does not fit its column is refused.

        Raises
        ------
        MappingError
            A money unit on a column that is not money, or a count unit on money.
        """
        plain = self._plain_keys(table)
        out: dict[str, tuple[float, str]] = {}
        for header, column in resolved.items():
            noted = header_unit(header)
            if noted is None or header_key(header) in plain:
                continue
            kind, factor = unit_scale(noted[1]) or ("", 1.0)
            col = table.column(column)
            fits = (kind == "money") == (col.kind == "money") and col.kind in _UNIT_KINDS
            if not fits:
                raise MappingError(
                    f"見出し {header!r} の単位「{noted[1]}」は {col.ja} に合いません / "
                    f"the unit {noted[1]!r} in header {header!r} does not fit {column}",
                    file=self.source,
                    column=header,
                    fix="単位を見出しから外すか、列を --mapping で対応付けてください / "
                    "drop the unit from the header or map the column with --mapping",
                )
            if factor != 1.0:
                out[column] = (factor, noted[1])
        return out

    def value_map(self, column: str) -> dict[str, str]:
        """Source value → canonical value for ``column`` (keys NFKC-normalised, case-folded)."""
        merged = {**ENUM_SYNONYMS.get(column, {}), **self.values.get(column, {})}
        return {_value_key(k): v for k, v in merged.items()}


def header_synonyms(table: Table) -> dict[str, str]:
    """``{header key: column}`` of the :data:`HEADER_SYNONYMS` that apply to ``table``."""
    return _synonyms_of(table.name, table.column_names)


@cache
def _synonyms_of(name: str, columns: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for scope in ("*", name):
        for column, headers in HEADER_SYNONYMS.get(scope, {}).items():
            if column in columns:
                out.update({header_key(h): column for h in headers})
    return out


def _lookup(by_key: dict[str, str], header: str) -> str | None:
    """The column ``header`` names in ``by_key``, as written or without a unit note."""
    found = by_key.get(header_key(header))
    if found is not None:
        return found
    noted = header_unit(header)
    if noted is None or unit_scale(noted[1]) is None:
        return None
    return by_key.get(header_key(noted[0]))


def _value_key(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip().casefold()


def _parse_table_block(block: Any, source: str) -> Mapping:
    if not isinstance(block, dict):
        raise MappingError(
            "マッピングはYAMLの対応表で書いてください / a mapping must be a YAML mapping",
            file=source,
            fix=_EXAMPLE,
        )
    cols = block.get("columns") or {}
    vals = block.get("values") or {}
    if not isinstance(cols, dict) or not isinstance(vals, dict):
        raise MappingError(
            "'columns' と 'values' はYAMLの対応表で書いてください / "
            "'columns' and 'values' must be YAML mappings",
            file=source,
            fix=_EXAMPLE,
        )
    values: dict[str, dict[str, str]] = {}
    for col, vm in vals.items():
        if not isinstance(vm, dict):
            raise MappingError(
                f"{col!r} の values は「元の値: 標準の値」の対応表で書いてください / "
                f"values of {col!r} must be a mapping of source value to canonical value",
                file=source,
                fix=_EXAMPLE,
            )
        values[str(col)] = {str(k): str(v) for k, v in vm.items()}
    return Mapping({str(k): str(v) for k, v in cols.items()}, values, source)


_EXAMPLE = (
    "例のように書いてください / write e.g. "
    "'columns: {取引先名: name}' and 'values: {status: {顧客: customer}}'"
)


def load_mapping(path: Path, table: str) -> Mapping:
    """Read a mapping file for ``table`` (single-table or ``tables:`` form)."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise MappingError(
            "マッピングのファイルがありません / mapping file not found",
            file=str(path),
            fix="パスを確かめてください / check the path",
        ) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise MappingError(
            f"マッピングを読めません / cannot read the mapping: {str(exc).splitlines()[0]}",
            file=path.name,
            fix="YAMLの書き方を確かめ、UTF-8で保存してください / "
            "check the YAML syntax (save as UTF-8)",
        ) from None
    return _mapping_from_doc(doc, table, path.name)


def _mapping_from_doc(doc: Any, table: str, source: str) -> Mapping:
    if isinstance(doc, dict) and "tables" in doc:
        tables = doc["tables"]
        if not isinstance(tables, dict) or table not in tables:
            raise MappingError(
                f"マッピングに {table!r} の節がありません / "
                f"the mapping has no section for table {table!r}",
                file=source,
                fix=f"節を加えてください / add 'tables: {{{table}: {{columns: …}}}}'",
            )
        return _parse_table_block(tables[table], source)
    return _parse_table_block(doc or {}, source)


@cache
def presets() -> dict[str, dict[str, Any]]:
    """The built-in presets (Salesforce, HubSpot, kintone exports), by name."""
    out: dict[str, dict[str, Any]] = {}
    folder = resources.files("rashinban.importing") / "presets"
    for entry in folder.iterdir():
        if entry.name.endswith(".yaml"):
            doc = yaml.safe_load(entry.read_text(encoding="utf-8"))
            out[str(doc.get("name") or entry.name[:-5])] = doc
    return out


def preset_mapping(name: str, table: str) -> Mapping:
    docs = presets()
    if name not in docs:
        raise MappingError(
            f"プリセット {name!r} はありません / unknown preset {name!r}",
            fix="次のいずれかを指定してください / use one of: " + ", ".join(sorted(docs)),
        )
    return _mapping_from_doc(docs[name], table, f"preset {name}")


def detect_preset(table: Table, headers: tuple[str, ...]) -> Mapping:
    """Pick the preset whose headers best cover this file's, or the canonical mapping.

    A preset is chosen only when it maps the table's key (or, for accounts, the
    name) and more headers than the canonical names do, and never two headers onto
    one column: a file with the canonical headers (say, one exported from a workspace,
    with both ``stage`` and ``outcome``) is read by the canonical names.
    """
    base = Mapping()
    best, best_count = base, len(base.resolve(table, headers))
    if best_count == len(headers):
        return base
    for name in sorted(presets()):
        try:
            m = preset_mapping(name, table.name)
        except MappingError:
            continue
        resolved = m.resolve(table, headers)
        targets = set(resolved.values())
        if len(targets) < len(resolved):
            continue
        needed = set(table.key) if table.name != "accounts" else {"name"}
        if needed <= targets and len(resolved) > best_count:
            best, best_count = m, len(resolved)
    return best

"""Write the demo tables the way a real Japanese company's exports look.

Accounts, contacts and deals come out of "Salesforce (日本語UI)": CP932 CSV with
Japanese headers, every field quoted, CRLF line ends, and the spelling mess of
real data (㈱/(株)/株式会社 before or after the name, full-width digits, 千円 and ¥
amounts, 令和 dates, 東京/東京都/Tokyo). Orders come from the accounting team's
Excel workbook (▲ for credits). Usage is a Parquet extract; the rest are UTF-8
CSV files with canonical headers (some with a BOM, as Excel writes them).

A handful of deliberately bad rows (listed in :data:`BAD_ROWS` and in the
dataset card) let the import show its rejects.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from rashinban._errors import InvalidValueError
from rashinban.demo import _messy as M
from rashinban.demo._reference import PREFECTURES
from rashinban.schema import LOAD_ORDER, TABLES


@dataclass(frozen=True)
class ExportFile:
    """One written export: the canonical table it holds, its path, the preset to read it.

    ``preset`` names a mapping preset in ``rashinban/importing/presets``
    (``None``: the file has canonical headers).
    """

    table: str
    path: Path
    preset: str | None


#: Salesforce (日本語UI) headers → canonical columns, per table. The preset
#: ``salesforce_ja.yaml`` declares the same mapping for the importer.
SALESFORCE_HEADERS: dict[str, dict[str, str]] = {
    "accounts": {
        "取引先 ID": "account_id",
        "取引先名": "name",
        "法人番号": "corporate_number",
        "業種": "industry",
        "業種コード": "industry_code",
        "請求先都道府県": "prefecture",
        "請求先国": "country",
        "従業員数": "employees",
        "年間売上": "annual_revenue",
        "設立年": "founded_year",
        "作成日": "created_at",
        "取引先 所有者": "owner",
        "取引先ソース": "source",
        "ステータス": "status",
    },
    "contacts": {
        "取引先責任者 ID": "contact_id",
        "取引先 ID": "account_id",
        "氏名": "name",
        "役職": "title",
        "部署": "department",
        "購買役割": "role",
        "メール": "email",
        "作成日": "created_at",
    },
    "deals": {
        "商談 ID": "deal_id",
        "取引先 ID": "account_id",
        "作成日": "created_at",
        "完了予定日": "closed_at",
        "フェーズ": "outcome",
        "商談ステージ": "stage",
        "金額": "amount",
        "失注理由": "loss_reason",
        "競合": "competitor",
        "商品コード": "product_id",
        "種別": "kind",
    },
}

#: Canonical value → Salesforce picklist value, per table and column.
SALESFORCE_VALUES: dict[str, dict[str, dict[str, str]]] = {
    "accounts": {"status": {"customer": "顧客", "prospect": "見込み客", "churned": "解約済み"}},
    "contacts": {
        "role": {
            "decision_maker": "決裁者",
            "influencer": "影響者",
            "user": "利用者",
            "purchaser": "購買担当",
            "other": "その他",
        }
    },
    "deals": {
        "kind": {
            "new": "新規顧客",
            "expansion": "既存顧客 - アップグレード",
            "renewal": "既存顧客 - 更新",
        },
    },
}

#: The deliberately bad rows written into the exports: (file, id, what is wrong).
BAD_ROWS: tuple[tuple[str, str, str], ...] = (
    ("取引先_Salesforce.csv", "A-BAD-1", "従業員数 is '約500名' (not an exact number)"),
    ("取引先_Salesforce.csv", "A-BAD-2", "法人番号 has a wrong check digit"),
    ("取引先_Salesforce.csv", "A-BAD-3", "作成日 is '2024/2/30' (no such date)"),
    ("商談_Salesforce.csv", "D-BAD-1", "取引先 ID 'A-UNKNOWN' is not an account"),
    ("受注明細.xlsx", "O-BAD-1", "amount is '要確認' (not a number)"),
)


def _write_csv(frame: pd.DataFrame, path: Path, encoding: str) -> None:
    frame.to_csv(
        path,
        index=False,
        encoding=encoding,
        quoting=csv.QUOTE_ALL if encoding == "cp932" else csv.QUOTE_MINIMAL,
        lineterminator="\r\n" if encoding == "cp932" else "\n",
        date_format="%Y-%m-%d",
    )


def _salesforce_accounts(rng: np.random.Generator, acc: pd.DataFrame) -> pd.DataFrame:
    english = {p[0]: p[1] for p in PREFECTURES}
    out = pd.DataFrame(
        {
            "取引先 ID": acc["account_id"],
            "取引先名": M.company_names(rng, acc["name"], acc["legal_form"]),
            "法人番号": acc["corporate_number"].fillna(""),
            "業種": acc["industry"],
            "業種コード": acc["industry_code"],
            "請求先都道府県": M.prefectures(rng, acc["prefecture"], english),
            "請求先国": acc["country"],
            "従業員数": M.counts(rng, acc["employees"]),
            "年間売上": M.yen(rng, acc["annual_revenue"], thousands=True),
            "設立年": acc["founded_year"].astype(str),
            "作成日": M.dates(rng, acc["created_at"]),
            "取引先 所有者": acc["owner"],
            "取引先ソース": acc["source"],
            "ステータス": acc["status"].map(SALESFORCE_VALUES["accounts"]["status"]),
        }
    )
    bad = pd.concat([out.iloc[[0]]] * 3, ignore_index=True)
    bad["取引先 ID"] = ["A-BAD-1", "A-BAD-2", "A-BAD-3"]
    bad["取引先名"] = ["検証用商事株式会社", "検証用工業株式会社", "検証用システム株式会社"]
    bad["法人番号"] = ""
    bad.loc[0, "従業員数"] = "約500名"
    cn = str(acc["corporate_number"].dropna().iloc[0])
    bad.loc[1, "法人番号"] = str((int(cn[0]) + 1) % 10) + cn[1:]
    bad.loc[2, "作成日"] = "2024/2/30"
    return pd.concat([out, bad], ignore_index=True)


def _salesforce_contacts(rng: np.random.Generator, con: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "取引先責任者 ID": con["contact_id"],
            "取引先 ID": con["account_id"],
            "氏名": con["name"],
            "役職": con["title"],
            "部署": con["department"],
            "購買役割": con["role"].map(SALESFORCE_VALUES["contacts"]["role"]),
            "メール": con["email"],
            "作成日": M.dates(rng, con["created_at"]),
        }
    )


def _salesforce_deals(rng: np.random.Generator, deals: pd.DataFrame) -> pd.DataFrame:
    phase = deals["stage"].where(deals["outcome"] != "open", "商談中")
    out = pd.DataFrame(
        {
            "商談 ID": deals["deal_id"],
            "取引先 ID": deals["account_id"],
            "作成日": M.dates(rng, deals["created_at"]),
            "完了予定日": M.dates(rng, deals["closed_at"]),
            "フェーズ": phase,
            "商談ステージ": deals["stage"],
            "金額": M.yen(rng, deals["amount"]),
            "失注理由": deals["loss_reason"].fillna(""),
            "競合": deals["competitor"].fillna(""),
            "商品コード": deals["product_id"],
            "種別": deals["kind"].map(SALESFORCE_VALUES["deals"]["kind"]),
        }
    )
    bad = out.iloc[[0]].copy()
    bad["商談 ID"] = "D-BAD-1"
    bad["取引先 ID"] = "A-UNKNOWN"
    return pd.concat([out, bad], ignore_index=True)


def _write_orders_xlsx(rng: np.random.Generator, orders: pd.DataFrame, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("受注明細")
    ws.append(list(TABLES["orders"].column_names))
    amounts = orders["amount"].to_numpy()
    # Credits are written the accounting way, as text with ▲; the rest as numbers.
    neg_text = M.yen(rng, orders["amount"])
    for row, amt, neg in zip(orders.itertuples(index=False), amounts, neg_text, strict=True):
        value: object = neg if amt < 0 else float(amt)
        ws.append(
            [
                row.order_id,
                row.account_id,
                datetime.combine(row.ordered_at.date(), datetime.min.time()),
                row.product_id,
                int(row.quantity),
                value,
            ]
        )
    first = orders.iloc[0]
    ws.append(
        [
            "O-BAD-1",
            first["account_id"],
            datetime.combine(first["ordered_at"].date(), datetime.min.time()),
            first["product_id"],
            1,
            "要確認",
        ]
    )
    wb.save(path)


def write_exports(
    tables: dict[str, pd.DataFrame], out_dir: Path, *, seed: int = 7
) -> list[ExportFile]:
    """Write ``tables`` (from :func:`generate`) as a company's CRM exports.

    Parameters
    ----------
    tables
        Canonical table name → frame, as :func:`rashinban.demo.generate` returns.
    out_dir
        Folder to write into (created if missing).
    seed
        Seed of the per-row choice of spellings.

    Returns
    -------
    list[ExportFile]
        The written files in import order (references resolve in this order).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from rashinban.demo import generate, write_exports
    >>> files = write_exports(generate(100, seed=1), Path(tempfile.mkdtemp()))
    >>> [f.table for f in files][:4]
    ['products', 'campaigns', 'events', 'accounts']
    """
    missing = [t for t in LOAD_ORDER if t not in tables]
    if missing:
        raise InvalidValueError(
            f"tables に {', '.join(missing)} がありません / tables is missing {', '.join(missing)}",
            fix="rashinban.demo.generate() が返した辞書をそのまま渡してください / "
            "pass the whole dict returned by rashinban.demo.generate()",
        )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    written: dict[str, ExportFile] = {}

    def canonical(table: str, filename: str, encoding: str) -> None:
        path = out_dir / filename
        _write_csv(tables[table], path, encoding)
        written[table] = ExportFile(table, path, None)

    canonical("products", "製品マスタ.csv", "utf-8-sig")
    canonical("campaigns", "campaigns.csv", "utf-8")
    canonical("events", "market_events.csv", "utf-8")
    sf = {
        "accounts": ("取引先_Salesforce.csv", _salesforce_accounts),
        "contacts": ("取引先責任者_Salesforce.csv", _salesforce_contacts),
        "deals": ("商談_Salesforce.csv", _salesforce_deals),
    }
    for table, (filename, build) in sf.items():
        path = out_dir / filename
        _write_csv(build(rng, tables[table]), path, "cp932")
        written[table] = ExportFile(table, path, "salesforce_ja")
    canonical("leads", "leads.csv", "utf-8-sig")
    path = out_dir / "受注明細.xlsx"
    _write_orders_xlsx(rng, tables["orders"], path)
    written["orders"] = ExportFile("orders", path, None)
    canonical("subscriptions", "subscriptions.csv", "utf-8")
    path = out_dir / "usage.parquet"
    usage = tables["usage"].copy()
    usage["account_id"] = usage["account_id"].astype(str)
    usage["metric"] = usage["metric"].astype(str)
    usage.to_parquet(path, index=False)
    written["usage"] = ExportFile("usage", path, None)
    canonical("tickets", "問い合わせ.csv", "utf-8-sig")
    canonical("surveys", "nps_survey.csv", "utf-8")
    canonical("notes", "営業メモ.csv", "utf-8-sig")
    return [written[t] for t in LOAD_ORDER]

"""Reference data of the demo company and its market: prefectures, industries, products.

Everything here is fixed vocabulary, declared once; the generators sample from it.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The 47 prefectures in JIS X 0401 order (code = position + 1), with an English
#: name and a weight shaped like the count of corporations per prefecture
#: (Tokyo-heavy; Osaka, Kanagawa and Aichi next). Weights are approximate shares in
#: percent, not an official statistic.
PREFECTURES: tuple[tuple[str, str, float], ...] = (
    ("北海道", "Hokkaido", 3.3),
    ("青森県", "Aomori", 0.6),
    ("岩手県", "Iwate", 0.6),
    ("宮城県", "Miyagi", 1.6),
    ("秋田県", "Akita", 0.5),
    ("山形県", "Yamagata", 0.6),
    ("福島県", "Fukushima", 1.0),
    ("茨城県", "Ibaraki", 1.6),
    ("栃木県", "Tochigi", 1.2),
    ("群馬県", "Gunma", 1.3),
    ("埼玉県", "Saitama", 4.5),
    ("千葉県", "Chiba", 3.5),
    ("東京都", "Tokyo", 24.0),
    ("神奈川県", "Kanagawa", 6.5),
    ("新潟県", "Niigata", 1.3),
    ("富山県", "Toyama", 0.7),
    ("石川県", "Ishikawa", 0.8),
    ("福井県", "Fukui", 0.5),
    ("山梨県", "Yamanashi", 0.5),
    ("長野県", "Nagano", 1.3),
    ("岐阜県", "Gifu", 1.2),
    ("静岡県", "Shizuoka", 2.4),
    ("愛知県", "Aichi", 5.2),
    ("三重県", "Mie", 0.9),
    ("滋賀県", "Shiga", 0.7),
    ("京都府", "Kyoto", 1.8),
    ("大阪府", "Osaka", 8.5),
    ("兵庫県", "Hyogo", 3.5),
    ("奈良県", "Nara", 0.6),
    ("和歌山県", "Wakayama", 0.5),
    ("鳥取県", "Tottori", 0.3),
    ("島根県", "Shimane", 0.3),
    ("岡山県", "Okayama", 1.1),
    ("広島県", "Hiroshima", 2.0),
    ("山口県", "Yamaguchi", 0.7),
    ("徳島県", "Tokushima", 0.4),
    ("香川県", "Kagawa", 0.6),
    ("愛媛県", "Ehime", 0.7),
    ("高知県", "Kochi", 0.4),
    ("福岡県", "Fukuoka", 3.8),
    ("佐賀県", "Saga", 0.4),
    ("長崎県", "Nagasaki", 0.6),
    ("熊本県", "Kumamoto", 1.0),
    ("大分県", "Oita", 0.6),
    ("宮崎県", "Miyazaki", 0.5),
    ("鹿児島県", "Kagoshima", 0.9),
    ("沖縄県", "Okinawa", 1.1),
)


@dataclass(frozen=True)
class Industry:
    """A Japan Standard Industrial Classification (JSIC) major group.

    ``words`` are (kanji/katakana, romaji) pairs used to build company names and
    e-mail domains; ``revenue_per_employee`` is a median in JPY.
    """

    name: str
    code: str
    weight: float
    revenue_per_employee: float
    words: tuple[tuple[str, str], ...]


#: JSIC major groups (大分類) with their letter codes. Names joined by 「・」 as
#: CRMs usually spell them (the official list uses 「，」).
INDUSTRIES: tuple[Industry, ...] = (
    Industry(
        "製造業",
        "E",
        0.20,
        30e6,
        (
            ("製作所", "seisakusho"),
            ("工業", "kogyo"),
            ("精機", "seiki"),
            ("電機", "denki"),
            ("化学", "kagaku"),
            ("金属", "kinzoku"),
            ("産業", "sangyo"),
            ("食品", "shokuhin"),
        ),
    ),
    Industry(
        "情報通信業",
        "G",
        0.12,
        25e6,
        (
            ("システム", "system"),
            ("ソフト", "soft"),
            ("テクノロジーズ", "tech"),
            ("ネットワークス", "networks"),
            ("データ", "data"),
            ("ソリューションズ", "solutions"),
            ("情報", "joho"),
        ),
    ),
    Industry(
        "卸売業・小売業",
        "I",
        0.18,
        45e6,
        (
            ("商事", "shoji"),
            ("物産", "bussan"),
            ("商会", "shokai"),
            ("販売", "hanbai"),
            ("商店", "shoten"),
            ("トレーディング", "trading"),
            ("ストア", "store"),
        ),
    ),
    Industry(
        "建設業",
        "D",
        0.09,
        28e6,
        (
            ("建設", "kensetsu"),
            ("工務店", "komuten"),
            ("組", "gumi"),
            ("建工", "kenko"),
            ("設備", "setsubi"),
        ),
    ),
    Industry(
        "金融業・保険業",
        "J",
        0.04,
        40e6,
        (
            ("ファイナンス", "finance"),
            ("保険サービス", "hoken"),
            ("キャピタル", "capital"),
            ("信用保証", "shinyo"),
        ),
    ),
    Industry(
        "医療・福祉",
        "P",
        0.07,
        10e6,
        (
            ("メディカル", "medical"),
            ("ケアサービス", "care"),
            ("福祉会", "fukushi"),
            ("ヘルスケア", "healthcare"),
        ),
    ),
    Industry(
        "運輸業・郵便業",
        "H",
        0.05,
        20e6,
        (
            ("運輸", "unyu"),
            ("物流", "butsuryu"),
            ("急便", "kyubin"),
            ("ロジスティクス", "logistics"),
            ("運送", "unso"),
        ),
    ),
    Industry(
        "不動産業・物品賃貸業",
        "K",
        0.06,
        35e6,
        (
            ("不動産", "fudosan"),
            ("地所", "jisho"),
            ("ハウジング", "housing"),
            ("リース", "lease"),
            ("エステート", "estate"),
        ),
    ),
    Industry(
        "サービス業（他に分類されないもの）",
        "R",
        0.10,
        12e6,
        (
            ("サービス", "service"),
            ("ビジネスサポート", "bizsupport"),
            ("企画", "kikaku"),
            ("マネジメント", "management"),
        ),
    ),
    Industry(
        "学術研究・専門・技術サービス業",
        "L",
        0.05,
        18e6,
        (
            ("研究所", "lab"),
            ("コンサルティング", "consulting"),
            ("設計事務所", "sekkei"),
            ("技研", "giken"),
        ),
    ),
    Industry(
        "宿泊業・飲食サービス業",
        "M",
        0.02,
        8e6,
        (("フーズ", "foods"), ("ホテル", "hotel"), ("ダイニング", "dining")),
    ),
    Industry(
        "教育・学習支援業",
        "O",
        0.02,
        9e6,
        (("教育センター", "edu"), ("アカデミー", "academy"), ("学習舎", "gakushusha")),
    ),
)

INDUSTRY_NAMES: tuple[str, ...] = tuple(i.name for i in INDUSTRIES)


@dataclass(frozen=True)
class Product:
    """One product of the demo company. ``per_seat`` prices are per user and month."""

    product_id: str
    name: str
    category: str
    list_price: float
    recurring: bool
    per_seat: bool


PRODUCTS: tuple[Product, ...] = (
    Product("P01", "コアプラットフォーム", "サブスクリプション", 1_800, True, True),
    Product("P02", "分析オプション", "オプション", 400, True, True),
    Product("P03", "ワークフロー", "オプション", 500, True, True),
    Product("P04", "セキュリティ強化", "オプション", 300, True, True),
    Product("P05", "API連携", "オプション", 30_000, True, False),
    Product("P06", "導入支援サービス", "サービス", 600_000, False, False),
    Product("P07", "トレーニング", "サービス", 30_000, False, False),
    Product("P08", "プレミアムサポート", "オプション", 50_000, True, False),
)

#: Option products sold as subscriptions next to the core platform.
OPTIONS: tuple[str, ...] = ("P02", "P03", "P04", "P05", "P08")

#: Seat limits of the core plans; the plan name carries the limit ("Standard-50").
PLAN_LIMITS: tuple[int, ...] = (10, 30, 50, 100, 200, 500, 1000, 3000)
#: Volume discount per plan tier (same order as :data:`PLAN_LIMITS`).
PLAN_DISCOUNTS: tuple[float, ...] = (0.0, 0.0, 0.05, 0.10, 0.15, 0.20, 0.25, 0.30)


def plan_name(limit: int) -> str:
    """Name of the core plan with ``limit`` seats, e.g. ``plan_name(50) == "Standard-50"``."""
    if limit <= 10:
        tier = "Starter"
    elif limit <= 50:
        tier = "Standard"
    elif limit <= 200:
        tier = "Business"
    else:
        tier = "Enterprise"
    return f"{tier}-{limit}"


CHANNELS: tuple[str, ...] = ("展示会", "Web広告", "ウェビナー", "紹介", "SEO", "アウトバウンド")

COMPETITORS: tuple[str, ...] = ("アルファクラウド", "ベータシステムズ", "ガンマソフト")

LOSS_REASONS: tuple[str, ...] = ("価格が高い", "機能不足", "競合に決定", "時期尚早", "予算不足")

DISQUALIFIED_REASONS: tuple[str, ...] = (
    "予算なし",
    "競合導入済み",
    "対象外（規模・業種）",
    "連絡不通",
    "情報収集のみ",
)

OPEN_STAGES: tuple[str, ...] = ("アプローチ", "ヒアリング", "提案", "見積提出", "交渉")
WON_STAGE = "受注"
LOST_STAGE = "失注"

TICKET_CATEGORIES: tuple[str, ...] = (
    "操作方法",
    "不具合",
    "機能要望",
    "アカウント・権限",
    "請求・契約",
    "連携・API",
)
PRIORITIES: tuple[str, ...] = ("高", "中", "低")

USAGE_METRICS: tuple[str, ...] = ("logins", "active_users", "records_created")

DEPARTMENTS: tuple[str, ...] = (
    "情報システム部",
    "経営企画部",
    "総務部",
    "経理部",
    "営業部",
    "製造部",
    "購買部",
    "DX推進室",
    "管理本部",
)

#: Titles by buying role (same order as the contacts.role enum).
ROLE_TITLES: dict[str, tuple[str, ...]] = {
    "decision_maker": ("代表取締役", "取締役", "執行役員", "部長", "本部長"),
    "influencer": ("課長", "マネージャー", "室長", "グループリーダー"),
    "user": ("主任", "担当", "係長", "スタッフ"),
    "purchaser": ("購買担当", "調達課長", "資材担当"),
    "other": ("秘書", "アシスタント", "顧問"),
}
ROLES: tuple[str, ...] = tuple(ROLE_TITLES)

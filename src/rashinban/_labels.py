"""How result columns are headed for people, in Japanese (default) and English.

The report's tables and the command line's ``--format table`` output use these
labels; CSV and JSON keep the column names (the public contract).
"""

from __future__ import annotations

import re

__all__ = [
    "CODE_LABELS",
    "COLUMN_LABELS",
    "FEATURE_LABELS",
    "FEEDBACK_REASONS",
    "HYPOTHESIS_LABELS",
    "PROPORTIONS",
    "REGION_LABELS",
    "TABLE_COLUMNS",
    "TRIGGER_KINDS",
    "VALUE_LABELS",
    "WEIGHT_LABELS",
    "bilingual",
    "code_label",
    "column_label",
    "count_en",
    "hypothesis_text",
    "in_language",
    "is_proportion",
    "table_column",
    "value_label",
    "yen_en",
]

#: Columns that hold a proportion in [0, 1]; a table shows them as percentages (so do
#: columns ending in ``_rate`` or ``_share``, and their ``_low`` / ``_high`` /
#: ``_interval`` companions).
PROPORTIONS = frozenset(
    {
        "share",
        "share_customers",
        "coverage",
        "rate",
        "p_alive",
        "risk",
        "similarity",
        "win_low",
        "win_high",
        # the interval of feedback summary's not_fit_share
        "not_fit_low",
        "not_fit_high",
    }
)


def is_proportion(column: str) -> bool:
    """Whether ``column`` holds a proportion that tables show as a percentage.

    Examples
    --------
    >>> is_proportion("win_rate"), is_proportion("win_rate_low"), is_proportion("revenue")
    (True, True, False)
    """
    if column in PROPORTIONS:
        return True
    for suffix in ("_low", "_high", "_interval"):
        if column.endswith(suffix) and column != suffix:
            column = column.removesuffix(suffix)
            break
    return column in PROPORTIONS or column.endswith(("_rate", "_share"))


#: Table headers: result columns as the report shows them (ja, en). KPI columns take
#: their names from the KPI registry (rashinban.kpi.KPIS) in :func:`column_label`.
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "accounts": ("社数", "accounts"),
    "customers": ("顧客数", "customers"),
    "deals": ("商談数", "deals"),
    "name": ("名前", "name"),
    # the names listed next to the ids (rashinban.engine.name_rows)
    "account_name": ("取引先名", "account name"),
    "product_name": ("製品名", "product"),
    "segment": ("セグメント", "segment"),
    "scope": ("対象", "scope"),
    "period": ("期間", "period"),
    "kind": ("種類", "kind"),
    "model": ("モデル", "model"),
    "n": ("件数", "n"),
    "rate": ("率", "rate"),
    "lift": ("リフト", "lift"),
    "support": ("該当社数", "support"),
    "coverage": ("カバー率", "coverage"),
    "positives": ("成果あり社数", "positives"),
    "attractiveness": ("魅力度", "attractiveness"),
    "definition": ("定義", "definition"),
    "definition_en": ("定義", "definition"),
    "description_ja": ("説明", "description"),
    "description_en": ("説明", "description"),
    "evidence_ja": ("根拠", "evidence"),
    "evidence_en": ("根拠", "evidence"),
    "competitor": ("競合", "competitor"),
    "main_loss_reason": ("主な失注理由", "main loss reason"),
    "auc": ("AUC", "AUC"),
    "brier": ("Brierスコア", "Brier score"),
    "calibration_error": ("較正誤差", "calibration error"),
    "top_decile_lift": ("上位10%リフト", "top-decile lift"),
    "clv": ("CLV", "CLV"),
    "id": ("ID", "id"),
    "risk": ("リスク", "risk"),
    "reasons": ("理由", "reasons"),
    "reason": ("理由", "reason"),
    "evidence": ("根拠", "evidence"),
    "revenue_at_risk": ("リスク金額（年）", "revenue at risk / yr"),
    "annual_revenue": ("年間売上", "annual revenue"),
    "alert": ("警戒", "alert"),
    "score": ("スコア", "score"),
    "source": ("根拠の種類", "source"),
    "p_alive": ("継続確率", "P(alive)"),
    "expected_purchases": ("期待注文週数", "expected order weeks"),
    # clv: value of the running contracts and of the orders (clv is their sum)
    "contract_clv": ("契約の価値", "contract value"),
    "order_clv": ("注文の価値", "order value"),
    "running_contracts": ("継続中の契約", "running contracts"),
    "expected_billings": ("請求見込み (月数)", "expected billing months"),
    # clv: churned by contract (every subscription ended, nothing bought since), and
    # every subscription ended (churned, or ordering since)
    "churned": ("解約済み", "churned"),
    "subscription_ended": ("契約がすべて終了", "every subscription ended"),
    # The CLV summary counts orders in weeks (rashinban clv, JSON model.time_unit "week")
    # from the week the customer became one (its first order or subscription): frequency
    # is the later weeks with an order, recency and T are weeks.
    "frequency": ("リピート注文 (週数)", "repeat order weeks"),
    "recency": ("取引開始〜最終注文 (週)", "customer start to last order (weeks)"),
    "T": ("取引開始から (週)", "weeks as a customer"),
    "monetary_value": ("平均注文額 (注文週あたり)", "mean spend per order week"),
    "share": ("割合", "share"),
    "revenue_share": ("売上構成比", "revenue share"),
    "size": ("社数", "size"),
    "field": ("項目", "field"),
    "value": ("値", "value"),
    "version": ("版", "version"),
    "version_id": ("版ID", "version id"),
    "author": ("作成者", "author"),
    "at": ("日時", "at"),
    "note": ("メモ", "note"),
    "approvals": ("承認", "approvals"),
    "active": ("有効", "active"),
    "seq": ("番号", "seq"),
    "actor": ("操作者", "actor"),
    "action": ("操作", "action"),
    "action_label": ("操作名", "action"),
    "object": ("対象", "object"),
    "detail": ("詳細", "detail"),
    "target": ("ターゲット", "target"),
    "detected_at": ("検知日", "detected"),
    "verdict": ("判定", "verdict"),
    "motion": ("動き", "motion"),
    "R": ("R", "R"),
    "F": ("F", "F"),
    "M": ("M", "M"),
    "RFM": ("RFM", "RFM"),
    "R_value": ("最終購買からの日数", "days since last purchase"),
    "segment_ja": ("セグメント名", "segment (ja)"),
    "segment_en": ("セグメント名 (英)", "segment name"),
    "basis_ja": ("命名の根拠", "named by (ja)"),
    "basis_en": ("命名の根拠 (英)", "named by"),
    # rashinban rfm --customers counts in days, with the first purchase (see rfm.md).
    "purchase_days": ("購買日数", "purchase days"),
    "first_to_last_days": ("初回〜最終購買 (日)", "first to last purchase (days)"),
    "days_since_first": ("初回購買から (日)", "days since first purchase"),
    "spend_per_day": ("平均購買額 (購買日あたり)", "mean spend per purchase day"),
    "revenue": ("売上", "revenue"),
    "revenue_label": ("金額の種類", "amount is"),
    "active_version": ("有効な版", "active version"),
    "active_version_id": ("有効な版ID", "active version id"),
    "before": ("以前", "before"),
    "after": ("以後", "after"),
    "before_n": ("以前の件数", "before (n)"),
    "win_rate_n": ("完了商談（全期間）", "closed deals (all time)"),
    "after_n": ("以後の件数", "after (n)"),
    "change": ("変化", "change"),
    "closed": ("完了商談", "closed"),
    "lost": ("失注数", "lost"),
    "lost_in_group": ("失注の合計", "all losses"),
    "conditions": ("条件", "conditions"),
    "count": ("件数", "count"),
    "doc_share": ("文書の割合", "share of documents"),
    "docs": ("文書数", "documents"),
    "group_docs": ("グループの文書数", "documents in group"),
    "group": ("グループ", "group"),
    "feature": ("特徴", "feature"),
    "key": ("キー", "key"),
    "label": ("名称", "label"),
    "model_id": ("モデルID", "model id"),
    "period_start": ("期間の開始", "period start"),
    "counted_from": ("集計の初日", "counted from"),
    "counted_to": ("集計の最終日", "counted to"),
    "partial": ("期間の一部のみ", "partial period"),
    "quote": ("原文", "quote"),
    "quote_note_id": ("原文のメモID", "quote note id"),
    "quote_id": ("原文のID", "quote id"),
    "mark": ("引用番号", "mark"),
    "source_ids": ("根拠のID", "source ids"),
    "rest_share": ("他グループの割合", "share elsewhere"),
    "rank": ("順位", "rank"),
    "term": ("語", "term"),
    "sentence": ("説明文", "sentence"),
    "share_customers": ("顧客の割合", "share of customers"),
    "similarity": ("類似度", "similarity"),
    "split_date": ("区切りの日", "split date"),
    "shrunk_share": ("割合 (縮小推定)", "share (shrunk)"),
    "shrunk_win_rate": ("受注率 (縮小推定)", "win rate (shrunk)"),
    "win_low": ("受注率 (下限)", "win rate (low)"),
    "win_high": ("受注率 (上限)", "win rate (high)"),
    "z": ("z値", "z"),
    "name_en": ("名前 (英)", "name"),
    "statements": ("記述", "statements"),
    "story": ("ストーリー", "story"),
    "story_en": ("ストーリー (英)", "story"),
    "story_parts": ("ストーリーの部品", "story parts"),
    "notes": ("注記", "notes"),
    "text_en": ("本文 (英)", "text"),
    "sheet": ("シート", "sheet"),
    "cadence_days": ("見直しの周期 (日)", "review cadence (days)"),
    "include": ("対象の条件", "include"),
    "exclude": ("除外", "exclude"),
    "hypotheses": ("仮説", "hypotheses"),
    "owners": ("担当", "owners"),
    "personas": ("ペルソナ", "personas"),
    "positioning": ("ポジショニング", "positioning"),
    "rationale": ("根拠", "rationale"),
    "description": ("説明", "description"),
    "heading": ("観点", "heading"),
    "item": ("項目", "item"),
    "result": ("結果", "result"),
    # rashinban segments / icp: what their columns measure (see TABLE_COLUMNS)
    "shrunk_win_rate_interval": ("受注率 (縮小推定・区間)", "win rate (shrunk, interval)"),
    "shrunk_churn_share": ("解約済みの割合 (縮小推定)", "churned share (shrunk)"),
    # the raw counts behind those shrunk rates (won / closed deals, churned / customers)
    "won_k_n": ("受注 k/n", "won k/n"),
    "churned_k_n": ("解約済み k/n", "churned k/n"),
    "churned_share": ("解約済みの割合", "churned share"),
    "value_per_customer": ("顧客価値 (1社あたり)", "value per customer"),
    "value_to_cost": ("顧客価値 / 獲得コスト", "value / acquisition cost"),
    # rashinban feedback summary
    "fits": ("合う", "fits"),
    "not_fit": ("合わない", "does not fit"),
    "not_fit_share": ("合わない割合", "not-fit share"),
    "not_fit_low": ("合わない割合 (下限)", "not-fit share (low)"),
    "not_fit_high": ("合わない割合 (上限)", "not-fit share (high)"),
    "top_reason": ("最も多い理由", "top reason"),
}

#: Columns a table heads under another name (table → JSON key → column label), because the
#: key's own label is a ``kpi`` KPI measured differently there: ``segments`` shows shrunk
#: rates, the share of its customers who have churned (ever, not per period) and value per
#: customer over attributed acquisition cost; ``icp`` shows that churned share raw.
TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "segments": {
        "win_rate": "shrunk_win_rate",
        "win_rate_interval": "shrunk_win_rate_interval",
        "churn_rate": "shrunk_churn_share",
        "clv": "value_per_customer",
        "ltv_cac": "value_to_cost",
    },
    "icp": {"churn_rate": "churned_share", "clv": "value_per_customer"},
}


def table_column(table: str, column: str) -> str:
    """The key whose label heads ``column`` in ``table`` (:data:`TABLE_COLUMNS`), so that
    the command line and the report head a column alike.

    Examples
    --------
    >>> table_column("segments", "churn_rate"), table_column("kpi", "churn_rate")
    ('shrunk_churn_share', 'churn_rate')
    >>> column_label(table_column("segments", "clv"), "en")
    'value per customer'
    """
    return TABLE_COLUMNS.get(table, {}).get(column, column)


#: Suffixes that qualify another column: win_rate_low is the lower end of win_rate.
_SUFFIXES = {
    "_low": (" (下限)", " (low)"),
    "_high": (" (上限)", " (high)"),
    "_interval": (" (区間)", " (interval)"),
}


def column_label(column: object, lang: str = "ja") -> str:
    """How a result column is headed for people (the raw name when unknown).

    Examples
    --------
    >>> column_label("win_rate_low"), column_label("win_rate_low", "en")
    ('受注率 (下限)', 'win rate (low)')
    >>> column_label("account_id")
    '取引先ID'
    """
    name = str(column)
    pair = _pair(name)
    if pair is None:
        return name
    return pair[1] if lang == "en" else pair[0]


def _pair(name: str) -> tuple[str, str] | None:
    pair = COLUMN_LABELS.get(name)
    if pair is not None:
        return pair
    for suffix, (ja, en) in _SUFFIXES.items():
        base = _pair(name[: -len(suffix)]) if name.endswith(suffix) else None
        if base is not None:
            return base[0] + ja, base[1] + en
    if name.startswith("mean_"):
        base = _pair(name[5:])
        if base is not None:
            return f"平均{base[0]}", f"mean {base[1]}"
    from rashinban.kpi import KPIS

    kpi = KPIS.get(name)
    if kpi is not None:
        return kpi.ja, kpi.en
    return _schema_label(name)


def _schema_label(name: str) -> tuple[str, str] | None:
    """The canonical tables' own label of a column (取引先ID for account_id …)."""
    from rashinban.schema import TABLES

    for table in TABLES.values():
        for col in table.columns:
            if col.name == name:
                return col.ja, col.en
    return None


#: Values the analyses themselves write into result tables (not the company's data),
#: as English shows them. Stored results and CSV/JSON keep the Japanese value.
VALUE_LABELS: dict[str, str] = {
    "全体": "all",
    "現在のターゲット": "current target",
    "(競合なし)": "(no competitor)",
    "(不明)": "(unknown)",
    "不明": "unknown",
    "なし": "none",
    "あり": "yes",
}

#: The eight regions the product derives from prefectures (地方区分), in English. Kept
#: apart from VALUE_LABELS: 中国 is a region here but may be a country in user data.
REGION_LABELS: dict[str, str] = {
    "北海道": "Hokkaido",
    "東北": "Tohoku",
    "関東": "Kanto",
    "中部": "Chubu",
    "近畿": "Kinki",
    "中国": "Chugoku",
    "四国": "Shikoku",
    "九州・沖縄": "Kyushu–Okinawa",
}

#: The attractiveness index's metrics (rashinban.targeting weights), as people name them.
WEIGHT_LABELS: dict[str, tuple[str, str]] = {
    "win_rate": ("受注率", "win rate"),
    "clv": ("顧客価値", "value per customer"),
    "retention": ("定着率", "retention"),
    "growth": ("新規顧客の増加", "growth"),
    "mql_sql": ("商談化率", "MQL→SQL"),
}

#: Trigger kinds with their Japanese and English names.
TRIGGER_KINDS: dict[str, tuple[str, str]] = {
    "schedule": ("定期見直し", "scheduled review"),
    "kpi_shift": ("KPIの変化", "KPI shift"),
    "event": ("市場・製品イベント", "market or product event"),
    "event_adjacent": ("隣接セグメントのイベント", "event next to the target"),
    "lead_mix": ("リード構成の変化", "lead-mix drift"),
    "feedback": ("営業フィードバック", "sales feedback"),
}

#: The account features the fit score, lookalikes and best-N commonality name (ja, en).
FEATURE_LABELS: dict[str, tuple[str, str]] = {
    "industry": ("業種", "industry"),
    "size_band": ("従業員規模", "company size"),
    "industry_size": ("業種×規模", "industry × size"),
    "region": ("地域", "region"),
    "revenue_band": ("売上規模", "revenue band"),
    "channel": ("流入経路", "channel"),
    "decision_maker": ("決裁者との接点", "decision-maker contact"),
    "competitor": ("競合", "competitor"),
}

#: The fixed reasons a rep can give that a lead or account does not fit (ja, en);
#: rashinban.state checks feedback against them.
FEEDBACK_REASONS: dict[str, tuple[str, str]] = {
    "no_budget": ("予算がない", "no budget"),
    "no_need": ("ニーズがない", "no need"),
    "wrong_size": ("規模が合わない", "wrong size"),
    "wrong_industry": ("業種が合わない", "wrong industry"),
    "competitor_lock_in": ("競合に囲い込まれている", "locked in with a competitor"),
    "bad_timing": ("時期が悪い", "bad timing"),
    "other": ("その他", "other"),
}

#: Codes the analyses write into a column, as a table shows them (ja, en), by column.
#: CSV and JSON keep the codes (they are part of what scripts read).
CODE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "kind": {
        **TRIGGER_KINDS,
        "contractual": ("契約", "contractual"),
        "noncontractual": ("非契約", "non-contractual"),
        "cross-sell": ("クロスセル", "cross-sell"),
        "up-sell": ("アップセル", "up-sell"),
        "deal": ("商談", "deal"),
        "lead": ("リード", "lead"),
        "account": ("取引先", "account"),
        "icp": ("ICP", "ICP"),
        "grid": ("業種×規模", "industry × size"),
        "cluster": ("クラスタ", "cluster"),
        "target": ("ターゲット", "target"),
        "canvas_3c": ("3Cキャンバス", "3C canvas"),
        "canvas_swot": ("SWOTキャンバス", "SWOT canvas"),
        # what a target review lists: verdicts on hypotheses and proposals
        "verdict": ("仮説の判定", "verdict"),
        "widen": ("拡大の提案", "widen"),
        "exclude": ("除外の提案", "exclude"),
        "persona": ("ペルソナの提案", "persona"),
    },
    "source": {
        "rule": ("併売ルール", "association rule"),
        "segment": ("同じセグメントの利用率", "adoption in the segment"),
        "seat_limit": ("利用者数がプラン上限に接近", "seats near the plan limit"),
        "seat_growth": ("利用者数の増加", "seat growth"),
        "below_median": ("契約額が同業同規模の中央値の半分未満", "spend under half the median"),
    },
    "scope": {"company": ("全社", "company")},
    "outcome": {"won": ("受注", "won"), "lost": ("失注", "lost"), "open": ("進行中", "open")},
    "feature": FEATURE_LABELS,
    "top_reason": FEEDBACK_REASONS,
    "model": {
        "fit": ("適合スコア", "fit score"),
        "naive_bayes": ("ナイーブベイズ", "naive Bayes"),
        "best_rule": ("単一ルール", "single best rule"),
    },
}


def code_label(column: str, value: object, lang: str = "ja") -> object:
    """How a code in ``column`` reads in a table; other values are returned as they are.

    Examples
    --------
    >>> code_label("kind", "contractual"), code_label("kind", "kpi_shift", "en")
    ('契約', 'KPI shift')
    >>> code_label("kind", "製造業"), code_label("name", "deal")
    ('製造業', 'deal')
    """
    codes = CODE_LABELS.get(column)
    if codes is None or not isinstance(value, str) or value not in codes:
        return value
    return codes[value][1 if lang == "en" else 0]


# Size bands the analyses name (100〜299名, 1000名以上, 〜29名, 1,000名〜), on their own
# or closing a segment name (製造業 × 100〜299名). A whole cell must match: a sentence
# from a note that happens to contain 5名以上 is the company's words and stays.
_N = r"\d[\d,]*"
_BAND_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"({_N})\s*[〜~～]\s*({_N})名"), r"\1–\2 employees"),
    (re.compile(rf"({_N})名以上"), r"\1+ employees"),
    (re.compile(rf"({_N})名[〜~～]"), r"\1+ employees"),
    (re.compile(rf"[〜~～]({_N})名"), r"up to \1 employees"),
)
# Revenue bands in 億円 (rashinban.icp's 1〜10億円, 1億円未満, 1000億円以上).
_OKU_RANGE = re.compile(rf"({_N})\s*[〜~～]\s*({_N})億円")
_OKU_BOUND = re.compile(rf"({_N})億円(未満|以上)")


def yen_en(yen: float) -> str:
    """A large amount as English counts it, in millions and billions: ¥2bn, ¥300m.

    Examples
    --------
    >>> yen_en(2e9), yen_en(3e8)
    ('¥2bn', '¥300m')
    """
    return f"¥{yen / 1e9:,.4g}bn" if abs(yen) >= 1e9 else f"¥{yen / 1e6:,.4g}m"


def _oku_en(text: str) -> str:
    """An amount in 億円 (10^8 yen) in English units: 10 → ¥1bn, 3 → ¥300m."""
    return yen_en(float(text.replace(",", "")) * 1e8)


def _band_en(band: str) -> str | None:
    """A size or revenue band the analyses wrote, in English; None for anything else."""
    if band == "規模不明":
        return "size unknown"
    for pattern, english in _BAND_FORMS:
        if pattern.fullmatch(band):
            return pattern.sub(english, band)
    if found := _OKU_RANGE.fullmatch(band):
        return f"{_oku_en(found[1])}–{_oku_en(found[2])}"
    if found := _OKU_BOUND.fullmatch(band):
        return (
            ("under " if found[2] == "未満" else "")
            + _oku_en(found[1])
            + (" and over" if found[2] == "以上" else "")
        )
    return None


# Neighbours of a target (rashinban.targeting.one_condition_away) are named by the
# canonical column they relax or change: 条件外し: industry, industry→卸売業・小売業.
_RELAXED = re.compile(r"条件外し: ([a-z_]+)")
_CHANGED = re.compile(r"([a-z_]+)→(.+)")


def value_label(value: object, lang: str = "ja") -> object:
    """How a value the analyses wrote reads in ``lang``; anything else is returned as is.

    Examples
    --------
    >>> value_label("(競合なし)", "en"), value_label("製造業 × 100〜299名", "en")
    ('(no competitor)', '製造業 × 100–299 employees')
    >>> value_label("製造業 × 100〜299名"), value_label("現場の5名以上が使う", "en")
    ('製造業 × 100〜299名', '現場の5名以上が使う')
    >>> value_label("製造業×30〜99名", "en"), value_label("1〜10億円", "en")
    ('製造業×30–99 employees', '¥100m–¥1bn')
    >>> value_label("製造業 / 1000名以上", "en"), value_label("(不明) / 規模不明", "en")
    ('製造業 / 1000+ employees', '(unknown) / size unknown')
    >>> value_label("中堅製造 / 情報通信", "en")  # a name, not a segment
    '中堅製造 / 情報通信'
    >>> value_label("条件外し: industry"), value_label("条件外し: industry", "en")
    ('条件外し: 業種', 'without the industry condition')
    """
    if not isinstance(value, str):
        return value
    relaxed, changed = _RELAXED.fullmatch(value), _CHANGED.fullmatch(value)
    if relaxed:
        label = column_label(relaxed[1], lang)
        return f"without the {label} condition" if lang == "en" else f"条件外し: {label}"
    if changed:
        return f"{column_label(changed[1], lang)}→{changed[2]}"
    if lang != "en":
        return value
    if value in VALUE_LABELS:
        return VALUE_LABELS[value]
    # A band on its own, or closing a cell name: 製造業 × 100〜299名, 製造業×30〜99名,
    # 製造業 / 100〜299名 (the segments feedback summary names).
    head, sep, tail = value.rpartition("×")
    if not sep:
        head, sep, tail = value.rpartition(" / ")
    english = _band_en(tail.strip())
    if english is None:
        return value
    name = head.rstrip()  # 全体 × …, (不明) / … read in English too
    head = VALUE_LABELS.get(name, name) + head[len(name) :]
    return head + sep + tail[: len(tail) - len(tail.lstrip())] + english


def count_en(n: int, noun: str) -> str:
    """An English count with its noun, grouped by thousands: 1 target, 2,478 accounts.

    Examples
    --------
    >>> count_en(1, "customer"), count_en(2478, "account"), count_en(0, "KPI shift")
    ('1 customer', '2,478 accounts', '0 KPI shifts')
    """
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def bilingual(ja: str, en: str, lang: str = "ja") -> str:
    """A fixed text in ``lang``: "日本語 / English" (Japanese first), or the English alone.

    Examples
    --------
    >>> bilingual("基準日", "as of"), bilingual("基準日", "as of", "en")
    ('基準日 / as of', 'as of')
    """
    return en if lang == "en" else f"{ja} / {en}"


def in_language(message: str, lang: str = "ja") -> str:
    """A message written "日本語 / English" (with "— fix: 日本語 / English") as ``lang`` reads it.

    Japanese keeps the message as written (Japanese first, English alongside);
    English keeps the English half of the message and of the fix. A part that is
    not in the two-language form is kept whole.

    Examples
    --------
    >>> text = "データが足りません / too little data — fix: 取り込んでください / import more"
    >>> in_language(text, "en")
    'too little data — fix: import more'
    >>> in_language(text) == text, in_language("plain English", "en")
    (True, 'plain English')
    >>> in_language("中堅製造 / 情報通信", "en")  # a name, not a message in two languages
    '中堅製造 / 情報通信'
    >>> in_language("ターゲット '製造 / IT' はありません / no target named '製造 / IT'", "en")
    "no target named '製造 / IT'"
    """
    if lang != "en":
        return message
    return " — fix: ".join(_english_half(part) for part in message.split(" — fix: "))


def _english_half(part: str) -> str:
    """The English after the " / " that closes the Japanese, or ``part`` whole.

    That " / " has Japanese before it and English after it, is not inside a quoted
    name (ターゲット '製造 / IT' はありません) and the English starts with an ASCII
    character.
    """
    start = 0
    while (at := part.find(" / ", start)) >= 0:
        ja, en = part[:at], part[at + 3 :]
        closed = ja.count("'") % 2 == 0 and ja.count('"') % 2 == 0  # not inside a quote
        if closed and en[:1].isascii() and _LATIN.search(en) and _JAPANESE.search(ja):
            return en
        start = at + 3
    return part


#: A hypothesis's KPI where it is judged on another basis than the KPI table's column
#: (ja, en): a churn hypothesis is an annual share of customers (rashinban.targets),
#: the ``kpi`` column is the per-period share of subscriptions; an NRR hypothesis is the
#: customers' MRR a year on, the ``kpi`` column a month's.
HYPOTHESIS_LABELS: dict[str, tuple[str, str]] = {
    "churn_rate": ("年間解約率", "annual churn rate"),
    "nrr": ("年間売上継続率 (NRR)", "annual net revenue retention (NRR)"),
}


def hypothesis_text(kpi: str, op: str, value: float, lang: str = "ja") -> str:
    """A hypothesis as people write it: 受注率 ≥ 30%, CAC ≤ ¥300,000.

    Examples
    --------
    >>> hypothesis_text("win_rate", ">=", 0.3), hypothesis_text("cac", "<=", 3e5, "en")
    ('受注率 ≥ 30%', 'CAC ≤ ¥300,000')
    >>> hypothesis_text("churn_rate", "<=", 0.1), hypothesis_text("churn_rate", "<=", 0.1, "en")
    ('年間解約率 ≤ 10%', 'annual churn rate ≤ 10%')
    """
    from rashinban.kpi import KPIS

    spec = KPIS.get(kpi)
    label = kpi if spec is None else (spec.en if lang == "en" else spec.ja)
    if kpi in HYPOTHESIS_LABELS:
        label = HYPOTHESIS_LABELS[kpi][1 if lang == "en" else 0]
    unit = None if spec is None else spec.unit
    if unit == "share":
        shown = f"{value * 100:g}%"
    elif unit == "yen":
        shown = f"¥{value:,.0f}"
    else:
        shown = f"{value:g}"
    return f"{label} {'≥' if op == '>=' else '≤'} {shown}"

"""`rashinban demo` end to end: exports → import → analyze → report, as `make demo` runs it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rashinban import WorkspaceError, open_workspace
from rashinban.pipeline import run_demo
from rashinban.report import build_report
from rashinban.schema import TABLES


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo"
    summary = run_demo(path, size=600, seed=3)
    assert summary.report.exists()
    return path


def test_all_canonical_tables_have_rows(demo_dir: Path) -> None:
    ws = open_workspace(demo_dir)
    with ws.connect(read_only=True) as con:
        for name in TABLES:
            (n,) = con.execute(f'select count(*) from "{name}"').fetchone() or (0,)
            assert n > 0, f"{name} is empty after the demo"


def test_demo_went_through_real_exports(demo_dir: Path) -> None:
    ws = open_workspace(demo_dir)
    with ws.connect(read_only=True) as con:
        rows = con.execute("select file_name, encoding from rb_meta.imports").fetchall()
    encodings = {e for _, e in rows}
    assert "cp932" in encodings
    assert any(f.endswith(".xlsx") for f, _ in rows)
    assert list((demo_dir / "rejects").glob("*.csv")), "the planted bad rows are explained"


def test_demo_leads_pass_the_funnel_date_order(demo_dir: Path) -> None:
    # leads declare 作成日 ≤ MQL日 ≤ SQL日: the generated funnel keeps every lead.
    assert ("created_at", "mql_at") in TABLES["leads"].ordered
    ws = open_workspace(demo_dir)
    with ws.connect(read_only=True) as con:
        imported = con.execute(
            "select rows_read, rows_rejected from rb_meta.imports where table_name = 'leads'"
        ).fetchall()
        stored, mql, sql = con.execute(
            "select count(*), count(mql_at), count(sql_at) from leads"
        ).fetchone() or (0, 0, 0)
    assert imported == [(stored, 0)]
    assert 0 < sql < mql < stored  # the order was checked on leads that reached MQL and SQL


def test_report_is_self_contained_and_japanese(demo_dir: Path) -> None:
    html = (demo_dir / "report.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in html
    assert "拡販ターゲット分析レポート" in html
    for section in ("profile", "rfm", "clv"):
        assert f'id="{section}"' in html
    assert "<svg" in html
    # nothing is fetched: no external scripts, stylesheets or images
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_report_in_english(demo_dir: Path) -> None:
    html = build_report(open_workspace(demo_dir), lang="en")
    assert '<html lang="en">' in html and "Sales-expansion target report" in html


def _headers(page: str) -> set[str]:
    cells = re.findall(r"<th[^>]*>(.*?)</th>", page, flags=re.S)
    return {re.sub(r"<[^>]+>", "", c).strip() for c in cells}


def test_table_headers_speak_the_reports_language(demo_dir: Path) -> None:
    ws = open_workspace(demo_dir)
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    ja = _headers(build_report(ws, lang="ja"))
    # no raw result column names (win_rate, description_ja …) in the Japanese report
    assert not [h for h in ja if "_" in h or re.fullmatch(r"[a-z ]+", h)], ja
    en = _headers(build_report(ws, lang="en"))
    assert not [h for h in en if "_" in h or japanese.search(h)], en


def test_no_table_heads_two_columns_alike(demo_dir: Path) -> None:
    for lang in ("ja", "en"):
        page = build_report(open_workspace(demo_dir), lang=lang)
        for head in re.findall(r"<thead>(.*?)</thead>", page, flags=re.S):
            names = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<th>(.*?)</th>", head)]
            assert len(names) == len(set(names)), (lang, names)


def test_japanese_report_names_models_and_metrics_in_japanese(demo_dir: Path) -> None:
    page = build_report(open_workspace(demo_dir), lang="ja")
    for shown in ("ナイーブベイズ (比較)", "警告から解約までの日数 (中央値)", "全社", "定着率 0.2"):
        assert shown in page, shown
    raw_values = (">seat_limit<", "survey: R", "<td>lost</td>", "<td>icp</td>", "retention=")
    for raw in ("naive_bayes", "median lead time (days)", ">company<", *raw_values):
        assert raw not in page, raw
    # churn risk as the command line shows it: a percentage, not 0.648
    watch = page.split("ウォッチリスト（リスク金額順）", 1)[1].split("</table>", 1)[0]
    heads = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<th[^>]*>(.*?)</th>", watch)]
    at = heads.index("リスク")
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", watch)]
    risks = [cells[at] for cells in rows if cells]
    assert risks and all(re.fullmatch(r"[0-9]+\.[0-9]%", r) for r in risks), risks[:4]
    # segment rates as percentages too (受注率 56.8%, not 0.568)
    head = page.index("受注率 (縮小推定)")
    segments = page[head : page.index("</table>", head)]
    assert re.search(r'<td class="num">[0-9]+\.[0-9]%</td>', segments)


def test_demo_refuses_a_folder_that_is_not_a_demo(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(WorkspaceError):
        run_demo(tmp_path, size=50)
    assert (tmp_path / "mine.txt").exists()


def test_english_report_speaks_english_in_the_values_it_writes(demo_dir: Path) -> None:
    ws = open_workspace(demo_dir)
    ja, en = build_report(ws, lang="ja"), build_report(ws, lang="en")
    cells = {
        lang: {re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", page)}
        for lang, page in (("ja", ja), ("en", en))
    }
    band = re.compile(r"(.+ × )?(\d[\d,]*〜\d[\d,]*名|\d[\d,]*名以上)")
    # The Japanese report shows the generated values, the English one their English.
    assert "(競合なし)" in cells["ja"] and "(no competitor)" in cells["en"]
    # Chart labels (SVG text) too.
    svg = {
        lang: re.findall(r"<text[^>]*>([^<]+)</text>", page)
        for lang, page in (("ja", ja), ("en", en))
    }
    assert [s for s in svg["ja"] if band.fullmatch(s)]
    assert not [s for s in svg["en"] if band.fullmatch(s)]
    assert [c for c in cells["ja"] if band.fullmatch(c)]
    assert not [c for c in cells["en"] if band.fullmatch(c) or c == "(競合なし)"]
    assert [c for c in cells["en"] if re.fullmatch(r".+ × \d[\d,]*(–\d[\d,]*|\+) employees", c)]
    # Cross-sell reasons name their segment in English; theme words are listed with commas.
    assert "・従業員" in ja and "・従業員" not in en
    assert "customers in " in en
    words = re.compile(r"[^、。\s]{1,12}(、[^、。\s]{1,12}){2,}")  # 価格、ツール、予算
    assert [c for c in cells["ja"] if words.fullmatch(c)]
    assert not [c for c in cells["en"] if words.fullmatch(c)]


def test_english_demo_summary_is_english(tmp_path: Path) -> None:
    summary = run_demo(tmp_path / "demo_en", size=600, seed=3, lang="en")
    text = "\n".join(summary.lines)
    print("\n" + text)
    headlines = [line for line in summary.lines if line.startswith("  ・")]
    assert len(headlines) >= 12, text
    # Company names, industries and loss reasons are data; what the analyses say is English.
    for written in (
        "、",
        "(競合なし)",
        "業種 =",
        "名以上",
        "除外",
        "条件外し",
        "JPY ",
        "1 targets",
        "1 customers",
        "基準日",
        "レポート /",
        "デモワークスペース",
        "取り込み /",
    ):
        assert written not in text, written
    assert not re.search(r"\d〜\d[\d,]*名", text)
    assert "(no competitor)" in text and "industry is " in text


def _table_after(page: str, marker: str) -> tuple[list[str], list[list[str]], list[str]]:
    """Headers, cell texts and row tags of the first table after ``marker``."""
    start = page.index(marker)
    table = page[page.index("<table>", start) : page.index("</table>", start)]
    heads = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<th[^>]*>(.*?)</th>", table)]
    body = table.split("<tbody>", 1)[1]
    rows = re.findall(r"(<tr[^>]*>)(.*?)</tr>", body, flags=re.S)
    cells = [
        [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r)] for _, r in rows
    ]
    return heads, cells, [tag for tag, _ in rows]


def test_segment_and_icp_columns_are_headed_as_the_command_line_heads_them(
    demo_dir: Path,
) -> None:
    from rashinban._labels import TABLE_COLUMNS, column_label

    for lang in ("ja", "en"):
        page = build_report(open_workspace(demo_dir), lang=lang)
        segments, rows, _ = _table_after(page, 'id="segments"')
        for key in ("win_rate", "win_rate_interval", "churn_rate", "clv", "ltv_cac"):
            assert column_label(TABLE_COLUMNS["segments"][key], lang) in segments, (lang, key)
        # not the kpi KPIs: no bare 受注率 / CLV / 解約率 / LTV/CAC heads
        for kpi in ("win_rate", "clv", "churn_rate", "ltv_cac"):
            assert column_label(kpi, lang) not in segments, (lang, kpi)
        won = rows[0][segments.index(column_label("won_k_n", lang))]
        assert re.fullmatch(r"[\d,]+/[\d,]+", won), won
        icp, _, _ = _table_after(page, 'id="icp"')
        assert column_label("value_per_customer", lang) in icp
        assert column_label("churned_share", lang) in icp and "CLV" not in icp
        # the segment chart's axes say the same
        svg = re.findall(r"<text[^>]*>([^<]+)</text>", page)
        assert (
            column_label("value_per_customer", lang) + (" (¥m)" if lang == "en" else " (万円)")
            in svg
        )
        assert "Customer lifetime value (CLV) (¥m)" not in svg
    ja = build_report(open_workspace(demo_dir), lang="ja")
    assert "縮約後" not in ja and "縮小推定: 件数の少ない区分" in ja


def test_kpi_table_shows_intervals_and_marks_months_in_progress(demo_dir: Path) -> None:
    ws = open_workspace(demo_dir)
    from rashinban.pipeline import load_result_table

    funnel = load_result_table(ws, "kpi", "funnel")
    assert funnel is not None
    company = funnel[funnel["scope"] == "company"]
    open_months = set(company.loc[company["open"] > company["closed"], "period"])
    assert open_months, "the demo's last months still have most deals open"
    for lang, note in (
        ("ja", "進行中: 商談の多くが未完了"),
        ("en", "in progress: most deals still open"),
    ):
        page = build_report(ws, lang=lang)
        heads, rows, tags = _table_after(page, 'id="kpi"')
        period, rate = (
            heads.index(column_label_of("period", lang)),
            heads.index(column_label_of("win_rate", lang)),
        )
        scope = "全社" if lang == "ja" else "company"
        for cells, tag in zip(rows, tags, strict=True):
            if cells[0] != scope:
                continue
            marked = cells[period] in open_months
            assert (note in cells) is marked and ('class="muted"' in tag) is marked, cells
            # a rate with its interval, as rashinban kpi prints it
            if cells[rate]:
                assert re.fullmatch(r"\d+\.\d% \(\d+\.\d%–\d+\.\d%\)", cells[rate]), cells[rate]
        assert heads.index(column_label_of("closed", lang)) and heads.index(
            column_label_of("open", lang)
        )
        # the win-rate chart says so, in percent, and leaves those months out
        assert ", ".join(sorted(open_months)) in page.split('id="kpi"', 1)[1]
        svg = re.findall(r"<text[^>]*>([^<]+)</text>", page)
        assert ("受注率 (%)" if lang == "ja" else "win rate (%)") in svg
    doc = (Path(__file__).parents[1] / "docs" / "kpi.md").read_text("utf-8")
    assert "most deals still open" in doc


def column_label_of(column: str, lang: str) -> str:
    from rashinban._labels import column_label

    return column_label(column, lang)


def test_win_loss_quotes_are_headed_by_outcome_and_competitor(demo_dir: Path) -> None:
    for lang, outcome, values, group in (
        ("ja", "結果", {"受注", "失注"}, "競合"),
        ("en", "outcome", {"won", "lost"}, "competitor"),
    ):
        page = build_report(open_workspace(demo_dir), lang=lang)
        section = page[page.index('id="winloss"') :]
        quotes = section[
            section.index("顧客の声（原文）" if lang == "ja" else "quote (verbatim)") - 400 :
        ]
        heads, rows, _ = _table_after(quotes, "<table>")
        assert heads[:2] == [group, outcome], heads
        assert {r[1] for r in rows} <= values and rows
        assert ("理由" if lang == "ja" else "reason") not in heads


def test_report_text_details_in_both_languages(demo_dir: Path) -> None:
    ws = open_workspace(demo_dir)
    ja, en = build_report(ws, lang="ja"), build_report(ws, lang="en")
    # data profile: numbers with separators, no trailing .0
    for page in (ja, en):
        heads, rows, _ = _table_after(page, 'id="profile"')
        lows = [r[heads.index(h)] for r in rows for h in heads[-2:]]
        assert not [v for v in lows if re.fullmatch(r"-?\d+\.0", v)], lows
        assert [v for v in lows if re.fullmatch(r"-?\d{1,3}(,\d{3})+", v)]
    # persona story: a space after each citation in English
    text = re.sub(r"<[^>]+>", "", en)
    assert re.search(r"works at a \S+\[\d+\] company\.", text)
    # cross-sell reasons and headline write bands and pairs as the rest of the report
    assert " -> " not in en and not re.search(r"\d-\d+ employees", en)
    assert not re.search(r"従業員\d+-\d+名", ja)
    # count axes are named
    for page, names in (
        (ja, ("リード数 (件)", "顧客数", "解約した顧客数", "解約リスク (%)")),
        (en, ("leads", "customers", "churned customers", "churn risk (%)")),
    ):
        svg = re.findall(r"<text[^>]*>([^<]+)</text>", page)
        for name in names:
            assert name in svg, name


def test_clv_section_values_contracts_and_orders_and_shows_the_revenue_holdout(
    demo_dir: Path,
) -> None:
    ws = open_workspace(demo_dir)
    for lang, words in (
        ("ja", ("契約の価値", "注文の価値", "同じ期間の売上", "期間中に始まった契約")),
        ("en", ("contract value", "order value", "revenue in the same weeks", "expansion")),
    ):
        page = build_report(ws, lang=lang)
        clv = page[page.index('id="clv"') :]
        clv = clv[: clv.index("</section>")]
        for word in words:
            assert word in clv, (lang, word)
        # the predicted and actual revenue are yen amounts of the run's holdout
        assert re.search(r"実績 [\d.,]+億円" if lang == "ja" else r"actual ¥[\d,]{9,}", clv), lang


#: An amount as the report's tables write it: 6.695億円 / 2,491万円 / 8,000円, ¥669,495,552.
_YEN = {"ja": r"-?[\d,.]+(億|万)?円", "en": r"-?¥\d{1,3}(,\d{3})*"}


def test_amounts_are_yen_and_shares_percent_in_every_table(demo_dir: Path) -> None:
    ws = open_workspace(demo_dir)
    for lang in ("ja", "en"):
        page = build_report(ws, lang=lang)
        # KPI: NRR as a percentage (as `rashinban kpi` prints it), amounts in yen
        heads, rows, _ = _table_after(page, 'id="kpi"')
        nrr = [r[heads.index(column_label_of("nrr", lang))] for r in rows]
        assert nrr and all(re.fullmatch(r"\d+\.\d%", v) for v in nrr if v), nrr[:3]
        for kpi in ("average_deal", "cac"):
            amounts = [r[heads.index(column_label_of(kpi, lang))] for r in rows]
            filled = [v for v in amounts if v]
            assert filled and all(re.fullmatch(_YEN[lang], v) for v in filled), filled[:3]
        # value per customer (segments, ICP), motions, revenue at risk, CLV: in yen
        for marker, column in (
            ('id="segments"', column_label_of("value_per_customer", lang)),
            ('id="icp"', column_label_of("value_per_customer", lang)),
            ('id="motions"', 2),
            ('id="churn"', "リスク金額（年）" if lang == "ja" else "revenue at risk / yr"),
            ('id="clv"', "CLV"),
        ):
            heads, rows, _ = _table_after(page, marker)
            at = column if isinstance(column, int) else heads.index(column)
            values = [r[at] for r in rows if r[at]]
            assert values and all(re.fullmatch(_YEN[lang], v) for v in values), (marker, values)
        # the CLV chart's axis is in yen, not in powers of ten
        clv = page.split('id="clv"', 1)[1].split("</section>", 1)[0]
        ticks = re.findall(r"<text[^>]*>([^<]+)</text>", clv)
        assert "log10" not in clv and [t for t in ticks if re.fullmatch(_YEN[lang], t)], ticks
    ja = build_report(ws, lang="ja")
    heads, _, _ = _table_after(ja, 'id="rfm"')
    assert heads[:4] == ["セグメント", "顧客数", "構成比", "売上構成比"], heads


def test_the_data_profile_names_tables_and_columns_in_japanese_with_their_codes(
    demo_dir: Path,
) -> None:
    ws = open_workspace(demo_dir)
    ja = build_report(ws, lang="ja")
    heads, rows, _ = _table_after(ja, 'id="profile"')
    tables = {r[heads.index("テーブル")] for r in rows}
    assert "取引先 (accounts)" in tables and "商談 (deals)" in tables
    assert "accounts" not in tables
    columns = {r[heads.index("列")] for r in rows}
    assert "取引先ID (account_id)" in columns
    # the English report keeps the schema's own (English) names
    en = build_report(ws, lang="en")
    heads, rows, _ = _table_after(en, 'id="profile"')
    assert "accounts" in {r[heads.index("table")] for r in rows}

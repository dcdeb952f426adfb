"""How the HTML report writes values and draws charts: missing values, yen amounts,
years, chart labels that can be read, and sections with nothing to draw."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from rashinban import init_workspace
from rashinban.importing import load_frames
from rashinban.pipeline import analyze
from rashinban.report import _charts as charts
from rashinban.report import build_report, table_html
from rashinban.report._sections import number_text, yen_cell


def _cells(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", page)]


def test_missing_values_are_empty_cells_not_na_or_nat() -> None:
    frame = pd.DataFrame(
        {
            "reason": pd.Series(["理由", pd.NA, None], dtype="object"),
            "at": [pd.Timestamp("2025-01-01"), pd.NaT, pd.NaT],
            "n": pd.array([1, pd.NA, 3], dtype="Int64"),
        }
    )
    for lang in ("ja", "en", None):
        cells = _cells(table_html(frame, lang=lang))
        assert not {"<NA>", "&lt;NA&gt;", "NaT", "None", "nan"} & set(cells), cells
        assert "理由" in cells


def test_yen_amounts_read_in_man_and_oku_in_japanese_and_in_full_in_english() -> None:
    assert yen_cell(669_495_552, "ja") == "6.695億円"
    assert yen_cell(7_569_896, "ja") == "757万円"
    assert yen_cell(8_000, "ja") == "8,000円"
    assert yen_cell(669_495_552, "en") == "¥669,495,552"
    assert yen_cell(-450_000, "en") == "-¥450,000"
    assert yen_cell(float("nan"), "ja") == ""
    frame = pd.DataFrame({"amount": [24_912_557.0, float("nan")], "count": [3, 4]})
    assert _cells(table_html(frame, lang="ja", yen=("amount",))) == ["2,491万円", "3", "", "4"]
    assert _cells(table_html(frame, lang="en", yen=("amount",)))[0] == "¥24,912,557"


def test_years_and_ids_in_the_profile_have_no_thousands_separator() -> None:
    assert number_text("1900.0", "founded_year") == "1900"
    assert number_text("2023", "founded_year") == "2023"
    assert number_text("334137698000.0", "annual_revenue") == "334,137,698,000"


def _svg_texts(svg: str) -> list[tuple[float, float, float, str, str]]:
    """(x, y, font size, anchor, text) of every SVG text."""
    out = []
    pattern = (
        r'<text style="font-size: ([\d.]+)px;[^"]*?(?:text-anchor: (\w+))?" '
        r'x="([\d.-]+)" y="([\d.-]+)"[^>]*>([^<]*)</text>'
    )
    for size, anchor, x, y, text in re.findall(pattern, svg):
        out.append((float(x), float(y), float(size), anchor or "start", text))
    return out


def test_bubble_labels_do_not_overlap_and_the_first_are_kept() -> None:
    # 30 segments crowded into one corner, named in Japanese as the demo names them
    names = [f"卸売業・小売業 × {n}〜{n + 9}名" for n in range(30)]
    x = [1.0 + 0.01 * i for i in range(30)]
    y = [20.0 + 0.05 * i for i in range(30)]
    svg = charts.bubbles(x, y, [10.0] * 30, names, xlabel="x", ylabel="y")
    shown = [t for t in _svg_texts(svg) if t[4] in names]
    assert names[0] in [t[4] for t in shown] and 1 < len(shown) < len(names)
    boxes = []
    for px, py, size, anchor, text in shown:
        width = size * sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)
        left = {"middle": px - width / 2, "end": px - width}.get(anchor, px)
        boxes.append((left, left + width, py - size, py))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2]
            assert apart, (a, b)


def test_log_histogram_writes_its_ticks_as_amounts_and_lines_name_their_x_axis() -> None:
    values = [1e5, 3e5, 1e6, 2e6, 5e6, 2e7]
    svg = charts.histogram(values, xlabel="CLV", log_x=lambda v: yen_cell(v, "ja"))
    texts = [t[4] for t in _svg_texts(svg)]
    assert "100万円" in texts and "1,000万円" in texts, texts
    assert not [t for t in texts if "10^" in t or "log10" in t]
    svg = charts.lines([1, 2, 3], {"a": [1.0, 2.0, 3.0]}, xlabel="スコアの十分位")
    assert "スコアの十分位" in [t[4] for t in _svg_texts(svg)]


@pytest.fixture(scope="module")
def no_deals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A company that sells by order and has no deals, no products: the pages it gets."""
    from rashinban.demo import generate

    tables = generate(400, seed=3)
    ws = init_workspace(tmp_path_factory.mktemp("ws") / "ws")
    load_frames(ws, {k: v for k, v in tables.items() if k in ("accounts", "orders")})
    analyze(ws, only=["segments", "crosssell"])
    return {lang: build_report(ws, lang=lang) for lang in ("ja", "en")}


def _section(page: str, name: str) -> str:
    part = page.split(f'<section id="{name}">', 1)[1]
    return part.split("</section>", 1)[0]


def test_without_deals_segments_and_competitors_say_so_instead_of_empty_charts(
    no_deals: dict[str, str],
) -> None:
    for lang, words in (
        ("ja", ("受注率を出せるセグメントがまだありません", "完了した商談がありません")),
        ("en", ("No segment has a win rate yet", "No closed deal to count by competitor")),
    ):
        segments = _section(no_deals[lang], "segments")
        assert words[0] in segments and "<svg" not in segments
        competitors = _section(no_deals[lang], "competitors")
        assert words[1] in competitors and "<table" not in competitors


def test_without_products_the_recommendations_show_no_na(no_deals: dict[str, str]) -> None:
    for page in no_deals.values():
        crosssell = _section(page, "crosssell")
        assert "<td" in crosssell
        assert "&lt;NA&gt;" not in crosssell and "<NA>" not in crosssell


def test_docs_describe_the_report_amounts() -> None:
    doc = (Path(__file__).parents[1] / "docs" / "cli.md").read_text("utf-8")
    assert "万円" in doc.split("### rashinban report", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("name", ["rashinban.report._sections", "rashinban.report._report"])
def test_docstring_examples_run(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0

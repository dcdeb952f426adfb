"""The report's co-purchase chart names the products, as the cross-sell headline does."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from rashinban import Workspace, init_workspace
from rashinban.demo import generate
from rashinban.importing import load_frames
from rashinban.pipeline import analyze, load_result_table
from rashinban.report import build_report


@pytest.fixture(scope="module")
def sold_ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = init_workspace(Path(tmp_path_factory.mktemp("crosssell_report")) / "ws")
    load_frames(ws, generate(400, seed=3))
    run = analyze(ws, only=["crosssell"])
    assert "crosssell" in run.results, run.failures
    return ws


def _pair_labels(page: str) -> list[str]:
    """The texts of the page's SVG charts that read as a pair (a → b), headline excluded."""
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<>]*→[^<>]*)</text>", page)]


def test_the_top_rules_chart_is_labelled_by_product_name(sold_ws: Workspace) -> None:
    with sold_ws.connect(read_only=True) as con:
        names = dict(con.execute("SELECT product_id, name FROM products").fetchall())
    rules = load_result_table(sold_ws, "crosssell", "rules").head(10)
    pairs = zip(rules["antecedent"], rules["consequent"], strict=True)
    want = [f"{names[a]}→{names[c]}" for a, c in pairs]
    assert want[0] == "ワークフロー→API連携"  # the strongest pair of this company (P03→P05)
    for lang in ("ja", "en"):
        page = build_report(sold_ws, lang=lang)
        assert _pair_labels(page) == want, lang
        assert not re.search(r"P\d\d→P\d\d", page), lang


def test_a_product_without_a_name_keeps_its_id(sold_ws: Workspace) -> None:
    with sold_ws.connect() as con:
        con.execute("UPDATE products SET name = NULL WHERE product_id = 'P05'")
    try:
        labels = _pair_labels(build_report(sold_ws, lang="en"))
        assert labels[:2] == ["ワークフロー→P05", "P05→ワークフロー"]
    finally:
        with sold_ws.connect() as con:
            con.execute("UPDATE products SET name = 'API連携' WHERE product_id = 'P05'")

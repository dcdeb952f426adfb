"""Tables in a narrow terminal: numbers and ids stay whole, too-wide tables become records."""

from __future__ import annotations

import io
import re

from rich.console import Console

from rashinban.cli._layout import column_widths
from rashinban.cli._render import Format, render, set_display_language


def _printed(payload: dict[str, object], width: int, title: str = "CLV") -> str:
    set_display_language("ja", explicit=True)
    console = Console(width=width, record=True, file=io.StringIO())
    render(payload, "rows", Format.table, title=title, console=console)
    return console.export_text()


CLV_ROWS = [
    {
        "account_id": f"A00{1193 + i}",
        "p_alive": 0.988 - i / 100,
        "expected_purchases": 14.4 + i,
        "clv": 38410584.0 - i * 1_000_003,
        "frequency": 7 + i,
        "recency": 24.0 + i,
        "T": 25.0 + i,
        "monetary_value": 3230929.0 - i * 7,
    }
    for i in range(5)
]


def test_numbers_and_ids_stay_whole_in_an_80_column_terminal() -> None:
    text = _printed({"rows": CLV_ROWS}, 80)
    assert max(len(line) for line in text.splitlines()) <= 80
    for row in CLV_ROWS:
        assert re.search(rf"│ {row['account_id']} +│", text), row["account_id"]
        assert f"{row['clv']:,.0f}" in text and f"{row['monetary_value']:,.0f}" in text
    # Right-aligned: the numbers end where their column ends.
    assert re.search(r" 38,410,584 │", text)


def test_a_table_too_wide_for_the_terminal_is_printed_one_record_per_block() -> None:
    row = {f"metric_{k}": 1_000_000 + k for k in range(18)}
    rows = [{"scope": "全社", "period": f"2025-0{m}", **row} for m in (1, 2)]
    narrow = _printed({"rows": rows}, 80, title="KPI")
    assert "── 1 件目 / 2 ──" in narrow and "── 2 件目 / 2 ──" in narrow
    # Each value on its own line beside its label, whole.
    assert re.search(r"^ *期間 +2025-02 *$", narrow, re.M)
    assert re.search(r"^ *metric_17 +1,000,017 *$", narrow, re.M)
    # A terminal wide enough shows the grid.
    wide = _printed({"rows": rows}, 300, title="KPI")
    assert "件目" not in wide and "┃ 期間" in wide


def test_a_column_of_floats_shares_its_decimals() -> None:
    rows = [{"id": "x", "score": s} for s in (0.875, 0.87, 0.8625, 0.5)]
    text = _printed({"rows": rows}, 80, title="S")
    for shown in ("0.875", "0.870", "0.863", "0.500"):
        assert f" {shown} │" in text, shown


def test_column_widths_give_way_from_the_widest_text_column() -> None:
    labels = ["理由", "種類", "金額"]
    cells = [["とても長い理由の説明がここに入ります" * 2, "アップセル", "1,234,567"]]
    widths = column_widths(labels, cells, [False, False, True], 50)
    assert widths is not None
    assert widths[2] == 9  # the number keeps its width
    assert widths[1] == 10  # the shorter text column is untouched
    assert sum(widths) + 3 * 3 + 1 == 50
    # Nothing left to give: no widths (the caller prints records).
    assert column_widths(labels, cells, [False, False, True], 20) is None

"""Report sections, declared in order. Each renders HTML from stored results or returns None."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from rashinban._labels import code_label, is_proportion, value_label
from rashinban.report import _charts as charts
from rashinban.report._i18n import column_label, t
from rashinban.workspace import META_SCHEMA, Workspace


@dataclass
class ReportContext:
    ws: Workspace
    lang: str
    runs: dict[str, dict[str, Any]]
    load: Callable[[str, str], pd.DataFrame | None]

    def named(self, frame: pd.DataFrame, *tables: str) -> pd.DataFrame:
        """``frame`` with the names of its ``account_id`` / ``product_id`` (``tables``:
        ``accounts``, ``products``) next to the ids, as they are in the workspace now."""
        from rashinban.engine import name_column

        backend = self.ws.backend(read_only=True)
        try:
            for table in tables:
                frame = name_column(backend, frame, table)
        finally:
            backend.disconnect()
        return frame

    def headline(self, analysis: str) -> str:
        """The analysis' one-line summary in the report's language ("" if it has none)."""
        summary = self.runs.get(analysis, {}).get("summary", {}) or {}
        return str(summary.get("headline_en" if self.lang == "en" else "headline_ja", ""))


@dataclass(frozen=True)
class Section:
    name: str
    title_key: str
    render: Callable[[ReportContext], str | None]


def table_html(
    frame: pd.DataFrame,
    *,
    max_rows: int = 50,
    floatfmt: str = "{:,.3g}",
    lang: str | None = None,
    percent: tuple[str, ...] = (),
    yen: tuple[str, ...] = (),
    muted: Sequence[bool] = (),
) -> str:
    """A plain HTML table (escaped), for small result frames.

    With ``lang``, result columns are headed in that language (:func:`column_label`) and
    the values the analyses wrote read in it too (:func:`rashinban._labels.value_label`).
    Proportions in the ``percent`` columns show as percentages (0.648 → 64.8%), as the
    command line shows them; amounts in the ``yen`` columns as :func:`yen_cell` writes
    them. A missing value (None, NaN, pandas' NA and NaT) is an empty cell. Rows flagged
    in ``muted`` are greyed (a month in progress).
    """
    head = "".join(
        f"<th>{html.escape(column_label(c, lang) if lang else str(c))}</th>" for c in frame.columns
    )
    body = []
    # Proportions as percentages, as the command line shows them: the columns named in
    # ``percent``, and with ``lang`` the result columns the CLI shows so (win_rate, risk …).
    shares = [c in percent or (lang is not None and is_proportion(str(c))) for c in frame.columns]
    for i, (_, row) in enumerate(frame.head(max_rows).iterrows()):
        cells = []
        for column, v, share in zip(frame.columns, row, shares, strict=True):
            if v is None or type(v).__name__ in ("NAType", "NaTType"):
                cells.append("<td></td>")  # not "<NA>" or "NaT"
            elif column in yen and isinstance(v, int | float):
                cells.append(f'<td class="num">{html.escape(yen_cell(v, lang or "ja"))}</td>')
            elif share and isinstance(v, float) and v == v:
                cells.append(f'<td class="num">{v:.1%}</td>')
            elif isinstance(v, float):
                # Amounts (yen) in full with separators, not 2.34e+06 or 8.94e+03.
                big = v == v and abs(v) >= 1e3
                text = "" if v != v else f"{v:,.0f}" if big else floatfmt.format(v)
                cells.append(f'<td class="num">{text}</td>')
            elif isinstance(v, int):
                cells.append(f'<td class="num">{v:,}</td>')
            else:
                shown = code_label(str(column), v, lang) if lang else v  # icp → ICP, lost → 失注
                text = "" if v is None else str(value_label(shown, lang) if lang else v)
                cells.append(f"<td>{html.escape(text)}</td>")
        grey = i < len(muted) and muted[i]
        body.append(('<tr class="muted">' if grey else "<tr>") + "".join(cells) + "</tr>")
    more = ""
    if len(frame) > max_rows:
        more = f'<p class="note">… {len(frame) - max_rows:,} more</p>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def number_text(value: object, column: str = "") -> object:
    """A number written as text, as the report shows numbers; anything else as it is.
    A ``column`` that numbers rather than counts (``founded_year``, an id) has no
    thousands separators, as on the command line.

    >>> number_text("334137698000.0"), number_text("-450000.0"), number_text("2.5")
    ('334,137,698,000', '-450,000', '2.5')
    >>> number_text("1900.0", "founded_year"), number_text("2024-01-05"), number_text(None)
    ('1900', '2024-01-05', None)
    """
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return value
    try:
        v = float(value)
    except ValueError:
        return value
    if v != v or v in (float("inf"), float("-inf")):
        return value
    if column.endswith(("id", "year", "version", "number")) and v.is_integer():
        return f"{v:.0f}"
    if v.is_integer() or abs(v) >= 1e3:
        return f"{v:,.0f}"
    return f"{v:.4g}"


def yen_cell(value: float, lang: str) -> str:
    """An amount of yen as the report's tables show it: in 万円 and 億円 to four
    significant digits in Japanese, in full with ``¥`` and separators in English;
    "" for a missing amount.

    >>> yen_cell(669_495_552, "ja"), yen_cell(24_912_557, "ja"), yen_cell(37_952, "ja")
    ('6.695億円', '2,491万円', '3.795万円')
    >>> yen_cell(669_495_552, "en"), yen_cell(-450_000, "en"), yen_cell(float("nan"), "en")
    ('¥669,495,552', '-¥450,000', '')
    """
    from rashinban.segments._describe import yen_text

    v = float(value)
    if v != v or v in (float("inf"), float("-inf")):
        return ""
    if lang == "en":
        return f"{'-' if v < 0 else ''}¥{abs(v):,.0f}"
    return yen_text(v, "ja")


def _table_name(name: str, lang: str) -> str:
    """A canonical table as the Japanese report names it, its code beside (取引先 (accounts)).

    >>> _table_name("accounts", "ja"), _table_name("accounts", "en"), _table_name("x", "ja")
    ('取引先 (accounts)', 'accounts', 'x')
    """
    from rashinban.schema import TABLES

    spec = TABLES.get(name)
    return f"{spec.ja} ({name})" if spec is not None and lang == "ja" else name


def _column_name(table: str, column: str, lang: str) -> str:
    """A canonical column as the Japanese report names it (取引先ID (account_id)); a column
    the company's files added keeps its own header.

    >>> _column_name("accounts", "account_id", "ja"), _column_name("accounts", "社内メモ", "ja")
    ('取引先ID (account_id)', '社内メモ')
    """
    from rashinban.schema import TABLES

    spec = TABLES.get(table)
    if spec is None or lang != "ja" or column not in spec.column_names:
        return column
    return f"{spec.column(column).ja} ({column})"


def _profile(ctx: ReportContext) -> str | None:
    frame = ctx.load("profile", "columns")
    if frame is None:
        return None
    lang = ctx.lang
    per_table = frame.groupby("table", sort=False)["rows"].first()
    chart = charts.bar(
        [_table_name(n, lang) for n in per_table.index],
        list(per_table.values),
        title=t("rows_per_table", lang),
        xlabel=t("rows", lang),
    )
    cols = frame[["table", "column", "filled_share", "distinct", "min", "max"]].copy()
    names = [_column_name(tb, c, lang) for tb, c in zip(cols["table"], cols["column"], strict=True)]
    cols["table"] = [_table_name(tb, lang) for tb in cols["table"]]
    cols["column"] = names
    cols["filled_share"] = (cols["filled_share"] * 100).round(1).astype(str) + "%"
    # The profile stores min and max as text (numbers and dates alike): numbers as the
    # rest of the report shows them (334,137,698,000, not 334137698000.0).
    for end in ("min", "max"):
        cols[end] = [number_text(v, c) for v, c in zip(cols[end], frame["column"], strict=True)]
    cols.columns = [t(k, lang) for k in ("table", "column", "filled", "distinct", "min", "max")]
    parts = [
        chart,
        "<details><summary>",
        t("column", lang),
        "</summary>",
        table_html(cols, max_rows=400, lang=lang),
        "</details>",
    ]
    with ctx.ws.connect(read_only=True) as con:
        imports = con.execute(
            f"""SELECT table_name, file_name, rows_read, rows_inserted, rows_updated, rows_rejected
                FROM {META_SCHEMA}.imports ORDER BY imported_at, rowid"""
        ).df()
    if len(imports):
        imports["table_name"] = [_table_name(tb, lang) for tb in imports["table_name"]]
        imports.columns = [
            t(k, lang) for k in ("table", "file", "rows", "inserted", "updated", "rejected")
        ]
        parts += ["<h3>", t("imports", lang), "</h3>", table_html(imports, lang=lang)]
    return "".join(parts)


def _value_sections() -> list[Section]:
    from rashinban.report import _sec_value as v

    return [Section("rfm", "rfm", v.render_rfm), Section("clv", "clv", v.render_clv)]


def _defend_sections() -> list[Section]:
    from rashinban.report import _sec_defend as d

    return [
        Section("motions", "defend_motions", d.render_motions),
        Section("churn", "defend_churn", d.render_churn),
        Section("crosssell", "defend_crosssell", d.render_crosssell),
    ]


def _voice_sections() -> list[Section]:
    from rashinban.report import _sec_voice as v  # registers its labels on import

    return [
        Section("themes", "voice_themes", v.render_themes),
        Section("winloss", "voice_winloss", v.render_winloss),
        Section("personas", "voice_personas", v.render_personas),
    ]


def _target_sections() -> list[Section]:
    from rashinban.report import _sec_targets as tg

    return [
        Section("targets", "targets", tg.render_targets),
        Section("kpi", "kpi_trends", tg.render_kpi),
    ]


def _targeting_sections() -> list[Section]:
    from rashinban.report._sec_targeting import TARGETING_SECTIONS

    return list(TARGETING_SECTIONS)


# The report's order: the data, whether the targets hold, who to target, the existing
# customers' value, who to expand with and defend, and the customers' own words.
SECTIONS: list[Section] = [
    Section("profile", "profile", _profile),
    *_target_sections(),
    *_targeting_sections(),
    *_value_sections(),
    *_defend_sections(),
    *_voice_sections(),
]

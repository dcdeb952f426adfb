"""Charts as inline SVG strings (matplotlib, text kept as text).

``svg.fonttype = "none"`` leaves labels as SVG text so the browser renders
Japanese with its own fonts: the report needs no font files and no network.
"""

from __future__ import annotations

import contextlib
import io
import logging
import unicodedata
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter, NullFormatter

logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)

_STYLE: Any = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["Hiragino Sans", "Yu Gothic", "Meiryo", "Noto Sans CJK JP", "DejaVu Sans"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "figure.dpi": 96,
}
PALETTE = ["#1f5f8b", "#e07b39", "#3a9d5d", "#c0392b", "#8e6bb8", "#7f8c8d", "#d4a017"]


@contextlib.contextmanager
def _measuring() -> Iterator[None]:
    """Text stays text in the SVG (the browser draws it with Japanese fonts); matplotlib
    only measures it with its bundled font and warns about glyphs: not a problem here."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="Glyph .* missing from font", category=UserWarning
        )
        yield


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    with _measuring():
        fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def bar(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str = "",
    xlabel: str = "",
    horizontal: bool = True,
    color: str = PALETTE[0],
    fmt: str = "{:,.0f}",
    category_label: str = "",
) -> str:
    """Bars of ``values`` (their axis headed ``xlabel``) per label (that axis headed
    ``category_label``)."""
    with plt.rc_context(_STYLE):
        height = max(1.6, 0.28 * len(labels) + 0.8) if horizontal else 3.0
        fig, ax = plt.subplots(figsize=(6.4, height))
        if horizontal:
            pos = list(range(len(labels)))[::-1]
            ax.barh(pos, values, color=color)
            ax.set_yticks(pos, [str(lbl) for lbl in labels])
            for p, v in zip(pos, values, strict=True):
                ax.text(v, p, " " + fmt.format(v), va="center", fontsize=8)
            ax.set_xlabel(xlabel)
            ax.set_ylabel(category_label)
        else:
            ax.bar(range(len(labels)), values, color=color)
            ax.set_xticks(range(len(labels)), [str(lbl) for lbl in labels], rotation=45, ha="right")
            ax.set_ylabel(xlabel)
            ax.set_xlabel(category_label)
        ax.set_title(title, loc="left")
        return _svg(fig)


def histogram(
    values: Sequence[float],
    *,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
    bins: int = 30,
    log_x: Callable[[float], str] | None = None,
) -> str:
    """A histogram; ``ylabel`` names what its bars count (顧客数 / customers).

    With ``log_x`` the x axis is logarithmic (the values must be positive) and its ticks
    are written by ``log_x`` (1万円, 10万円 … rather than powers of ten).
    """
    import numpy as np

    data = np.asarray(list(values), dtype=float)
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(6.4, 2.6))
        edges: Any = bins
        if log_x is not None and data.size:
            low, high = float(data.min()), float(data.max())
            edges = np.geomspace(low, high if high > low else low * 10, bins + 1)
            ax.set_xscale("log")
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: log_x(v)))
            ax.xaxis.set_minor_formatter(NullFormatter())
        ax.hist(data, bins=edges, color=PALETTE[0])
        ax.set_title(title, loc="left")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        return _svg(fig)


def heatmap(
    matrix: Sequence[Sequence[float]],
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
    fmt: str = "{:,.0f}",
) -> str:
    import numpy as np

    data = np.asarray(matrix, dtype=float)
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(0.7 * len(col_labels) + 2.2, 0.45 * len(row_labels) + 1.2))
        ax.imshow(data, cmap="Blues", aspect="auto")
        ax.set_xticks(range(len(col_labels)), [str(c) for c in col_labels], rotation=30, ha="right")
        ax.set_yticks(range(len(row_labels)), [str(r) for r in row_labels])
        top = np.nanmax(data) if data.size else 0
        for i in range(data.shape[0]):
            for j in range(data.shape[1]):
                v = data[i, j]
                if v == v:
                    ax.text(
                        j,
                        i,
                        fmt.format(v),
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if top and v > top * 0.6 else "black",
                    )
        ax.set_title(title, loc="left")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        return _svg(fig)


def lines(
    x: Sequence[Any],
    series: dict[str, Sequence[float]],
    *,
    title: str = "",
    ylabel: str = "",
    xlabel: str = "",
    marks: Sequence[tuple[Any, str]] = (),
) -> str:
    """Line chart of several series over ``x`` (its axis headed ``xlabel``); ``marks``
    draws labelled vertical lines."""
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(6.8, 2.8))
        for i, (name, ys) in enumerate(series.items()):
            ax.plot(list(x), list(ys), label=name, color=PALETTE[i % len(PALETTE)], linewidth=1.4)
        for at, label in marks:
            ax.axvline(at, color="#999", linestyle="--", linewidth=0.8)
            ax.text(at, ax.get_ylim()[1], " " + label, fontsize=7, va="top", rotation=90)
        ax.set_title(title, loc="left")
        ax.set_ylabel(ylabel)
        ax.set_xlabel(xlabel)
        if len(series) > 1:
            ax.legend(fontsize=7, frameon=False)
        fig.autofmt_xdate()
        return _svg(fig)


def bubbles(
    x: Sequence[float],
    y: Sequence[float],
    size: Sequence[float],
    labels: Sequence[str],
    *,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
) -> str:
    import numpy as np

    s = np.asarray(size, dtype=float)
    area = 1200 * s / s.max() if s.size and s.max() > 0 else s
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(6.8, 4.0))
        ax.scatter(list(x), list(y), s=area, alpha=0.5, color=PALETTE[0], edgecolor="white")
        texts = [
            ax.annotate(str(lbl), (xi, yi), fontsize=7, ha="center")
            for xi, yi, lbl in zip(x, y, labels, strict=True)
        ]
        ax.set_title(title, loc="left")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        _drop_crowded(fig, ax, texts)
        return _svg(fig)


def _drop_crowded(fig: Any, ax: Any, texts: Sequence[Any]) -> None:
    """Remove the labels that would overlap an earlier one or leave the plot, so that
    every label left can be read; ``texts`` come most important first (the table
    under the chart names every point). A centred label that would cross the plot's
    left or right edge is set against its point instead."""
    from matplotlib.transforms import Bbox

    with _measuring():
        fig.canvas.draw()  # the axes' limits and the texts' places are known after a draw
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    kept: list[Any] = []
    for text in texts:
        drawn = text.get_window_extent(renderer)
        # matplotlib may lack a Japanese font and measure a kanji narrower than a browser
        # draws it: each wide character counts a full em.
        em = text.get_fontsize() * fig.dpi / 72
        width = max(drawn.width, em * sum(1.0 if _wide(c) else 0.6 for c in text.get_text()))
        middle = (drawn.x0 + drawn.x1) / 2
        left = middle - width / 2
        if left + width > frame.x1:
            text.set_horizontalalignment("right")
            left = middle - width
        elif left < frame.x0:
            text.set_horizontalalignment("left")
            left = middle
        box = Bbox.from_extents(left, drawn.y0, left + width, drawn.y1)
        inside = frame.x0 <= box.x0 and box.x1 <= frame.x1
        if inside and frame.y0 <= box.y0 and box.y1 <= frame.y1:
            if not any(box.overlaps(k) for k in kept):
                kept.append(box)
                continue
        text.remove()


def _wide(char: str) -> bool:
    """Whether ``char`` is drawn a full em wide (kanji, kana, full-width forms)."""
    return unicodedata.east_asian_width(char) in ("W", "F")

"""Lay a table out for the terminal it is printed on: numbers whole, or one record per block.

Rich shares a narrow terminal out among a table's columns and folds what does not fit,
numbers included: ``38,410,584`` became ``38,410,`` over ``584``. Here every number
column keeps the width of its longest number (headers and text still wrap). When even
that does not fit (the monthly KPI table has eighteen columns), the rows are printed
one record per block, a label and a value on each line, as ``psql``'s expanded display
does; a wider terminal or ``--format csv`` shows the grid.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

#: The narrowest a text column may be squeezed to before the records are stacked.
TEXT_MIN_WIDTH = 6
#: The cells a column adds around its content in a Rich table: a border and one space
#: of padding on each side (plus one border closing the table).
_COLUMN_FRAME = 3


#: A code such as an id (``A001193``, ``P01``, ``ICP2``): kept whole like a number.
_CODE = re.compile(r"[\x21-\x7e]{1,16}")
#: A word of a header in letters (``version``, ``(shrunk)``), which reads badly broken.
_WORD = re.compile(r"[\x21-\x7e]+")


def _width(text: str) -> int:
    return max((Text(line).cell_len for line in text.splitlines()), default=0)


def column_widths(
    labels: Sequence[str], cells: Sequence[Sequence[str]], numeric: Sequence[bool], width: int
) -> list[int] | None:
    """The content width of each column so that the table fits ``width``, or None.

    Every column starts as wide as its widest cell or header. While the table is too
    wide, a column that can still give way loses one cell, the widest first: number
    columns first, down to their longest number or a short header (only headers
    wrap), then text columns, down to :data:`TEXT_MIN_WIDTH` or their longest code (an
    id is never broken), then number columns down to their longest number. Each kind
    first stops at the longest English word of its header, so that ``version`` or
    ``support`` is not broken mid-word while other columns can still give way (a
    Japanese header may wrap anywhere). None when the table does not fit even then.

    Examples
    --------
    >>> column_widths(["id", "amount"], [["A1", "38,410,584"]], [False, True], 80)
    [2, 10]
    >>> long_name = [["株式会社ながい名前の会社", "38,410,584"]]
    >>> column_widths(["name", "amount"], long_name, [False, True], 26)
    [9, 10]
    >>> column_widths(["a", "b"], [["x" * 30, "1,234,567,890"]], [False, True], 20) is None
    True
    >>> column_widths(["reason", "version"], [["x" * 40, "1"]], [False, True], 40)
    [26, 7]
    """
    avail = width - 1 - _COLUMN_FRAME * len(labels)
    widths: list[int] = []
    soft: list[int] = []  # how far a column gives way before the next kind does
    hard: list[int] = []  # and how far at most
    whole: list[int] = []  # the same, keeping the header's English words whole
    for i, label in enumerate(labels):
        longest = max((_width(row[i]) for row in cells), default=0)
        natural = max(longest, _width(label), 1)
        widths.append(natural)
        if numeric[i]:  # a short header (リスク) stays on one line while it can
            hard.append(max(longest, 1))
            soft.append(max(longest, min(_width(label), TEXT_MIN_WIDTH), 1))
        else:
            code = max((len(row[i]) for row in cells if _CODE.fullmatch(row[i])), default=0)
            hard.append(max(min(natural, TEXT_MIN_WIDTH), code))
            soft.append(hard[-1])
        word = max((len(w) for w in _WORD.findall(label)), default=0)
        whole.append(max(soft[-1], min(word, natural)))
    excess = sum(widths) - avail
    # Number columns first (only their headers wrap), then text, then the numbers'
    # short headers; the widest column first each time. Each kind keeps its header's
    # words whole as long as the other kind can give way.
    phases = ((True, whole), (False, whole), (True, soft), (False, hard), (True, hard))
    for kind, floors in phases:
        while excess > 0:
            can = [i for i, w in enumerate(widths) if numeric[i] is kind and w > floors[i]]
            if not can:
                break
            widest = max(can, key=lambda i: widths[i])
            widths[widest] -= 1
            excess -= 1
    return widths if excess <= 0 else None


def grid(
    title: str | None,
    labels: Sequence[str],
    cells: Sequence[Sequence[str]],
    numeric: Sequence[bool],
    widths: Sequence[int],
) -> Table:
    """The rows as one table of the given column widths; numbers right-aligned."""
    table = Table(title=title, show_lines=False)
    for label, is_number, w in zip(labels, numeric, widths, strict=True):
        table.add_column(label, overflow="fold", justify="right" if is_number else "left", width=w)
    for row in cells:
        table.add_row(*row)
    return table


def records(
    title: str | None, labels: Sequence[str], cells: Sequence[Sequence[str]], numbered: str
) -> RenderableType:
    """The rows one block each (``numbered`` formats the block's heading from its
    1-based number and the row count): labels on the left, values on the right."""
    blocks: list[RenderableType] = [Text(title, style="italic")] if title else []
    for n, row in enumerate(cells, start=1):
        block = Table(
            title=numbered.format(n=n, total=len(cells)),
            title_justify="left",
            show_header=False,
            box=box.SIMPLE_HEAD,
            pad_edge=False,
        )
        block.add_column(style="bold", no_wrap=True)
        block.add_column(overflow="fold")
        for label, value in zip(labels, row, strict=True):
            if value:
                block.add_row(label, value)
        blocks.append(block)
    return Group(*blocks)


def layout(
    title: str | None,
    labels: Sequence[str],
    cells: Sequence[Sequence[str]],
    numeric: Sequence[bool],
    width: int,
    numbered: str,
) -> RenderableType:
    """:func:`grid` when it fits ``width`` with its numbers whole, else :func:`records`."""
    widths = column_widths(labels, cells, numeric, width)
    if widths is None:
        return records(title, labels, cells, numbered)
    return grid(title, labels, cells, numeric, widths)

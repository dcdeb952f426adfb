"""Which canonical table a file's headers fit: a file imported into the wrong table is refused.

``rashinban import accounts 商談.csv`` must not load 2,000 nameless accounts and add the
deals' columns to the accounts table as extra columns. Before anything is written, the
file's headers are mapped onto every canonical table the way an import would map them
(canonical names and labels, synonyms, the detected preset), and the import is refused
when another table fits clearly better:

- that table's identifying columns map (its key; for accounts the id or the company
  name), and the headers of its *own* key (``商談ID`` for deals; a key column that
  refers to another table, like ``取引先ID`` in deals, is not its own) map to nothing in
  the target, so they would only become extra columns there;
- and it maps clearly more columns: at least twice as many and two more. When the
  target's identity is weak (accounts without a company-name column), more is enough.

When the target's key does not map at all the file is refused anyway; the table that
maps the most headers and whose key does map is named in the message.

A file whose headers fit nothing better is left to the usual checks (a missing key is
refused with the headers it found).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rashinban._errors import ImportFileError, MappingError
from rashinban.importing._mapping import Mapping, detect_preset, preset_mapping
from rashinban.schema import TABLES, Table


@dataclass(frozen=True)
class TableFit:
    """How one file's headers map onto one canonical table."""

    table: Table
    #: ``{source header: canonical column}`` as the import would map them.
    mapped: dict[str, str]

    @property
    def count(self) -> int:
        """How many of the table's columns the headers fill."""
        return len(set(self.mapped.values()))

    @property
    def identified(self) -> bool:
        """Whether the table's rows can be told apart: its key maps (accounts: id or name)."""
        present = set(self.mapped.values())
        return any(set(group) <= present for group in identifying_columns(self.table))

    @property
    def named(self) -> bool:
        """Whether a company-name column, where the table has one, maps."""
        names = [c.name for c in self.table.columns if c.kind == "company_name"]
        return not names or any(n in self.mapped.values() for n in names)

    def own_key_headers(self) -> list[str]:
        """The source headers that fill the table's own key columns."""
        own = set(own_key(self.table))
        return [h for h, c in self.mapped.items() if c in own]


def identifying_columns(table: Table) -> tuple[tuple[str, ...], ...]:
    """Groups of columns, any one of which identifies a row of ``table``.

    The key; for a table with a company name (accounts) also the name, since ids are
    derived from 法人番号 or name + prefecture.
    """
    names = tuple((c.name,) for c in table.columns if c.kind == "company_name")
    return (table.key, *names)


def own_key(table: Table) -> tuple[str, ...]:
    """The key columns that are the table's own (not a reference to another table)."""
    return tuple(k for k in table.key if table.column(k).references in (None, table.name)) or tuple(
        table.key
    )


def table_fit(table: Table, headers: tuple[str, ...], mapping: Mapping) -> TableFit:
    """:class:`TableFit` of ``headers`` on ``table`` under ``mapping`` (empty if it cannot map)."""
    try:
        return TableFit(table, mapping.resolve(table, headers))
    except MappingError:
        return TableFit(table, {})


def _auto_mapping(table: Table, headers: tuple[str, ...], preset: str | None) -> Mapping:
    if preset is not None:
        try:
            return preset_mapping(preset, table.name)
        except MappingError:
            pass
    return detect_preset(table, headers)


def _clearly_better(other: TableFit, target: TableFit) -> bool:
    if not other.identified or other.count == 0:
        return False
    if not target.identified:  # refused anyway; say where the file belongs
        return other.count > target.count
    if any(h in target.mapped for h in other.own_key_headers()):
        return False  # the other table's key has a place in the target: not a sign
    if not target.named:
        return other.count > target.count
    return other.count >= max(2 * target.count, target.count + 2)


def fits_another_table(target: Table, headers: tuple[str, ...]) -> bool:
    """Whether ``headers`` read as another table's header row: two or more of them map
    onto one other table, that table's key (or company name) among them.

    Used to find the header row of a file given for the wrong table below its title,
    so that :func:`check_table_fit` can name the table it belongs to.
    """
    return any(fit.identified and fit.count >= 2 for fit in _other_fits(target, headers, None))


def _other_fits(target: Table, headers: tuple[str, ...], preset: str | None) -> Iterator[TableFit]:
    """How ``headers`` map onto every canonical table but ``target``, as an import would."""
    for table in TABLES.values():
        if table.name != target.name:
            yield table_fit(table, headers, _auto_mapping(table, headers, preset))


def better_table(
    target: Table,
    headers: tuple[str, ...],
    mapping: Mapping,
    *,
    preset: str | None = None,
) -> tuple[TableFit, TableFit] | None:
    """``(target fit, best other fit)`` when another table fits ``headers`` clearly better.

    Examples
    --------
    >>> from rashinban.importing._mapping import Mapping
    >>> headers = ("商談ID", "取引先ID", "作成日", "完了予定日", "フェーズ", "金額")
    >>> _, other = better_table(TABLES["accounts"], headers, Mapping())
    >>> other.table.name, other.own_key_headers()
    ('deals', ['商談ID'])
    """
    mine = table_fit(target, headers, mapping)
    best: TableFit | None = None
    for fit in _other_fits(target, headers, preset):
        if _clearly_better(fit, mine) and (best is None or fit.count > best.count):
            best = fit
    return None if best is None else (mine, best)


def check_table_fit(
    target: Table,
    headers: tuple[str, ...],
    mapping: Mapping,
    *,
    file_name: str,
    file_arg: str,
    preset: str | None = None,
) -> None:
    """Refuse a file whose headers fit another canonical table clearly better.

    Raises
    ------
    ImportFileError
        Naming the table the headers look like, the header that maps to its key, and
        the command that imports the file there.
    """
    found = better_table(target, headers, mapping, preset=preset)
    if found is None:
        return
    mine, other = found
    t, o = target, other.table
    keys = "、".join(other.own_key_headers())
    n = len(headers)
    raise ImportFileError(
        f"見出しは {o.ja} ({o.name}) のファイルのようです: {keys} が {o.name} のキー"
        f" {', '.join(own_key(o))} に当たり、{n} 列中 {other.count} 列が {o.name} に、"
        f"{mine.count} 列が {t.ja} ({t.name}) に当たります。何も取り込んでいません / "
        f"the headers fit {o.name}, not {t.name}: {keys} maps to the key of {o.name} "
        f"({', '.join(own_key(o))}), and {other.count} of {n} headers map to {o.name} but "
        f"only {mine.count} to {t.name}; nothing was imported",
        file=file_name,
        fix=f"{o.ja}として取り込んでください: rashinban import {o.name} {file_arg} "
        f"(この表に取り込むなら --mapping で見出しを対応付けてください) / "
        f"import it into {o.name}: rashinban import {o.name} {file_arg} "
        f"(to load it into {t.name} anyway, map its headers with --mapping)",
    )

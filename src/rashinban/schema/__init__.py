"""The canonical data model: tables, columns and their DDL, declared once."""

from rashinban.schema._tables import (
    LEGAL_FORMS,
    LOAD_ORDER,
    TABLES,
    Column,
    ColumnKind,
    Table,
    data_model_markdown,
    ddl,
    get_table,
)

__all__ = [
    "LEGAL_FORMS",
    "LOAD_ORDER",
    "TABLES",
    "Column",
    "ColumnKind",
    "Table",
    "data_model_markdown",
    "ddl",
    "get_table",
]

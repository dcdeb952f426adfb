"""Reading back what an import left: table rows and the rejects file."""

from __future__ import annotations

import csv
from pathlib import Path

from rashinban import Workspace


def rows(ws: Workspace, sql: str) -> list[tuple[object, ...]]:
    """``sql`` run read-only on the workspace's database."""
    with ws.connect(read_only=True) as con:
        return con.execute(sql).fetchall()


def write(path: Path, text: str) -> Path:
    """``text`` written to ``path`` as UTF-8; returns ``path``."""
    path.write_text(text, encoding="utf-8")
    return path


def read_rejects(path: Path | None) -> list[dict[str, str]]:
    """The rejects CSV (UTF-8 with BOM) as one dict per line."""
    assert path is not None
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))

"""A deal's outcome read from its stage when the file has no outcome column.

A Salesforce opportunity report has フェーズ (Stage) and no 結果 column: a deal is won
or lost by its stage (成立 / Closed Won, 不成立 / Closed Lost). フェーズ is also the
Japanese label of ``stage``, so such a file maps it to ``stage`` and, without this
module, leaves every deal's outcome empty, which every win-rate analysis reads as
"no closed deals". When some stage value reads as won or lost (through the enum
synonyms, a preset's or a mapping file's ``values: outcome:``), the outcome is taken
from the stage: won and lost as read, any other stage open.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from rashinban.importing._convert import blank_to_null, q

if TYPE_CHECKING:
    import duckdb

    from rashinban.importing._mapping import Mapping
    from rashinban.schema import Table

#: How many stage values the import summary shows (the rest as "…").
SHOWN = 8

_CLOSED = ("won", "lost")


def _key(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().casefold()


def outcome_of_stages(stages: list[str], value_map: dict[str, str]) -> dict[str, str] | None:
    """``{stage key: outcome}`` when a stage reads as won or lost, else None.

    Examples
    --------
    >>> m = {"成立": "won", "不成立": "lost", "closed won": "won"}
    >>> outcome_of_stages(["成立", "提案", "不成立"], m)
    {'成立': 'won', '提案': 'open', '不成立': 'lost'}
    >>> outcome_of_stages(["提案", "交渉"], m) is None
    True
    """
    read = {_key(s): value_map.get(_key(s)) for s in stages}
    if not any(v in _CLOSED for v in read.values()):
        return None
    return {k: v if v in _CLOSED else "open" for k, v in read.items()}


def stage_outcomes(
    con: duckdb.DuckDBPyConnection,
    spec: Table,
    present: list[str],
    src_of: dict[str, str],
    m: Mapping,
) -> tuple[dict[str, str], tuple[str, ...]] | None:
    """The outcome value map for a deals file whose stage column decides the outcome,
    and the ``stage → outcome`` pairs for the summary; None when it does not apply."""
    if spec.name != "deals" or "stage" not in present or "outcome" in present:
        return None
    expr = blank_to_null(q(src_of["stage"]))
    rows = con.execute(
        f"SELECT v, count(*) FROM (SELECT {expr} AS v FROM _raw) WHERE v IS NOT NULL "
        "GROUP BY v ORDER BY count(*) DESC, v"
    ).fetchall()
    stages = [str(v) for v, _n in rows]
    outcomes = outcome_of_stages(stages, m.value_map("outcome"))
    if outcomes is None:
        return None
    order = {"won": 0, "lost": 1, "open": 2}
    pairs = sorted(((s, outcomes[_key(s)]) for s in stages), key=lambda p: order[p[1]])
    shown = tuple(f"{s} → {o}" for s, o in pairs[:SHOWN])
    return outcomes, shown + (("…",) if len(pairs) > SHOWN else ())

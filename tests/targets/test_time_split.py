"""Time-split validation of review proposals, and no look-ahead in reviews and triggers."""

from __future__ import annotations

import datetime as dt

import duckdb
import ibis
import numpy as np
import pandas as pd

from rashinban.segments import parse_rule
from rashinban.state import Hypothesis, TargetDefinition
from rashinban.targets import review_target, target_triggers

IDEAL = "業種 in [製造業, 情報通信業] and 従業員数 between 100 and 999"
TARGET = TargetDefinition(include=IDEAL, hypotheses=(Hypothesis("win_rate", ">=", 0.3),))


def _backend(tables: dict[str, pd.DataFrame]):
    duck = duckdb.connect()
    for name, frame in tables.items():
        cols = ", ".join(
            f"CAST({c} AS DATE) AS {c}" if c.endswith("_at") or c == "date" else c
            for c in frame.columns
        )
        duck.register("frame_in", frame)
        duck.execute(f"CREATE TABLE {name} AS SELECT {cols} FROM frame_in")
        duck.unregister("frame_in")
    return ibis.duckdb.from_connection(duck)


def test_proposals_beat_the_baseline_after_the_cut(demo_ws, demo_tables) -> None:
    """Train: data up to the cut. Test: new deals created after it (closed by the end).

    Baseline: the rest of the market outside the target (what widening at random gets).
    """
    cut = dt.date(2025, 8, 3)
    review = review_target(demo_ws.backend(), TARGET, as_of=cut)
    widen = [p for p in review["proposals"] if p["kind"] == "widen"]
    assert widen
    deals = demo_tables["deals"].merge(
        demo_tables["accounts"][["account_id", "industry", "employees"]], on="account_id"
    )
    later = deals[(deals.kind == "new") & (deals.created_at > pd.Timestamp(cut))]
    later = later[later.outcome.isin(["won", "lost"])]
    later = later.assign(won=(later.outcome == "won").astype(int))
    target = parse_rule(IDEAL).mask(later)
    proposed = parse_rule(widen[0]["rule"]).mask(later) & ~target
    rest = ~target & ~proposed
    p_rate, p_n = later[proposed].won.mean(), int(proposed.sum())
    b_rate, b_n = later[rest].won.mean(), int(rest.sum())
    t_rate = later[target].won.mean()
    print(
        f"\nafter {cut}: proposed segment won {p_rate:.1%} (n={p_n}), "
        f"rest of the market {b_rate:.1%} (n={b_n}), target {t_rate:.1%}"
    )
    assert p_n >= 30 and p_rate > b_rate + 0.1


def test_no_look_ahead_in_reviews_and_triggers(demo_tables) -> None:
    as_of = dt.date(2025, 3, 31)
    end = pd.Timestamp(as_of)
    moved = {k: v.copy() for k, v in demo_tables.items() if k != "usage"}
    d = moved["deals"]
    later = d.closed_at > end
    d.loc[later, "outcome"] = np.where(d.loc[later, "outcome"] == "won", "lost", "won")
    moved["deals"] = d[d.created_at <= end]
    moved["leads"] = moved["leads"][moved["leads"].created_at <= end]
    ev = moved["events"]
    moved["events"] = pd.concat(
        [ev, ev.iloc[[0]].assign(event_id="EX", occurred_at=end + pd.Timedelta(days=5))]
    )
    original = {k: v for k, v in demo_tables.items() if k != "usage"}
    a_be, b_be = _backend(original), _backend(moved)
    ra = review_target(a_be, TARGET, as_of=as_of)
    rb = review_target(b_be, TARGET, as_of=as_of)
    assert ra == rb
    ta = target_triggers(a_be, "t", TARGET, as_of=as_of)
    tb = target_triggers(b_be, "t", TARGET, as_of=as_of)
    pd.testing.assert_frame_equal(ta, tb)

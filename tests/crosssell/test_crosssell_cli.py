"""``rashinban crosssell --min-count``: the evidence an offer needs, from the command line."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.test_cli import run

from rashinban import Workspace
from rashinban.crosssell import MIN_EVIDENCE, recommend

DAY = "2025-12-31"
#: "製造業・従業員100〜999名の顧客の92%（53社中49社）が…を併用": the segment's size first.
_SEGMENT_SIZE = re.compile(r"（(\d+)社中\d+社）")


def _offers(ws: Workspace, *extra: str) -> list[dict[str, Any]]:
    proc = run(
        "crosssell", "-w", str(ws.path), "--as-of", DAY, "-f", "json", "--lang", "ja", *extra
    )
    assert proc.returncode == 0, proc.stderr
    rows: list[dict[str, Any]] = json.loads(proc.stdout)["recommendations"]
    return rows


def _segment_size(offer: dict[str, Any]) -> int:
    match = _SEGMENT_SIZE.search(offer["reason"])
    assert match is not None, offer["reason"]
    return int(match[1])


def test_a_higher_min_count_drops_offers_on_less_evidence(demo_ws: Workspace) -> None:
    default = _offers(demo_ws)
    assert default == _offers(demo_ws, "--min-count", str(MIN_EVIDENCE))  # the library's default
    sizes = [_segment_size(o) for o in default if o["source"] == "segment"]
    assert min(sizes) >= MIN_EVIDENCE
    need = 50
    small = {
        (o["account_id"], o["product_id"], o["reason"])
        for o in default
        if o["source"] == "segment" and _segment_size(o) < need
    }
    assert small, sorted(set(sizes))  # the demo has segments smaller than 50

    strict = _offers(demo_ws, "--min-count", str(need))
    # Every segment rate now rests on 50 customers or more; the smaller ones are gone.
    assert min(_segment_size(o) for o in strict if o["source"] == "segment") >= need
    assert not small & {(o["account_id"], o["product_id"], o["reason"]) for o in strict}
    seg_default = sum(o["source"] == "segment" for o in default)
    seg_strict = sum(o["source"] == "segment" for o in strict)
    assert seg_strict < seg_default
    # The cross-sell offers are the library's for the same evidence; up-sell signals do
    # not rest on a count of accounts and stay as they were.
    expected = recommend(demo_ws.backend(), DAY, k=3, min_count=need)
    cross = {(o["account_id"], o["product_id"]) for o in strict if o["kind"] == "cross-sell"}
    assert cross == set(zip(expected["account_id"], expected["product_id"], strict=True))
    assert [o for o in strict if o["kind"] == "up-sell"] == [
        o for o in default if o["kind"] == "up-sell"
    ]

    # Evidence no segment and no pair of products has: no cross-sell offer at all.
    none = _offers(demo_ws, "--min-count", "1000000")
    assert {o["kind"] for o in none} == {"up-sell"}


def test_min_count_reaches_the_no_offer_message(demo_ws: Workspace) -> None:
    offered = _offers(demo_ws)
    account = next(
        o["account_id"]
        for o in offered
        if o["kind"] == "cross-sell"
        and not any(u["account_id"] == o["account_id"] and u["kind"] == "up-sell" for u in offered)
    )
    proc = run(
        "crosssell",
        "-w",
        str(demo_ws.path),
        "--as-of",
        DAY,
        "--account",
        account,
        "--min-count",
        "1000000",
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "根拠には1000000社以上が必要です" in proc.stderr, proc.stderr
    assert "evidence needs 1000000 or more" in proc.stderr, proc.stderr


def test_min_count_below_one_is_wrong_usage(demo_ws: Workspace) -> None:
    proc = run("crosssell", "-w", str(demo_ws.path), "--min-count", "0")
    assert proc.returncode == 2, proc.stderr
    # The panel may fold the message: compare with line breaks, borders and spaces removed.
    flat = "".join(line.strip(" │╭╮╰╯─") for line in proc.stderr.splitlines()).replace(" ", "")
    assert "'--min-count'の値が正しくありません:1以上で指定してください" in flat, proc.stderr


def test_min_count_beyond_any_workspace_is_wrong_usage_named_as_the_option(
    demo_ws: Workspace,
) -> None:
    # The library's bound (10**9 accounts) is the option's: the message names --min-count,
    # not the keyword min_count= a command-line user cannot type.
    proc = run("crosssell", "-w", str(demo_ws.path), "--min-count", "99999999999999999999")
    assert (proc.returncode, proc.stdout) == (2, ""), proc.stderr
    flat = "".join(line.strip(" │╭╮╰╯─") for line in proc.stderr.splitlines()).replace(" ", "")
    assert "'--min-count'の値が正しくありません:1000000000以下で指定してください" in flat
    assert "min_count=" not in proc.stderr, proc.stderr

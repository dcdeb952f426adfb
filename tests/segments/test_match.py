"""A segment that selects no account is refused with what the accounts do hold."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from rashinban._errors import InvalidValueError, NotEnoughDataError, UserError
from rashinban.segments import parse_rule, require_accounts


@pytest.fixture(scope="module")
def accounts(demo_ws) -> pd.DataFrame:
    return demo_ws.table("accounts").execute()


def test_a_rule_that_selects_accounts_returns_how_many(demo_ws, accounts) -> None:
    backend = demo_ws.backend()
    rule = parse_rule("業種 = 製造業 and 従業員数 >= 300")
    expected = int(((accounts["industry"] == "製造業") & (accounts["employees"] >= 300)).sum())
    assert require_accounts(backend, rule) == expected > 0
    # A condition under "not" that selects nothing does not empty the rule.
    everyone = parse_rule("not 業種 = 存在しない業種")
    assert require_accounts(backend, everyone) == len(accounts)
    # One unknown value in a list is no error while the others select accounts.
    assert require_accounts(backend, parse_rule("業種 in [製造業, 存在しない業種]")) == int(
        (accounts["industry"] == "製造業").sum()
    )


def test_an_unknown_value_names_the_most_common_values(demo_ws, accounts) -> None:
    counts = Counter(accounts["industry"].dropna())
    top = [name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][:8]
    with pytest.raises(InvalidValueError) as caught:
        require_accounts(demo_ws.backend(), parse_rule("業種 = 存在しない業種"))
    message = caught.value.message
    listed = ", ".join(top) + (", …" if len(counts) > 8 else "")
    assert message == (
        f"業種 '存在しない業種' に該当する取引先が0社です（候補: {listed}） / "
        f"no account has industry '存在しない業種' (candidates: {listed})"
    )
    assert top[0] == "製造業"  # the demo's largest industry, first
    assert "候補の値で書き直してください" in str(caught.value)


def test_a_range_beyond_every_account_gives_the_range(demo_ws, accounts) -> None:
    low, high = int(accounts["employees"].min()), int(accounts["employees"].max())
    text = "従業員数 > 10000000"
    with pytest.raises(NotEnoughDataError) as caught:
        require_accounts(demo_ws.backend(), parse_rule(text), text=text)
    assert caught.value.message == (
        "ルール '従業員数 > 10000000' に該当する取引先が0社です"
        f"（従業員数の範囲: {low:,}〜{high:,}） / "
        f"rule '従業員数 > 10000000' matches no account "
        f"(their employees run from {low:,} to {high:,})"
    )


def test_conditions_that_never_meet_say_so(demo_ws) -> None:
    text = "業種 = 製造業 and 業種 = 建設業"
    with pytest.raises(NotEnoughDataError, match="each condition alone matches some"):
        require_accounts(demo_ws.backend(), parse_rule(text), text=text)


def test_years_are_not_grouped_like_counts(demo_ws, accounts) -> None:
    with pytest.raises(UserError) as caught:
        require_accounts(demo_ws.backend(), parse_rule("設立年 = 1800"))
    counts = Counter(int(y) for y in accounts["founded_year"].dropna())
    top = [str(y) for y, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][:8]
    assert all(len(y) == 4 for y in top)  # 2004, not 2,004
    assert caught.value.message.startswith(
        f"設立年 '1800' に該当する取引先が0社です（候補: {', '.join(top)}, …） / "
    )


def test_a_range_on_a_column_no_account_fills_says_none_has_a_value(tmp_path) -> None:
    from rashinban import init_workspace
    from rashinban.importing import load_frames

    ws = init_workspace(tmp_path / "ws")
    accounts = pd.DataFrame(
        {"account_id": ["A1", "A2"], "name": ["甲", "乙"], "employees": [None, None]}
    )
    load_frames(ws, {"accounts": accounts})
    text = "従業員数 >= 100"
    with pytest.raises(NotEnoughDataError) as caught:
        require_accounts(ws.backend(), parse_rule(text), text=text)
    assert caught.value.message == (
        "ルール '従業員数 >= 100' に該当する取引先が0社です"
        "（従業員数の値がある取引先はありません） / "
        "rule '従業員数 >= 100' matches no account (none has a value for employees)"
    )

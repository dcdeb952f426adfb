"""The segment rule language: round trips, errors, and evaluation against naive Python."""

from __future__ import annotations

import unicodedata
from datetime import date

import ibis
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rashinban._errors import InvalidValueError, RuleSyntaxError
from rashinban.demo import PLANTED
from rashinban.normalize import PREFECTURES, region_prefectures
from rashinban.segments import And, Cond, Not, Or, Rule, parse_rule
from rashinban.segments._rules import _make

# --------------------------------------------------------------------------- strategies
_ALPHABET = "abcXYZ019 製造業情報通信・-_\"'\\,[]()=<>!、"
_texts = st.text(alphabet=_ALPHABET, min_size=1, max_size=8).map(
    lambda s: unicodedata.normalize("NFKC", s).strip()
) | st.sampled_from(
    ["and", "OR", "in", "between", "かつ", "100", "-3.5", "製造業", "卸売業・小売業"]
)
_prefs = st.sampled_from([name for _, name, _ in PREFECTURES])
_ints = st.integers(min_value=-(10**6), max_value=10**9)
_floats = st.floats(
    allow_nan=False, allow_infinity=False, width=64, min_value=-1e12, max_value=1e12
)
_dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1))


def _in(column: str, values: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(values, min_size=1, max_size=4, unique=True).map(
        lambda vs: Cond(column, "in", tuple(vs))
    )


def _between(column: str, values: st.SearchStrategy) -> st.SearchStrategy:
    return (
        st.tuples(st.none() | values, st.none() | values)
        .filter(lambda lh: lh != (None, None))
        .map(lambda lh: Cond(column, "between", low=lh[0], high=lh[1]))
    )


_conds = st.one_of(
    _in("industry", _texts.filter(bool)),
    _in("prefecture", _prefs),
    _in("status", st.sampled_from(["prospect", "customer", "churned"])),
    _in("employees", _ints),
    _between("employees", _ints),
    _between("annual_revenue", _floats.map(float)),
    _between("created_at", _dates),
)
_nodes = st.recursive(
    _conds,
    lambda kids: st.one_of(
        kids.map(Not),
        st.lists(kids, min_size=2, max_size=3).map(lambda items: _make(And, items)),
        st.lists(kids, min_size=2, max_size=3).map(lambda items: _make(Or, items)),
    ),
    max_leaves=6,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(_nodes)
def test_parse_of_printed_rule_is_the_rule(node) -> None:
    rule = Rule(node)
    text = rule.to_text()
    assert parse_rule(text) == rule, text
    # Printing is canonical: a second round trip prints the same text.
    assert parse_rule(text).to_text() == text


@settings(max_examples=100)
@given(_nodes)
def test_describe_names_every_column(node) -> None:
    rule = Rule(node)
    ja, en = rule.describe("ja"), rule.describe("en")
    labels = {
        "industry": "業種",
        "prefecture": "都道府県",
        "status": "ステータス",
        "employees": "従業員数",
        "annual_revenue": "年間売上",
        "created_at": "作成日",
    }
    for col in rule.columns:
        assert labels[col] in ja
        assert col.replace("_", " ") in en


# --------------------------------------------------------------------------- syntax
def test_grammar_examples() -> None:
    r = parse_rule(
        "industry in [製造業, 情報通信業] and employees between 100 and 999 and prefecture in 関東"
    )
    assert r.conditions == [
        {"column": "industry", "op": "in", "values": ["製造業", "情報通信業"]},
        {"column": "employees", "op": "between", "low": 100, "high": 999},
        {"column": "prefecture", "op": "in", "values": list(region_prefectures("関東"))},
    ]
    assert r.columns == {"industry", "employees", "prefecture"}
    assert (
        r.describe() == "業種が製造業または情報通信業、かつ従業員数が100〜999名、かつ都道府県が関東"
    )
    assert Rule.from_conditions(r.conditions) == r


def test_japanese_aliases_full_width_and_quotes() -> None:
    a = parse_rule('業種 ＝ "情報 通信" かつ 従業員数 ＞＝ １００ または 都道府県 in [東京, 大阪]')
    b = parse_rule(
        'industry in ["情報 通信"] and employees >= 100 or prefecture in [東京都, 大阪府]'
    )
    assert a == b
    assert isinstance(a.root, Or)
    assert a.to_text() == (
        'industry in ["情報 通信"] and employees >= 100 or prefecture in [東京都, 大阪府]'
    )


def test_operators_map_to_conditions() -> None:
    assert parse_rule("employees != 5").root == Not(Cond("employees", "in", (5,)))
    assert parse_rule("employees <= 5").root == Cond("employees", "between", high=5)
    assert parse_rule("employees > 5").root == Cond("employees", "between", low=6)
    assert parse_rule("employees < 5").root == Cond("employees", "between", high=4)
    assert parse_rule("prefecture in 関西") == parse_rule("prefecture in 近畿地方")
    assert parse_rule("(industry = a or industry = b) and employees >= 1").to_text() == (
        "(industry in [a] or industry in [b]) and employees >= 1"
    )


@pytest.mark.parametrize(
    ("text", "pos", "word", "expected"),
    [
        ("industry in [製造業", 17, "(end of rule)", "']'"),
        ("employees between 1 2", 21, "2", "'and'"),
        ("industry in [a] and", 20, "(end of rule)", "column name"),
        ("industry in [a] employees >= 1", 17, "employees", "'and', 'or'"),
        ("(industry = a", 14, "(end of rule)", "')'"),
        ("industry ~ a", 10, "~", "an operator"),
        ('industry in [a"', 15, '"', "cannot read"),
    ],
)
def test_syntax_errors_point_at_the_word(text: str, pos: int, word: str, expected: str) -> None:
    with pytest.raises(RuleSyntaxError) as err:
        parse_rule(text)
    msg = str(err.value)
    assert f"position {pos}" in msg
    assert word in msg
    assert expected in msg


def test_unknown_column_lists_valid_ones() -> None:
    with pytest.raises(RuleSyntaxError, match=r"'業界' is not a column.*industry \(業種\)"):
        parse_rule("業界 = 製造業")


def test_rule_errors_read_japanese_first_with_english_alongside() -> None:
    with pytest.raises(RuleSyntaxError) as err:
        parse_rule("industry in [製造業")
    assert err.value.message == (
        "17文字目: ルールが終わっています (ここには',' か一覧を閉じる ']'が必要です) / "
        "position 17: unexpected '(end of rule)', expected ',' or ']' to close the list"
    )
    assert err.value.fix == (
        "17文字目に',' か一覧を閉じる ']'を書いてください / "
        "write ',' or ']' to close the list at position 17 of 'industry in [製造業'"
    )
    with pytest.raises(RuleSyntaxError) as column:
        parse_rule("業界 = 製造業")
    assert column.value.message == (
        "1文字目: '業界' は accounts の列ではありません / "
        "position 1: '業界' is not a column of accounts"
    )
    assert column.value.fix is not None
    assert column.value.fix.startswith("次のいずれかを使ってください / use one of: ")


@pytest.mark.parametrize(
    "text",
    [
        "employees >= many",
        "industry >= 3",
        "status = dormant",
        "prefecture = 火星",
        "created_at >= yesterday",
        "annual_revenue > 3",
        "employees = 1.5",
        "",
    ],
)
def test_bad_values_are_rule_syntax_errors(text: str) -> None:
    with pytest.raises(RuleSyntaxError):
        parse_rule(text)


def test_conditions_refuse_or_and_not() -> None:
    with pytest.raises(InvalidValueError):
        _ = parse_rule("industry = a or industry = b").conditions
    with pytest.raises(InvalidValueError):
        Rule.from_conditions([{"column": "industry", "op": "like", "values": ["a"]}])


# --------------------------------------------------------------------------- evaluation
def _naive(node, row: dict) -> bool:
    """Plain-Python meaning of a rule for one row (NULL never satisfies a condition)."""
    if isinstance(node, Cond):
        v = row[node.column]
        if v is None:
            return False
        if node.op == "in":
            return v in node.values
        return (node.low is None or v >= node.low) and (node.high is None or v <= node.high)
    if isinstance(node, Not):
        return not _naive(node.item, row)
    results = [_naive(i, row) for i in node.items]
    return all(results) if isinstance(node, And) else any(results)


_rows = st.lists(
    st.fixed_dictionaries(
        {
            "industry": st.none() | st.sampled_from(["製造業", "a", "b", "and"]),
            "employees": st.none() | st.integers(0, 2000),
            "prefecture": st.sampled_from(["東京都", "大阪府", "北海道"]),
        }
    ),
    min_size=1,
    max_size=20,
)
_eval_nodes = st.recursive(
    st.one_of(
        _in("industry", st.sampled_from(["製造業", "a", "b", "and"])),
        _in("prefecture", st.sampled_from(["東京都", "大阪府", "北海道"])),
        _between("employees", st.integers(0, 2000)),
    ),
    lambda kids: st.one_of(
        kids.map(Not),
        st.lists(kids, min_size=2, max_size=3).map(lambda i: _make(And, i)),
        st.lists(kids, min_size=2, max_size=3).map(lambda i: _make(Or, i)),
    ),
    max_leaves=5,
)


@settings(max_examples=60, deadline=None)
@given(_eval_nodes, _rows)
def test_ibis_and_pandas_agree_with_naive_python(node, rows) -> None:
    rule = Rule(node)
    frame = pd.DataFrame(rows).astype({"employees": "Int64", "industry": "object"})
    frame["i"] = range(len(frame))
    expected = [_naive(node, {k: (None if pd.isna(v) else v) for k, v in r.items()}) for r in rows]
    assert rule.mask(frame).tolist() == expected
    t = ibis.memtable(frame)
    got = t.filter(rule.to_ibis(t)).select("i").execute()["i"].tolist()
    assert sorted(got) == [i for i, e in enumerate(expected) if e]


def test_planted_ideal_rule_selects_the_planted_segment(demo_ws, demo_tables) -> None:
    ideal = PLANTED.ideal
    rule = parse_rule(
        f"業種 in [{', '.join(ideal.industries)}] and 従業員数 between "
        f"{ideal.employees_low} and {ideal.employees_high}"
    )
    accounts = demo_tables["accounts"]
    assert rule.mask(accounts).tolist() == ideal.mask(accounts).tolist()
    t = demo_ws.table("accounts")
    n = t.filter(rule.to_ibis(t)).count().execute()
    assert n == int(ideal.mask(accounts).sum()) > 0


def test_unknown_column_at_compile_time() -> None:
    t = ibis.memtable({"x": [1]})
    with pytest.raises(InvalidValueError, match="employees"):
        parse_rule("employees >= 1").to_ibis(t)


@pytest.mark.parametrize(
    "module",
    ["rashinban.segments", "rashinban.segments._rules", "rashinban.segments._parser"],
)
def test_docstring_examples(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0
    assert result.failed == 0


def test_money_bounds_read_in_oku_and_billions() -> None:
    # QA: amounts in definitions read as the ICP rules write them (20億円 / ¥2bn).
    rule = parse_rule("annual_revenue between 2000000000 and 20000000000")
    assert rule.describe() == "年間売上が20億〜200億円"
    assert rule.describe("en") == "annual revenue ¥2bn–¥20bn"
    assert parse_rule("annual_revenue >= 50000000").describe() == "年間売上が5,000万円以上"
    # A bound those units would round is written in full: the rule's own number.
    odd = parse_rule("annual_revenue >= 1234567")
    assert odd.describe() == "年間売上が1,234,567円以上"
    assert odd.describe("en") == "annual revenue at least ¥1,234,567"


def test_yen_text_examples() -> None:
    import doctest

    from rashinban.segments import _describe

    result = doctest.testmod(_describe)
    assert result.attempted > 0 and result.failed == 0

"""normalize_text: NFKC, invisible characters, white space; idempotent."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rashinban.normalize import normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ", "ABC"),
        ("ｶﾌﾞｼｷｶﾞｲｼｬ", "カブシキガイシャ"),
        ("  営業部\u3000\u3000第一課 ", "営業部 第一課"),
        ("\ufeff部長", "部長"),
        ("マーケ\u200bティング", "マーケティング"),
        ("a\u200c\u200db\u2060c", "abc"),
        ("ソフト\u00adウェア", "ソフトウェア"),
        ("line\nbreak\ttab", "line break tab"),
        ("１２３４", "1234"),
        ("㈱テスト", "(株)テスト"),
        ("\u3000", ""),
        ("①", "1"),
        ("ﾊﾟｿｺﾝ", "パソコン"),
        ("e\u200b\u0301", "é"),  # dropping the ZWSP lets the accent compose
    ],
)
def test_known_cases(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@given(st.text())
def test_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@given(st.text())
def test_output_shape(text: str) -> None:
    out = normalize_text(text)
    assert out == out.strip()
    assert "  " not in out
    assert "\u3000" not in out and "\ufeff" not in out and "\u200b" not in out
    assert unicodedata.is_normalized("NFKC", out)
    # Only ASCII spaces remain as white space.
    assert all(not ch.isspace() or ch == " " for ch in out)


@given(st.text(alphabet=st.characters(codec="ascii", categories=["L", "N"]), min_size=1))
def test_plain_ascii_words_unchanged(text: str) -> None:
    assert normalize_text(text) == text

"""E-mail addresses: NFKC, display names, lower-case domain, rejects."""

from email.utils import parseaddr

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rashinban import InvalidValueError
from rashinban.normalize import parse_email


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("taro@example.co.jp", "taro@example.co.jp"),
        (" Taro.Yamada@Example.CO.JP ", "Taro.Yamada@example.co.jp"),
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp"),
        ("taro＠example.jp", "taro@example.jp"),
        ("山田太郎 <taro@example.jp>", "taro@example.jp"),
        ("<taro@example.jp>", "taro@example.jp"),
        ("mailto:taro@example.jp", "taro@example.jp"),
        ("MAILTO:taro@Example.jp", "taro@example.jp"),
        ("taro+crm@example.jp", "taro+crm@example.jp"),
        ("o'brien@example.ie", "o'brien@example.ie"),
        ("taro..yamada.@docomo.ne.jp", "taro..yamada.@docomo.ne.jp"),  # old carrier style
        ("info@例え.jp", "info@例え.jp"),
        ("a@xn--r8jz45g.jp", "a@xn--r8jz45g.jp"),
        ("a@sub-domain.example.com", "a@sub-domain.example.com"),
    ],
)
def test_known(raw: str, expected: str) -> None:
    assert parse_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("taro", "@がありません"),
        ("taro.example.jp", "@がありません"),
        ("a@b@example.jp", "@が複数"),
        ("a@example.jp, b@example.jp", "@が複数"),
        ("a@example", "メールアドレスとして読めません"),
        ("a b@example.jp", "メールアドレスとして読めません"),
        ("@example.jp", "メールアドレスとして読めません"),
        ("taro@", "メールアドレスとして読めません"),
        (".taro@example.jp", "メールアドレスとして読めません"),
        ("taro@-example.jp", "メールアドレスとして読めません"),
        ("taro@example-.jp", "メールアドレスとして読めません"),
        ("taro@example..jp", "メールアドレスとして読めません"),
        ("taro@example.123", "メールアドレスとして読めません"),
        ("taro@exa_mple.jp", "メールアドレスとして読めません"),
        ('"taro yamada"@example.jp', "メールアドレスとして読めません"),
        ("なし", "@がありません"),
    ],
)
def test_rejects(raw: str, reason: str) -> None:
    with pytest.raises(InvalidValueError, match=reason):
        parse_email(raw)


local_parts = st.from_regex(r"[a-zA-Z0-9][a-zA-Z0-9._+\-]{0,20}", fullmatch=True)
domains = st.from_regex(
    r"([a-zA-Z0-9]([a-zA-Z0-9\-]{0,8}[a-zA-Z0-9])?\.){1,3}[a-zA-Z]{2,6}", fullmatch=True
)


@given(local_parts, domains, st.text(alphabet="山田太郎 ABC", max_size=8))
def test_agrees_with_stdlib_parseaddr(local: str, domain: str, name: str) -> None:
    address = f"{local}@{domain}"
    assert parse_email(address) == f"{local}@{domain.lower()}"
    display = f"{name} <{address}>"
    # The standard library's RFC 5322 parser, as an oracle for the display-name form.
    _, plain = parseaddr(display)
    assert parse_email(display).lower() == plain.lower()


@given(local_parts, domains)
def test_idempotent(local: str, domain: str) -> None:
    once = parse_email(f"{local}@{domain}")
    assert parse_email(once) == once

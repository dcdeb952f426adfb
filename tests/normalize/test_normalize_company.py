"""Company names: legal forms (株式会社, ㈱, Co., Ltd. …) and the de-duplication key."""

import pytest
from faker import Faker
from hypothesis import given
from hypothesis import strategies as st

from rashinban.normalize import LEGAL_FORM_ALIASES, company_key, split_legal_form
from rashinban.schema import LEGAL_FORMS

SPLITS = [
    ("株式会社テスト", "テスト", "株式会社"),
    ("株式会社 テスト", "テスト", "株式会社"),
    ("株式会社　テスト", "テスト", "株式会社"),
    ("テスト株式会社", "テスト", "株式会社"),
    ("テスト 株式会社", "テスト", "株式会社"),
    ("㈱テスト", "テスト", "株式会社"),
    ("テスト㈱", "テスト", "株式会社"),
    ("（株）テスト", "テスト", "株式会社"),
    ("(株)テスト", "テスト", "株式会社"),
    ("テスト(株)", "テスト", "株式会社"),
    ("テスト ( 株 )", "テスト", "株式会社"),
    ("(株)ﾃｽﾄ", "テスト", "株式会社"),
    ("株式會社テスト", "テスト", "株式会社"),
    ("㍿テスト", "テスト", "株式会社"),
    ("有限会社テスト", "テスト", "有限会社"),
    ("㈲テスト", "テスト", "有限会社"),
    ("テスト(有)", "テスト", "有限会社"),
    ("合同会社テスト", "テスト", "合同会社"),
    ("テスト(同)", "テスト", "合同会社"),
    ("合資会社テスト", "テスト", "合資会社"),
    ("(資)テスト", "テスト", "合資会社"),
    ("合名会社テスト", "テスト", "合名会社"),
    ("(名)テスト", "テスト", "合名会社"),
    ("一般社団法人 日本テスト協会", "日本テスト協会", "一般社団法人"),
    ("(一社)日本テスト協会", "日本テスト協会", "一般社団法人"),
    ("一般財団法人テスト財団", "テスト財団", "一般財団法人"),
    ("(一財)テスト財団", "テスト財団", "一般財団法人"),
    ("公益社団法人テスト会", "テスト会", "公益社団法人"),
    ("(公社)テスト会", "テスト会", "公益社団法人"),
    ("公益財団法人テスト記念財団", "テスト記念財団", "公益財団法人"),
    ("(公財)テスト記念財団", "テスト記念財団", "公益財団法人"),
    ("医療法人 健康会", "健康会", "医療法人"),
    ("医療法人社団 健康会", "健康会", "医療法人"),
    ("(医)健康会", "健康会", "医療法人"),
    ("学校法人 テスト学園", "テスト学園", "学校法人"),
    ("(学)テスト学園", "テスト学園", "学校法人"),
    ("社会福祉法人 テスト福祉会", "テスト福祉会", "社会福祉法人"),
    ("(福)テスト福祉会", "テスト福祉会", "社会福祉法人"),
    ("特定非営利活動法人 テストの会", "テストの会", "特定非営利活動法人"),
    ("NPO法人 テストの会", "テストの会", "特定非営利活動法人"),
    ("ＮＰＯ法人テストの会", "テストの会", "特定非営利活動法人"),
    ("(特非)テストの会", "テストの会", "特定非営利活動法人"),
    ("ABC Co., Ltd.", "ABC", "株式会社"),
    ("ABC Co.,Ltd.", "ABC", "株式会社"),
    ("ABC CO., LTD.", "ABC", "株式会社"),
    ("ABC Company Limited", "ABC", "株式会社"),
    ("ABC, Inc.", "ABC", "株式会社"),
    ("ABC Inc", "ABC", "株式会社"),
    ("ABC K.K.", "ABC", "株式会社"),
    ("Sony Group Corporation", "Sony Group", "株式会社"),
    ("Kabushiki Kaisha Toshiba", "Toshiba", "株式会社"),
    ("ABC G.K.", "ABC", "合同会社"),
    ("ABC LLC", "ABC", "合同会社"),
    ("ABC Y.K.", "ABC", "有限会社"),
    ("株式会社テスト(株)", "テスト", "株式会社"),
    ("羅針盤商事", "羅針盤商事", None),
    ("Incubator Labs", "Incubator Labs", None),  # "Inc" inside a word is no form
    ("KKBOX", "KKBOX", None),
    ("株式会社", "株式会社", None),  # a form alone is kept as the name
    ("(株)", "(株)", None),
    ("株式会社ライブドア", "ライブドア", "株式会社"),
]


@pytest.mark.parametrize(("raw", "name", "form"), SPLITS)
def test_split_known_cases(raw: str, name: str, form: str | None) -> None:
    assert split_legal_form(raw) == (name, form)


def test_canonical_forms_are_the_schema_forms() -> None:
    assert set(LEGAL_FORM_ALIASES.values()) == set(LEGAL_FORMS)
    assert {f for _, _, f in SPLITS if f} == set(LEGAL_FORMS)
    for form in LEGAL_FORMS:
        assert split_legal_form(form + "テスト") == ("テスト", form)
        assert split_legal_form("テスト" + form) == ("テスト", form)


def test_faker_company_names_split() -> None:
    # faker's ja_JP provider writes the form before or after a surname + category,
    # an independent generator of realistic names.
    fake = Faker("ja_JP")
    fake.seed_instance(7)
    for _ in range(300):
        raw = fake.company()
        name, form = split_legal_form(raw)
        assert form in LEGAL_FORMS
        assert form not in name
        assert raw.replace(form, "") == name


@pytest.mark.parametrize(
    "variant",
    [
        "㈱テスト",
        "株式会社 テスト",
        "テスト株式会社",
        "(株)ﾃｽﾄ",
        "（株）テスト",
        "ﾃｽﾄ㈱",
        "テスト 株式 会社",
        "テスト・",
    ],
)
def test_company_key_variants_agree(variant: str) -> None:
    assert company_key(variant) == "テスト"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("ABC Trading Co., Ltd.", "abctrading"),
        ("Ａ．Ｂ．Ｃ．商事", "abc商事"),
        ("A-B-C商事", "abc商事"),
        ("テスター・ラボ", "テスターラボ"),
        ("テスタ－ラボ", "テスターラボ"),  # full-width hyphen after kana is a 長音
        ("テスタ―ラボ", "テスターラボ"),  # horizontal bar after kana is a 長音
        ("ﾃｽﾀｰﾗﾎﾞ", "テスターラボ"),
        ("東京ー大阪", "東京大阪"),  # ー after a kanji is a dash
        ("ーテスト", "テスト"),
        ("らーめん太郎", "らーめん太郎"),
        ("テスト？", "テスト"),
        ("「テスト」", "テスト"),
        ("テスト&パートナーズ", "テストパートナーズ"),  # & is punctuation (Po)
        ("・・", "・・"),  # all punctuation: kept, not merged with every other such name
    ],
)
def test_company_key_known_cases(raw: str, key: str) -> None:
    assert company_key(raw) == key


def test_company_key_keeps_different_companies_apart() -> None:
    assert company_key("テスター") != company_key("テスタ")
    assert company_key("東京テスト") != company_key("大阪テスト")


@given(st.text())
def test_split_name_is_idempotent(text: str) -> None:
    name, _form = split_legal_form(text)
    assert split_legal_form(name) == (name, None)


@given(st.text())
def test_company_key_is_idempotent(text: str) -> None:
    key = company_key(text)
    assert company_key(key) == key


@given(
    # Names of katakana, ASCII letters and digits cannot themselves hold a legal form.
    st.text(
        alphabet=st.characters(min_codepoint=0x30A1, max_codepoint=0x30FA)
        | st.sampled_from("abcXYZ0123456789"),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from(sorted(LEGAL_FORM_ALIASES)),
    st.booleans(),
    st.sampled_from(["", " ", "\u3000"]),
)
def test_any_alias_before_or_after_is_found(
    name: str, alias: str, before: bool, space: str
) -> None:
    raw = f"{alias}{space}{name}" if before else f"{name}{space}{alias}"
    base, form = split_legal_form(raw)
    assert form == LEGAL_FORM_ALIASES[alias]
    assert company_key(raw) == company_key(base)

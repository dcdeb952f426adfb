"""都道府県: every spelling of all 47, codes, addresses and regions."""

import pytest
from faker.providers.address.ja_JP import Provider as JaAddress
from hypothesis import given
from hypothesis import strategies as st

from rashinban import InvalidValueError
from rashinban.normalize import (
    PREFECTURES,
    REGIONS,
    parse_prefecture,
    parse_prefecture_from_address,
    region_prefectures,
)

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def test_table_matches_an_independent_list() -> None:
    # faker's ja_JP address provider lists the 47 prefectures in JIS X 0401 order.
    assert [ja for _, ja, _ in PREFECTURES] == list(JaAddress.prefectures)
    assert [code for code, _, _ in PREFECTURES] == [f"{i:02d}" for i in range(1, 48)]


@pytest.mark.parametrize(("code", "ja", "en"), PREFECTURES)
def test_every_prefecture_every_spelling(code: str, ja: str, en: str) -> None:
    want = (ja, code)
    short = ja if ja == "北海道" else ja[:-1]
    suffix = {"都": "to", "道": "do", "府": "fu", "県": "ken"}[ja[-1]]
    spellings = [
        ja, short, f" {ja} ", en, en.upper(), en.lower(), f"{en}-{suffix}",
        f"{en} Prefecture", code, str(int(code)), f"{int(code)}.0", code.translate(FULL_WIDTH),
        f"{code} {ja}", f"{int(code)}:{ja}", f"{ja}({code})", f"JP-{code}",
        f"{ja}千代田町1-1",
    ]  # fmt: skip
    for spelling in spellings:
        assert parse_prefecture(spelling) == want, spelling


@pytest.mark.parametrize(
    ("raw", "ja"),
    [
        ("京都", "京都府"),
        ("東京", "東京都"),
        ("京都府", "京都府"),
        ("Kyoto", "京都府"),
        ("Tōkyō", "東京都"),
        ("Tôkyô", "東京都"),
        ("tokyo-to", "東京都"),
        ("Tokyo Metropolis", "東京都"),
        ("Toukyou", "東京都"),
        ("Ōsaka", "大阪府"),
        ("Osaka-fu", "大阪府"),
        ("Hokkaidō", "北海道"),
        ("Hyōgo", "兵庫県"),
        ("Gumma", "群馬県"),
        ("ＴＯＫＹＯ", "東京都"),
        ("１３", "東京都"),
        ("13.0", "東京都"),
        ("26", "京都府"),
        ("神奈川", "神奈川県"),
        ("和歌山", "和歌山県"),
        ("鹿児島", "鹿児島県"),
        ("横浜市", "神奈川県"),
    ],
)
def test_tricky_spellings(raw: str, ja: str) -> None:
    assert parse_prefecture(raw)[0] == ja


@pytest.mark.parametrize(
    ("number", "ja"), [(13, "東京都"), (13.0, "東京都"), (1, "北海道"), (26, "京都府")]
)
def test_numeric_cells(number: float, ja: str) -> None:
    # A spreadsheet cell may hold the code as a number rather than text.
    assert parse_prefecture(number)[0] == ja


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("0", "01〜47"),
        ("13.5", "都道府県として読めません"),
        ("48", "01〜47"),
        ("99", "01〜47"),
        ("13 大阪府", "一致しません"),
        ("大阪府 13", "一致しません"),
        ("東", "都道府県として読めません"),
        ("Tokio", "都道府県として読めません"),
        ("東京県", "都道府県として読めません"),
        ("港区", "都道府県として読めません"),
        ("", "都道府県として読めません"),
    ],
)
def test_rejects(raw: str, reason: str) -> None:
    with pytest.raises(InvalidValueError, match=reason):
        parse_prefecture(raw)


@pytest.mark.parametrize(
    ("address", "ja"),
    [
        ("東京都千代田区丸の内1-1-1", "東京都"),
        ("京都府京都市中京区", "京都府"),
        ("京都市中京区寺町通", "京都府"),
        ("東京都港区", "東京都"),
        ("大阪市北区梅田1-1", "大阪府"),
        ("〒530-0001 大阪市北区梅田1-1", "大阪府"),
        ("〒100-0005　東京都千代田区丸の内", "東京都"),
        ("日本 愛知県名古屋市", "愛知県"),
        ("名古屋市中区", "愛知県"),
        ("横浜市西区みなとみらい", "神奈川県"),
        ("川崎市中原区", "神奈川県"),
        ("札幌市中央区", "北海道"),
        ("北海道札幌市", "北海道"),
        ("神戸市中央区", "兵庫県"),
        ("福岡市博多区", "福岡県"),
        ("北九州市小倉北区", "福岡県"),
        ("さいたま市大宮区", "埼玉県"),
        ("大津市浜大津", "滋賀県"),
        ("津市栄町", "三重県"),
        ("新宿区西新宿2-8-1", "東京都"),
        ("渋谷区道玄坂", "東京都"),
        ("東京 千代田区", "東京都"),
        ("鹿児島県鹿児島市", "鹿児島県"),
        ("神奈川県横浜市", "神奈川県"),
        ("1-1 Marunouchi, Chiyoda-ku, Tokyo 100-0005, Japan", "東京都"),
        ("Kita-ku, Osaka", "大阪府"),
    ],
)
def test_address(address: str, ja: str) -> None:
    assert parse_prefecture_from_address(address)[0] == ja


@pytest.mark.parametrize("address", ["港区六本木", "中央区銀座", "北区", "丸の内1-1", "京都大学"])
def test_address_without_prefecture(address: str) -> None:
    with pytest.raises(InvalidValueError, match="都道府県が分かりません"):
        parse_prefecture_from_address(address)


def test_regions_partition_japan() -> None:
    eight = ["北海道", "東北", "関東", "中部", "近畿", "中国", "四国", "九州"]
    names = [n for r in eight for n in REGIONS[r]]
    assert sorted(names) == sorted(ja for _, ja, _ in PREFECTURES)  # each exactly once
    assert REGIONS["関西"] == REGIONS["近畿"]
    assert REGIONS["九州・沖縄"] == REGIONS["九州"]
    all_names = {ja for _, ja, _ in PREFECTURES}
    for members in REGIONS.values():
        assert set(members) <= all_names


@pytest.mark.parametrize(
    ("region", "count", "member"),
    [
        ("関東", 7, "東京都"),
        ("関東地方", 7, "神奈川県"),
        ("kanto", 7, "茨城県"),
        ("Kantō", 7, "群馬県"),
        ("関西", 7, "大阪府"),
        ("Kansai", 7, "京都府"),
        ("近畿地方", 7, "和歌山県"),
        ("東北", 6, "福島県"),
        ("中部", 9, "愛知県"),
        ("中国", 5, "広島県"),
        ("中国地方", 5, "山口県"),
        ("四国", 4, "高知県"),
        ("九州", 8, "沖縄県"),
        ("九州・沖縄", 8, "沖縄県"),
        ("kyushu-okinawa", 8, "福岡県"),
        ("北海道", 1, "北海道"),
        ("甲信越", 3, "新潟県"),
        ("北陸", 3, "石川県"),
        ("東海", 4, "三重県"),
        ("tokai", 4, "静岡県"),
        ("首都圏", 4, "埼玉県"),
    ],
)
def test_region_prefectures(region: str, count: int, member: str) -> None:
    got = region_prefectures(region)
    assert len(got) == count
    assert member in got


def test_unknown_region() -> None:
    with pytest.raises(InvalidValueError, match="関東"):
        region_prefectures("山陰山陽")


@given(st.sampled_from(PREFECTURES), st.sampled_from(["", " ", "\u3000"]), st.text(max_size=10))
def test_official_name_starts_an_address(pref: tuple[str, str, str], sep: str, rest: str) -> None:
    code, ja, _ = pref
    assert parse_prefecture_from_address(ja + sep + rest) == (ja, code)

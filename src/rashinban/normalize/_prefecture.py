"""都道府県: names, JIS X 0401 codes, regions, and the prefecture at the start of an address."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rashinban._errors import InvalidValueError
from rashinban.normalize._text import invalid, nfkc, normalize_text

__all__ = [
    "PREFECTURES",
    "REGIONS",
    "parse_prefecture",
    "parse_prefecture_from_address",
    "region_prefectures",
]

#: (JIS X 0401 code, official name, English name) for the 47 prefectures, in JIS order.
PREFECTURES: tuple[tuple[str, str, str], ...] = (
    ("01", "北海道", "Hokkaido"),
    ("02", "青森県", "Aomori"),
    ("03", "岩手県", "Iwate"),
    ("04", "宮城県", "Miyagi"),
    ("05", "秋田県", "Akita"),
    ("06", "山形県", "Yamagata"),
    ("07", "福島県", "Fukushima"),
    ("08", "茨城県", "Ibaraki"),
    ("09", "栃木県", "Tochigi"),
    ("10", "群馬県", "Gunma"),
    ("11", "埼玉県", "Saitama"),
    ("12", "千葉県", "Chiba"),
    ("13", "東京都", "Tokyo"),
    ("14", "神奈川県", "Kanagawa"),
    ("15", "新潟県", "Niigata"),
    ("16", "富山県", "Toyama"),
    ("17", "石川県", "Ishikawa"),
    ("18", "福井県", "Fukui"),
    ("19", "山梨県", "Yamanashi"),
    ("20", "長野県", "Nagano"),
    ("21", "岐阜県", "Gifu"),
    ("22", "静岡県", "Shizuoka"),
    ("23", "愛知県", "Aichi"),
    ("24", "三重県", "Mie"),
    ("25", "滋賀県", "Shiga"),
    ("26", "京都府", "Kyoto"),
    ("27", "大阪府", "Osaka"),
    ("28", "兵庫県", "Hyogo"),
    ("29", "奈良県", "Nara"),
    ("30", "和歌山県", "Wakayama"),
    ("31", "鳥取県", "Tottori"),
    ("32", "島根県", "Shimane"),
    ("33", "岡山県", "Okayama"),
    ("34", "広島県", "Hiroshima"),
    ("35", "山口県", "Yamaguchi"),
    ("36", "徳島県", "Tokushima"),
    ("37", "香川県", "Kagawa"),
    ("38", "愛媛県", "Ehime"),
    ("39", "高知県", "Kochi"),
    ("40", "福岡県", "Fukuoka"),
    ("41", "佐賀県", "Saga"),
    ("42", "長崎県", "Nagasaki"),
    ("43", "熊本県", "Kumamoto"),
    ("44", "大分県", "Oita"),
    ("45", "宮崎県", "Miyazaki"),
    ("46", "鹿児島県", "Kagoshima"),
    ("47", "沖縄県", "Okinawa"),
)

_BY_CODE: dict[str, tuple[str, str]] = {code: (ja, code) for code, ja, _en in PREFECTURES}
_CODE_OF: dict[str, str] = {ja: code for code, ja, _en in PREFECTURES}


def _names(*codes: str) -> tuple[str, ...]:
    return tuple(_BY_CODE[c][0] for c in codes)


def _span(first: int, last: int) -> tuple[str, ...]:
    return _names(*(f"{i:02d}" for i in range(first, last + 1)))


#: Region → official prefecture names. The eight regions are the 八地方区分 taught in
#: Japanese schools (三重 in 近畿, 沖縄 in 九州); 関西 is the same as 近畿 and
#: 九州・沖縄 the same as 九州. The sub-regions are business usage: 甲信越
#: (山梨・長野・新潟), 北陸 (富山・石川・福井), 東海 (愛知・岐阜・静岡・三重),
#: 首都圏 (1都3県: 東京・神奈川・埼玉・千葉).
REGIONS: dict[str, tuple[str, ...]] = {
    "北海道": _names("01"),
    "東北": _span(2, 7),
    "関東": _span(8, 14),
    "中部": _span(15, 23),
    "近畿": _span(24, 30),
    "関西": _span(24, 30),
    "中国": _span(31, 35),
    "四国": _span(36, 39),
    "九州": _span(40, 47),
    "九州・沖縄": _span(40, 47),
    "甲信越": _names("19", "20", "15"),
    "北陸": _names("16", "17", "18"),
    "東海": _names("23", "21", "22", "24"),
    "首都圏": _names("13", "14", "11", "12"),
}

_REGION_ALIASES: dict[str, str] = {
    "hokkaido": "北海道",
    "tohoku": "東北",
    "kanto": "関東",
    "chubu": "中部",
    "kinki": "近畿",
    "kansai": "関西",
    "chugoku": "中国",
    "shikoku": "四国",
    "kyushu": "九州",
    "kyushuokinawa": "九州・沖縄",
    "九州沖縄": "九州・沖縄",
    "koshinetsu": "甲信越",
    "hokuriku": "北陸",
    "tokai": "東海",
    "shutoken": "首都圏",
    "greatertokyo": "首都圏",
    "一都三県": "首都圏",
    "1都3県": "首都圏",
}

# Romanisations people write for the prefectures with long vowels or a disputed
# reading, besides the Hepburn names above (macrons are stripped before lookup).
_ROMAJI_VARIANTS: dict[str, tuple[str, ...]] = {
    "01": ("hokkaidou", "hokkaidoh", "hokkaidoo"),
    "08": ("ibaragi",),
    "10": ("gumma",),
    "13": ("toukyou", "tokyou", "tohkyoh", "tookyoo"),
    "26": ("kyouto", "kyooto", "kyohto"),
    "27": ("oosaka", "ohsaka"),
    "28": ("hyougo", "hyoogo", "hyohgo"),
    "39": ("kouchi", "koochi", "kohchi"),
    "44": ("ooita", "ohita"),
}
_KIND_SUFFIX = {"都": ("to", "metropolis", "metropolitan"), "道": ("do", "dou")}
_KIND_SUFFIX |= {"府": ("fu",), "県": ("ken",)}

_STRIP = re.compile(r"[\s\-_.・,'\"’()\[\]]+")


def _key(text: str) -> str:
    """Lookup key: NFKC, case-folded, accents and separators removed."""
    text = nfkc(text).casefold()
    if not text.isascii():
        text = "".join(
            ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
        )
        text = unicodedata.normalize("NFKC", text)
    return _STRIP.sub("", text)


def _build_lookup() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for code, ja, en in PREFECTURES:
        hit = (ja, code)
        table[_key(ja)] = hit
        if ja != "北海道":
            table[_key(ja[:-1])] = hit  # 東京, 京都, 神奈川 …
        for romaji in (en.casefold(), *_ROMAJI_VARIANTS.get(code, ())):
            table[romaji] = hit
            for suffix in (*_KIND_SUFFIX[ja[-1]], "prefecture", "pref"):
                table[romaji + suffix] = hit
    return table


_LOOKUP = _build_lookup()

# Cities people write without the prefecture: the 20 designated cities, the
# prefectural capitals whose name differs from the prefecture's, and Tokyo's
# special wards whose names no other city uses (中央区, 港区 and 北区 are left out:
# Osaka, Nagoya and others have wards of the same name).
_CITIES: dict[str, str] = {
    **dict.fromkeys(("札幌市",), "01"),
    **dict.fromkeys(("仙台市",), "04"),
    **dict.fromkeys(("さいたま市",), "11"),
    **dict.fromkeys(("横浜市", "川崎市", "相模原市"), "14"),
    **dict.fromkeys(("浜松市",), "22"),
    **dict.fromkeys(("名古屋市",), "23"),
    **dict.fromkeys(("堺市",), "27"),
    **dict.fromkeys(("神戸市",), "28"),
    **dict.fromkeys(("北九州市",), "40"),
    **dict.fromkeys(("盛岡市",), "03"),
    **dict.fromkeys(("水戸市",), "08"),
    **dict.fromkeys(("宇都宮市",), "09"),
    **dict.fromkeys(("前橋市",), "10"),
    **dict.fromkeys(("金沢市",), "17"),
    **dict.fromkeys(("甲府市",), "19"),
    **dict.fromkeys(("津市",), "24"),
    **dict.fromkeys(("大津市",), "25"),
    **dict.fromkeys(("松江市",), "32"),
    **dict.fromkeys(("高松市",), "37"),
    **dict.fromkeys(("松山市",), "38"),
    **dict.fromkeys(("那覇市",), "47"),
    **dict.fromkeys(
        (
            "千代田区 新宿区 文京区 台東区 墨田区 江東区 品川区 目黒区 大田区 世田谷区"
            " 渋谷区 中野区 杉並区 豊島区 荒川区 板橋区 練馬区 足立区 葛飾区 江戸川区"
        ).split(),
        "13",
    ),
}
# Cities named like their prefecture (京都市, 大阪市, 静岡市 …): the short name + 市.
_CITIES |= {ja[:-1] + "市": code for code, ja, _en in PREFECTURES if ja != "北海道"}
_CITY_LENGTHS = sorted({len(c) for c in _CITIES}, reverse=True)
_SHORT: dict[str, str] = {ja[:-1]: code for code, ja, _en in PREFECTURES if ja != "北海道"}

_CODE = re.compile(r"(?:jp[-\s]?)?([0-9]{1,2})(?:\.0+)?")
_CODE_FIRST = re.compile(r"(?:jp[-\s]?)?([0-9]{1,2})(?:\.0+)?[\s:_.\-]*([^0-9\s:_.\-].*)")
_CODE_LAST = re.compile(r"(.*?[^0-9\s(:_\-])[\s(:_\-]*(?:jp[-\s]?)?([0-9]{1,2})\)?")
_ADDRESS_HEAD = re.compile(r"^(?:〒?\s*[0-9]{3}-?[0-9]{4}\s*)?(?:日本国?\s*)?")
_POSTAL = re.compile(r"\b[0-9]{3}-?[0-9]{4}\b|\bjapan\b", re.IGNORECASE)

_FIX = (
    "正式名(例: 東京都)かJISコード(01〜47)で書いてください",
    "write the official name (e.g. 東京都) or the JIS code 01-47",
)


def _from_code(value: str, digits: str) -> tuple[str, str]:
    code = f"{int(digits):02d}"
    if code not in _BY_CODE:
        raise invalid(
            value,
            (
                f"都道府県コードは01〜47です({digits}は範囲外)",
                f"prefecture codes run from 01 to 47 ({digits} is out of range)",
            ),
            _FIX,
        )
    return _BY_CODE[code]


@lru_cache(maxsize=4096)
def parse_prefecture(value: str | int | float) -> tuple[str, str]:
    """Read a prefecture written in any common way.

    Accepted: the official name (東京都), the name without 都/道/府/県 (東京; 京都
    is 京都府, never 東京都), romaji with or without suffix or macrons (Tokyo,
    TOKYO, tokyo-to, Tōkyō, Osaka-fu, Aichi Prefecture), the JIS X 0401 code as
    text or number (13, "01", 13.0, １３, JP-13), a code with its name ("13
    東京都", "東京都(13)" — both must agree), and an address that starts with
    the prefecture (see :func:`parse_prefecture_from_address`).

    Parameters
    ----------
    value
        The prefecture as written; a number (13, 13.0, as a spreadsheet cell
        holds a code) is read as its text.

    Returns
    -------
    tuple[str, str]
        (official name, two-digit JIS X 0401 code).

    Raises
    ------
    InvalidValueError
        Not a prefecture, a code outside 01–47, or a code and a name that disagree.

    Examples
    --------
    >>> parse_prefecture("京都")
    ('京都府', '26')
    >>> parse_prefecture("tokyo-to")
    ('東京都', '13')
    """
    if not isinstance(value, str):
        value = str(value)
    text = normalize_text(value).casefold()
    hit = _LOOKUP.get(_key(text))
    if hit is not None:
        return hit
    m = _CODE.fullmatch(text)
    if m is not None:
        return _from_code(value, m.group(1))
    # A code with its name is short; the bound keeps the lazy pattern linear.
    m = (_CODE_FIRST.fullmatch(text) or _CODE_LAST.fullmatch(text)) if len(text) <= 32 else None
    if m is not None:
        first, second = m.groups()
        digits, name = (first, second) if first.isdigit() else (second, first)
        by_code = _from_code(value, digits)
        by_name = _LOOKUP.get(_key(name))
        if by_name is not None:
            if by_name != by_code:
                raise invalid(
                    value,
                    (
                        f"コード{by_code[1]}({by_code[0]})と名前{by_name[0]}が一致しません",
                        f"code {by_code[1]} ({by_code[0]}) and name {by_name[0]} disagree",
                    ),
                    (
                        "どちらが正しいか確かめて直してください",
                        "check which one is right and fix it",
                    ),
                )
            return by_code
    try:
        return parse_prefecture_from_address(value)
    except InvalidValueError:
        pass  # reported below as "not a prefecture", the question the caller asked
    raise invalid(
        value,
        ("都道府県として読めません", "not a prefecture"),
        _FIX,
    )


@lru_cache(maxsize=65536)
def parse_prefecture_from_address(address: str) -> tuple[str, str]:
    """Find the prefecture at the start of an address.

    In order: a postal code (〒100-0001) and 日本 are skipped; the official
    name (東京都千代田区…); a city people write without its prefecture
    (大阪市北区… → 大阪府, 横浜市… → 神奈川県, 新宿区… → 東京都); a short name
    standing alone ("東京 千代田区"). For addresses in English the
    comma-separated parts are tried from the end ("Chiyoda-ku, Tokyo 100-0001").

    Parameters
    ----------
    address
        An address as written.

    Returns
    -------
    tuple[str, str]
        (official name, two-digit JIS X 0401 code).

    Raises
    ------
    InvalidValueError
        No prefecture can be told from the start of the address.

    Examples
    --------
    >>> parse_prefecture_from_address("〒530-0001 大阪市北区梅田1-1")
    ('大阪府', '27')
    """
    text = normalize_text(address)
    head = _ADDRESS_HEAD.sub("", text, count=1)
    for n in (4, 3):
        code = _CODE_OF.get(head[:n])
        if code is not None:
            return _BY_CODE[code]
    for n in _CITY_LENGTHS:
        code = _CITIES.get(head[:n])
        if code is not None:
            return _BY_CODE[code]
    for n in (3, 2):
        code = _SHORT.get(head[:n]) if len(head) >= n else None
        if code is not None and (len(head) == n or head[n] in " ,、"):
            return _BY_CODE[code]
    if text.isascii():
        for part in reversed(text.split(",")):
            hit = _LOOKUP.get(_key(_POSTAL.sub("", part)))
            if hit is not None:
                return hit
    raise invalid(
        address,
        ("住所の先頭から都道府県が分かりません", "no prefecture at the start of the address"),
        (
            "住所を都道府県名から書くか、都道府県の列をマッピングしてください",
            "start the address with the prefecture or map a prefecture column",
        ),
    )


def region_prefectures(region: str) -> tuple[str, ...]:
    """Return the official names of the prefectures in a region.

    Parameters
    ----------
    region
        A key of :data:`REGIONS`, with or without 地方/地域/エリア (関東地方), or
        its romaji (kanto, Kansai, kyushu-okinawa, tokai …).

    Returns
    -------
    tuple[str, ...]
        Official prefecture names, in JIS order within the region's definition.

    Raises
    ------
    InvalidValueError
        An unknown region.

    Examples
    --------
    >>> region_prefectures("関西")
    ('三重県', '滋賀県', '京都府', '大阪府', '兵庫県', '奈良県', '和歌山県')
    """
    key = _key(region)
    for suffix in ("地方", "地域", "エリア", "region", "area", "chiho"):
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[: -len(suffix)]
            break
    name = _REGION_ALIASES.get(key, key)
    if name in REGIONS:
        return REGIONS[name]
    raise invalid(
        region,
        ("地方名として読めません", "not a known region"),
        (
            "次のいずれかを使ってください: " + "、".join(REGIONS),
            "use one of: " + ", ".join(REGIONS),
        ),
    )

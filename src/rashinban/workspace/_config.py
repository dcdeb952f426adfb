"""Workspace settings (``rashinban.toml``), declared once as data.

:data:`SETTINGS` is the registry: defaults, types and help text come from here,
so the docs and ``rashinban init`` stay in step with what the code reads.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import tomli_w

from rashinban._errors import ConfigError

SCHEMA_VERSION = 1
#: The churn horizon in days, lowest and highest: the churn model learns from the 720 days
#: before the as-of date, and a longer horizon leaves it nothing to learn from.
CHURN_HORIZON_RANGE = (1, 365)
#: The first month of the fiscal year (年度): 4 (April to March) unless set.
FISCAL_YEAR_START_MONTH = 4
#: The time zone the data's dates are read in: a CRM export that writes UTC
#: (``2024-03-31T15:30:00Z``) is converted to it before its date is taken.
DATA_TIMEZONE = "Asia/Tokyo"
#: A setting's type in words, Japanese and English, for the error naming the one expected.
_TYPE_WORDS = {
    "int": ("整数", "a whole number"),
    "float": ("数値", "a number"),
    "bool": ("true か false", "true or false"),
    "str": ("文字列", "text"),
}


@dataclass(frozen=True)
class Setting:
    section: str
    name: str
    default: Any
    help_ja: str
    help_en: str
    choices: tuple[Any, ...] = ()
    #: Lowest and highest value of a whole-number setting.
    bounds: tuple[int, int] | None = None


SETTINGS: tuple[Setting, ...] = (
    Setting("workspace", "name", "", "ワークスペース名", "workspace name"),
    Setting(
        "workspace", "schema_version", SCHEMA_VERSION, "データモデルの版", "data model version"
    ),
    Setting("workspace", "currency", "JPY", "通貨 (ISO 4217)", "currency (ISO 4217)"),
    Setting("workspace", "lang", "ja", "既定の表示言語", "default display language", ("ja", "en")),
    Setting(
        "backend",
        "url",
        "",
        "分析に使うIbisバックエンドのURL (空なら data.duckdb)",
        "Ibis backend URL for analytics (empty: the workspace's data.duckdb)",
    ),
    Setting(
        "state",
        "url",
        "",
        "アプリ状態DBのURL (空ならワークスペース内の state.sqlite; チームでは PostgreSQL)",
        "app-state database URL (empty: state.sqlite in the workspace; PostgreSQL for teams)",
    ),
    Setting(
        "analysis",
        "as_of",
        "",
        "分析の基準日 (空ならデータの最終日)",
        "as-of date for analyses (empty: the last date in the data)",
    ),
    Setting(
        "analysis",
        "churn_horizon_days",
        90,
        "離反予測の対象期間 (日, 1〜365)",
        "churn prediction horizon (days, 1-365)",
        bounds=CHURN_HORIZON_RANGE,
    ),
    Setting(
        "analysis",
        "fiscal_year_start_month",
        FISCAL_YEAR_START_MONTH,
        "年度の開始月 (1〜12; 4なら4月〜翌3月、開始した年で呼ぶ)",
        "first month of the fiscal year (1-12; 4: April to March, named by the year it starts in)",
        bounds=(1, 12),
    ),
    Setting(
        "data",
        "timezone",
        DATA_TIMEZONE,
        "データの時間帯 (IANA名; UTCなど時差付きの日時はこの時間帯の日付として取り込む)",
        "the data's time zone (IANA name; a date-time with a UTC offset is imported as "
        "the date in this zone)",
    ),
)


def default_config(name: str = "") -> dict[str, dict[str, Any]]:
    cfg: dict[str, dict[str, Any]] = {}
    for s in SETTINGS:
        cfg.setdefault(s.section, {})[s.name] = s.default
    cfg["workspace"]["name"] = name
    return cfg


def read_config(path: Path) -> dict[str, dict[str, Any]]:
    """Read ``rashinban.toml`` and fill in defaults; raise :class:`ConfigError` if malformed."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"設定を読めません / cannot read settings: {exc}",
            file=str(path),
            fix="TOMLの書き方を直すか 'rashinban init' で作り直してください / "
            "correct the TOML syntax or re-create it with 'rashinban init'",
        ) from None
    cfg = default_config()
    for section, values in raw.items():
        if not isinstance(values, dict):
            continue
        cfg.setdefault(section, {}).update(values)
    for s in SETTINGS:
        value = cfg[s.section][s.name]
        if s.choices and value not in s.choices:
            raise ConfigError(
                f"[{s.section}] {s.name} = {value!r} は使えません / "
                f"[{s.section}] {s.name} = {value!r} is not allowed",
                file=str(path),
                fix=f"次のいずれかにしてください / use one of {', '.join(map(repr, s.choices))}",
            )
        # A bool is an int to Python, not a number of days to the user.
        if not isinstance(value, type(s.default)) or (
            isinstance(value, bool) and not isinstance(s.default, bool)
        ):
            ja, en = _TYPE_WORDS.get(type(s.default).__name__, (type(s.default).__name__,) * 2)
            raise ConfigError(
                f"[{s.section}] {s.name} の値 {value!r} は{ja}ではありません / "
                f"[{s.section}] {s.name} should be {en}, got {value!r}",
                file=str(path),
                fix=f"{s.default!r} のように書いてください / write it like {s.default!r}",
            )
        if s.bounds is not None and not s.bounds[0] <= value <= s.bounds[1]:
            low, high = s.bounds
            raise ConfigError(
                f"[{s.section}] {s.name} = {value!r} は範囲外です ({low}〜{high}) / "
                f"[{s.section}] {s.name} = {value!r} is out of range ({low}-{high})",
                file=str(path),
                fix=f"{s.name} を {low}〜{high} の整数にしてください (既定 {s.default!r}) / "
                f"set {s.name} to a whole number from {low} to {high} (default {s.default!r})",
            )
    check_timezone(cfg["data"]["timezone"], path)
    if cfg["workspace"]["schema_version"] > SCHEMA_VERSION:
        raise ConfigError(
            "このワークスペースは新しい版の rashinban で作られています / "
            "this workspace was written by a newer rashinban",
            file=str(path),
            fix="rashinban を更新してください (pip install -U rashinban) / "
            "upgrade rashinban (pip install -U rashinban)",
        )
    return cfg


def check_timezone(name: str, path: Path | None = None) -> ZoneInfo:
    """The time zone ``[data] timezone`` names; a :class:`ConfigError` for an unknown one.

    The names are IANA's (``Asia/Tokyo``, ``UTC``, ``America/New_York``), from the
    system's time-zone database or the ``tzdata`` package.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    known = available_timezones()
    if not known:  # no database at all (Windows without the tzdata package)
        fix = "tzdata をインストールしてください / install the time-zone data: pip install tzdata"
    else:
        if name.strip().upper() in ("JST", "JAPAN STANDARD TIME", "日本", "日本時間"):
            guess = ["Asia/Tokyo"]
        else:
            lowered = {k.casefold(): k for k in known}
            guess = [lowered[name.casefold()]] if name.casefold() in lowered else []
            guess = guess or difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
        if guess:
            fix = (
                f'「{guess[0]}」のことなら timezone = "{guess[0]}" と書いてください / '
                f'did you mean {guess[0]!r}? write timezone = "{guess[0]}"'
            )
        else:
            fix = (
                'IANA のタイムゾーン名を書いてください (例: timezone = "Asia/Tokyo"、'
                '協定世界時なら "UTC") / write an IANA time-zone name, e.g. '
                'timezone = "Asia/Tokyo" ("UTC" for UTC)'
            )
    raise ConfigError(
        f"[data] timezone = {name!r} はタイムゾーンとして見つかりません / "
        f"[data] timezone = {name!r} is not a known time zone",
        file=None if path is None else str(path),
        fix=fix,
    )


def write_config(path: Path, cfg: dict[str, dict[str, Any]]) -> None:
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(tomli_w.dumps(cfg), encoding="utf-8")
    tmp.replace(path)

"""Throughput of the value normalisers on typical Japanese CRM values.

Run: ``python benchmarks/bench_normalize.py [N]``. Prints values per second for
each parser, cold (every value distinct, caches cleared: what an import of a
new file sees) and warm (values repeat, as in a column with few distinct
values), and ratios against peers measured in the same run: ``dateutil``'s
parser for dates and a bare ``float(s.replace(",", ""))`` for money.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from dateutil import parser as dateutil_parser

from rashinban.normalize import _dates, _numbers, format_wareki, parse_date, parse_money


def _dates_sample(n: int, rng: random.Random) -> list[str]:
    start = dt.date(1990, 1, 1)
    out = []
    for i in range(n):
        d = start + dt.timedelta(days=rng.randrange(365 * 40))
        kind = i % 8
        if kind == 0:
            out.append(d.isoformat())
        elif kind == 1:
            out.append(f"{d.year}/{d.month}/{d.day}")
        elif kind == 2:
            out.append(f"{d:%Y/%m/%d} {rng.randrange(24)}:{rng.randrange(60):02d}")
        elif kind == 3:
            out.append(f"{d.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00+09:00")
        elif kind == 4:
            out.append(f"{d.year}年{d.month}月{d.day}日")
        elif kind == 5:
            out.append(format_wareki(d))
        elif kind == 6:
            out.append(d.strftime("%Y%m%d"))
        else:
            out.append(f"{d:%Y-%m-%d} {rng.randrange(24):02d}:{rng.randrange(60):02d}:00")
    return out


def _money_sample(n: int, rng: random.Random) -> list[str]:
    out = []
    for i in range(n):
        v = rng.randrange(1, 10**9)
        kind = i % 8
        if kind in (0, 1):
            out.append(f"{v:,}")
        elif kind == 2:
            out.append(str(v))
        elif kind == 3:
            out.append(f"¥{v:,}")
        elif kind == 4:
            out.append(f"{v:,}円")
        elif kind == 5:
            out.append(f"▲{v:,}")
        elif kind == 6:
            out.append(f"{v // 1000:,}千円")
        else:
            out.append(f"{v // 10**4}万円")
    return out


def _rate(fn: Callable[[str], Any], values: Sequence[str], clear: Callable[[], None]) -> float:
    clear()
    t0 = time.perf_counter()
    for v in values:
        fn(v)
    return len(values) / (time.perf_counter() - t0)


def main(n: int = 200_000) -> None:
    rng = random.Random(20240401)
    dates = _dates_sample(n, rng)
    money = _money_sample(n, rng)

    def no_cache() -> None:
        _dates._parse_date.cache_clear()
        _numbers._money.cache_clear()

    def keep() -> None:
        pass

    few_dates = dates[:1000] * (n // 1000)
    few_money = money[:1000] * (n // 1000)
    rows = [
        ("parse_date", "cold", _rate(parse_date, dates, no_cache)),
        ("parse_date", "warm", _rate(parse_date, few_dates, keep)),
        ("parse_money", "cold", _rate(parse_money, money, no_cache)),
        ("parse_money", "warm", _rate(parse_money, few_money, keep)),
    ]
    # Peers on the inputs they can read: dateutil on the Western forms (it cannot
    # read 年月日 or 和暦), float() on the plain digits and separators.
    western = [d for i, d in enumerate(dates) if i % 8 in (0, 1, 2, 3, 6, 7)]
    plain = [m for i, m in enumerate(money) if i % 8 in (0, 1, 2)]
    ours_w = _rate(parse_date, western, no_cache)
    peer_w = _rate(dateutil_parser.parse, western[: n // 10], keep)
    ours_p = _rate(parse_money, plain, no_cache)
    peer_p = _rate(lambda s: float(s.replace(",", "")), plain, keep)

    print(f"{'parser':<12} {'cache':<5} {'values/s':>12}")
    for name, mode, rate in rows:
        print(f"{name:<12} {mode:<5} {rate:>12,.0f}")
    print(f"parse_date vs dateutil.parser.parse (Western forms): {ours_w / peer_w:.1f}x")
    print(f"parse_money vs float(s.replace(',', '')) (plain digits): {ours_p / peer_p:.2f}x")
    slow = [r for r in rows if r[1] == "cold" and r[2] < 200_000]
    print("target >= 200,000 values/s cold:", "met" if not slow else f"missed by {slow}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)

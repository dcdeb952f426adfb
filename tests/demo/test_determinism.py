"""Same seed, same data; another seed, other data."""

from __future__ import annotations

import pandas as pd
import pytest

from rashinban._errors import InvalidValueError
from rashinban.demo import generate


def test_same_seed_equal_frames() -> None:
    a = generate(300, seed=11)
    b = generate(300, seed=11)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True)


def test_different_seed_different_frames() -> None:
    a = generate(300, seed=11)
    b = generate(300, seed=12)
    assert not a["accounts"].equals(b["accounts"])
    assert not a["deals"].equals(b["deals"])


@pytest.mark.parametrize("n", [0, -5])
def test_bad_size_is_a_clear_error(n: int) -> None:
    with pytest.raises(InvalidValueError, match="n_accounts"):
        generate(n)


def test_bad_size_reads_japanese_first_with_english_alongside() -> None:
    with pytest.raises(InvalidValueError) as err:
        generate(0)
    assert err.value.message == (
        "n_accounts は1以上にしてください (0) / n_accounts must be at least 1, got 0"
    )
    assert err.value.fix == (
        "取引先の数を正の数で指定してください (既定は3000) / "
        "pass a positive number of accounts (the default is 3000)"
    )

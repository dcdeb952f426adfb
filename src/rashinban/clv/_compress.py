"""Collapse identical customer summaries into weighted unique rows."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from rashinban.clv._inputs import ArrayLike, FloatArray, check_rft

__all__ = ["compress"]


def compress(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Collapse customers with identical (frequency, recency, T) into weighted rows.

    The likelihoods of the BG/NBD and Pareto/NBD models depend on a customer
    only through (x, t_x, T), so fitting the unique rows with their counts as
    weights gives the same estimates as fitting every customer, at a fraction
    of the cost when recency and T are recorded in days or weeks.

    Parameters
    ----------
    frequency, recency, T : array-like
        Repeat purchases, time of the last purchase and age of each customer.

    Returns
    -------
    frequency, recency, T, weights : ndarray
        The unique rows (sorted) and how many customers each stands for.

    Examples
    --------
    >>> from rashinban.clv import compress
    >>> x, t_x, T, w = compress([0, 0, 2], [0, 0, 5.0], [10, 10, 10])
    >>> x.tolist(), w.tolist()
    ([0.0, 2.0], [2.0, 1.0])
    """
    return unique_rows(*check_rft(frequency, recency, T))


def unique_rows(
    x: FloatArray, t_x: FloatArray, t_cal: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """:func:`compress` on arrays already checked; sorted by (x, t_x, T)."""
    packed = _packed_codes(x, t_x, t_cal)
    if packed is not None:
        return packed
    # Hash each row to 64 bits and count the hashes: linear time, several times
    # faster than sorting the rows. A collision would merge two different rows,
    # so every row is compared with its group's first row, and the exact
    # (slower) per-column factorisation takes over if any differs.
    key = _row_hash(x, t_x, t_cal)
    codes, _ = pd.factorize(key)
    first = _first_of_each(codes)
    same = (x == x[first][codes]) & (t_x == t_x[first][codes]) & (t_cal == t_cal[first][codes])
    if not same.all():  # pragma: no cover - needs a 64-bit hash collision
        codes = _exact_codes(x, t_x, t_cal)
        first = _first_of_each(codes)
    counts = np.bincount(codes).astype(np.float64)
    ux, ut, uT = x[first], t_x[first], t_cal[first]
    order = np.lexsort((uT, ut, ux))
    return ux[order], ut[order], uT[order], counts[order]


# Widest range of whole numbers that are used as their own codes.
_DENSE_CELLS = 1 << 23
# Largest packed key: (x, t_x, T) code combinations must fit a signed 64-bit integer.
_KEY_LIMIT = 1 << 62


def _column_codes(
    values: FloatArray, whole: bool = False
) -> tuple[npt.NDArray[np.int64], FloatArray]:
    """Codes increasing with the value, and the value of each code.

    Whole numbers in a modest range (frequencies, ages in whole periods) are
    their own codes, offset by the minimum: one subtraction and cast instead of
    a hash table. Other values are factorised with sorted uniques.
    """
    low, high = float(values.min()), float(values.max())
    if high - low < _DENSE_CELLS and (whole or bool((values == np.floor(values)).all())):
        codes = (values - low).astype(np.int64)
        return codes, np.arange(low, high + 1.0, dtype=np.float64)[: int(high - low) + 1]
    # A small starting hash table (it grows as needed): sized for every row, its
    # allocation costs more than the hashing when few values are distinct.
    hint = min(values.size, 4096)
    if low >= 0.0:
        # Non-negative doubles sort like their bit patterns read as integers, and
        # integers hash faster; adding 0.0 turns −0.0 into 0.0 (one code for both).
        bits = np.ascontiguousarray(values + 0.0).view(np.int64)
        codes, unique_bits = pd.factorize(bits, sort=True, size_hint=hint)
        uniques = np.ascontiguousarray(unique_bits, dtype=np.int64).view(np.float64)
    else:
        codes, uniques = pd.factorize(values, sort=True, size_hint=hint)
    return codes.astype(np.int64, copy=False), np.asarray(uniques, dtype=np.float64)


def _packed_codes(
    x: FloatArray, t_x: FloatArray, t_cal: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray] | None:
    """Exact compression by packed column codes; None when they do not fit an int64.

    Each column is coded by its sorted distinct values; the triple of codes,
    packed into one integer in mixed radix, is a unique key in (x, t_x, T)
    order. A dense count over the keys (when there are at most four possible
    keys per row) or a sort of the keys gives the sorted unique rows and their
    counts, with no hashing and no collision check.
    """
    if x.size == 0:
        return None
    cx, vx = _column_codes(x, whole=True)  # check_rft made sure
    ct, vt = _column_codes(t_x)
    cT, vT = _column_codes(t_cal)
    cells = vx.size * vt.size * vT.size  # Python integers: no overflow
    if cells > _KEY_LIMIT:
        return None
    key = (cx * vt.size + ct) * vT.size + cT
    if cells <= 4 * x.size:
        # The dense count costs 8 bytes a cell, no more than the input arrays.
        counts = np.bincount(key, minlength=cells)
        # (Testing a boolean array is ~3x faster than testing the int64 counts.)
        present = np.flatnonzero(counts > 0)
        counts = counts[present]
    else:
        present, counts = np.unique(key, return_counts=True)
    rest, iT = np.divmod(present, vT.size)
    ix, it = np.divmod(rest, vt.size)
    return vx[ix], vt[it], vT[iT], counts.astype(np.float64)


def _row_hash(x: FloatArray, t_x: FloatArray, t_cal: FloatArray) -> npt.NDArray[np.uint64]:
    hx = pd.util.hash_array(x)
    ht = pd.util.hash_array(t_x)
    hT = pd.util.hash_array(t_cal)
    # Distinct odd multipliers keep (a, b, c) and its permutations apart.
    with np.errstate(over="ignore"):
        return np.asarray(
            hx * np.uint64(0x9E3779B97F4A7C15) ^ ht * np.uint64(0xC2B2AE3D27D4EB4F) ^ hT,
            dtype=np.uint64,
        )


def _exact_codes(x: FloatArray, t_x: FloatArray, t_cal: FloatArray) -> npt.NDArray[np.intp]:
    codes_x, _ = pd.factorize(x)
    codes_t, uniq_t = pd.factorize(t_x)
    codes_T, uniq_T = pd.factorize(t_cal)
    pair, _ = pd.factorize(codes_x.astype(np.int64) * len(uniq_t) + codes_t)
    key, _ = pd.factorize(pair.astype(np.int64) * len(uniq_T) + codes_T)
    return np.asarray(key, dtype=np.intp)


def _first_of_each(codes: npt.NDArray[np.intp]) -> npt.NDArray[np.int64]:
    """Index of the first row of each code (codes are 0..k-1)."""
    first = np.empty(int(codes.max()) + 1 if codes.size else 0, dtype=np.int64)
    # Writing in reverse leaves the earliest index of each code in place.
    first[codes[::-1]] = np.arange(codes.size - 1, -1, -1)
    return first

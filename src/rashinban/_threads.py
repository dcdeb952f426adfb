"""One thread for the numerical libraries inside small model fits.

scikit-learn's k-means runs on OpenMP threads and its solvers on OpenBLAS threads,
one per core. On the fits rashinban runs (thousands of rows, a few dozen columns)
a thread's share of the work is microseconds, and threads that wait for each other
spin: on a two-core machine with anything else running (DuckDB, another program)
the clustering of the demo's 3,000 accounts took 3.4-4.2 s instead of 0.15 s. Inside
:func:`one_thread` the pools run one thread (threadpoolctl, a scikit-learn
dependency); DuckDB's own threads are not affected.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["one_thread"]


@contextmanager
def one_thread() -> Iterator[None]:
    """Limit the OpenMP and BLAS thread pools to one thread inside the block.

    Examples
    --------
    >>> import numpy as np
    >>> with one_thread():
    ...     float(np.ones((3, 3)) @ np.ones(3) @ np.ones(3))
    9.0
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield

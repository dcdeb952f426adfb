"""RFM summary: frequency, recency, T and monetary value per customer, as one Ibis expression.

The definitions are those of lifetimes' ``summary_data_from_transaction_data``
and ``calibration_and_holdout_data`` (Davidson-Pilon, lifetimes 0.11) and of
pymc-marketing's ``rfm_summary`` / ``rfm_train_test_split``, which the
probabilistic CLV models expect (Fader, Hardie & Lee 2005, "Counting your
customers the easy way", section 2: a customer's history is summarised by
``(x, t_x, T)``):

1. every transaction is floored to its period (day, week from Monday, calendar
   month) and transactions are summed to one per customer per period;
2. periods after the observation end's period are dropped, and so are
   customers whose first purchase is after it;
3. ``frequency`` = purchase periods - 1 (repeat periods), ``recency`` = periods
   from the first to the last purchase, ``T`` = periods from the first purchase
   to the observation end, both divided by ``time_scaler``;
4. ``monetary_value`` = mean period total over the repeat periods (the first
   period is left out), 0 when ``frequency`` is 0.

With ``net_returns=True`` (what the RFM and CLV reports use) a period counts as a
purchase only when its net total is positive (or it holds an order of unknown
amount and nothing that nets it below 0): returns and credit notes (▲ amounts),
zero-amount samples and periods that net to 0 are not purchases, so they neither
add a repeat purchase nor make a customer recent; their amounts still net against
the customer's spend after the first purchase period.

Everything is computed by the backend (DuckDB by default, PostgreSQL and other
SQL engines through Ibis); nothing is pulled into Python.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import ibis
import ibis.expr.types as ir
import pandas as pd

from rashinban._errors import InvalidValueError
from rashinban.engine._periods import (
    as_date,
    check_time_unit,
    day_expr,
    floor_expr,
    moment_literal,
    next_period_start,
    period_number,
    period_number_expr,
)

__all__ = ["rfm_summary"]

# Private names for intermediate columns; a user column can hardly clash with them.
_P = "_rb_period"
_AMT = "_rb_amount"
_BUY = "_rb_buy"


def _check_columns(table: ir.Table, *names: str | None) -> None:
    missing = [n for n in names if n is not None and n not in table.columns]
    if missing:
        raise InvalidValueError(
            f"列 {', '.join(missing)} がテーブルにありません / "
            f"column(s) {', '.join(missing)} not in the table (it has {', '.join(table.columns)})",
            column=missing[0],
            fix="customer_id_col・datetime_col・monetary_value_col には"
            "実在する列を指定してください / "
            "pass customer_id_col / datetime_col / monetary_value_col naming existing columns",
        )


def _as_table(transactions: Any) -> ir.Table:
    """An Ibis table as is; a pandas DataFrame wrapped in ``ibis.memtable``; else refused."""
    if isinstance(transactions, ir.Table):
        return transactions
    if isinstance(transactions, pd.DataFrame):
        return ibis.memtable(transactions)
    kind = type(transactions).__name__
    raise InvalidValueError(
        f"transactions が {kind} です。Ibis のテーブルか pandas の DataFrame を渡してください / "
        f"transactions is a {kind}; expected an Ibis table or a pandas DataFrame",
        fix="ws.backend().table('orders') のような Ibis テーブルか、ibis.memtable(df) で"
        "包んだ表を渡してください / pass an Ibis table such as ws.backend().table('orders'), "
        "or wrap your data with ibis.memtable(df)",
    )


def _on_duckdb(tx: ir.Table) -> bool:
    """Whether ``tx`` is bound to a DuckDB backend (an unbound memtable is not)."""
    try:
        backend = tx._find_backend(use_default=False)
    except Exception:  # an unbound expression (e.g. ibis.memtable): portable SQL
        return False
    return getattr(backend, "name", None) == "duckdb"


# DuckDB's ``list_zip`` pairs two lists element by element into unnamed
# STRUCT(DATE, DATE) values. Ibis has no unnamed struct type, so the declared field
# names are for Ibis only: the fields are read by position with DuckDB's
# ``struct_extract(s, i)`` and the names never reach the SQL.
@ibis.udf.scalar.builtin(
    name="list_zip",
    signature=(("array<date>", "array<date>"), "array<struct<later: date, earlier: date>>"),
)
def _zip_dates(a: list[dt.date], b: list[dt.date]) -> list[Any]:  # type: ignore[empty-body]
    """DuckDB's ``list_zip``: ``[(a[1], b[1]), (a[2], b[2]), …]``."""


@ibis.udf.scalar.builtin(
    name="struct_extract",
    signature=(("struct<later: date, earlier: date>", "int8"), "date"),
)
def _date_at(pair: Any, position: int) -> dt.date:  # type: ignore[empty-body]
    """DuckDB's ``struct_extract`` by 1-based position (for :func:`_zip_dates`' pairs)."""


def _repeat_dates(values: ir.ArrayValue) -> ir.IntegerValue:
    """The number of distinct dates after the first in each non-empty, null-free list.

    The list is sorted and zipped with itself shifted by one; every neighbour that
    differs starts a new date (DuckDB). On the clustered ``orders`` table this is
    faster than counting with DuckDB's hash-based ``list_unique`` (docs/rfm.md, section 5).
    """
    ordered = values.sort()
    pairs = _zip_dates(ordered[1:], ordered[:-1])
    return pairs.filter(lambda pair: _date_at(pair, 1) != _date_at(pair, 2)).length()


def _period_and_amount(
    tx: ir.Table,
    datetime_col: str,
    monetary_value_col: str | None,
    time_unit: str,
    *,
    fill: bool = True,
) -> tuple[ir.Value, ir.FloatingValue | None]:
    """Each transaction's period start and amount (None without a monetary column).

    ``fill=False`` keeps missing amounts missing (:func:`_net_periods` tells an order
    of unknown amount from a zero-amount one).
    """
    period = floor_expr(day_expr(tx[datetime_col]), time_unit)
    if not monetary_value_col:
        return period, None
    amount = tx[monetary_value_col].cast("float64")
    # A missing amount counts as 0, as pandas' groupby-sum (lifetimes) counts it.
    return period, amount.fill_null(0.0) if fill else amount


def is_purchase(net: ir.FloatingValue, unknown: ir.BooleanValue) -> ir.BooleanValue:
    """Whether a period (or day) of ``net`` total is a purchase under ``net_returns``.

    A positive net total is; so is a period holding an order of unknown amount
    (``unknown``) whose known amounts do not net below 0. Returns, credit notes,
    zero-amount samples and periods that net to 0 or less are not.
    """
    return (net > 0) | (unknown & (net >= 0))


def _net_periods(tx: ir.Table, cid: str, period: ir.Value, amount: ir.FloatingValue) -> ir.Table:
    """One row per customer and period: its net total ``_AMT`` (missing amounts as 0)
    and whether it is a purchase ``_BUY`` (:func:`is_purchase`); ``amount`` unfilled."""
    keyed = tx.select(tx[cid], period.name(_P), amount.name(_AMT))
    per = keyed.group_by([cid, _P]).aggregate(
        **{_AMT: keyed[_AMT].fill_null(0.0).sum(), "_rb_unknown": keyed[_AMT].isnull().any()}
    )
    return per.select(cid, _P, _AMT, **{_BUY: is_purchase(per[_AMT], per["_rb_unknown"])})


def _customer_stats_net(
    tx: ir.Table, cid: str, period: ir.Value, amount: ir.FloatingValue
) -> tuple[ir.Table, dict[str, ir.Value]]:
    """:func:`_customer_stats` where only purchase periods count (``net_returns``).

    The first and last period and the repeats are those of purchase periods; the
    amounts of every period from the first purchase period on are summed, so a
    later return nets against the spend. Periods before a customer's first purchase
    (returns of orders older than the log) are left out, and so are customers
    without any purchase.
    """
    per = _net_periods(tx, cid, period, amount)
    buy = per[_BUY]
    per = per.mutate(_rb_first=per[_P].min(where=buy).over(group_by=per[cid]))
    per = per.filter(per[_P] >= per["_rb_first"])
    buy = per[_BUY]
    agg = per.group_by(cid).aggregate(
        _n=per[_P].count(where=buy),
        _min=per["_rb_first"].min(),
        _max=per[_P].max(where=buy),
        _sum=per[_AMT].sum(),
        _first=per[_AMT].sum(where=per[_P] == per["_rb_first"]),
    )
    stats = {name: agg["_" + name] for name in ("min", "max", "sum", "first")}
    return agg, {"repeats": agg["_n"] - 1, **stats}


def _customer_stats(
    tx: ir.Table, cid: str, period: ir.Value, amount: ir.FloatingValue | None
) -> tuple[ir.Table, dict[str, ir.Value]]:
    """Per customer: ``repeats`` purchase periods after the first, first and last period
    ``min`` / ``max``
    and, with amounts, the total ``sum`` and the first period's total ``first``.

    Returns an aggregated table and those values as expressions on it. Two plans give
    the same values. The portable one sums to one row per customer and period, then
    aggregates those per customer. On DuckDB one hash aggregation per customer
    collects the customer's (period, amount) pairs into a list, and the distinct
    periods and the first period's total are read off that list: the (customer,
    period) hash table of the portable plan, as large as the log itself, is never
    built.
    """
    if _on_duckdb(tx):
        return _customer_stats_lists(tx, cid, period, amount)
    per = _period_totals(tx, cid, period, amount)
    aggs: dict[str, Any] = {
        "_n": per[_P].count(),
        "_min": per[_P].min(),
        "_max": per[_P].max(),
    }
    if amount is not None:
        aggs["_sum"] = per[_AMT].sum()
        # Each customer has one row per period, so the first period is unique.
        aggs["_first"] = per[_AMT].argmin(per[_P])
    agg = per.group_by(cid).aggregate(**aggs)
    stats = {name[1:]: agg[name] for name in aggs if name != "_n"}
    return agg, {"repeats": agg["_n"] - 1, **stats}


def _customer_stats_lists(
    tx: ir.Table, cid: str, period: ir.Value, amount: ir.FloatingValue | None
) -> tuple[ir.Table, dict[str, ir.Value]]:
    """:func:`_customer_stats` by one aggregation with per-customer lists (DuckDB)."""
    aggs: dict[str, Any] = {"_min": period.min(), "_max": period.max()}
    # The date filter of _summarise has dropped null dates and amounts are filled, so
    # nothing collected is null: ``include_null`` only spares the per-row null test.
    if amount is None:
        agg = tx.group_by(cid).aggregate(_rb_periods=period.collect(include_null=True), **aggs)
        stats = {"repeats": _repeat_dates(agg["_rb_periods"])}
    else:
        # One list of (period, amount) structs keeps each amount beside its period.
        pairs = ibis.struct({"p": period, "a": amount}).collect(include_null=True)
        agg = tx.group_by(cid).aggregate(_sum=amount.sum(), _rb_pairs=pairs, **aggs)
        items = agg["_rb_pairs"]
        stats = {
            "repeats": _repeat_dates(items.map(lambda s: s["p"])),
            "sum": agg["_sum"],
            "first": items.filter(lambda s: s["p"] == agg["_min"]).map(lambda s: s["a"]).sums(),
        }
    return agg, {"min": agg["_min"], "max": agg["_max"], **stats}


def _period_totals(
    tx: ir.Table, cid: str, period: ir.Value, amount: ir.FloatingValue | None
) -> ir.Table:
    """One row per customer and period: the period start and (if asked) the period's total."""
    if amount is None:
        return tx.select(tx[cid], period.name(_P)).distinct()
    keyed = tx.select(tx[cid], period.name(_P), amount.name(_AMT))
    return keyed.group_by([cid, _P]).aggregate(keyed[_AMT].sum().name(_AMT))


def _summarise(
    tx: ir.Table,
    *,
    cid: str,
    datetime_col: str,
    monetary_value_col: str | None,
    end: dt.date,
    time_unit: str,
    time_scaler: float,
    include_first_transaction: bool,
    net_returns: bool = False,
    suffix: str = "",
) -> ir.Table:
    # Keep whole periods up to the end's period (lifetimes floors the end first), by a
    # plain comparison on the raw column so that the backend can prune early.
    cutoff = moment_literal(tx[datetime_col], next_period_start(end, time_unit), "cutoff")
    tx = tx.filter(tx[datetime_col] < cutoff)
    net = net_returns and monetary_value_col is not None
    period, amount = _period_and_amount(
        tx, datetime_col, monetary_value_col, time_unit, fill=not net
    )
    if net and amount is not None:
        agg, stats = _customer_stats_net(tx, cid, period, amount)
    else:
        agg, stats = _customer_stats(tx, cid, period, amount)
    end_n = period_number(end, time_unit)
    first_n = period_number_expr(stats["min"], time_unit)
    last_n = period_number_expr(stats["max"], time_unit)
    repeats = stats["repeats"]

    def scaled(periods: ir.IntegerValue) -> ir.FloatingValue:
        return periods.cast("float64") if time_scaler == 1.0 else periods / time_scaler

    cols: list[ir.Value] = [
        agg[cid],
        (repeats + 1 if include_first_transaction else repeats).name("frequency" + suffix),
        scaled(last_n - first_n).name("recency" + suffix),
        scaled(ibis.literal(end_n) - first_n).name("T" + suffix),
    ]
    if monetary_value_col:
        # Mean of the repeat periods' totals = (all - first) / repeats; exact for whole
        # amounts (yen), and within rounding of the total otherwise.
        if include_first_transaction:
            mv = stats["sum"] / (repeats + 1)
        else:
            mv = ibis.ifelse(repeats > 0, (stats["sum"] - stats["first"]) / repeats, 0.0)
        cols.append(mv.cast("float64").name("monetary_value" + suffix))
    return agg.select(*cols)


def rfm_summary(
    transactions: ir.Table | pd.DataFrame,
    *,
    customer_id_col: str = "account_id",
    datetime_col: str = "ordered_at",
    monetary_value_col: str | None = "amount",
    observation_period_end: dt.date | dt.datetime | str,
    time_unit: str = "D",
    time_scaler: float = 1.0,
    calibration_period_end: dt.date | dt.datetime | str | None = None,
    include_first_transaction: bool = False,
    net_returns: bool = False,
) -> ir.Table:
    """Summarise a transaction log to one row per customer for CLV models and RFM.

    Parameters
    ----------
    transactions
        An Ibis table with one row per transaction (e.g. the ``orders`` table), or
        a pandas DataFrame of them (read through ``ibis.memtable``).
    customer_id_col, datetime_col, monetary_value_col
        The customer key, the purchase date (DATE or TIMESTAMP) and the amount.
        ``monetary_value_col=None`` leaves out the monetary columns.
    observation_period_end
        The as-of date. Transactions in periods after its period are ignored, and
        so are customers who first bought after it.
    time_unit
        ``"D"`` days, ``"W"`` weeks from Monday, ``"M"`` calendar months.
    time_scaler
        ``recency``, ``T`` and ``duration_holdout`` are divided by it (lifetimes'
        ``freq_multiplier``, pymc-marketing's ``time_scaler``).
    calibration_period_end
        If given, split the history as lifetimes' ``calibration_and_holdout_data``
        does: transactions at or before it are summarised into the ``*_cal``
        columns with this date as the end; later ones up to
        ``observation_period_end`` are counted per customer of the calibration
        period as ``frequency_holdout`` (purchase periods) and
        ``monetary_value_holdout`` (mean period total, as pymc-marketing's
        ``test_monetary_value``), over ``duration_holdout`` periods.
    include_first_transaction
        Count the first purchase period in ``frequency`` and ``monetary_value``
        (lifetimes' option of the same name); for RFM scoring, not for CLV fits.
    net_returns
        Count a period as a purchase only when its net total is positive, or it
        holds an order of unknown amount and does not net below 0 (needs
        ``monetary_value_col``). Returns and credit notes (negative amounts),
        zero-amount samples and periods that net to 0 or less then add no repeat
        purchase and do not move the last purchase; their amounts still net
        against ``monetary_value`` (the total from the first purchase period on,
        over the repeat purchases). Periods before a customer's first purchase are
        left out, and so are customers who never bought. In the holdout,
        ``frequency_holdout`` counts purchase periods and
        ``monetary_value_holdout`` is the net holdout total over them (0 without
        one). False (the default) counts every period with a row, as lifetimes does.

    Returns
    -------
    ibis.Table
        ``customer_id_col, frequency, recency, T[, monetary_value]`` or, with a
        calibration split, ``customer_id_col, frequency_cal, recency_cal, T_cal[,
        monetary_value_cal], frequency_holdout[, monetary_value_holdout],
        duration_holdout``. ``frequency`` is an integer, the rest are floats.

    Raises
    ------
    InvalidValueError
        An unknown column or time unit, a bad date, or a calibration end that
        is not before the observation end.

    Examples
    --------
    >>> import datetime as dt, ibis, pandas as pd
    >>> tx = ibis.memtable(pd.DataFrame({
    ...     "account_id": ["a", "a", "a", "b"],
    ...     "ordered_at": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-11", "2024-01-05"]),
    ...     "amount": [100.0, 50.0, 300.0, 80.0]}))
    >>> s = rfm_summary(tx, observation_period_end=dt.date(2024, 1, 31))
    >>> s.order_by("account_id").to_pandas().to_dict("records")[0]
    {'account_id': 'a', 'frequency': 1, 'recency': 10.0, 'T': 30.0, 'monetary_value': 300.0}
    """
    transactions = _as_table(transactions)
    check_time_unit(time_unit, time_scaler)
    _check_columns(transactions, customer_id_col, datetime_col, monetary_value_col)
    day_expr(transactions[datetime_col])  # raises early on a column that holds no dates
    end = as_date(observation_period_end, "observation_period_end")
    common: dict[str, Any] = {
        "cid": customer_id_col,
        "datetime_col": datetime_col,
        "monetary_value_col": monetary_value_col,
        "time_unit": time_unit,
        "time_scaler": float(time_scaler),
        "include_first_transaction": include_first_transaction,
        "net_returns": net_returns,
    }
    if calibration_period_end is None:
        return _summarise(transactions, end=end, **common)
    return _calibration_holdout(
        transactions,
        calibration_period_end=calibration_period_end,
        observation_period_end=observation_period_end,
        **common,
    )


def _calibration_holdout(
    transactions: ir.Table,
    *,
    calibration_period_end: Any,
    observation_period_end: Any,
    cid: str,
    datetime_col: str,
    monetary_value_col: str | None,
    time_unit: str,
    time_scaler: float,
    include_first_transaction: bool,
    net_returns: bool,
) -> ir.Table:
    cal_day = as_date(calibration_period_end, "calibration_period_end")
    end_day = as_date(observation_period_end, "observation_period_end")
    raw = transactions[datetime_col]
    cal_at = moment_literal(raw, calibration_period_end, "calibration_period_end")
    end_at = moment_literal(raw, observation_period_end, "observation_period_end")
    if cal_day >= end_day:
        raise InvalidValueError(
            f"学習期間の終わり {cal_day} が観測期間の終わり {end_day} より前ではありません / "
            f"calibration_period_end {cal_day} is not before observation_period_end {end_day}",
            value=str(cal_day),
            fix="学習期間の終わりを観測期間の終わりより前にしてください / "
            "choose a calibration end earlier than the observation end",
        )
    # lifetimes splits on the raw timestamps (not on periods): the calibration part is
    # everything at or before the cut, the holdout part what follows up to the end.
    cal = _summarise(
        transactions.filter(raw <= cal_at),
        cid=cid,
        datetime_col=datetime_col,
        monetary_value_col=monetary_value_col,
        end=cal_day,
        time_unit=time_unit,
        time_scaler=time_scaler,
        include_first_transaction=include_first_transaction,
        net_returns=net_returns,
        suffix="_cal",
    )
    hold_tx = transactions.filter(raw > cal_at, raw <= end_at)
    aggs: dict[str, Any]
    if net_returns and monetary_value_col:
        period, amount = _period_and_amount(
            hold_tx, datetime_col, monetary_value_col, time_unit, fill=False
        )
        per = _net_periods(hold_tx, cid, period, cast(ir.FloatingValue, amount))
        n = per[_P].count(where=per[_BUY])
        aggs = {
            "frequency_holdout": n.cast("int64"),
            "monetary_value_holdout": ibis.ifelse(n > 0, per[_AMT].sum() / n, 0.0),
        }
    else:
        per = _period_totals(
            hold_tx, cid, *_period_and_amount(hold_tx, datetime_col, monetary_value_col, time_unit)
        )
        aggs = {"frequency_holdout": per[_P].count().cast("int64")}
        if monetary_value_col:
            aggs["monetary_value_holdout"] = per[_AMT].cast("float64").mean()
    hold = per.group_by(cid).aggregate(**aggs).rename({"_rb_hold_id": cid})
    joined = cal.left_join(hold, cal[cid] == hold["_rb_hold_id"])
    duration = (period_number(end_day, time_unit) - period_number(cal_day, time_unit)) / time_scaler
    out: list[ir.Value] = [joined[c] for c in cal.columns]
    out.append(joined["frequency_holdout"].fill_null(0).name("frequency_holdout"))
    if monetary_value_col:
        out.append(joined["monetary_value_holdout"].fill_null(0.0).name("monetary_value_holdout"))
    out.append(ibis.literal(float(duration)).name("duration_holdout"))
    return joined.select(*out)

"""RFM summaries of a transaction log, in the conventions of lifetimes' `summary_data_from_transaction_data`
and `calibration_and_holdout_data`, so that the CLV models see exactly the data the literature's do.

- Dates are cut to periods of the time unit: days, weeks starting Monday (pandas' W-SUN periods), or
  calendar months; purchases in one period count once, and their amounts add up.
- frequency: periods with a purchase after the first; recency: first to last such period; T: first period
  to the end of observation, all in the time unit (months count calendar months).
- monetary_value: the mean amount of the repeat periods, 0 for customers without one.

Periods are whole numbers (days since 1970-01-01, weeks since Monday 1969-12-29, months since January
1970): the distance between two periods is their difference. Whole-number customer ids in a range not much
wider than the log (the usual database ids) need neither a group-by nor a sort: see _summarised_dense.
Other ids are grouped by customer and period, then by customer.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import numpy as np
import polars as pl
from numpy.typing import NDArray

from patronage.core.errors import ValidationFailed

TimeUnit = Literal["D", "W", "M"]
TRUNCATE: dict[TimeUnit, str] = {"D": "1d", "W": "1w", "M": "1mo"}
SUMMARY_COLUMNS = ("frequency", "recency", "T")

_WHEN = "__when"
_PERIOD = "__period"
_AMOUNT = "__amount"
_KEY = "__key"
_US_PER_DAY = 86_400_000_000
# Keys are customer * span + period: the largest key must stay well inside a signed 64-bit integer.
_KEY_LIMIT = 2**62


def rfm_summary(
    *,
    transactions: pl.DataFrame,
    customer_col: str,
    date_col: str,
    amount_col: str | None = None,
    observation_end: date | datetime | None = None,
    time_unit: TimeUnit = "D",
) -> pl.DataFrame:
    """One row per customer, sorted by customer: frequency, recency, T (and monetary_value with amounts)."""
    log = _prepared(transactions, customer_col, date_col, amount_col, time_unit)
    end = _end_period(log, observation_end, time_unit)
    return _summarised(
        log,
        transactions.schema[customer_col],
        customer_col,
        amount_col,
        end,
    )


def rfm_calibration_holdout(
    *,
    transactions: pl.DataFrame,
    customer_col: str,
    date_col: str,
    calibration_end: date | datetime,
    observation_end: date | datetime | None = None,
    amount_col: str | None = None,
    time_unit: TimeUnit = "D",
) -> pl.DataFrame:
    """The calibration summary (columns suffixed _cal) of purchases up to `calibration_end`, and for the
    same customers the holdout: frequency_holdout (periods with a purchase after calibration_end, up to
    observation_end), monetary_value_holdout (the mean amount of those purchases, per purchase as
    lifetimes does, not per period) and duration_holdout (periods from one end to the other)."""
    log = _prepared(transactions, customer_col, date_col, amount_col, time_unit)
    cut = as_datetime(calibration_end)
    last = (
        as_datetime(observation_end)
        if observation_end is not None
        else log.select(pl.col(_WHEN).max()).collect().item()
    )
    if last is None or last <= cut:
        raise ValidationFailed(
            "the observation must end after the calibration period", field="calibration_end"
        )
    calibration_log = log.filter(pl.col(_WHEN) <= cut)
    cut_period = _end_period(calibration_log, cut, time_unit)
    calibration = _summarised(
        calibration_log.filter(pl.col(_PERIOD) <= cut_period),
        transactions.schema[customer_col],
        customer_col,
        amount_col,
        cut_period,
    )
    calibration = calibration.rename({name: f"{name}_cal" for name in _summary_names(amount_col)})
    holdout_log = log.filter((pl.col(_WHEN) > cut) & (pl.col(_WHEN) <= last))
    measures = [pl.col(_PERIOD).n_unique().cast(pl.Float64).alias("frequency_holdout")]
    if amount_col is not None:
        measures.append(pl.col(_AMOUNT).mean().alias("monetary_value_holdout"))
    holdout = holdout_log.group_by(customer_col).agg(measures)
    duration = float(_period_of_moment(last, time_unit) - cut_period)
    return (
        calibration.lazy()
        .join(holdout, on=customer_col, how="left")
        .with_columns(pl.col("^.*_holdout$").fill_null(0.0), pl.lit(duration).alias("duration_holdout"))
        .sort(customer_col)
        .collect()
    )


def _summary_names(amount_col: str | None) -> tuple[str, ...]:
    return (*SUMMARY_COLUMNS, "monetary_value") if amount_col is not None else SUMMARY_COLUMNS


def as_datetime(moment: date | datetime) -> datetime:
    return moment if isinstance(moment, datetime) else datetime(moment.year, moment.month, moment.day)


def _prepared(
    transactions: pl.DataFrame, customer_col: str, date_col: str, amount_col: str | None, time_unit: TimeUnit
) -> pl.LazyFrame:
    for name in (customer_col, date_col, amount_col):
        if name is not None and name not in transactions.columns:
            raise ValidationFailed(f"the transactions have no column {name!r}", field=name)
    if time_unit not in TRUNCATE:
        raise ValidationFailed(f"unknown time unit {time_unit!r}: use D, W or M", field="time_unit")
    if not transactions.schema[date_col].is_temporal():
        raise ValidationFailed(f"column {date_col!r} must hold dates", field=date_col)
    when = pl.col(date_col).cast(pl.Datetime("us"))
    columns = [pl.col(customer_col), when.alias(_WHEN), _period_of(when, time_unit).alias(_PERIOD)]
    if amount_col is not None:
        if not transactions.schema[amount_col].is_numeric():
            raise ValidationFailed(f"column {amount_col!r} must hold numbers", field=amount_col)
        columns.append(pl.col(amount_col).cast(pl.Float64).alias(_AMOUNT))
    return transactions.lazy().select(columns)


def _period_of(when: pl.Expr, time_unit: TimeUnit) -> pl.Expr:
    """The period of a Datetime("us") as a whole number: periods apart is the difference of two."""
    if time_unit == "M":
        return (when.dt.year().cast(pl.Int64) - 1970) * 12 + when.dt.month().cast(pl.Int64) - 1
    # Floor division, also before 1970: a day starts at midnight, as dt.truncate("1d") has it.
    days = when.dt.epoch("us") // _US_PER_DAY
    # 1970-01-01 was a Thursday: weeks count from Monday 29 December 1969.
    return days if time_unit == "D" else (days + 3) // 7


def _period_of_moment(moment: datetime, time_unit: TimeUnit) -> int:
    period: int = pl.select(_period_of(pl.lit(moment).cast(pl.Datetime("us")), time_unit)).item()
    return period


def _end_period(log: pl.LazyFrame, observation_end: date | datetime | None, time_unit: TimeUnit) -> int:
    if observation_end is not None:
        return _period_of_moment(as_datetime(observation_end), time_unit)
    end = log.select(pl.col(_PERIOD).max()).collect().item()
    if end is None:
        raise ValidationFailed("there are no transactions to summarise", field="transactions")
    return int(end)


def _summarised(
    log: pl.LazyFrame, customer_type: pl.DataType, customer_col: str, amount_col: str | None, end: int
) -> pl.DataFrame:
    """The summary of the purchases in `log` (customer, __period, __amount) up to period `end`."""
    if customer_type.is_integer():
        purchases = log.select(
            customer_col, _PERIOD, *([_AMOUNT] if amount_col is not None else [])
        ).collect()
        last = purchases[_PERIOD].max()
        if last is not None and int(last) > end:  # type: ignore[arg-type]
            # Only where needed: a filter leaves the columns in pieces that NumPy must copy together.
            purchases = purchases.filter(pl.col(_PERIOD) <= end)
        # Missing ids or amounts take the grouping way, which keeps them as it always has.
        complete = not any(column.null_count() for column in purchases.get_columns())
        ranges = _dense_ranges(purchases, customer_col) if complete else None
        if ranges is not None:
            return _summarised_dense(purchases, customer_type, customer_col, amount_col, end, *ranges)
        log = purchases.lazy()
    return _summarised_by_group(log.filter(pl.col(_PERIOD) <= end), customer_col, amount_col, end)


def _dense_ranges(purchases: pl.DataFrame, customer_col: str) -> tuple[int, int, int, int] | None:
    """The smallest customer id, how many ids from it to the largest, the first period and the number of
    periods from it to the last: if the ids are not many more than the purchases and customer-periods
    fit in one 64-bit key, else None."""
    low, high, first, last = purchases.select(
        pl.col(customer_col).min().alias("low"),
        pl.col(customer_col).max().alias("high"),
        pl.col(_PERIOD).min().alias("first"),
        pl.col(_PERIOD).max().alias("last"),
    ).row(0)
    if low is None:
        return 0, 0, 0, 1
    ids, span = int(high) - int(low) + 1, int(last) - int(first) + 1
    if ids > 4 * purchases.height + 2**20 or ids * span >= _KEY_LIMIT or abs(int(low)) >= _KEY_LIMIT:
        return None
    return int(low), ids, int(first), span


def _summarised_dense(
    purchases: pl.DataFrame,
    customer_type: pl.DataType,
    customer_col: str,
    amount_col: str | None,
    end: int,
    low: int,
    ids: int,
    first_period: int,
    span: int,
) -> pl.DataFrame:
    """The summary for whole-number ids in a range not much wider than the purchases: every measure is
    an array indexed by id - low, filled in one pass over the purchases (NumPy's bincount and ufunc.at),
    and the ids that bought come out sorted without a sort. Only counting the distinct customer-periods
    needs a hash table: Polars' unique over one 64-bit key, customer then period."""
    # Ids from 0 as Int64 need no new column: NumPy reads Polars' own.
    customer = pl.col(customer_col).cast(pl.Int64)
    customer = customer - low if low else customer
    period = pl.col(_PERIOD) - first_period
    # Periods from the first in the narrowest integers that hold them (a year and a half of days fits
    # in 16 bits): the per-customer arrays that ufunc.at and the gathers jump about in then stay in cache.
    narrow = pl.Int16 if span < 2**15 else pl.Int32 if span < 2**31 else pl.Int64
    coded = purchases.select(
        customer.alias(customer_col),
        period.cast(narrow).alias(_PERIOD),
        (customer * span + period).alias(_KEY),
    )
    customers: NDArray[np.int64] = coded[customer_col].to_numpy()
    periods: NDArray[np.integer] = coded[_PERIOD].to_numpy()
    distinct: NDArray[np.int64] = coded[_KEY].unique().to_numpy()
    counts = np.bincount(distinct // span, minlength=ids)
    first = np.full(ids, span - 1, dtype=periods.dtype)
    np.minimum.at(first, customers, periods)
    last = np.zeros(ids, dtype=periods.dtype)
    np.maximum.at(last, customers, periods)
    bought = np.flatnonzero(counts)
    first_bought = first[bought].astype(np.int64)
    frame: dict[str, object] = {
        customer_col: pl.Series(customer_col, bought + low).cast(customer_type),
        "frequency": (counts[bought] - 1).astype(np.float64),
        "recency": (last[bought] - first_bought).astype(np.float64),
        "T": ((end - first_period) - first_bought).astype(np.float64),
    }
    if amount_col is not None:
        amounts: NDArray[np.float64] = purchases[_AMOUNT].to_numpy()
        # lifetimes' mean is over the repeat periods: the purchases after each customer's first period.
        repeat_amounts = np.where(periods == first[customers], 0.0, amounts)
        repeat_totals = np.bincount(customers, weights=repeat_amounts, minlength=ids)[bought]
        repeats = counts[bought] - 1
        frame["monetary_value"] = np.where(repeats > 0, repeat_totals / np.maximum(repeats, 1), 0.0)
    return pl.DataFrame(frame)


def _summarised_by_group(
    log: pl.LazyFrame, customer_col: str, amount_col: str | None, end: int
) -> pl.DataFrame:
    """The same summary for customer ids of any type, by grouping."""
    periods = log.group_by(customer_col, _PERIOD).agg(
        [pl.col(_AMOUNT).sum()] if amount_col is not None else [pl.len()]
    )
    first = pl.col(_PERIOD).min()
    measures = [
        (pl.len() - 1).cast(pl.Float64).alias("frequency"),
        (pl.col(_PERIOD).max() - first).cast(pl.Float64).alias("recency"),
        (pl.lit(end, dtype=pl.Int64) - first).cast(pl.Float64).alias("T"),
    ]
    if amount_col is not None:
        repeats = (pl.col(_AMOUNT).sum() - pl.col(_AMOUNT).sort_by(_PERIOD).first()) / (pl.len() - 1)
        measures.append(pl.when(pl.len() > 1).then(repeats).otherwise(0.0).alias("monetary_value"))
    return periods.group_by(customer_col).agg(measures).sort(customer_col).collect()

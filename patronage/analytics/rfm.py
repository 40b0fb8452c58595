"""RFM summaries of a transaction log, in the conventions of lifetimes' `summary_data_from_transaction_data`
and `calibration_and_holdout_data`, so that the CLV models see exactly the data the literature's do.

- Dates are cut to periods of the time unit: days, weeks starting Monday (pandas' W-SUN periods), or
  calendar months; purchases in one period count once, and their amounts add up.
- frequency: periods with a purchase after the first; recency: first to last such period; T: first period
  to the end of observation, all in the time unit (months count calendar months).
- monetary_value: the mean amount of the repeat periods, 0 for customers without one.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import polars as pl

from patronage.core.errors import ValidationFailed

TimeUnit = Literal["D", "W", "M"]
TRUNCATE: dict[TimeUnit, str] = {"D": "1d", "W": "1w", "M": "1mo"}
SUMMARY_COLUMNS = ("frequency", "recency", "T")

_WHEN = "__when"
_PERIOD = "__period"
_AMOUNT = "__amount"


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
    periods = _periods(log.filter(pl.col(_PERIOD) <= end), customer_col, amount_col)
    return _summarised(periods, customer_col, amount_col, end, time_unit).collect()


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
        _periods(calibration_log.filter(pl.col(_PERIOD) <= cut_period), customer_col, amount_col),
        customer_col,
        amount_col,
        cut_period,
        time_unit,
    )
    calibration = calibration.rename({name: f"{name}_cal" for name in _summary_names(amount_col)})
    holdout_log = log.filter((pl.col(_WHEN) > cut) & (pl.col(_WHEN) <= last))
    measures = [pl.col(_PERIOD).n_unique().cast(pl.Float64).alias("frequency_holdout")]
    if amount_col is not None:
        measures.append(pl.col(_AMOUNT).mean().alias("monetary_value_holdout"))
    holdout = holdout_log.group_by(customer_col).agg(measures)
    end_period = pl.lit(last).dt.truncate(TRUNCATE[time_unit])
    duration = _units_between(pl.lit(cut_period), end_period, time_unit)
    return (
        calibration.join(holdout, on=customer_col, how="left")
        .with_columns(pl.col("^.*_holdout$").fill_null(0.0), duration.alias("duration_holdout"))
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
    columns = [pl.col(customer_col), pl.col(date_col).cast(pl.Datetime("us")).alias(_WHEN)]
    if amount_col is not None:
        if not transactions.schema[amount_col].is_numeric():
            raise ValidationFailed(f"column {amount_col!r} must hold numbers", field=amount_col)
        columns.append(pl.col(amount_col).cast(pl.Float64).alias(_AMOUNT))
    return (
        transactions.lazy()
        .select(columns)
        .with_columns(pl.col(_WHEN).dt.truncate(TRUNCATE[time_unit]).alias(_PERIOD))
    )


def _end_period(log: pl.LazyFrame, observation_end: date | datetime | None, time_unit: TimeUnit) -> datetime:
    end = (
        as_datetime(observation_end)
        if observation_end is not None
        else log.select(pl.col(_WHEN).max()).collect().item()
    )
    if end is None:
        raise ValidationFailed("there are no transactions to summarise", field="transactions")
    period: datetime = pl.select(pl.lit(end).dt.truncate(TRUNCATE[time_unit])).item()
    return period


def _periods(log: pl.LazyFrame, customer_col: str, amount_col: str | None) -> pl.LazyFrame:
    measures = [pl.col(_AMOUNT).sum()] if amount_col is not None else [pl.len()]
    return log.group_by(customer_col, _PERIOD).agg(measures)


def _summarised(
    periods: pl.LazyFrame, customer_col: str, amount_col: str | None, end: datetime, time_unit: TimeUnit
) -> pl.LazyFrame:
    # Sorted by period within each customer, first() and last() are the first and last purchase periods:
    # far cheaper than a filter per group on millions of customers.
    first = pl.col(_PERIOD).first()
    measures = [
        (pl.len() - 1).cast(pl.Float64).alias("frequency"),
        _units_between(first, pl.col(_PERIOD).last(), time_unit).alias("recency"),
        _units_between(first, pl.lit(end), time_unit).alias("T"),
    ]
    if amount_col is not None:
        repeats = (pl.col(_AMOUNT).sum() - pl.col(_AMOUNT).first()) / (pl.len() - 1)
        measures.append(pl.when(pl.len() > 1).then(repeats).otherwise(0.0).alias("monetary_value"))
    return periods.sort(customer_col, _PERIOD).group_by(customer_col).agg(measures).sort(customer_col)


def _units_between(start: pl.Expr, end: pl.Expr, time_unit: TimeUnit) -> pl.Expr:
    if time_unit == "M":
        months = (
            (end.dt.year() - start.dt.year()) * 12
            + end.dt.month().cast(pl.Int32)
            - start.dt.month().cast(pl.Int32)
        )
        return months.cast(pl.Float64)
    days = (end - start).dt.total_days().cast(pl.Float64)
    return days / 7 if time_unit == "W" else days

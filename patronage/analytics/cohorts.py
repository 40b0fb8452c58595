"""Churn rate by period, and cohort retention (matrix and curves), from a transaction log.

A customer is *active* in a period when they bought at least once in it. Periods are weeks starting on
Monday, calendar months or calendar quarters.

- Churn rate of period t: customers active in t-1 and not active in t, over those active in t-1. A
  customer who skips a period and comes back counts as churned in the period skipped (and as reactivated
  later, which the rate does not net out): it measures period-to-period lapse, not permanent loss.
- Cohort: the period of the customer's first purchase. Retention at age k: the share of the cohort that
  bought in period cohort + k (k = 0 is 1 by definition). A cohort appears at age k only when
  cohort + k is at or before the last period of the log, so the last cohorts have short rows.
- Retention curve: for each age k, the customers of all cohorts observed at age k who bought in it, over
  those cohorts' sizes, with a Wilson interval that treats customers as independent.

The last period of the log may be incomplete: pass `observation_end` at a period boundary, or ignore the
last row, when that matters.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import polars as pl

from patronage.analytics.rfm import as_datetime
from patronage.core.errors import ValidationFailed
from patronage.core.intervals import wilson_interval

Period = Literal["W", "M", "Q"]
_TRUNCATE: dict[Period, str] = {"W": "1w", "M": "1mo", "Q": "1q"}
_INDEX = "__index"


def _period_index(when: pl.Expr, period: Period) -> pl.Expr:
    """Consecutive integers for consecutive periods, so period arithmetic is integer arithmetic."""
    if period == "W":
        # 1970-01-01 was a Thursday: shifting by 3 days makes weeks start on Monday.
        return (when.dt.epoch("d").cast(pl.Int64) + 3) // 7
    months = when.dt.year().cast(pl.Int64) * 12 + when.dt.month().cast(pl.Int64) - 1
    return months if period == "M" else months // 3


def _active(
    transactions: pl.DataFrame,
    customer_col: str,
    date_col: str,
    period: Period,
    observation_end: date | datetime | None,
) -> pl.LazyFrame:
    """Distinct (customer, period index, period start) rows."""
    for field, name in (("customer_col", customer_col), ("date_col", date_col)):
        if name not in transactions.columns:
            raise ValidationFailed(f"the transactions have no column {name!r}", field=field)
    if period not in _TRUNCATE:
        raise ValidationFailed(f"unknown period {period!r}: use W, M or Q", field="period")
    if not transactions.schema[date_col].is_temporal():
        raise ValidationFailed(f"column {date_col!r} must hold dates", field=date_col)
    when = pl.col(date_col).cast(pl.Datetime("us"))
    log = transactions.lazy().select(pl.col(customer_col), when.alias("__when"))
    if observation_end is not None:
        log = log.filter(pl.col("__when") <= as_datetime(observation_end))
    return log.select(
        pl.col(customer_col),
        _period_index(pl.col("__when"), period).alias(_INDEX),
        pl.col("__when").dt.truncate(_TRUNCATE[period]).dt.date().alias("period"),
    ).unique(subset=[customer_col, _INDEX])


def _labels(active: pl.LazyFrame) -> pl.LazyFrame:
    return active.group_by(_INDEX).agg(pl.col("period").first())


def _all_periods(active: pl.LazyFrame) -> pl.LazyFrame:
    bounds = active.select(pl.col(_INDEX).min().alias("low"), pl.col(_INDEX).max().alias("high"))
    return bounds.select(pl.int_ranges("low", pl.col("high") + 1).alias(_INDEX)).explode(_INDEX)


def churn_rate_by_period(
    *,
    transactions: pl.DataFrame,
    customer_col: str,
    date_col: str,
    period: Period = "M",
    observation_end: date | datetime | None = None,
) -> pl.DataFrame:
    """Per period after the first: active_previous, retained, churned, churn_rate, and active in it."""
    active = _active(transactions, customer_col, date_col, period, observation_end).collect().lazy()
    if active.select(pl.len()).collect().item() == 0:
        raise ValidationFailed("there are no transactions to measure", field="transactions")
    following = active.select(customer_col, (pl.col(_INDEX) - 1).alias(_INDEX), pl.lit(True).alias("next"))
    previous = (
        active.join(following, on=[customer_col, _INDEX], how="left")
        .group_by(_INDEX)
        .agg(pl.len().alias("active_previous"), pl.col("next").fill_null(False).sum().alias("retained"))
        .with_columns(pl.col(_INDEX) + 1)
    )
    counts = active.group_by(_INDEX).agg(pl.len().alias("active"))
    periods = _all_periods(active)
    start = _period_start(periods, period)
    return (
        periods.join(previous, on=_INDEX, how="left")
        .join(counts, on=_INDEX, how="left")
        .join(start, on=_INDEX)
        .filter(pl.col(_INDEX) > pl.col(_INDEX).min())
        .with_columns(pl.col("active_previous", "retained", "active").fill_null(0).cast(pl.Int64))
        .with_columns(
            churned=pl.col("active_previous") - pl.col("retained"),
            churn_rate=pl.when(pl.col("active_previous") > 0).then(
                1 - pl.col("retained") / pl.col("active_previous")
            ),
        )
        .sort(_INDEX)
        .select("period", "active_previous", "retained", "churned", "churn_rate", "active")
        .collect()
    )


def _period_start(periods: pl.LazyFrame, period: Period) -> pl.LazyFrame:
    """The first day of each period index (also for periods without a purchase)."""
    index = pl.col(_INDEX)
    if period == "W":
        start = pl.lit(date(1970, 1, 1)) + pl.duration(days=index * 7 - 3)
    else:
        months = index if period == "M" else index * 3
        start = pl.date(months // 12, months % 12 + 1, 1)
    return periods.select(index, start.alias("period"))


def cohort_retention(
    *,
    transactions: pl.DataFrame,
    customer_col: str,
    date_col: str,
    period: Period = "M",
    observation_end: date | datetime | None = None,
) -> pl.DataFrame:
    """Long table, one row per cohort and observed age: cohort, age, cohort_size, active, retention."""
    active = _active(transactions, customer_col, date_col, period, observation_end).collect().lazy()
    last = active.select(pl.col(_INDEX).max()).collect().item()
    if last is None:
        raise ValidationFailed("there are no transactions to measure", field="transactions")
    first = active.group_by(customer_col).agg(pl.col(_INDEX).min().alias("__cohort"))
    ages = (
        active.join(first, on=customer_col)
        .with_columns((pl.col(_INDEX) - pl.col("__cohort")).alias("age"))
        .group_by("__cohort", "age")
        .agg(pl.len().alias("active"))
    )
    sizes = first.group_by("__cohort").agg(pl.len().alias("cohort_size"))
    grid = sizes.with_columns(pl.int_ranges(0, last - pl.col("__cohort") + 1).alias("age")).explode("age")
    starts = _period_start(sizes.select(pl.col("__cohort").alias(_INDEX)), period)
    return (
        grid.join(ages, on=["__cohort", "age"], how="left")
        .join(starts.rename({_INDEX: "__cohort", "period": "cohort"}), on="__cohort")
        .with_columns(pl.col("active").fill_null(0).cast(pl.Int64), pl.col("age").cast(pl.Int64))
        .with_columns(retention=pl.col("active") / pl.col("cohort_size"))
        .sort("__cohort", "age")
        .select("cohort", "age", pl.col("cohort_size").cast(pl.Int64), "active", "retention")
        .collect()
    )


def cohort_retention_matrix(retention: pl.DataFrame) -> pl.DataFrame:
    """The long table as a matrix: a row per cohort (with its size), a column per age ("0", "1", ...)."""
    wide = retention.pivot(on="age", index=["cohort", "cohort_size"], values="retention", sort_columns=True)
    ages = sorted((c for c in wide.columns if c not in ("cohort", "cohort_size")), key=int)
    return wide.select("cohort", "cohort_size", *ages).sort("cohort")


def retention_curve(retention: pl.DataFrame, confidence: float = 0.95) -> pl.DataFrame:
    """Per age: cohorts observed, customers, active, pooled retention with its Wilson interval."""
    pooled = (
        retention.group_by("age")
        .agg(
            pl.len().alias("cohorts"),
            pl.col("cohort_size").sum().alias("customers"),
            pl.col("active").sum().alias("active"),
        )
        .sort("age")
    )
    interval = wilson_interval(pooled["active"].to_numpy(), pooled["customers"].to_numpy(), confidence)
    return pooled.with_columns(
        pl.Series("retention", interval.estimate),
        pl.Series("low", interval.low),
        pl.Series("high", interval.high),
    )

"""Deal-seekers: customers whose buying follows promotions, and how their retention and value compare.

Per customer, from the transaction log:
- promo_share: the share of their purchases made with a promotion code or a discount;
- window_share: the share made inside a promotion window (when windows are given; a window runs from
  its start date to its end date, both included, and overlapping windows are merged);
- window_lift: window_share over the share of the log's days that lie in a window: 1 for a customer who
  buys the same on any day, 3 for one three times as likely to buy when a promotion runs.

A customer is a deal-seeker when promo_share >= `share_threshold` (default 0.5: most of their purchases
are on promotion), or when windows are given and window_share >= `share_threshold` with
window_lift >= `lift_threshold` (default 2). Customers with fewer than `min_purchases` purchases are not
classified (null); the default 1 classifies a one-time buyer acquired by a deal as a deal-seeker, which is
the case the price-war warning is about.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import numpy as np
import polars as pl

from patronage.analytics.clv._fitting import FloatArray
from patronage.analytics.rfm import as_datetime
from patronage.core.errors import ValidationFailed
from patronage.core.intervals import (
    mean_difference_interval,
    mean_interval,
    proportion_difference_interval,
    wilson_interval,
)

_DAY = "__day"


def _merged_windows(windows: pl.DataFrame, start_col: str, end_col: str) -> tuple[FloatArray, FloatArray]:
    """Sorted, disjoint [start, end] day numbers (days since 1970-01-01) of the union of the windows."""
    days = windows.select(
        pl.col(start_col).cast(pl.Date).dt.epoch("d").cast(pl.Float64).alias("s"),
        pl.col(end_col).cast(pl.Date).dt.epoch("d").cast(pl.Float64).alias("e"),
    ).sort("s")
    starts, ends = days["s"].to_numpy(), days["e"].to_numpy()
    if np.any(ends < starts):
        raise ValidationFailed("a promotion window ends before it starts", field=end_col)
    reach = np.maximum.accumulate(ends)
    # A window opens a new group when it starts after every earlier window has ended (the day after
    # counts as touching, so [1, 3] and [4, 5] merge into [1, 5]).
    new = np.r_[True, starts[1:] > reach[:-1] + 1]
    group = np.cumsum(new) - 1
    merged_ends = np.zeros(group[-1] + 1 if group.size else 0)
    np.maximum.at(merged_ends, group, reach)
    return starts[new], merged_ends


def _in_windows(day: FloatArray, starts: FloatArray, ends: FloatArray) -> np.ndarray:
    slot = np.searchsorted(starts, day, side="right") - 1
    return (slot >= 0) & (day <= ends[np.maximum(slot, 0)])


def deal_seekers_classify(
    *,
    transactions: pl.DataFrame,
    customer_col: str,
    date_col: str,
    promo_col: str | None = None,
    discount_col: str | None = None,
    windows: pl.DataFrame | None = None,
    window_start_col: str = "start",
    window_end_col: str = "end",
    as_of: date | datetime | None = None,
    share_threshold: float = 0.5,
    lift_threshold: float = 2.0,
    min_purchases: int = 1,
) -> pl.DataFrame:
    """Per customer: purchases, promo_share, window_share, window_lift (null without windows), deal_seeker."""
    if promo_col is None and discount_col is None and windows is None:
        raise ValidationFailed(
            "give a promotion flag, a discount column or promotion windows", field="promo_col"
        )
    for field, name in (("customer_col", customer_col), ("date_col", date_col), ("promo_col", promo_col)):
        if name is not None and name not in transactions.columns:
            raise ValidationFailed(f"the transactions have no column {name!r}", field=field)
    if discount_col is not None and discount_col not in transactions.columns:
        raise ValidationFailed(f"the transactions have no column {discount_col!r}", field="discount_col")
    promo = pl.lit(False)
    if promo_col is not None:
        promo = promo | pl.col(promo_col).cast(pl.Boolean).fill_null(False)
    if discount_col is not None:
        promo = promo | (pl.col(discount_col).cast(pl.Float64).fill_null(0.0) > 0)
    log = transactions.select(
        pl.col(customer_col),
        pl.col(date_col).cast(pl.Datetime("us")).alias("__when"),
        promo.alias("__promo"),
    )
    if as_of is not None:
        log = log.filter(pl.col("__when") <= as_datetime(as_of))
    day = log["__when"].dt.date().dt.epoch("d").cast(pl.Float64).to_numpy()
    lift = pl.lit(None, dtype=pl.Float64)
    if windows is not None and windows.height > 0 and day.size > 0:
        starts, ends = _merged_windows(windows, window_start_col, window_end_col)
        first, last = day.min(), day.max()
        covered = np.clip(np.minimum(ends, last) - np.maximum(starts, first) + 1, 0, None).sum()
        coverage = covered / (last - first + 1)
        log = log.with_columns(pl.Series("__window", _in_windows(day, starts, ends)))
        lift = pl.col("window_share") / coverage if coverage > 0 else pl.lit(None, dtype=pl.Float64)
    else:
        log = log.with_columns(pl.lit(None, dtype=pl.Boolean).alias("__window"))
    by_window = (pl.col("window_share") >= share_threshold) & (pl.col("window_lift") >= lift_threshold)
    return (
        log.group_by(customer_col)
        .agg(
            pl.len().alias("purchases"),
            pl.col("__promo").mean().alias("promo_share"),
            pl.col("__window").cast(pl.Float64).mean().alias("window_share"),
        )
        .with_columns(lift.alias("window_lift"))
        .with_columns(
            deal_seeker=pl.when(pl.col("purchases") >= min_purchases).then(
                (pl.col("promo_share") >= share_threshold) | by_window.fill_null(False)
            )
        )
        .sort(customer_col)
    )


def deal_seekers_compare(
    *,
    frame: pl.DataFrame,
    rates: Sequence[str] = ("retained",),
    means: Sequence[str] = ("value",),
    group_col: str = "deal_seeker",
    confidence: float = 0.95,
) -> pl.DataFrame:
    """Deal-seekers against the other classified customers: per metric, each group's estimate with its
    interval and the difference (deal-seekers minus others) with its interval.

    `rates` are boolean columns (e.g. retained, repeat buyer: Wilson and Newcombe intervals); `means` are
    numeric ones (e.g. CLV, spend: Student and Welch intervals)."""
    for name in (group_col, *rates, *means):
        if name not in frame.columns:
            raise ValidationFailed(f"the customers have no column {name!r}", field=name)
    classified = frame.filter(pl.col(group_col).is_not_null())
    seekers = classified.filter(pl.col(group_col))
    others = classified.filter(~pl.col(group_col))
    rows = []
    for name in rates:  # a loop over the few metrics; each is vectorised over the customers
        hits = seekers[name].drop_nulls().cast(pl.Int64).to_numpy()
        rest = others[name].drop_nulls().cast(pl.Int64).to_numpy()
        counts = (hits.sum(), hits.size, rest.sum(), rest.size)
        one = wilson_interval(counts[0], counts[1], confidence)
        two = wilson_interval(counts[2], counts[3], confidence)
        diff = proportion_difference_interval(*counts, confidence)
        rows.append(_row(name, "rate", hits.size, rest.size, one, two, diff))
    for name in means:
        x, y = seekers[name].drop_nulls().to_numpy(), others[name].drop_nulls().to_numpy()
        one, two = mean_interval(x, confidence), mean_interval(y, confidence)
        rows.append(_row(name, "mean", x.size, y.size, one, two, mean_difference_interval(x, y, confidence)))
    return pl.DataFrame(rows, orient="row", schema=_COMPARE_SCHEMA)


_COMPARE_SCHEMA = {
    "metric": pl.String,
    "kind": pl.String,
    "deal_seekers": pl.Int64,
    "others": pl.Int64,
    "deal_seekers_estimate": pl.Float64,
    "deal_seekers_low": pl.Float64,
    "deal_seekers_high": pl.Float64,
    "others_estimate": pl.Float64,
    "others_low": pl.Float64,
    "others_high": pl.Float64,
    "difference": pl.Float64,
    "difference_low": pl.Float64,
    "difference_high": pl.Float64,
}


def _row(name: str, kind: str, n1: int, n2: int, *intervals: object) -> tuple[object, ...]:
    values: list[float] = []
    for interval in intervals:
        values += [float(getattr(interval, part)) for part in ("estimate", "low", "high")]
    return (name, kind, int(n1), int(n2), *values)

"""Loyalty index per customer (0-100) and per segment, and the repeat-purchase rate.

Each component is scaled to [0, 1] by a fixed rule (not by ranks, so an index means the same next year):

- repeat: `repeat_rate` of `facts.py`, the share of the months since the first purchase with a purchase;
- recency: 0.5 ** (recency_days / half_life_days), 1 on the day of a purchase, 0.5 after one half-life;
- tenure: min(tenure_days / full_tenure_days, 1), growing linearly to 1 at full tenure;
- non_promotion: 1 - promo_share;
- satisfaction: (score - scale_min) / (scale_max - scale_min), clipped to [0, 1].

index = 100 * sum(w_c * s_c) / sum(w_c) over the components known for the customer. Satisfaction is
often unknown: for those customers it is left out and the other weights are rescaled to sum to 1 (not
imputed, which would pull unsurveyed customers to the middle); `satisfaction_known` says which is which.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import polars as pl

from patronage.core.errors import ValidationFailed
from patronage.core.intervals import wilson_interval

COMPONENTS = ("repeat", "recency", "tenure", "non_promotion", "satisfaction")
WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"repeat": 0.30, "recency": 0.25, "tenure": 0.15, "non_promotion": 0.15, "satisfaction": 0.15}
)


def _checked_weights(weights: Mapping[str, float]) -> dict[str, float]:
    unknown = set(weights) - set(COMPONENTS)
    if unknown:
        raise ValidationFailed(f"unknown loyalty components: {', '.join(sorted(unknown))}", field="weights")
    checked = {name: float(weights.get(name, 0.0)) for name in COMPONENTS}
    if any(w < 0 for w in checked.values()) or sum(checked.values()) <= 0:
        raise ValidationFailed("weights must be non-negative and not all zero", field="weights")
    return checked


def loyalty_index(
    *,
    facts: pl.DataFrame,
    customer_col: str,
    satisfaction: pl.DataFrame | None = None,
    satisfaction_col: str = "satisfaction",
    scale: tuple[float, float] = (1.0, 5.0),
    weights: Mapping[str, float] = WEIGHTS,
    half_life_days: float = 90.0,
    full_tenure_days: float = 730.0,
) -> pl.DataFrame:
    """Per customer of `facts` (`customer_facts`): the five components, satisfaction_known and the index.

    `satisfaction` holds one score per customer (say the mean of their survey answers) on `scale`."""
    w = _checked_weights(weights)
    if half_life_days <= 0 or full_tenure_days <= 0:
        raise ValidationFailed("the half-life and full tenure must be positive", field="half_life_days")
    low, high = scale
    if high <= low:
        raise ValidationFailed("the satisfaction scale must run from low to high", field="scale")
    frame = facts
    if satisfaction is not None:
        frame = frame.join(
            satisfaction.select(customer_col, pl.col(satisfaction_col).cast(pl.Float64).alias("__score")),
            on=customer_col,
            how="left",
        )
    else:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("__score"))
    components = frame.select(
        customer_col,
        pl.col("repeat_rate").clip(0.0, 1.0).alias("repeat"),
        (0.5 ** (pl.col("recency_days") / half_life_days)).alias("recency"),
        (pl.col("tenure_days") / full_tenure_days).clip(0.0, 1.0).alias("tenure"),
        (1 - pl.col("promo_share")).alias("non_promotion"),
        ((pl.col("__score") - low) / (high - low)).clip(0.0, 1.0).alias("satisfaction"),
    )
    values = components.select(COMPONENTS).to_numpy()
    weight = np.array([w[name] for name in COMPONENTS])
    known = ~np.isnan(values)
    weighted = np.where(known, values, 0.0) @ weight
    total = known @ weight
    with np.errstate(invalid="ignore", divide="ignore"):
        index = np.where(total > 0, 100 * weighted / total, np.nan)
    return components.with_columns(
        pl.Series("satisfaction_known", known[:, -1]), pl.Series("loyalty_index", index)
    )


def loyalty_by_segment(
    *, index: pl.DataFrame, segments: pl.DataFrame, customer_col: str, segment_col: str = "segment"
) -> pl.DataFrame:
    """Per segment: customers, the mean and quartiles of the index, and the share with satisfaction known."""
    joined = index.join(segments.select(customer_col, segment_col), on=customer_col, how="left")
    return (
        joined.group_by(segment_col)
        .agg(
            pl.len().alias("customers"),
            pl.col("loyalty_index").mean().alias("mean_index"),
            pl.col("loyalty_index").quantile(0.25).alias("q1"),
            pl.col("loyalty_index").median().alias("median"),
            pl.col("loyalty_index").quantile(0.75).alias("q3"),
            pl.col("satisfaction_known").mean().alias("satisfaction_known_share"),
        )
        .sort(segment_col, nulls_last=True)
    )


def repeat_purchase_rate(
    *, facts: pl.DataFrame, group_col: str | None = None, confidence: float = 0.95
) -> pl.DataFrame:
    """Share of customers who bought on more than one day, overall or per group, with a Wilson interval."""
    keys = [group_col] if group_col is not None else []
    counts = (
        facts.group_by(keys or pl.lit(0).alias("__all"))
        .agg(pl.len().alias("customers"), (pl.col("purchase_days") > 1).sum().alias("repeaters"))
        .drop("__all", strict=False)
    )
    if keys:
        counts = counts.sort(keys, nulls_last=True)
    interval = wilson_interval(counts["repeaters"].to_numpy(), counts["customers"].to_numpy(), confidence)
    return counts.with_columns(
        pl.Series("repeat_rate", interval.estimate),
        pl.Series("low", interval.low),
        pl.Series("high", interval.high),
    )

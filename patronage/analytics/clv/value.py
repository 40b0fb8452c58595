"""Discounted customer lifetime value: expected purchases per month times expected spend, discounted monthly.

lifetimes' `customer_lifetime_value` convention: month i of the horizon contributes
spend * (E[purchases by month i] - E[purchases by month i-1]) / (1 + monthly rate)^i, a month being 30
days, 4.345 weeks or one month in the model's time unit. A horizon that ends inside a month counts that
month's purchases up to the horizon and discounts them for the fraction of the month.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from patronage.analytics.clv._fitting import FloatArray
from patronage.core.errors import ValidationFailed

TimeUnit = Literal["D", "W", "M"]
UNITS_PER_MONTH: dict[TimeUnit, float] = {"D": 30.0, "W": 4.345, "M": 1.0}
# Days in one time unit, to turn a horizon in days into the model's unit (30-day months, as above).
DAYS_PER_UNIT: dict[TimeUnit, float] = {"D": 1.0, "W": 7.0, "M": 30.0}


def customer_lifetime_value(
    *,
    expected_purchases: Callable[[float], FloatArray],
    spend: ArrayLike,
    months: float = 12,
    discount_rate: float = 0.01,
    time_unit: TimeUnit = "D",
    margin: float = 1.0,
) -> FloatArray:
    """Discounted value of each customer's purchases over `months`; with a margin, their profit.

    `expected_purchases(t)` gives each customer's expected repeat purchases in the next t time units.
    """
    if months <= 0:
        raise ValidationFailed("the horizon must be positive", field="months")
    if discount_rate <= -1:
        raise ValidationFailed("the discount rate must be above -100%", field="discount_rate")
    per_month = UNITS_PER_MONTH[time_unit]
    value = np.zeros_like(np.asarray(spend, dtype=np.float64))
    before = expected_purchases(0.0)
    for step in range(1, math.ceil(months) + 1):
        elapsed = min(step, months)
        by_now = expected_purchases(elapsed * per_month)
        value = value + (by_now - before) / (1 + discount_rate) ** elapsed
        before = by_now
    return margin * np.asarray(spend, dtype=np.float64) * value

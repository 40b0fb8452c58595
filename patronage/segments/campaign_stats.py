"""The arithmetic of a campaign measured against a hold-out (decision 0029). Pure: no database.

- Who is held out: the first 8 bytes of SHA-256(salt, campaign, member) read as a fraction of 2^64, held out
  below the share. Stable (the same member is always on the same side), about the stated share, and no
  one can steer it without the salt.
- Uplift: the treated group's rate less the held-out group's, with Newcombe's 95% interval (core.intervals);
  for revenue, the difference of the means per member with Welch's interval.
- Before sending: the smallest uplift in points the audience can detect, at 5% significance (two-sided)
  and 80% power, from the segment's usual rate: (z_0.975 + z_0.8) * sqrt(p(1-p) (1/n_treated + 1/n_held)).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from patronage.core.intervals import mean_difference_interval, proportion_difference_interval

POWER = 0.8
SIGNIFICANCE = 0.05


def held_out(*, salt: str, campaign_id: int, member_id: int, share: float) -> bool:
    digest = hashlib.sha256(f"{salt}:{campaign_id}:{member_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


@dataclass(frozen=True)
class Uplift:
    treated: float
    held_out: float
    uplift: float
    low: float
    high: float

    @property
    def significant(self) -> bool:
        """The interval excludes no effect."""
        return self.low > 0 or self.high < 0


def _plain(value: float) -> float:
    return float(value) if math.isfinite(value) else math.nan


def rate_uplift(*, converted: int, treated: int, converted_held: int, held: int) -> Uplift:
    """The treated rate less the held-out rate, with its 95% interval (NaN where a group is empty)."""
    interval = proportion_difference_interval(converted, treated, converted_held, held)
    return Uplift(
        treated=_plain(converted / treated) if treated else math.nan,
        held_out=_plain(converted_held / held) if held else math.nan,
        uplift=_plain(float(interval.estimate)),
        low=_plain(float(interval.low)),
        high=_plain(float(interval.high)),
    )


def mean_uplift(treated: ArrayLike, held: ArrayLike) -> Uplift:
    """The difference of the means per member (revenue), with Welch's 95% interval."""
    treated_values, held_values = np.asarray(treated, dtype=float), np.asarray(held, dtype=float)
    interval = mean_difference_interval(treated_values, held_values)
    return Uplift(
        treated=_plain(float(treated_values.mean())) if treated_values.size else math.nan,
        held_out=_plain(float(held_values.mean())) if held_values.size else math.nan,
        uplift=_plain(float(interval.estimate)),
        low=_plain(float(interval.low)),
        high=_plain(float(interval.high)),
    )


def detectable_uplift(*, audience: int, share_held: float, baseline: float) -> float | None:
    """The smallest uplift (as a fraction: 0.02 is 2 points) this audience detects with 80% power; None
    when either group would be empty."""
    held = audience * share_held
    treated = audience - held
    if held < 1 or treated < 1:
        return None
    z = stats.norm.ppf(1 - SIGNIFICANCE / 2) + stats.norm.ppf(POWER)
    rate = min(max(baseline, 0.01), 0.99)  # a rate of 0 or 1 would claim any uplift is detectable
    return float(z * math.sqrt(rate * (1 - rate) * (1 / treated + 1 / held)))

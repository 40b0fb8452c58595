"""Confidence intervals for rates and means, vectorised over groups: the analyses' and the surveys' scores
(in core because both use them, and feedback sits below analytics).

- A proportion: Wilson's score interval (Wilson 1927), which stays inside [0, 1] and keeps its coverage
  for small groups and rates near 0 or 1, where the normal ("Wald") interval does not.
- A difference of two proportions: Newcombe's hybrid score interval (Newcombe 1998, method 10), built
  from the two Wilson intervals.
- A mean, and a difference of two means: Student's t with Welch's degrees of freedom.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from patronage.core.errors import ValidationFailed

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Interval:
    """An estimate with the bounds of its confidence interval (arrays, one entry per group)."""

    estimate: FloatArray
    low: FloatArray
    high: FloatArray


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValidationFailed("the confidence level must be between 0 and 1", field="confidence")
    return float(stats.norm.ppf(0.5 + confidence / 2))


def wilson_interval(successes: ArrayLike, trials: ArrayLike, confidence: float = 0.95) -> Interval:
    """Wilson score interval of successes / trials; NaN where there are no trials."""
    k = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    if np.any(k < 0) or np.any(k > n):
        raise ValidationFailed("successes must lie between 0 and the trials", field="successes")
    z = _z(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    empty = n == 0
    return Interval(
        estimate=np.where(empty, np.nan, p),
        low=np.where(empty, np.nan, np.clip(centre - half, 0.0, 1.0)),
        high=np.where(empty, np.nan, np.clip(centre + half, 0.0, 1.0)),
    )


def proportion_difference_interval(
    successes_1: ArrayLike,
    trials_1: ArrayLike,
    successes_2: ArrayLike,
    trials_2: ArrayLike,
    confidence: float = 0.95,
) -> Interval:
    """Newcombe's interval for p1 - p2 from the two Wilson intervals."""
    one = wilson_interval(successes_1, trials_1, confidence)
    two = wilson_interval(successes_2, trials_2, confidence)
    difference = one.estimate - two.estimate
    low = difference - np.sqrt((one.estimate - one.low) ** 2 + (two.high - two.estimate) ** 2)
    high = difference + np.sqrt((one.high - one.estimate) ** 2 + (two.estimate - two.low) ** 2)
    return Interval(estimate=difference, low=low, high=high)


def mean_interval(values: ArrayLike, confidence: float = 0.95) -> Interval:
    """Student's t interval of one sample's mean (NaN bounds with fewer than two values)."""
    x = np.asarray(values, dtype=np.float64)
    _z(confidence)
    mean = float(x.mean()) if x.size else np.nan
    if x.size < 2:
        return Interval(estimate=np.array(mean), low=np.array(np.nan), high=np.array(np.nan))
    half = stats.t.ppf(0.5 + confidence / 2, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size)
    return Interval(estimate=np.array(mean), low=np.array(mean - half), high=np.array(mean + half))


def mean_difference_interval(values_1: ArrayLike, values_2: ArrayLike, confidence: float = 0.95) -> Interval:
    """Welch's t interval for mean(values_1) - mean(values_2)."""
    x = np.asarray(values_1, dtype=np.float64)
    y = np.asarray(values_2, dtype=np.float64)
    _z(confidence)
    difference = (x.mean() - y.mean()) if x.size and y.size else np.nan
    if x.size < 2 or y.size < 2:
        return Interval(estimate=np.array(difference), low=np.array(np.nan), high=np.array(np.nan))
    vx, vy = x.var(ddof=1) / x.size, y.var(ddof=1) / y.size
    se = np.sqrt(vx + vy)
    if se == 0:
        return Interval(estimate=np.array(difference), low=np.array(difference), high=np.array(difference))
    dof = (vx + vy) ** 2 / (vx**2 / (x.size - 1) + vy**2 / (y.size - 1))
    half = stats.t.ppf(0.5 + confidence / 2, dof) * se
    return Interval(
        estimate=np.array(difference), low=np.array(difference - half), high=np.array(difference + half)
    )

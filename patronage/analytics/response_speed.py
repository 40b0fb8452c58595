"""Response speed against retention: the retention of customers by the time their first contact (a
complaint, a question) waited for a first response, in bands, with Wilson 95% intervals.

Default bands (hours): under 1, 1 to 4, 4 to 24, 24 to 72, 72 and over; a band includes its lower edge
(a reply at exactly 4 hours is in 4-24 h). A missing time (NaN) means no response, its own band.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
from numpy.typing import ArrayLike

from patronage.core.errors import ValidationFailed
from patronage.core.intervals import wilson_interval

BANDS_HOURS = (1.0, 4.0, 24.0, 72.0)


def _label(low: float | None, high: float | None) -> str:
    if low is None:
        return f"<{high:g}h"
    if high is None:
        return f">={low:g}h"
    return f"{low:g}-{high:g}h"


def band_labels(edges: Sequence[float] = BANDS_HOURS) -> list[str]:
    """The bands' names, fastest first, and "no response" last."""
    bounds: list[float | None] = [None, *edges, None]
    return [_label(bounds[i], bounds[i + 1]) for i in range(len(edges) + 1)] + ["no response"]


def retention_by_response_band(
    *,
    first_response_hours: ArrayLike,
    retained: ArrayLike,
    edges: Sequence[float] = BANDS_HOURS,
    confidence: float = 0.95,
) -> pl.DataFrame:
    """One row per band: band, customers, retained, retention, low, high."""
    hours = np.asarray(first_response_hours, dtype=np.float64)
    kept = np.asarray(retained, dtype=bool)
    if hours.shape != kept.shape:
        raise ValidationFailed("give one response time per retained flag", field="first_response_hours")
    cuts = np.asarray(edges, dtype=np.float64)
    if cuts.size == 0 or np.any(np.diff(cuts) <= 0) or cuts[0] <= 0:
        raise ValidationFailed("band edges must be positive and increasing", field="edges")
    if np.any(hours < 0):
        raise ValidationFailed("a response time cannot be negative", field="first_response_hours")
    band = np.where(np.isnan(hours), cuts.size + 1, np.searchsorted(cuts, hours, side="right"))
    customers = np.bincount(band, minlength=cuts.size + 2)
    retained_count = np.bincount(band, weights=kept, minlength=cuts.size + 2).astype(np.int64)
    interval = wilson_interval(retained_count, customers, confidence)
    return pl.DataFrame(
        {
            "band": band_labels(edges),
            "customers": customers.astype(np.int64),
            "retained": retained_count,
            "retention": interval.estimate,
            "low": interval.low,
            "high": interval.high,
        }
    )

"""Complaint outcomes: how often customers buy again after no problem, a silent problem, an unresolved
complaint, and a resolved one (quickly or not), each rate with a Wilson 95% interval.

Inputs are per-customer arrays: had a problem, complained, the complaint was resolved, hours from the
complaint to its resolution (NaN when unknown), and bought again within the window the caller chose.
A complaint implies a problem, whatever the problem flag says. The groups are:

- no_problem: no problem and no complaint;
- silent: a problem and no complaint (the unhappy customers a business never hears from);
- complained_unresolved: complained, not resolved;
- resolved: complained and resolved, however long it took;
- resolved_quickly / resolved_slowly: the resolved, split at `quick_hours` (default 24: resolved within a
  day; an assumption, TARP does not define "quickly" in hours); resolved customers with unknown hours are
  in neither.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import ArrayLike

from patronage.core.errors import ValidationFailed
from patronage.core.intervals import wilson_interval

GROUPS = (
    "no_problem",
    "silent",
    "complained_unresolved",
    "resolved",
    "resolved_quickly",
    "resolved_slowly",
)


def _flags(name: str, values: ArrayLike, size: int | None) -> np.ndarray:
    flags = np.asarray(values, dtype=bool)
    if size is not None and flags.shape != (size,):
        raise ValidationFailed(f"{name} must have one entry per customer", field=name)
    return flags


def complaint_outcomes(
    *,
    problem: ArrayLike,
    complained: ArrayLike,
    resolved: ArrayLike,
    repurchased: ArrayLike,
    resolution_hours: ArrayLike | None = None,
    quick_hours: float = 24.0,
    confidence: float = 0.95,
) -> pl.DataFrame:
    """One row per group: customers, repurchased, repurchase_rate, low, high."""
    bought = _flags("repurchased", repurchased, None)
    n = bought.size
    complaint = _flags("complained", complained, n)
    trouble = _flags("problem", problem, n) | complaint
    fixed = _flags("resolved", resolved, n) & complaint
    hours = np.full(n, np.nan) if resolution_hours is None else np.asarray(resolution_hours, dtype=np.float64)
    if hours.shape != (n,):
        raise ValidationFailed("resolution_hours must have one entry per customer", field="resolution_hours")
    members = np.stack(
        [
            ~trouble,
            trouble & ~complaint,
            complaint & ~fixed,
            fixed,
            fixed & (hours <= quick_hours),
            fixed & (hours > quick_hours),
        ]
    )
    customers = members.sum(axis=1)
    repurchasers = (members & bought).sum(axis=1)
    interval = wilson_interval(repurchasers, customers, confidence)
    return pl.DataFrame(
        {
            "group": list(GROUPS),
            "customers": customers.astype(np.int64),
            "repurchased": repurchasers.astype(np.int64),
            "repurchase_rate": interval.estimate,
            "low": interval.low,
            "high": interval.high,
        }
    )

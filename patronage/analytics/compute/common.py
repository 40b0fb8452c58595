"""What the analyses share: the data they read, what they return, and JSON-safe tables. Each stored
analysis is one pure function: the commerce frames and the parameters in, the result (JSON:
summaries, tables, the series the charts draw) and the per-customer scores out. No database here; the
services read the frames (`extract.py`) and store what comes back.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import polars as pl

from patronage.analytics.extract import CUSTOMER, WHEN
from patronage.analytics.facts import customer_facts
from patronage.core.errors import ValidationFailed

Progress = Callable[[int, str], None]
TOP = 25
HISTOGRAM_BINS = 20


@dataclass(frozen=True)
class Data:
    """What an analysis reads: members' purchases, what went wrong with them (their problems and complaints,
    `extract.problems_read`), and the window (naive UTC)."""

    purchases: pl.DataFrame
    problems: pl.DataFrame
    start: datetime | None
    end: datetime


@dataclass
class Computed:
    """An analysis' result (JSON-ready) and its per-customer scores (columns named as CustomerScore's)."""

    result: dict[str, Any]
    scores: pl.DataFrame | None = None
    notes: list[str] = field(default_factory=list)


def progress_ignore(percent: int, message: str) -> None:
    return None


def jsonable(value: Any) -> Any:
    """Frames' values as JSON: NaN and infinity as null, dates as ISO text, numpy scalars as Python's."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def as_number(value: Any) -> float:
    """A Polars aggregate as a float (0 for an empty column's null)."""
    return float(value) if value is not None else 0.0


def records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = jsonable(frame.to_dicts())
    return result


def histogram(
    values: np.ndarray, *, bins: int = HISTOGRAM_BINS, upper: float | None = None
) -> dict[str, Any]:
    """Counts in equal bins from 0 (or the minimum, if negative) to `upper` (default the 99th
    percentile, so one outlier does not squash the chart); values above go in the last bin."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return {"edges": [], "counts": [], "above": 0}
    top = float(np.quantile(finite, 0.99)) if upper is None else upper
    low = min(0.0, float(finite.min()))
    top = top if top > low else low + 1.0
    counts, edges = np.histogram(np.clip(finite, low, top), bins=bins, range=(low, top))
    return {"edges": jsonable(edges.tolist()), "counts": counts.tolist(), "above": int((finite > top).sum())}


def facts_at(data: Data, as_of: datetime | None = None) -> pl.DataFrame:
    return customer_facts(
        transactions=data.purchases,
        customer_col=CUSTOMER,
        date_col=WHEN,
        as_of=as_of or data.end,
        amount_col="amount",
        promo_col="promo",
        return_col="returned",
    )


def purchases_required(data: Data) -> None:
    if data.purchases.height == 0:
        raise ValidationFailed("there are no purchases of members in the data window", field="window_start")

"""Each stored analysis as one pure function: the commerce frames and the parameters in, the result (JSON:
summaries, tables, the series the charts draw) and the per-customer scores out. No database here; the
services read the frames (`extract.py`) and store what comes back."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from patronage.analytics.compute.common import Computed, Data, Progress, histogram, jsonable, records
from patronage.analytics.compute.service import (
    deal_seekers_compute,
    order_outcomes,
    outcomes_table,
    service_compute,
    whatif_calibration,
    whatif_compute,
    whatif_study,
)
from patronage.analytics.compute.value import churn_compute, clv_compute, loyalty_compute

__all__ = [
    "COMPUTE",
    "NEEDS_PROBLEMS",
    "Computed",
    "Data",
    "Progress",
    "histogram",
    "jsonable",
    "order_outcomes",
    "outcomes_table",
    "records",
    "whatif_calibration",
    "whatif_study",
]

COMPUTE: dict[str, Callable[[Data, Mapping[str, Any], Progress], Computed]] = {
    "clv": clv_compute,
    "churn": churn_compute,
    "loyalty": loyalty_compute,
    "deal_seekers": deal_seekers_compute,
    "service": service_compute,
    "whatif": whatif_compute,
}
# What each analysis reads: the what-if study on given inputs needs no data at all.
NEEDS_PROBLEMS = frozenset({"churn", "loyalty", "service", "whatif"})

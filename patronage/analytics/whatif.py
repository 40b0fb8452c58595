"""What-if studies of service projects (TARP's "sensitivity analysis"): the customers and sales a business
loses to problems, and what each project would win back.

Of N customers a share P has a problem; of those a share C complains; of the complainers a share R gets
the complaint resolved; of the resolved a share Q quickly. That splits the customers into five groups,

    no problem        N (1 - P)               silent            N P (1 - C)
    unresolved        N P C (1 - R)           resolved slowly   N P C R (1 - Q)
    resolved quickly  N P C R Q

each buying again at its own rate r_g. Against the baseline where nobody has a problem (everyone buys
again at r_none), the customers lost are

    lost = N r_none - sum_g n_g r_g = sum_{g != none} n_g (r_none - r_g),

and the sales lost are lost x V, V the value of a repeat customer (say a year's spend or CLV). A group
that buys again more than problem-free customers (resolved quickly, in TARP's figures) lowers the loss.
A project changes P, C, R or Q; it wins back lost(now) - lost(with the project).

Defaults (`TARP_MINOR`; see docs/guide/analytics-methods.md for the sources): TARP's repurchase rates for
minor problems, the 83% of problem-free customers who buy again from the study the SPEC cites, TARP's
4% complaint rate; the problem rate, the resolution shares, N and V are assumptions to replace with the
business's own numbers (`whatif_calibrate`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from types import MappingProxyType

import numpy as np
import polars as pl

from patronage.core.errors import ValidationFailed

SHARES = ("problem_rate", "complaint_rate", "resolution_rate", "quick_rate")
RATES = (
    "repurchase_none",
    "repurchase_silent",
    "repurchase_unresolved",
    "repurchase_slow",
    "repurchase_quick",
)


@dataclass(frozen=True)
class WhatIfInputs:
    """The study's inputs; shares and repurchase rates are fractions in [0, 1]."""

    customers: float = 10_000  # assumption
    problem_rate: float = 0.25  # assumption
    complaint_rate: float = 0.04  # TARP: 96% of unhappy customers never complain
    resolution_rate: float = 0.50  # assumption
    quick_rate: float = 0.50  # assumption: share of the resolved complaints resolved quickly
    repurchase_none: float = 0.83  # the SPEC's cited study: 83% of customers without a problem
    repurchase_silent: float = 0.37  # TARP, minor problems, non-complainers
    repurchase_unresolved: float = 0.46  # TARP, minor problems, complaint not resolved
    repurchase_slow: float = 0.70  # TARP, minor problems, complaint resolved (taken as "not quickly")
    repurchase_quick: float = 0.95  # TARP, minor problems, complaint resolved quickly
    value: float = 100.0  # assumption: value of one repeat customer

    def __post_init__(self) -> None:
        for name in (*SHARES, *RATES):
            if not 0 <= getattr(self, name) <= 1:
                raise ValidationFailed(f"{name} must be a fraction between 0 and 1", field=name)
        if self.customers < 0 or self.value < 0:
            raise ValidationFailed("customers and value cannot be negative", field="customers")


TARP_MINOR = WhatIfInputs()
# TARP's major-problem column (losses over $100); the other inputs as TARP_MINOR.
TARP_MAJOR = replace(
    TARP_MINOR,
    repurchase_silent=0.09,
    repurchase_unresolved=0.19,
    repurchase_slow=0.54,
    repurchase_quick=0.82,
)

# Each project moves the shares by the points given (0.10 = ten points), clipped to [0, 1].
PROJECTS: Mapping[str, Mapping[str, float]] = MappingProxyType(
    {
        "hear more complaints (+10 pts complaint rate)": {"complaint_rate": 0.10},
        "resolve more (+10 pts resolution)": {"resolution_rate": 0.10},
        "resolve faster (+10 pts resolved quickly)": {"quick_rate": 0.10},
        "prevent problems (-5 pts problem rate)": {"problem_rate": -0.05},
    }
)


def whatif_groups(inputs: WhatIfInputs) -> dict[str, float]:
    """Customers in each of the five groups."""
    n, p, c, r, q = (
        inputs.customers,
        inputs.problem_rate,
        inputs.complaint_rate,
        inputs.resolution_rate,
        inputs.quick_rate,
    )
    return {
        "none": n * (1 - p),
        "silent": n * p * (1 - c),
        "unresolved": n * p * c * (1 - r),
        "slow": n * p * c * r * (1 - q),
        "quick": n * p * c * r * q,
    }


def whatif_lost(inputs: WhatIfInputs) -> tuple[float, float]:
    """(customers lost, sales lost) against the baseline where nobody has a problem."""
    groups = whatif_groups(inputs)
    kept = sum(size * getattr(inputs, f"repurchase_{name}") for name, size in groups.items())
    lost = inputs.customers * inputs.repurchase_none - kept
    return lost, lost * inputs.value


def _moved(inputs: WhatIfInputs, changes: Mapping[str, float]) -> WhatIfInputs:
    unknown = set(changes) - set(SHARES)
    if unknown:
        raise ValidationFailed(f"a project can move only {', '.join(SHARES)}", field=sorted(unknown)[0])
    return replace(
        inputs,
        **{name: float(np.clip(getattr(inputs, name) + delta, 0, 1)) for name, delta in changes.items()},
    )


def whatif_projects(
    *, inputs: WhatIfInputs = TARP_MINOR, projects: Mapping[str, Mapping[str, float]] = PROJECTS
) -> pl.DataFrame:
    """The current state and each project side by side: the four shares, customers retained, customers
    and sales lost, and customers and sales won back against the current state."""
    scenarios = {"current": inputs} | {name: _moved(inputs, changes) for name, changes in projects.items()}
    now_lost, now_sales = whatif_lost(inputs)
    rows = []
    for name, scenario in scenarios.items():
        lost, sales = whatif_lost(scenario)
        retained = scenario.customers * scenario.repurchase_none - lost
        shares = [getattr(scenario, share) for share in SHARES]
        rows.append((name, *shares, retained, lost, sales, now_lost - lost, now_sales - sales))
    schema = ["scenario", *SHARES, "retained", "customers_lost", "sales_lost", "customers_won", "sales_won"]
    return pl.DataFrame(rows, orient="row", schema=schema)


def whatif_tornado(*, inputs: WhatIfInputs = TARP_MINOR, change: float = 0.10) -> pl.DataFrame:
    """Each input moved down and up by `change` (relative, 0.10 = ±10%; fractions clipped to [0, 1]) with
    the others held: the sales lost at each end and the swing between them, widest swing first."""
    if not 0 < change < 1:
        raise ValidationFailed("the change must be a fraction between 0 and 1", field="change")
    _, base = whatif_lost(inputs)
    rows = []
    for field in fields(WhatIfInputs):
        value = getattr(inputs, field.name)
        low, high = value * (1 - change), value * (1 + change)
        if field.name in (*SHARES, *RATES):
            low, high = min(max(low, 0.0), 1.0), min(max(high, 0.0), 1.0)
        _, at_low = whatif_lost(replace(inputs, **{field.name: low}))
        _, at_high = whatif_lost(replace(inputs, **{field.name: high}))
        rows.append((field.name, value, low, high, at_low, at_high, abs(at_high - at_low)))
    schema = ["input", "value", "low", "high", "sales_lost_low", "sales_lost_high", "swing"]
    return (
        pl.DataFrame(rows, orient="row", schema=schema)
        .with_columns(pl.lit(base).alias("sales_lost_base"))
        .sort("swing", descending=True, maintain_order=True)
    )


@dataclass(frozen=True)
class Calibration:
    """Inputs estimated from the business's data, and where each came from ("data" or "default")."""

    inputs: WhatIfInputs
    sources: dict[str, str]


_GROUP_RATES = {
    "no_problem": "repurchase_none",
    "silent": "repurchase_silent",
    "complained_unresolved": "repurchase_unresolved",
    "resolved_slowly": "repurchase_slow",
    "resolved_quickly": "repurchase_quick",
}


def whatif_calibrate(
    *,
    outcomes: pl.DataFrame,
    value: float,
    customers: float | None = None,
    defaults: WhatIfInputs = TARP_MINOR,
) -> Calibration:
    """The inputs from `complaint_outcomes`' counts: shares as ratios of the group sizes, repurchase
    rates as the groups' observed rates. A share or rate whose denominator is empty keeps its default.

    P = (silent + complainers) / all, C = complainers / (silent + complainers), R = resolved /
    complainers, Q = resolved quickly / (resolved quickly + slowly); N defaults to all the customers."""
    counts = dict(zip(outcomes["group"].to_list(), outcomes["customers"].to_list(), strict=True))
    rates = dict(zip(outcomes["group"].to_list(), outcomes["repurchase_rate"].to_list(), strict=True))
    missing = {"no_problem", "silent", "complained_unresolved", "resolved", *_GROUP_RATES} - set(counts)
    if missing:
        raise ValidationFailed(f"the outcomes lack the groups {', '.join(sorted(missing))}", field="outcomes")
    complainers = counts["complained_unresolved"] + counts["resolved"]
    troubled = counts["silent"] + complainers
    everyone = counts["no_problem"] + troubled
    timed = counts["resolved_quickly"] + counts["resolved_slowly"]
    ratios = {
        "problem_rate": (troubled, everyone),
        "complaint_rate": (complainers, troubled),
        "resolution_rate": (counts["resolved"], complainers),
        "quick_rate": (counts["resolved_quickly"], timed),
    }
    values: dict[str, float] = {}
    sources: dict[str, str] = {}
    for name, (part, whole) in ratios.items():
        values[name], sources[name] = (
            (part / whole, "data") if whole > 0 else (getattr(defaults, name), "default")
        )
    for group, name in _GROUP_RATES.items():
        known = counts[group] > 0
        values[name], sources[name] = (
            (rates[group], "data") if known else (getattr(defaults, name), "default")
        )
    values["customers"] = float(everyone if customers is None else customers)
    values["value"] = float(value)
    sources["customers"] = "data" if customers is None else "given"
    sources["value"] = "given"
    return Calibration(inputs=WhatIfInputs(**values), sources=sources)

"""Repurchase and churn by NPS group: what promoters, passives and detractors went on to do. Pure: no
database.

Each customer counts once, in the group of their latest NPS answer (any survey). For each group:
- repurchase = the share who bought again within `repurchase_days` after answering, over the customers
  whose window has ended (a customer who answered last week cannot have failed to buy again yet);
- churn = the share predicted to churn (churn risk of at least 0.5 in the latest churn run, over the
  customers it scored) or, before any churn run, observed to have churned (no purchase in the churn
  horizon before today, over all of them).
Each share comes with Wilson's 95% interval, as a fraction (0-1), as the analytics pages show shares.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from patronage.core.intervals import wilson_interval
from patronage.feedback.scores import NpsGroup, nps_group

GROUPS = (NpsGroup.PROMOTER, NpsGroup.PASSIVE, NpsGroup.DETRACTOR)


@dataclass(frozen=True)
class Share:
    count: int
    of: int
    value: float | None  # None when `of` is 0
    low: float | None
    high: float | None


@dataclass(frozen=True)
class GroupOutcome:
    group: NpsGroup
    customers: int
    repurchase: Share
    churn: Share


@dataclass(frozen=True)
class Customer:
    """One customer's latest NPS answer and what followed; None where it cannot be told (yet)."""

    answer: int
    bought_again: bool | None
    churned: bool | None


def _shares(flags: Sequence[Sequence[bool | None]]) -> list[Share]:
    """Per group, the share of its known flags that are True."""
    counts = np.array([sum(1 for flag in group if flag) for group in flags])
    known = np.array([sum(1 for flag in group if flag is not None) for group in flags])
    interval = wilson_interval(counts, known)
    return [
        Share(
            count=int(counts[place]),
            of=int(known[place]),
            value=None if known[place] == 0 else float(interval.estimate[place]),
            low=None if known[place] == 0 else float(interval.low[place]),
            high=None if known[place] == 0 else float(interval.high[place]),
        )
        for place in range(len(flags))
    ]


def outcomes_by_group(customers: Sequence[Customer]) -> list[GroupOutcome]:
    """Promoters, passives and detractors, in that order, each with its repurchase and churn shares."""
    members: dict[NpsGroup, list[Customer]] = {group: [] for group in GROUPS}
    for customer in customers:
        members[nps_group(customer.answer)].append(customer)
    repurchase = _shares([[c.bought_again for c in members[group]] for group in GROUPS])
    churn = _shares([[c.churned for c in members[group]] for group in GROUPS])
    return [
        GroupOutcome(
            group=group, customers=len(members[group]), repurchase=repurchase[place], churn=churn[place]
        )
        for place, group in enumerate(GROUPS)
    ]

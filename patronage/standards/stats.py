"""Pure calculations of compliance: which measurements meet a target or pass a minimum, the period a moment
falls in, medians and percentiles as PostgreSQL's percentile_cont computes them, and the control chart.

No database here, so the rules are tested fast and exhaustively; selectors feed them rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

LOWER = "lower"
PERIODS = ("day", "week", "month")


def meets_target(value: float, *, target: float, direction: str) -> bool:
    """A measurement as good as the target or better."""
    return value <= target if direction == LOWER else value >= target


def past_minimum(value: float, *, minimum: float, direction: str) -> bool:
    """A measurement worse than the minimum ("never more than 4 rings"): the minimum itself is allowed."""
    return value > minimum if direction == LOWER else value < minimum


def period_start(local: datetime | date, period: str) -> date:
    """The first day of the period (day, ISO week from Monday, month) that a local time or day falls in."""
    day = local.date() if isinstance(local, datetime) else local
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    raise ValueError(f"unknown period {period!r}")


def period_before(start: date, period: str) -> date:
    """The first day of the period before the one starting on `start` (the day before `start` lies in it)."""
    return period_start(start - timedelta(days=1), period)


def period_after(start: date, period: str) -> date:
    """The first day of the period that follows the one starting on `start`."""
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(days=7)
    if period == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    raise ValueError(f"unknown period {period!r}")


@dataclass(frozen=True)
class Summary:
    """What a group of measurements says: how many, how many met the target or passed the minimum, and
    their median and 90th percentile (linear interpolation, as percentile_cont)."""

    count: int
    meeting_target: int
    below_minimum: int
    median: float | None
    p90: float | None

    @property
    def meeting_target_share(self) -> float | None:
        return self.meeting_target / self.count if self.count else None

    @property
    def below_minimum_share(self) -> float | None:
        return self.below_minimum / self.count if self.count else None


def summarise(values: Sequence[float], *, target: float, minimum: float, direction: str) -> Summary:
    """The summary of one group's values."""
    if not values:
        return Summary(0, 0, 0, None, None)
    array = np.asarray(values, dtype=float)
    if direction == LOWER:
        meeting, passing = int((array <= target).sum()), int((array > minimum).sum())
    else:
        meeting, passing = int((array >= target).sum()), int((array < minimum).sum())
    median, p90 = np.percentile(array, [50, 90])
    return Summary(len(array), meeting, passing, float(median), float(p90))


# A share exactly at the target meets it: 19 of 20 against 0.95 must not fail on the float's last digit.
_SHARE_TOLERANCE = 1e-9


MET, SLIPPED, BREACHED = "met", "slipped", "breached"


def verdict(summary: Summary | None, *, target_share: float) -> str:
    """How a group's period stands against its standard: 'breached' when any measurement passed the
    minimum, 'slipped' when fewer than `target_share` met the target, else 'met'; '' with nothing measured."""
    if summary is None or not summary.count:
        return ""
    if summary.below_minimum:
        return BREACHED
    share = summary.meeting_target_share or 0.0
    return SLIPPED if share < target_share - _SHARE_TOLERANCE else MET


def meets_standard(summary: Summary, *, target_share: float) -> bool:
    """A group meets its standard: its share meeting the target reaches `target_share` and no measurement
    is worse than the minimum."""
    return verdict(summary, target_share=target_share) == MET


@dataclass(frozen=True)
class ControlPoint:
    """One period on a p-chart of the share meeting the target: its share, and the limits its count gives."""

    period_start: date
    count: int
    share: float
    lower_limit: float
    upper_limit: float
    signal: str  # "" in control; "outside" past a limit; "run" the 8th or later in a row on one side


@dataclass(frozen=True)
class ControlChart:
    centre: float | None
    points: list[ControlPoint]

    @property
    def moved(self) -> bool:
        return any(point.signal for point in self.points)


RUN_LENGTH = 8


def control_chart(periods: Sequence[tuple[date, int, int]]) -> ControlChart:
    """A p-chart of (period start, count, meeting target) per period: the centre is the share over all
    periods, each period's 3-sigma limits follow from its own count, and a period signals that the process
    moved when it falls outside them or is the eighth or later in a row on one side of the centre
    (Western Electric rules 1 and 4)."""
    total = sum(count for _start, count, _meeting in periods)
    if not total:
        return ControlChart(None, [])
    centre = sum(meeting for _start, _count, meeting in periods) / total
    points: list[ControlPoint] = []
    side, run = 0, 0
    for start, count, meeting in periods:
        if not count:
            continue
        share = meeting / count
        spread = 3 * math.sqrt(centre * (1 - centre) / count)
        lower, upper = max(0.0, centre - spread), min(1.0, centre + spread)
        this_side = (share > centre) - (share < centre)
        run = run + 1 if this_side and this_side == side else (1 if this_side else 0)
        side = this_side
        signal = "outside" if share < lower or share > upper else ("run" if run >= RUN_LENGTH else "")
        points.append(ControlPoint(start, count, share, lower, upper, signal))
    return ControlChart(centre, points)

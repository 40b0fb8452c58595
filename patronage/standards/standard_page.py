"""What the console shows of standards: each standard at a glance (its latest complete period judged, and its
recent trend) and a standard's own page (the distribution of its values, its trend, its control chart, the
figures by employee, team and store for one period, and its latest measurements).

The figures come from selectors.standard_compliance and stats; the histogram's bins are computed here, in
plain Python, so that the target and the minimum always fall on a bin's edge.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from patronage.core import clock
from patronage.core.business import business_zone
from patronage.standards.models import Measurement, Standard
from patronage.standards.selectors import (
    Scope,
    group_labels,
    period_bounds,
    periods_back,
    standard_compliance,
)
from patronage.standards.stats import (
    LOWER,
    ControlChart,
    Summary,
    control_chart,
    meets_target,
    past_minimum,
    verdict,
)

PERIODS_SHOWN = 12
PERIODS_MAX = 104
RECENT_SHOWN = 50
# Enough bars to see a shape on a phone; fewer would hide it, more would make each bar a line.
BINS_WANTED = 20
GROUPS = ("employee", "team", "store")


def business_today() -> date:
    """Today on the business's calendar, which draws the periods' edges."""
    return clock.now().astimezone(business_zone()).date()


def _scope_of(starts: Sequence[date], period: str) -> Scope:
    return Scope(since=period_bounds(starts[0], period)[0], until=period_bounds(starts[-1], period)[1])


def _totals(standard: Standard, period: str, starts: Sequence[date]) -> dict[date, Summary]:
    rows = standard_compliance(
        standard=standard, period=period, group="none", scope=_scope_of(starts, period)
    )
    return {row.period_start: row.summary for row in rows if row.period_start is not None}


# --- the list ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Glance:
    """A standard on the list: its latest complete period, judged, and its share meeting the target in each
    of its last complete periods (None where nothing was measured), the latest last."""

    standard: Standard
    summary: Summary | None
    verdict: str
    starts: list[date]
    shares: list[float | None]

    @property
    def period_start(self) -> date:
        return self.starts[-1]


def standards_glance(*, standards: Sequence[Standard], today: date) -> list[Glance]:
    """Each standard's glance over its last PERIODS_SHOWN complete periods of its own kind before `today`'s
    (a period still running would look worse or better than it will be)."""
    glances = []
    for standard in standards:
        starts = periods_back(period=standard.period, count=PERIODS_SHOWN + 1, today=today)[:-1]
        totals = _totals(standard, standard.period, starts)
        summary = totals.get(starts[-1])
        glances.append(
            Glance(
                standard=standard,
                summary=summary,
                verdict=verdict(summary, target_share=standard.target_share),
                starts=starts,
                shares=[totals[start].meeting_target_share if start in totals else None for start in starts],
            )
        )
    return glances


# --- the histogram -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bin:
    """Values from `low` to `high` (the end on the target's side included), and what they say: 'met' the
    target, 'between' the target and the minimum, 'past' the minimum. `only`: the one whole value a bin of
    whole values holds (a bar for 3 rings)."""

    low: float
    high: float
    count: int
    zone: str
    only: float | None = None


def _nice_width(span: float) -> float:
    """A bin width of 1, 2, 2.5 or 5 times a power of ten that cuts `span` into about BINS_WANTED bins."""
    rough = span / BINS_WANTED
    power = 10 ** math.floor(math.log10(rough))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= rough)


def _zone(value: float, *, target: float, minimum: float, direction: str) -> str:
    if past_minimum(value, minimum=minimum, direction=direction):
        return "past"
    return "met" if meets_target(value, target=target, direction=direction) else "between"


def histogram(
    value_counts: Mapping[float, int], *, target: float, minimum: float, direction: str
) -> list[Bin]:
    """Bins over the values (each distinct value with how many times it was measured), the target and the
    minimum, each of those two on an edge, so that a bin never mixes values that meet the target with values
    that do not; whole values a few apart get a bin each."""
    if not value_counts:
        return []
    values = list(value_counts)
    low, high = min(*values, target, minimum), max(*values, target, minimum)
    whole = all(float(v).is_integer() for v in (*values, target, minimum)) and high - low <= 2 * BINS_WANTED
    width = 1.0 if whole else _nice_width(high - low or 1.0)
    # Lower is better: a bin holds (low, high], so the target's own value counts with those meeting it;
    # higher is better: [low, high). A whole value then sits alone in the bin one step beyond it.
    lower = direction == LOWER
    first = math.floor((low - target) / width) - (1 if whole and lower else 0)
    last = math.ceil((high - target) / width) + (1 if whole and not lower else 0)
    edges = sorted({target + step * width for step in range(first, last + 1)} | {minimum})
    counts = [0] * (len(edges) - 1)
    for value, times in value_counts.items():
        found = bisect.bisect_left(edges, value) if lower else bisect.bisect_right(edges, value)
        # A value on the outer edge belongs to the bin inside it.
        counts[min(max(found - 1, 0), len(counts) - 1)] += times
    return [
        Bin(
            edges[i],
            edges[i + 1],
            counts[i],
            _zone(edges[i + 1] if lower else edges[i], target=target, minimum=minimum, direction=direction),
            (edges[i + 1] if lower else edges[i]) if whole else None,
        )
        for i in range(len(counts))
    ]


# --- a standard's page -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRow:
    """One employee's, team's or store's figures for the chosen period; `group_id` None: nobody named."""

    group_id: int | None
    label: str
    summary: Summary


@dataclass(frozen=True)
class StandardPage:
    """A standard over its last periods of one kind: the distribution of every value in them, the share
    meeting the target in each (None where nothing was measured), the control chart, the figures per
    employee, team and store for the chosen period, and the latest measurements."""

    standard: Standard
    period: str
    starts: list[date]
    chosen: date
    bins: list[Bin]
    totals: dict[date, Summary]
    control: ControlChart
    groups: dict[str, list[GroupRow]]
    recent: list[Measurement]

    @property
    def shares(self) -> list[float | None]:
        return [self.totals[s].meeting_target_share if s in self.totals else None for s in self.starts]

    @property
    def moved_in(self) -> list[date]:
        """The periods whose point signals that the process moved."""
        return [point.period_start for point in self.control.points if point.signal]


def _worst_first(row: GroupRow) -> tuple[float, float, int]:
    summary = row.summary
    return (summary.meeting_target_share or 0.0, -(summary.below_minimum_share or 0.0), -summary.count)


def _groups(standard: Standard, period: str, chosen: date) -> dict[str, list[GroupRow]]:
    since, until = period_bounds(chosen, period)
    tables: dict[str, list[GroupRow]] = {}
    for group in GROUPS:
        rows = standard_compliance(standard=standard, period="all", group=group, scope=Scope(since, until))
        labels = group_labels(group, [row.group_id for row in rows])
        found = [
            GroupRow(row.group_id, labels.get(row.group_id, "") if row.group_id else "", row.summary)
            for row in rows
        ]
        tables[group] = sorted(found, key=_worst_first)
    return tables


def standard_page(
    *, standard: Standard, period: str, count: int, today: date, chosen: date | None = None
) -> StandardPage:
    """The page of `standard` over its last `count` periods of kind `period` up to `today`; its tables for
    `chosen` (one of those periods' starts), else for the latest period with measurements."""
    starts = periods_back(period=period, count=count, today=today)
    totals = _totals(standard, period, starts)
    scope = _scope_of(starts, period)
    # Counted by the database per distinct value: rings or seconds take a handful of rows however many
    # calls were measured.
    in_range = Measurement.objects.filter(standard=standard, at__gte=scope.since, at__lt=scope.until)
    value_counts = dict(in_range.values("value").annotate(times=Count("pk")).values_list("value", "times"))
    if chosen not in starts:
        chosen = max(totals, default=starts[-1])
    recent = (
        Measurement.objects.filter(standard=standard)
        .select_related("employee", "team", "store")
        .order_by("-at", "-pk")[:RECENT_SHOWN]
    )
    return StandardPage(
        standard=standard,
        period=period,
        starts=starts,
        chosen=chosen,
        bins=histogram(
            value_counts, target=standard.target, minimum=standard.minimum, direction=standard.direction
        ),
        totals=totals,
        control=control_chart(
            [
                (start, totals[start].count, totals[start].meeting_target)
                for start in starts
                if start in totals
            ]
        ),
        groups=_groups(standard, period, chosen),
        recent=list(recent),
    )

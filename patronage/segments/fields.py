"""The fields a segment's rules can name, and how each becomes a condition on members (decision 0028).

Each field says what it reads (the timeline kinds whose events can change its value: the upkeep re-checks
a member's segments only for those), how a condition on it becomes a `Q` on `Member` (an indexed lookup
or a semi-join, never a per-member loop), and, for values time alone moves ("bought in the last 90 days",
an age), which members' values may have crossed a line between two instants.

Fields of apps above segments (analytics' scores) are registered by those apps (`field_register`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.functional import Promise

from patronage.core.business import business_zone
from patronage.members.models import Member
from patronage.segments.rules import Condition, FieldShape

Crossing = Callable[[Condition, datetime, datetime], QuerySet[Any]]


@dataclass(frozen=True)
class SegmentField:
    """A field rules can name: its words for the builder, its shape, what it reads, how it filters."""

    name: str
    label: str | Promise
    shape: FieldShape
    reads: frozenset[str]
    condition: Callable[[Condition, datetime], Q]
    group: str | Promise = ""
    help: str | Promise = ""
    # Members whose value may have crossed the condition's line between two instants, for values time
    # alone moves; None when only a recorded change can move it.
    crossing: Crossing | None = None
    ticks_always: bool = False  # time moves it whatever the operator (an age)
    reads_of: Callable[[Condition], frozenset[str]] | None = None
    # What a person reads for each of the choices (a tier's name for its code), in the reader's language.
    labels: Callable[[], Mapping[str, str]] | None = None

    def reads_for(self, condition: Condition) -> frozenset[str]:
        return self.reads | (self.reads_of(condition) if self.reads_of else frozenset())

    def ticks(self, condition: Condition) -> bool:
        """Whether time alone can move a member in or out under this condition."""
        if self.crossing is None:
            return False
        return self.ticks_always or condition.op == "within_days" or condition.days is not None


_FIELDS: dict[str, SegmentField] = {}


def field_register(segment_field: SegmentField) -> SegmentField:
    """Declares a field rules may name; registering one name twice is a programming error."""
    if segment_field.name in _FIELDS:
        raise ValueError(f"segment field {segment_field.name!r} is registered twice")
    _FIELDS[segment_field.name] = segment_field
    return segment_field


def fields_all() -> dict[str, SegmentField]:
    return dict(_FIELDS)


def field_shapes() -> dict[str, FieldShape]:
    return {name: known.shape for name, known in _FIELDS.items()}


# --- building blocks ---------------------------------------------------------------------------------


def compare(lookup: str, op: str, value: Any) -> Q:
    """`lookup op value` as a Q: eq, ne, gt, gte, lt, lte, between (inclusive) and in."""
    if op == "ne":
        return ~Q(**{lookup: value})
    suffix = {"eq": "", "gt": "__gt", "gte": "__gte", "lt": "__lt", "lte": "__lte", "between": "__range"}
    if op == "in":
        return Q(**{f"{lookup}__in": list(value)})
    return Q(**{f"{lookup}{suffix[op]}": value})


def holds(number: float, op: str, value: Any) -> bool:
    """Whether `number op value` is true, in Python: what a member with no rows (a count of 0) gets."""
    if op == "between":
        return bool(value[0] <= number <= value[1])
    return {
        "eq": number == value,
        "ne": number != value,
        "gt": number > value,
        "gte": number >= value,
        "lt": number < value,
        "lte": number <= value,
    }[op]


def aggregate_condition(rows: QuerySet[Any], total: Any, op: str, value: Any) -> Q:
    """A condition on a per-member `total` (a count, a sum) of `rows`.

    As a semi-join the database runs once for all members: members whose total meets it, or, when a member
    with no rows (total 0) meets it too, every member but those whose total fails it.

    Written as EXISTS over members whose id is among the totals, never as `[NOT] id IN (totals)`: under NOT or
    OR, PostgreSQL runs an IN whose rows it expects not to fit in memory as a scan of all of them for every
    member (hours at a million members); an EXISTS it runs as one semi- or anti-join.
    """
    totals = rows.filter(member__isnull=False).values("member").annotate(total=total)
    if holds(0, op, value):
        return ~among(totals.exclude(compare("total", op, value)).values("member"))
    return among(totals.filter(compare("total", op, value)).values("member"))


def among(member_ids: QuerySet[Any], column: str = "member") -> Q:
    """Members whose id `member_ids` (a query of member ids, in `column`) selects, safe under NOT and OR
    (above). While a few members are re-checked (`members_scoped`), the query reads only their rows: the
    upkeep's re-check of a purchase costs an index probe, not a GROUP BY of every purchase."""
    scope = _SCOPE.get()
    if scope is not None:
        member_ids = member_ids.filter(**{f"{column}__in": scope})
    return Q(Exists(Member.objects.filter(pk=OuterRef("pk"), pk__in=member_ids)))


_SCOPE: ContextVar[Sequence[int] | None] = ContextVar("segments_scope", default=None)


@contextmanager
def members_scoped(member_ids: Sequence[int]) -> Iterator[None]:
    """Conditions built inside read only these members' rows (the caller selects among them only)."""
    token = _SCOPE.set(member_ids)
    try:
        yield
    finally:
        _SCOPE.reset(token)


def local_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=business_zone())


def date_condition(lookup: str, condition: Condition, now: datetime) -> Q:
    """A condition on an instant by calendar days in the business's zone, or within the last N days."""
    op, value = condition.op, condition.value
    if op == "within_days":
        return Q(**{f"{lookup}__gte": now - timedelta(days=value)})
    if op == "between":
        low, high = value
        return Q(
            **{f"{lookup}__gte": local_day_start(low), f"{lookup}__lt": local_day_start(high + timedelta(1))}
        )
    # A day is from its midnight to the next: "after 3 May" starts on 4 May.
    bounds = {
        "gt": ("__gte", value + timedelta(1)),
        "gte": ("__gte", value),
        "lt": ("__lt", value),
        "lte": ("__lt", value + timedelta(1)),
    }
    suffix, day = bounds[op]
    return Q(**{f"{lookup}{suffix}": local_day_start(day)})


def crossed(lookup: str, days: int, since: datetime, until: datetime) -> Q:
    """Rows whose instant, N days on, falls between the two instants: what left (or entered) the window.

    The window holds an instant up to N days old to the second (`__gte now - N days`, as date_condition and
    the windows of purchases read it): it leaves just after, so a row still in at `since` and out at `until`
    is at least `since - N` and before `until - N`. (Taking `(since - N, until - N]` missed the row exactly
    N days old at `since`: still in then, out at the next check, and never re-checked.)
    """
    return Q(
        **{f"{lookup}__gte": since - timedelta(days=days), f"{lookup}__lt": until - timedelta(days=days)}
    )


def window_days(condition: Condition) -> int:
    return condition.value if condition.op == "within_days" else condition.days or 0


def member_ids(queryset: QuerySet[Any], column: str = "member") -> QuerySet[Any]:
    return queryset.filter(**{f"{column}__isnull": False}).values_list(column, flat=True).distinct()

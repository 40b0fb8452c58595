"""Reading segments: the list, one segment, its members and size over time, a rule set's live count, and
the fields the builder offers."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet

from patronage.core import clock
from patronage.core.business import business_zone
from patronage.core.errors import NotFound
from patronage.core.names import in_reader_language
from patronage.loyalty.models import EarnRule
from patronage.loyalty.rules_params import RuleKind
from patronage.members.models import Member
from patronage.segments.fields import fields_all
from patronage.segments.matching import rules_members, rules_tree
from patronage.segments.models import (
    Reconciliation,
    Segment,
    SegmentKind,
    SegmentMember,
    SegmentSize,
    SegmentTreatment,
)
from patronage.segments.rules import OPERATORS

SAMPLE_SIZE = 10


def segment_list(*, include_retired: bool = False) -> QuerySet[Segment]:
    segments = Segment.objects.all()
    return segments if include_retired else segments.filter(active=True)


def segment_static_lists() -> QuerySet[Segment]:
    """The live lists a person fills by hand, by name: where a selection of customers can go."""
    return Segment.objects.filter(active=True, kind=SegmentKind.STATIC).order_by("name", "code")


def segment_get(*, segment_id: int | None = None, code: str | None = None) -> Segment:
    found = (
        Segment.objects.filter(pk=segment_id) if segment_id is not None else Segment.objects.filter(code=code)
    )
    segment = found.first()
    if segment is None:
        raise NotFound("no such segment", field="segment")
    return segment


@dataclass(frozen=True)
class Preview:
    """What a rule set selects now: how many, and the first few."""

    count: int
    sample: list[Member]


def segment_preview(*, rules: Any) -> Preview:
    """The live count and a sample of the members the rules select (rules are checked first)."""
    members = rules_members(rules_tree(rules), clock.now())
    return Preview(members.count(), list(members.order_by("-pk")[:SAMPLE_SIZE]))


def segment_members(*, segment: Segment) -> QuerySet[SegmentMember]:
    """The segment's places, the latest to enter first, each with its member."""
    return (
        SegmentMember.objects.filter(segment=segment).select_related("member").order_by("-entered_at", "-pk")
    )


def member_segments(*, member: Member) -> QuerySet[SegmentMember]:
    """The active segments the member is in, with when they entered."""
    return (
        SegmentMember.objects.filter(member=member, segment__active=True)
        .select_related("segment")
        .order_by("segment__code")
    )


@dataclass(frozen=True)
class SizePoint:
    day: date
    members: int


def segment_sizes(*, segment: Segment, days: int = 90) -> list[SizePoint]:
    """The segment's size at the end of each recorded day of the last `days`, and today's."""
    today = clock.now().astimezone(business_zone()).date()
    recorded = SegmentSize.objects.filter(
        segment=segment, day__gt=today - timedelta(days=days), day__lt=today
    )
    points = [SizePoint(size.day, size.members) for size in recorded.order_by("day")]
    return [*points, SizePoint(today, segment.member_count)]


def segment_last_reconciliation(*, segment: Segment) -> Reconciliation | None:
    return segment.reconciliations.order_by("-at").first()


@dataclass(frozen=True)
class FieldEntry:
    """A field as the builder and the API guide show it."""

    name: str
    label: str
    group: str
    kind: str
    operators: tuple[str, ...]
    windowed: bool
    help: str
    choices: list[str] | None
    labels: dict[str, str]  # what a person reads for each choice, where it is not the choice itself


def segment_fields() -> list[FieldEntry]:
    """Every field rules can name, in the reader's language, with its operators and choices."""
    return [
        FieldEntry(
            name=known.name,
            label=str(known.label),
            group=str(known.group),
            kind=known.shape.kind.value,
            operators=OPERATORS[known.shape.kind],
            windowed=known.shape.windowed,
            help=str(known.help),
            choices=list(known.shape.choices()) if known.shape.choices is not None else None,
            labels=dict(known.labels()) if known.labels is not None else {},
        )
        for known in fields_all().values()
    ]


def segment_earn_rules(*, segment: Segment) -> QuerySet[EarnRule]:
    """The earn rules of any program that give this segment's members more."""
    return (
        EarnRule.objects.filter(kind=RuleKind.SEGMENT, params__segment=segment.code)
        .select_related("program")
        .order_by("program__code", "priority", "code")
    )


def segment_codes_of(*, member_ids: Collection[int]) -> dict[int, frozenset[str]]:
    """The live segments each of these members is in, by code."""
    found: dict[int, set[str]] = {}
    rows = SegmentMember.objects.filter(member_id__in=list(member_ids), segment__active=True).values_list(
        "member_id", "segment__code"
    )
    for member_id, code in rows:
        found.setdefault(member_id, set()).add(code)
    return {member_id: frozenset(codes) for member_id, codes in found.items()}


def segment_names(*, include_retired: bool = False) -> dict[str, str]:
    """{code: name in the reader's language} of the segments, by name."""
    named = {
        segment.code: in_reader_language(segment, "name")
        for segment in segment_list(include_retired=include_retired)
    }
    return dict(sorted(named.items(), key=lambda item: item[1].casefold()))


@dataclass(frozen=True)
class TreatmentCounts:
    entries: int  # stays treated since the treatment was set
    benefits: int
    welcomes: int


def segment_treatment_counts(*, segment: Segment) -> TreatmentCounts:
    counts = SegmentTreatment.objects.filter(segment=segment).aggregate(
        entries=Count("pk"),
        benefits=Count("pk", filter=Q(benefit_granted=True)),
        welcomes=Count("pk", filter=Q(welcomed=True)),
    )
    return TreatmentCounts(**counts)

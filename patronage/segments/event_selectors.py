"""Reading club events: the list, one event, its registrations."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from patronage.core.errors import NotFound
from patronage.loyalty.models import Account
from patronage.members.models import Identity, IdentityKind, Member
from patronage.segments.models import ClubEvent, Registration, RegistrationStatus, SegmentMember


def club_event_list() -> QuerySet[ClubEvent]:
    """Events with their segment and how many wait, in one query (no count per event)."""
    return ClubEvent.objects.select_related("segment", "program").annotate(
        waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING))
    )


def club_event_get(*, event_id: int | None = None, code: str | None = None) -> ClubEvent:
    found = club_event_list()
    event = (found.filter(pk=event_id) if event_id is not None else found.filter(code=code)).first()
    if event is None:
        raise NotFound("no such event", field="event")
    return event


def event_registrations(*, event: ClubEvent) -> QuerySet[Registration]:
    """Everyone who asked, in the order they asked (the waiting list's order)."""
    return Registration.objects.filter(event=event).select_related("member").order_by("asked_at", "pk")


def club_events_upcoming(*, now: datetime) -> QuerySet[ClubEvent]:
    """Events not yet over, the soonest first (cancelled ones too: the list says so)."""
    return club_event_list().filter(ends_at__gte=now).order_by("starts_at", "pk")


def club_events_past(*, now: datetime) -> QuerySet[ClubEvent]:
    """Events over, the latest first."""
    return club_event_list().filter(ends_at__lt=now).order_by("-starts_at", "-pk")


def door_list(*, event: ClubEvent, query: str = "") -> QuerySet[Registration]:
    """Who may be at the door (a seat, come, or waiting), by name; `query` finds them by name, card number or
    e-mail (any part of it)."""
    found = (
        Registration.objects.filter(event=event)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("member")
        .order_by("member__name", "pk")
    )
    query = query.strip()
    if query:
        identities = Identity.objects.filter(
            kind__in=[IdentityKind.EMAIL, IdentityKind.CARD], value__icontains=query
        ).values("member_id")
        found = found.filter(Q(member__name__icontains=query) | Q(member_id__in=identities))
    return found


def member_event_choices(*, member: Member, now: datetime) -> list[tuple[ClubEvent, Registration | None]]:
    """The events not yet started that the member may register for, or has asked for, the soonest first,
    each with the member's own registration (None when they have not asked)."""
    theirs = {
        registration.event_id: registration
        for registration in Registration.objects.filter(member=member, event__starts_at__gt=now)
    }
    tiers = set(
        Account.objects.filter(member=member, tier__isnull=False).values_list("tier__code", flat=True)
    )
    segments = set(SegmentMember.objects.filter(member=member).values_list("segment_id", flat=True))

    def open_to_them(event: ClubEvent) -> bool:
        if not event.tiers and event.segment_id is None:
            return True
        return bool(tiers & set(event.tiers)) or event.segment_id in segments

    upcoming = club_event_list().filter(starts_at__gt=now).order_by("starts_at", "pk")
    return [
        (event, theirs.get(event.pk))
        for event in upcoming
        if event.pk in theirs or (event.cancelled_at is None and open_to_them(event))
    ]


def member_registrations(*, member: Member) -> QuerySet[Registration]:
    """Every event the member asked for, the latest first: theirs only."""
    return (
        Registration.objects.filter(member=member)
        .select_related("event")
        .order_by("-event__starts_at", "-pk")
    )

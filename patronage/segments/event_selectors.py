"""Reading club events: the list, one event, its registrations."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from patronage.core.errors import NotFound
from patronage.segments.models import ClubEvent, Registration, RegistrationStatus


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
    return Registration.objects.filter(event=event).order_by("asked_at", "pk")

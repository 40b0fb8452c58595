"""Reading club events: the list, one event, its registrations."""

from __future__ import annotations

from django.db.models import QuerySet

from patronage.core.errors import NotFound
from patronage.segments.models import ClubEvent, Registration


def club_event_list() -> QuerySet[ClubEvent]:
    return ClubEvent.objects.select_related("segment")


def club_event_get(*, event_id: int | None = None, code: str | None = None) -> ClubEvent:
    found = ClubEvent.objects.select_related("segment")
    event = (found.filter(pk=event_id) if event_id is not None else found.filter(code=code)).first()
    if event is None:
        raise NotFound("no such event", field="event")
    return event


def event_registrations(*, event: ClubEvent) -> QuerySet[Registration]:
    """Everyone who asked, in the order they asked (the waiting list's order)."""
    return Registration.objects.filter(event=event).order_by("asked_at", "pk")

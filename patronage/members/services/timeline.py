"""Writing to a member's timeline, for every app."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from patronage.core import clock
from patronage.core.models import User
from patronage.members.models import (
    Member,
    TimelineEvent,
)


def timeline_record(
    *,
    member: Member,
    kind: str,
    occurred_at: datetime | None = None,
    summary: str = "",
    data: dict[str, Any] | None = None,
    source: object | None = None,
    actor: User | None = None,
    dedupe_key: str | None = None,
) -> TimelineEvent:
    """Adds one event to the member's timeline; with a dedupe_key, a second call adds nothing."""
    if dedupe_key and (existing := TimelineEvent.objects.filter(dedupe_key=dedupe_key).first()):
        return existing
    event = timeline_event(
        member=member,
        kind=kind,
        occurred_at=occurred_at,
        summary=summary,
        data=data,
        source=source,
        actor=actor,
        dedupe_key=dedupe_key,
    )
    event.save()
    return event


def timeline_event(
    *,
    member: Member,
    kind: str,
    occurred_at: datetime | None = None,
    summary: str = "",
    data: dict[str, Any] | None = None,
    source: object | None = None,
    actor: User | None = None,
    dedupe_key: str | None = None,
) -> TimelineEvent:
    """The event timeline_record adds, not yet saved: many of them go in at once by timeline_events_add."""
    return TimelineEvent(
        member=member,
        kind=kind,
        occurred_at=occurred_at or clock.now(),
        summary=summary[:300],
        data=data or {},
        source_type=source._meta.label_lower if source is not None and hasattr(source, "_meta") else "",
        source_id=str(getattr(source, "pk", "") or ""),
        actor=actor,
        dedupe_key=dedupe_key,
    )


def timeline_events_add(events: list[TimelineEvent]) -> None:
    """Adds many events (timeline_event's) in one insert; one whose dedupe_key is taken adds nothing."""
    TimelineEvent.objects.bulk_create(events, ignore_conflicts=True)

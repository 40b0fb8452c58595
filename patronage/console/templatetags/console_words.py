"""Template helpers that put stored records into the reader's words."""

from __future__ import annotations

from django import template

from patronage.core.words import zone_words
from patronage.members.models import TimelineEvent
from patronage.members.timeline import kind_get

register = template.Library()


@register.filter
def timeline_words(event: TimelineEvent) -> str:
    """What the event says, rendered from its data in the reader's language (its stored summary else)."""
    return kind_get(event.kind).words(event.data or {}, event.summary)


@register.filter
def zone_in_words(zone: str) -> str:
    """A time zone's name ('Asia/Seoul') as its place in the reader's language ('South Korea Time')."""
    return zone_words(zone)

"""Template helpers that put stored records into the reader's words."""

from __future__ import annotations

from django import template

from patronage.members.models import TimelineEvent
from patronage.members.timeline import kind_get

register = template.Library()


@register.filter
def timeline_words(event: TimelineEvent) -> str:
    """What the event says, rendered from its data in the reader's language (its stored summary else)."""
    return kind_get(event.kind).words(event.data or {}, event.summary)

"""What segments write on a member's timeline: entering and leaving a segment (staff only: a segment is the
business's way of grouping customers, named in its own words, such as "valuable, at risk"), and the club
events they registered for, waited for, cancelled and came to (theirs to see too)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import get_language, gettext_lazy, gettext_noop
from django.utils.translation import gettext as _

from patronage.core.names import text_in_language
from patronage.core.words import points_words
from patronage.members.timeline import register


def _segment_name(data: Mapping[str, Any]) -> str | None:
    name = data.get("name")
    if not isinstance(name, str) or not name:
        return None
    translations = data.get("name_translations")
    return text_in_language(name, translations if isinstance(translations, dict) else None, get_language())


def _named(template: str) -> Callable[[Mapping[str, Any], str], str | None]:
    """The sentence with the segment's or event's name in the reader's language (None before it had one)."""

    def render(data: Mapping[str, Any], summary: str) -> str | None:
        name = _segment_name(data)
        return _(template) % {"name": name} if name else None

    return render


SEGMENT_ENTERED = register(
    "segment_entered",
    gettext_lazy("Entered a segment"),
    "◎",
    "info",
    staff_only=True,
    render=_named(gettext_noop("Entered the segment “%(name)s”")),
)
SEGMENT_LEFT = register(
    "segment_left",
    gettext_lazy("Left a segment"),
    "○",
    "neutral",
    staff_only=True,
    render=_named(gettext_noop("Left the segment “%(name)s”")),
)


def _came(data: Mapping[str, Any], summary: str) -> str | None:
    """'Came to “New pans tasting”', with the points coming earned when it earned some."""
    name = _segment_name(data)
    if not name:
        return None
    points = data.get("points")
    if isinstance(points, int) and not isinstance(points, bool) and points > 0:
        return _("Came to “%(name)s”: %(points)s") % {"name": name, "points": points_words(points)}
    return _("Came to “%(name)s”") % {"name": name}


EVENT_REGISTERED = register(
    "event_registered",
    gettext_lazy("Registered for an event"),
    "✉",
    "good",
    render=_named(gettext_noop("Registered for “%(name)s”")),
)
EVENT_WAITING = register(
    "event_waiting",
    gettext_lazy("On an event's waiting list"),
    "…",
    "info",
    render=_named(gettext_noop("On the waiting list for “%(name)s”")),
)
EVENT_CANCELLED = register(
    "event_cancelled",
    gettext_lazy("Cancelled an event registration"),
    "✕",
    "neutral",
    render=_named(gettext_noop("Cancelled their place at “%(name)s”")),
)
EVENT_ATTENDED = register(
    "event_attended",
    gettext_lazy("Came to an event"),
    "★",
    "good",
    render=_came,
)


def _interests_words(data: Mapping[str, Any], summary: str) -> str | None:
    """The digest's frequency in the reader's language (the topics are the business's codes)."""
    frequency = data.get("frequency")
    words = {
        "weekly": gettext_noop("Chose their information topics, a digest every week"),
        "monthly": gettext_noop("Chose their information topics, a digest every month"),
        "never": gettext_noop("Chose their information topics, no digest"),
    }
    return _(words[frequency]) if isinstance(frequency, str) and frequency in words else None


INTERESTS_CHANGED = register(
    "interests_changed",
    gettext_lazy("Chose information topics"),
    "✎",
    "info",
    render=_interests_words,
)

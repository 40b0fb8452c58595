"""What feedback writes on a member's timeline: the surveys they were asked and the ones they answered, the
thanks for recommending us, and the advisory meetings they were invited to, came to and what they said there."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from patronage.core.names import text_in_language
from patronage.feedback.models import Survey
from patronage.members.timeline import register


def survey_named(survey: Survey) -> dict[str, Any]:
    """What an entry keeps of its survey: its id, and its title in each language (shown in the reader's)."""
    return {"survey": survey.pk, "title": survey.title, "titles": survey.title_translations}


def _title(data: Mapping[str, Any]) -> str | None:
    """The survey's (or meeting's) title in the reader's language when it was written in it."""
    title, titles = data.get("title"), data.get("titles")
    if not isinstance(title, str):
        return None
    return text_in_language(title, titles if isinstance(titles, Mapping) else None, get_language())


def _titled(data: Mapping[str, Any], summary: str) -> str | None:
    """What the event is about: the survey's or the meeting's title (asked, answered, thanked, invited)."""
    return _title(data)


def _answered(data: Mapping[str, Any], summary: str) -> str | None:
    """'Visit survey: NPS 9' or the survey's title alone."""
    title, nps = _title(data), data.get("nps")
    if title is None:
        return None
    if isinstance(nps, int) and not isinstance(nps, bool):
        return _("%(title)s: NPS %(score)d") % {"title": title, "score": nps}
    return title


SURVEY_INVITED = register(
    "survey_invited", gettext_lazy("Asked to answer a survey"), "✉", "info", render=_titled
)
SURVEY_ANSWERED = register(
    "survey_answered", gettext_lazy("Answered a survey"), "✎", "info", personal=True, render=_answered
)
SURVEY_THANKED = register(
    "survey_thanked", gettext_lazy("Thanked for recommending us"), "♥", "good", render=_titled
)


def _meeting_note(data: Mapping[str, Any], summary: str) -> str | None:
    """'Spring tasting panel: the oat milk is too sweet'."""
    title, note = _title(data), data.get("note")
    if title is None or not isinstance(note, str):
        return None
    return _("%(title)s: %(note)s") % {"title": title, "note": note}


MEETING_INVITED = register(
    "meeting_invited", gettext_lazy("Invited to an advisory meeting"), "✉", "info", render=_titled
)
MEETING_ATTENDED = register(
    "meeting_attended", gettext_lazy("Came to an advisory meeting"), "☕", "good", render=_titled
)
# Their own words, written down by staff: erased with the person, and kept from the portal's timeline as any
# staff note is.
MEETING_NOTE = register(
    "meeting_note",
    gettext_lazy("Said at an advisory meeting"),
    "✎",
    "info",
    personal=True,
    staff_only=True,
    render=_meeting_note,
)

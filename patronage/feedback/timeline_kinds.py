"""What feedback writes on a member's timeline: the surveys they were asked and the ones they answered."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patronage.members.timeline import register


def _invited(data: Mapping[str, Any], summary: str) -> str | None:
    title = data.get("title")
    return title if isinstance(title, str) else None


def _answered(data: Mapping[str, Any], summary: str) -> str | None:
    """'Visit survey: NPS 9' or the survey's title alone."""
    title, nps = data.get("title"), data.get("nps")
    if not isinstance(title, str):
        return None
    if isinstance(nps, int) and not isinstance(nps, bool):
        return _("%(title)s: NPS %(score)d") % {"title": title, "score": nps}
    return title


SURVEY_INVITED = register("survey_invited", gettext_lazy("Asked to answer a survey"), "✉", "info", render=_invited)
SURVEY_ANSWERED = register(
    "survey_answered", gettext_lazy("Answered a survey"), "✎", "info", personal=True, render=_answered
)

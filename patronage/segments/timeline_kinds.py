"""What segments write on a member's timeline: entering and leaving a segment (staff only: a segment is the
business's way of grouping customers, named in its own words, such as "valuable, at risk")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from patronage.core.names import text_in_language
from patronage.members.timeline import register


def _segment_name(data: Mapping[str, Any]) -> str | None:
    name = data.get("name")
    if not isinstance(name, str) or not name:
        return None
    translations = data.get("name_translations")
    return text_in_language(name, translations if isinstance(translations, dict) else None, get_language())


def _entered(data: Mapping[str, Any], summary: str) -> str | None:
    name = _segment_name(data)
    return _("Entered the segment “%(name)s”") % {"name": name} if name else None


def _left(data: Mapping[str, Any], summary: str) -> str | None:
    name = _segment_name(data)
    return _("Left the segment “%(name)s”") % {"name": name} if name else None


SEGMENT_ENTERED = register(
    "segment_entered", gettext_lazy("Entered a segment"), "◎", "info", staff_only=True, render=_entered
)
SEGMENT_LEFT = register(
    "segment_left", gettext_lazy("Left a segment"), "○", "neutral", staff_only=True, render=_left
)

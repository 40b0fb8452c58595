"""What standards write on a member's timeline: that their case was pinned as an example for the team
meeting (staff only: it is about the staff's work, and its note may say more than the customer should read)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy

from patronage.members.timeline import register


def _note(data: Mapping[str, Any], summary: str) -> str | None:
    note = data.get("note")
    return note if isinstance(note, str) and note else None


EXAMPLE_PINNED = register(
    "example_pinned",
    gettext_lazy("Their case was pinned as an example for the team meeting"),
    "📌",
    "info",
    personal=True,
    staff_only=True,
    render=_note,
)

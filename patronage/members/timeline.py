"""The timeline's kinds. Each app registers its own in AppConfig.ready(); members' code never changes for them.

An event's `summary` is written once, in English, for search, export and the API. Pages show the kind's
`render` of the event's `data` instead, so that the reader's language is used; a kind without one, or an
event written before its data held enough (render returns None), shows the stored summary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

# The event's data and its stored summary, in words of the active language; None when data falls short.
Render = Callable[[Mapping[str, Any], str], str | None]


@dataclass(frozen=True)
class TimelineKind:
    code: str
    label: str | Promise
    icon: str  # one character or short emoji shown in the timeline's margin
    tone: str = "neutral"  # neutral | good | bad | info
    personal: bool = False  # its events say something personal and are deleted on erasure
    staff_only: bool = False  # written by staff for staff: never shown to the member
    render: Render | None = None

    def words(self, data: Mapping[str, Any], summary: str) -> str:
        """What happened, in the reader's language when the kind can say it, else the stored summary."""
        rendered = self.render(data, summary) if self.render is not None else None
        return summary if rendered is None else rendered


_KINDS: dict[str, TimelineKind] = {}


def register(
    code: str,
    label: str | Promise,
    icon: str,
    tone: str = "neutral",
    *,
    personal: bool = False,
    staff_only: bool = False,
    render: Render | None = None,
) -> TimelineKind:
    kind = TimelineKind(
        code=code,
        label=label,
        icon=icon,
        tone=tone,
        personal=personal,
        staff_only=staff_only,
        render=render,
    )
    _KINDS[code] = kind
    return kind


def kind_get(code: str) -> TimelineKind:
    """The registered kind, or a plain one for codes written by an app no longer installed."""
    return _KINDS.get(code) or TimelineKind(code=code, label=code.replace("_", " "), icon="•")


def kinds_all() -> list[TimelineKind]:
    return sorted(_KINDS.values(), key=lambda kind: str(kind.label))


def personal_kinds() -> list[str]:
    return [code for code, kind in _KINDS.items() if kind.personal]


def staff_only_kinds() -> list[str]:
    return [code for code, kind in _KINDS.items() if kind.staff_only]

"""The timeline's kinds. Each app registers its own in AppConfig.ready(); members' code never changes for them."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class TimelineKind:
    code: str
    label: str | Promise
    icon: str  # one character or short emoji shown in the timeline's margin
    tone: str = "neutral"  # neutral | good | bad | info
    personal: bool = False  # its events say something personal and are deleted on erasure
    staff_only: bool = False  # written by staff for staff: never shown to the member


_KINDS: dict[str, TimelineKind] = {}


def register(
    code: str,
    label: str | Promise,
    icon: str,
    tone: str = "neutral",
    *,
    personal: bool = False,
    staff_only: bool = False,
) -> TimelineKind:
    kind = TimelineKind(
        code=code, label=label, icon=icon, tone=tone, personal=personal, staff_only=staff_only
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

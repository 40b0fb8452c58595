from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patronage.core.words import points_words
from patronage.loyalty.ledger_words import event_words
from patronage.members.timeline import register


def _points(data: Mapping[str, Any]) -> int | None:
    points = data.get("points")
    return points if isinstance(points, int) and not isinstance(points, bool) else None


def _points_moved(data: Mapping[str, Any], summary: str) -> str | None:
    """'+120 points', or '+500 points: Birthday bonus' for an event's."""
    points = _points(data)
    if points is None:
        return None
    if isinstance(event := data.get("event"), str):
        return _("%(points)s: %(why)s") % {
            "points": points_words(points),
            "why": event_words(event, for_member=False),
        }
    return points_words(points)


def _points_expiring(data: Mapping[str, Any], summary: str) -> str | None:
    points = _points(data)
    try:
        day = datetime.fromisoformat(str(data.get("expires_at")))
    except ValueError:
        return None
    if points is None:
        return None
    return _("%(points)s expire on %(date)s") % {
        "points": points_words(points, signed=False),
        "date": date_format(day, "DATE_FORMAT"),
    }


POINTS_EARNED = register("points_earned", gettext_lazy("Points earned"), "+", "good", render=_points_moved)
POINTS_RETURNED = register(
    "points_returned", gettext_lazy("Points taken back"), "-", "bad", render=_points_moved
)
POINTS_ADJUSTED = register("points_adjusted", gettext_lazy("Points adjusted"), "±", "info")
POINTS_REDEEMED = register("points_redeemed", gettext_lazy("Points redeemed"), "🎁", "good")
POINTS_EXPIRING = register(
    "points_expiring", gettext_lazy("Points expiring soon"), "⏳", "info", render=_points_expiring
)
TIER_CHANGED = register("tier_changed", gettext_lazy("Tier changed"), "♛", "info")
BENEFIT_GRANTED = register("benefit_granted", gettext_lazy("Benefit granted"), "✦", "good")
BENEFIT_USED = register("benefit_used", gettext_lazy("Benefit used"), "✓", "good")

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from patronage.core.names import text_in_language
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
        "date": date_format(timezone.localtime(day) if timezone.is_aware(day) else day, "DATE_FORMAT"),
    }


def _text(data: Mapping[str, Any], key: str) -> str | None:
    """A name or reason stored as written; None when the event predates it."""
    value = data.get(key)
    return value if isinstance(value, str) else None


def _name(data: Mapping[str, Any], key: str) -> str | None:
    """A name stored with the event, in the reader's language when the event kept its translations
    (under `<key>s`, decision 0021), else as written in the main language."""
    name, names = _text(data, key), data.get(key + "s")
    if not name or not isinstance(names, Mapping):
        return name
    return text_in_language(name, names, get_language())


def _points_adjusted(data: Mapping[str, Any], summary: str) -> str | None:
    """'Adjusted by hand: +500 points (Welcome gift)'; the reason as the person wrote it."""
    points, reason = _points(data), _text(data, "reason")
    if points is None or reason is None:
        return None
    if not reason:
        return _("Adjusted by hand: %(points)s") % {"points": points_words(points)}
    return _("Adjusted by hand: %(points)s (%(reason)s)") % {"points": points_words(points), "reason": reason}


def _points_redeemed(data: Mapping[str, Any], summary: str) -> str | None:
    """'Redeemed 300 points for Steel tumbler'; a cancelled redemption's points come back (positive)."""
    points = _points(data)
    if points is None or "reward" not in data:
        return None
    reward, words = _name(data, "reward"), points_words(points, signed=False)
    if points > 0:
        if reward:
            return _("Redemption cancelled: %(points)s back for %(reward)s") % {
                "points": words,
                "reward": reward,
            }
        return _("Redemption cancelled: %(points)s back") % {"points": words}
    if reward:
        return _("Redeemed %(points)s for %(reward)s") % {"points": words, "reward": reward}
    return _("Redeemed %(points)s") % {"points": words}


def _tier_changed(data: Mapping[str, Any], summary: str) -> str | None:
    """'Moved from Silver to Gold', by the tiers' names when the event was written."""
    if "from_name" not in data or "to_name" not in data:
        return None
    old, new = _name(data, "from_name"), _name(data, "to_name")
    if old and new:
        return _("Moved from %(old)s to %(new)s") % {"old": old, "new": new}
    if new:
        return _("Reached %(tier)s") % {"tier": new}
    if old:
        return _("Left %(tier)s") % {"tier": old}
    return None


def _benefit_granted(data: Mapping[str, Any], summary: str) -> str | None:
    """'Benefit granted: Free delivery', or '... (3 times)' for more than one use."""
    name, quantity = _name(data, "name"), data.get("quantity")
    if not name:
        return None
    if isinstance(quantity, int) and not isinstance(quantity, bool) and quantity > 1:
        return ngettext(
            "Benefit granted: %(benefit)s (%(count)d use)",
            "Benefit granted: %(benefit)s (%(count)d uses)",
            quantity,
        ) % {"benefit": name, "count": quantity}
    return _("Benefit granted: %(benefit)s") % {"benefit": name}


def _benefit_used(data: Mapping[str, Any], summary: str) -> str | None:
    name = _name(data, "name")
    return _("Benefit used: %(benefit)s") % {"benefit": name} if name else None


POINTS_EARNED = register("points_earned", gettext_lazy("Points earned"), "+", "good", render=_points_moved)
POINTS_RETURNED = register(
    "points_returned", gettext_lazy("Points taken back"), "-", "bad", render=_points_moved
)
POINTS_ADJUSTED = register(
    "points_adjusted", gettext_lazy("Points adjusted"), "±", "info", render=_points_adjusted
)
POINTS_REDEEMED = register(
    "points_redeemed", gettext_lazy("Points redeemed"), "🎁", "good", render=_points_redeemed
)
POINTS_EXPIRING = register(
    "points_expiring", gettext_lazy("Points expiring soon"), "⏳", "info", render=_points_expiring
)
TIER_CHANGED = register("tier_changed", gettext_lazy("Tier changed"), "♛", "info", render=_tier_changed)
BENEFIT_GRANTED = register(
    "benefit_granted", gettext_lazy("Benefit granted"), "✦", "good", render=_benefit_granted
)
BENEFIT_USED = register("benefit_used", gettext_lazy("Benefit used"), "✓", "good", render=_benefit_used)

"""Template helpers for the standards pages: measured values, shares and periods in the reader's words."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from patronage.core.names import in_reader_language
from patronage.standards.models import Direction, Standard

register = template.Library()


@register.filter
def figure(value: float | None) -> str:
    """A measured value as the reader writes numbers, to at most two decimals: 2, 2.5, 1,234.75."""
    if value is None:
        return "—"
    rounded = round(float(value), 2)
    places = next(n for n in (0, 1, 2) if round(rounded, n) == rounded)
    return number_format(rounded, places, use_l10n=True, force_grouping=True)


@register.filter
def share(value: float | None) -> str:
    """A share as a percent with one decimal, in the reader's number format: 0.955 -> 95.5%."""
    if value is None:
        return "—"
    # number_format cuts digits off rather than rounding them.
    return number_format(round(100 * float(value), 1), 1, use_l10n=True) + "%"


@register.filter
def wanted_share(standard: Standard) -> str:
    """The share a standard wants meeting its target, as the percent a person typed: 95%, 97.5%."""
    return figure(100 * standard.target_share) + "%"


@register.filter
def period_words(start: date, period: str) -> str:
    """A period as the reader names it: a day, 'the week of' its Monday, a month."""
    if period == "week":
        return _("the week of %(day)s") % {"day": date_format(start, "DATE_FORMAT")}
    if period == "month":
        return date_format(start, "YEAR_MONTH_FORMAT")
    return date_format(start, "DATE_FORMAT")


@register.filter
def target_words(standard: Standard) -> str:
    """'≤ 2 rings for 95%': the target, its unit and the share that should meet it."""
    words = {
        "target": figure(standard.target),
        "unit": in_reader_language(standard, "unit"),
        "share": wanted_share(standard),
    }
    if standard.direction == Direction.LOWER:
        return _("≤ %(target)s %(unit)s for %(share)s") % words
    return _("≥ %(target)s %(unit)s for %(share)s") % words


@register.filter
def minimum_words(standard: Standard) -> str:
    """'never more than 4' (lower is better) or 'never less than 2' (higher is better)."""
    if standard.direction == Direction.LOWER:
        return _("never more than %(minimum)s") % {"minimum": figure(standard.minimum)}
    return _("never less than %(minimum)s") % {"minimum": figure(standard.minimum)}


@register.filter
def applies_words(standard: Standard) -> str:
    """Where a standard applies: its channel, team and store, or everywhere."""
    places = [
        capfirst(standard.get_channel_display()) if standard.channel else "",
        standard.team.name if standard.team else "",
        standard.store.name if standard.store else "",
    ]
    return " · ".join(place for place in places if place) or _("everywhere")

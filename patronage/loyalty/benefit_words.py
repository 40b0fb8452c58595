"""Where a benefit grant came from, in words: "Silver benefits for 2026" rather than `tier:silver:2026`.

A grant's `source` is a code the tier benefits write once per period (loyalty.services.benefits), so that
a period is never granted twice; staff read the tier's name and the period instead. No database: the
caller passes the program's tier names.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

MANUAL = "manual"
TIER_PREFIX = "tier:"
SEGMENT_PREFIX = "segment:"  # segment:<code>, the reason holding the segment's name when it was given
_SINCE = "since-"


def grant_source_words(source: str, *, tier_names: Mapping[str, str], reason: str = "") -> str:
    """`source` in a sentence: the tier and the period it was granted for, the segment, or by hand with the
    reason."""
    if source == MANUAL:
        return _("Given by hand: %(reason)s") % {"reason": reason} if reason else _("Given by hand")
    if source.startswith(SEGMENT_PREFIX):
        return _("For the members of %(segment)s") % {
            "segment": reason or source.removeprefix(SEGMENT_PREFIX)
        }
    if not source.startswith(TIER_PREFIX):
        return source
    tier_code, _sep, period = source.removeprefix(TIER_PREFIX).partition(":")
    tier = tier_names.get(tier_code, tier_code)
    when = _period_words(period)
    if when is None:
        return _("%(tier)s benefits") % {"tier": tier}
    return _("%(tier)s benefits for %(period)s") % {"tier": tier, "period": when}


def _period_words(period: str) -> str | None:
    """'2026' → '2026', '2026-11' → 'November 2026', 'since-20261123T101500' → 'the tier since 23 November 2026'."""
    try:
        if period.startswith(_SINCE):
            since = datetime.strptime(period.removeprefix(_SINCE), "%Y%m%dT%H%M%S").date()
            return _("the time in the tier since %(date)s") % {"date": date_format(since, "DATE_FORMAT")}
        if len(period) == 7:
            return date_format(datetime.strptime(period, "%Y-%m").date(), "YEAR_MONTH_FORMAT")
        if len(period) == 4 and period.isdigit():
            return period
    except ValueError:
        return None
    return None

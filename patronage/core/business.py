"""The business's settings as every part of the product reads them: name, clock, languages, brand.

One row (`core.Business`), read at most once every few seconds per process: a page, a task and a
message all ask for it, and a change on the settings page reaches every process within
`STALE_AFTER` seconds (at once in the process that saved it).
"""

from __future__ import annotations

import time
from zoneinfo import ZoneInfo

from django.conf import settings

from patronage.core.models import Business

STALE_AFTER = 5.0

_cached: tuple[float, Business] | None = None


def business() -> Business:
    """The business's settings; the defaults (unsaved) until an administrator first saves them."""
    global _cached
    now = time.monotonic()
    if _cached is not None and now - _cached[0] < STALE_AFTER:
        return _cached[1]
    found = Business.objects.filter(pk=1).first() or Business(pk=1)
    _cached = (now, found)
    return found


def business_forget() -> None:
    """Drops this process's copy, so the next read sees a change just saved (or a test's new database)."""
    global _cached
    _cached = None


def business_name() -> str:
    """The name the business goes by on every page; the server's configured name until one is set."""
    return business().name or settings.PATRONAGE_SITE_NAME


def business_zone() -> ZoneInfo:
    """The clock every date a person reads is shown in: the business's time zone."""
    return ZoneInfo(business().time_zone)


def business_languages() -> list[str]:
    """The languages the business writes its names in, its main language first."""
    return list(business().languages) or [settings.LANGUAGE_CODE]


def business_version() -> str:
    """A token that changes whenever the settings are saved: the brand's addresses carry it (`?v=`), so
    a browser fetches the new logo and colours at once and keeps the unchanged ones in its cache."""
    updated = business().updated_at
    # Microseconds too: two saves within one second must not share a token.
    return f"{int(updated.timestamp())}{updated.microsecond:06d}" if updated is not None else "0"

"""How many cases one address may file through the public form: a few in a window, then a pause.

A person with a problem files one case, perhaps two; a script files hundreds. The count lives in the
shared cache (Redis in production, a folder by default), per client address as the login throttle reads
it (behind the configured proxies). A window opens with the address's first case and lasts WINDOW; its
start is kept beside the count so that the refusal can say when to try again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.http import HttpRequest

from patronage.core import clock
from patronage.core.login_throttle import client_address

CASES_PER_WINDOW = 5
WINDOW = timedelta(minutes=10)


def _keys(request: HttpRequest) -> tuple[str, str]:
    address = client_address(request) or "unknown"
    return f"complaints:filed:{address}", f"complaints:since:{address}"


def intake_blocked_until(request: HttpRequest) -> datetime | None:
    """When this address may file again; None while it is under its limit."""
    count_key, since_key = _keys(request)
    if (cache.get(count_key) or 0) < CASES_PER_WINDOW:
        return None
    since = cache.get(since_key)
    start = datetime.fromtimestamp(since, tz=UTC) if since is not None else clock.now()
    return start + WINDOW


def intake_count(request: HttpRequest) -> None:
    """Counts one case filed from this address (or one a bot thought it filed)."""
    count_key, since_key = _keys(request)
    seconds = int(WINDOW.total_seconds())
    cache.add(since_key, clock.now().timestamp(), seconds)
    if not cache.add(count_key, 1, seconds):
        try:
            cache.incr(count_key)
        except ValueError:  # expired between the two calls: this case opens a new window
            cache.set(count_key, 1, seconds)

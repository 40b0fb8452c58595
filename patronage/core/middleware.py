"""Per-request settings every page shares."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone

from patronage.core.business import business


class BusinessClockMiddleware:
    """Shows every date and time on the business's clock (one clock, issue 11), whatever the server's zone.

    A portal page changes to the member's own zone (portal.access.member_required). The API writes
    instants with their offsets and /healthz says nothing of time: neither reads the business's row.
    """

    WITHOUT_CLOCK = ("/api/", "/healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path.startswith(self.WITHOUT_CLOCK):
            return self.get_response(request)
        try:
            zone = business().time_zone
        except DatabaseError:
            # The database is down: /healthz must still say so (503), and error pages still render.
            zone = settings.TIME_ZONE
        with timezone.override(zone):
            return self.get_response(request)

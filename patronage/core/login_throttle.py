"""Login throttling on top of django-axes: per account and per address, each with its own limit.

Axes records every failed login (the signal Django's `authenticate` sends) and its backend refuses
a locked account or address before any password is checked. What this module adds, and why, is in
docs/decisions/0015-login-throttling-and-headers.md.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.translation import ngettext


def client_address(request: HttpRequest) -> str | None:
    """The address a login came from: the peer, or, behind N proxies, the one the outermost proxy saw.

    Each proxy appends the peer it saw to X-Forwarded-For, so with N proxies in front the N-th entry from
    the right is the client. Entries further left are whatever the client sent and are never trusted.
    """
    proxies = settings.PATRONAGE_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies and _is_address(forwarded[-proxies]):
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per rule, and a success that clears only the account's own failures."""

    def rule_limits(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> list[int]:
        """The failure limit of each lockout rule, in the order of AXES_LOCKOUT_PARAMETERS."""
        account_limit = get_failure_limit(request, credentials)
        return [
            settings.PATRONAGE_LOGIN_FAILURES_PER_ADDRESS
            if rule in (["ip_address"], "ip_address")
            else account_limit
            for rule in get_lockout_parameters(request, credentials)
        ]

    def rule_tallies(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> list[int]:
        """The failures within the cool-off that each lockout rule counts for this request."""
        return [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        # Axes compares one number with one limit (AXES_FAILURE_LIMIT, the per-account limit). An address
        # is shared by everyone behind an office or mobile network, so it gets a higher limit of its own:
        # each rule's tally is shifted by the gap between the two limits, so it reaches AXES_FAILURE_LIMIT
        # exactly when it reaches its own.
        account_limit = get_failure_limit(request, credentials)
        tallies = self.rule_tallies(request, credentials)
        limits = self.rule_limits(request, credentials)
        return max(
            [0, *(tally - limit + account_limit for tally, limit in zip(tallies, limits, strict=True))]
        )

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        # Axes would clear every rule's failures, those of the address included: anyone with an account
        # of their own (the portal's sign-up is open) could then sign in between guesses at someone else's
        # password and never be throttled. A success proves only the account's own password.
        username = get_client_username(request, credentials)
        if username is None:
            return 0
        count, _deleted = AccessAttempt.objects.filter(username=username).delete()
        return count

    def lockout_ends(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> datetime:
        """When this request may sign in again: when each rule at its limit has let enough failures age out."""
        cool_off = get_cool_off(request) or timedelta(0)
        ends = []
        for attempts, limit in zip(
            self.get_user_attempts(request, credentials), self.rule_limits(request, credentials), strict=True
        ):
            counted = 0
            for at, failures in attempts.order_by("-attempt_time").values_list(
                "attempt_time", "failures_since_start"
            ):
                counted += failures
                if counted >= limit:
                    ends.append(at + cool_off)
                    break
        return max(ends, default=timezone.now() + cool_off)


def lockout_wait(request: HttpRequest) -> timedelta:
    """How long the locked-out request must wait, worked out once per request."""
    if not hasattr(request, "login_lockout_wait"):
        handler = AxesProxyHandler.get_implementation()
        credentials = getattr(request, "axes_credentials", None)
        ends = handler.lockout_ends(request, credentials)
        request.login_lockout_wait = max(ends - timezone.now(), timedelta(0))  # type: ignore[attr-defined]
    wait: timedelta = request.login_lockout_wait  # type: ignore[attr-defined]
    return wait


def lockout_message(request: HttpRequest) -> str:
    """What a locked-out person reads, in their language: what happened and when to try again."""
    minutes = max(1, math.ceil(lockout_wait(request).total_seconds() / 60))
    return ngettext(
        "Too many failed sign-in attempts. For your security, signing in is paused: "
        "please try again in %(minutes)d minute.",
        "Too many failed sign-in attempts. For your security, signing in is paused: "
        "please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponseBase | None, credentials: dict[str, Any] | None
) -> HttpResponseBase:
    """AXES_LOCKOUT_CALLABLE: keeps our own login page (its form already says why) and marks it 429."""
    response = original_response if isinstance(original_response, HttpResponseBase) else None
    if response is None:
        # Only our login forms authenticate with a request, so this is a safety net, not a page anyone sees.
        response = HttpResponse(lockout_message(request), content_type="text/plain; charset=utf-8")
    response.status_code = 429
    response["Retry-After"] = str(math.ceil(lockout_wait(request).total_seconds()))
    return response


class ThrottledAuthenticationForm(AuthenticationForm):
    """A login form that tells a locked-out person so, instead of calling their password wrong."""

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError as error:
            # Axes flags the request when this failure reached a limit, or when the account or address
            # was already locked (then even the right password was refused without being checked).
            if self.request is not None and getattr(self.request, "axes_locked_out", False):
                raise ValidationError(lockout_message(self.request), code="locked_out") from error
            raise

"""Who may call the API: an integration's API key, or a staff person logged in to the console.

Every endpoint names one scope with `require_scope`. An API key must hold that scope; a staff
session must hold the permission the scope stands for, through any of the person's groups. Members of the portal are never
API callers, so their sessions are treated as no credentials at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from patronage.analytics.permissions import ANALYTICS_ANY
from patronage.care.permissions import CASES_WORK
from patronage.core.apikeys import SCOPES, apikey_authenticate
from patronage.core.audit import integration_acting
from patronage.core.models import ApiKey, User
from patronage.feedback.permissions import RESULTS_VIEW, SURVEYS_MANAGE
from patronage.loyalty.permissions import LOYALTY_ADJUST, LOYALTY_CONFIGURE, LOYALTY_VIEW
from patronage.members.permissions import MEMBERS_EDIT, MEMBERS_IMPORT, MEMBERS_PRIVACY, MEMBERS_VIEW
from patronage.messages.permissions import INBOUND_RECEIVE, WEBHOOKS_MANAGE
from patronage.segments.permissions import CAMPAIGNS_SEND, EVENTS_MANAGE, SEGMENTS_MANAGE, SEGMENTS_VIEW
from patronage.standards.permissions import MEASUREMENTS_ADD, STANDARDS_MANAGE, STANDARDS_VIEW

# The permission a staff session needs for each scope (a tuple: any one of them); a new scope adds its
# line here. An endpoint may ask more of a session once it knows what is read (an analysis's kind).
SCOPE_PERMISSIONS: dict[str, str | tuple[str, ...]] = {
    "members:read": MEMBERS_VIEW,
    "members:write": MEMBERS_EDIT,
    "members:privacy": MEMBERS_PRIVACY,
    "imports": MEMBERS_IMPORT,
    "loyalty:read": LOYALTY_VIEW,
    "loyalty:write": LOYALTY_ADJUST,
    "loyalty:configure": LOYALTY_CONFIGURE,
    "analytics": ANALYTICS_ANY,
    "webhooks:manage": WEBHOOKS_MANAGE,
    "inbound:write": INBOUND_RECEIVE,
    "care:read": CASES_WORK,
    "care:write": CASES_WORK,
    "surveys:read": RESULTS_VIEW,
    "surveys:write": SURVEYS_MANAGE,
    "standards:read": STANDARDS_VIEW,
    # Each endpoint asks a session for the one it needs: defining a standard, or sending measurements.
    "standards:write": (STANDARDS_MANAGE, MEASUREMENTS_ADD),
    "segments:read": SEGMENTS_VIEW,
    "segments:write": SEGMENTS_MANAGE,
    "campaigns:write": CAMPAIGNS_SEND,
    "events:write": EVENTS_MANAGE,
}

NOT_AUTHENTICATED = (
    "No valid credentials: send an API key as 'Authorization: Bearer KEY', or log in to the console as staff."
)


@dataclass(frozen=True)
class Caller:
    """The authenticated caller, kept on `request.auth`: exactly one of the two is set."""

    api_key: ApiKey | None = None
    user: User | None = None


class ApiKeyAuth(HttpBearer):
    """`Authorization: Bearer KEY`, holding `scope` (None: any valid key)."""

    def __init__(self, scope: str | None) -> None:
        self.scope = scope
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        key = apikey_authenticate(plain=token.strip())
        # A caller who sends a key means to use it: say it is wrong rather than falling back to a session.
        if key is None:
            raise AuthenticationError(message="The API key is not valid: it is unknown or has been revoked.")
        if self.scope is not None and self.scope not in key.scopes:
            raise AuthorizationError(message=f"This API key does not hold the '{self.scope}' scope.")
        integration_acting(f"apikey:{key.prefix} ({key.name})")
        return Caller(api_key=key)


class StaffSessionAuth(APIKeyCookie):
    """A staff person's console session, whose groups hold `permission` (or one of a tuple of them);
    CSRF-checked on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, permission: str | tuple[str, ...] | None) -> None:
        self.permissions = (permission,) if isinstance(permission, str) else permission
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # CSRF is checked in authenticate, once a staff session is known to be there, so that a request
        # without any credentials gets 401 rather than a CSRF failure.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        user = request.user
        if not isinstance(user, User) or not user.is_staff_member:
            return None
        if check_csrf(request) is not None:
            raise AuthorizationError(
                message="CSRF check failed: send the csrftoken cookie's value as the X-CSRFToken header."
            )
        if self.permissions is not None and not any(
            user.has_staff_perm(permission) for permission in self.permissions
        ):
            needed = " or ".join(f"'{permission}'" for permission in self.permissions)
            raise AuthorizationError(
                message=f"Your groups ({user.roles_display or 'none'}) may not do this: it needs the "
                f"{needed} permission."
            )
        return Caller(user=user)


def require_scope(scope: str, *, staff_permission: str | tuple[str, ...] | None = None) -> list[AuthBase]:
    """The `auth=` of an endpoint that needs `scope`; `staff_permission` overrides the scope's own for sessions."""
    if scope not in SCOPES or scope not in SCOPE_PERMISSIONS:
        raise ValueError(f"unknown API scope '{scope}'")
    return [ApiKeyAuth(scope), StaffSessionAuth(staff_permission or SCOPE_PERMISSIONS[scope])]


def require_any_caller() -> list[AuthBase]:
    """The `auth=` of an endpoint that describes the API itself (the webhook topics): any valid key, whatever
    its scopes, or any staff session."""
    return [ApiKeyAuth(None), StaffSessionAuth(None)]


def acting_user(request: HttpRequest) -> User | None:
    """The staff user to pass to services as `actor`; None when an integration calls with an API key."""
    caller: Any = getattr(request, "auth", None)
    return caller.user if isinstance(caller, Caller) else None

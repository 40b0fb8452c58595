"""The audit log: every staff or integration change writes one entry inside the change's own transaction."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

from patronage.core import clock
from patronage.core.models import AuditEntry, User

# The integration (API key) acting in the current request, so that its changes are audited under its name.
_integration: ContextVar[str | None] = ContextVar("audit_integration", default=None)


def audit_record(
    *, actor: User | None, action: str, target: object | None = None, actor_label: str = "", **detail: Any
) -> AuditEntry:
    """Write one audit entry for a change made by `actor` (None for the system or an integration)."""
    target_type = target._meta.label_lower if target is not None and hasattr(target, "_meta") else ""
    target_id = str(getattr(target, "pk", "") or "") if target is not None else ""
    label = actor_label or (actor.get_username() if actor is not None else _integration.get() or "system")
    return AuditEntry.objects.create(
        at=clock.now(),
        actor=actor,
        actor_label=label,
        action=action,
        target_type=target_type,
        target_id=target_id,
        detail=detail,
    )


def audit_change(*, actor: User | None, action: str, target: object | None = None, **detail: Any) -> None:
    """Audits a change made by staff or by an integration; members' own changes live on their timeline."""
    if (actor is not None and actor.is_staff_member) or (actor is None and _integration.get()):
        audit_record(actor=actor, action=action, target=target, **detail)


def integration_acting(label: str) -> None:
    """Marks the current request as made by an integration (called once its API key is verified)."""
    _integration.set(label)


class AuditContextMiddleware:
    """Starts every request with no integration acting, so a thread's previous request never leaks into it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _integration.set(None)
        try:
            return self.get_response(request)
        finally:
            _integration.reset(token)

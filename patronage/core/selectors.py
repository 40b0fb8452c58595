"""Reads of core records: the audit log, staff users and API keys."""

from __future__ import annotations

from django.db.models import QuerySet

from patronage.core.models import ApiKey, AuditEntry, User
from patronage.core.roles import STAFF_ROLES


def audit_entries(*, action: str = "", actor: str = "", target: str = "") -> QuerySet[AuditEntry]:
    """The audit log, newest first; `target` matches an id ('42') or a type and id ('member#42')."""
    entries = AuditEntry.objects.all()
    if action:
        entries = entries.filter(action=action)
    if actor:
        entries = entries.filter(actor_label__iexact=actor)
    if target:
        target_type, _sep, target_id = target.rpartition("#")
        entries = entries.filter(target_id=target_id.strip())
        if target_type.strip():
            entries = entries.filter(target_type__endswith=target_type.strip().lower())
    return entries.order_by("-at", "-id")


def audit_actions() -> list[str]:
    return list(AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct())


def staff_users() -> QuerySet[User]:
    """Active staff, who can be assigned as a customer's account manager."""
    return User.objects.filter(is_active=True, role__in=[role.value for role in STAFF_ROLES]).order_by(
        "username"
    )


def apikey_list() -> QuerySet[ApiKey]:
    return ApiKey.objects.order_by("-created_at", "-id")


def apikey_get(*, key_id: int) -> ApiKey | None:
    return ApiKey.objects.filter(pk=key_id).first()

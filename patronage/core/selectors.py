"""Reads of core records: the audit log, staff users and API keys."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db.models import Prefetch, QuerySet

from patronage.core.models import AccountKind, ApiKey, AuditEntry, User


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
    return User.objects.filter(is_active=True, kind=AccountKind.STAFF).order_by("username")


def staff_list() -> QuerySet[User]:
    """Every staff account, active or not, with its groups, for the staff page."""
    groups = Prefetch("groups", queryset=Group.objects.order_by("name"))
    return User.objects.filter(kind=AccountKind.STAFF).prefetch_related(groups).order_by("username")


def staff_get(*, user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, kind=AccountKind.STAFF).first()


def group_list() -> QuerySet[Group]:
    """The groups staff may be given, with their permissions, by name."""
    return Group.objects.prefetch_related("permissions__content_type").order_by("name")


def apikey_list() -> QuerySet[ApiKey]:
    return ApiKey.objects.order_by("-created_at", "-id")


def apikey_get(*, key_id: int) -> ApiKey | None:
    return ApiKey.objects.filter(pk=key_id).first()

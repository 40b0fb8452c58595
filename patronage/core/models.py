from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from patronage.core.roles import STAFF_ROLES, Role, role_has


class User(AbstractUser):
    """A person who logs in: staff (by role) or a member of the portal."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.MEMBER)

    @property
    def is_staff_member(self) -> bool:
        return self.is_active and self.role in STAFF_ROLES

    def has_role_permission(self, permission: str) -> bool:
        return self.is_staff_member and role_has(self.role, permission)


class AuditEntry(models.Model):
    """One staff (or integration) action that changed something. Append-only."""

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=150, help_text="who acted, kept when the user is deleted")
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    detail: models.JSONField[Any] = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_type}#{self.target_id}"
        )


class ApiKey(models.Model):
    """A key an integration sends as `Authorization: Bearer KEY`. Only its hash is stored."""

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True, help_text="the key's public start, used to find it")
    key_hash = models.CharField(max_length=64)
    scopes: models.JSONField[list[str]] = models.JSONField(default=list)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class OutboxEvent(models.Model):
    """A business event for the webhooks to deliver, written in the same transaction as its cause.

    One outbox for every app: a consumer reads undelivered events in id order.
    """

    topic = models.CharField(max_length=48, db_index=True)
    payload: models.JSONField[dict[str, Any]] = models.JSONField()
    key = models.CharField(max_length=200, unique=True, help_text="a retried cause writes no second event")
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["delivered_at", "id"])]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"

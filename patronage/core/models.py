from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from patronage.core.roles import role_label


class AccountKind(models.TextChoices):
    """Separate kinds of login: a member's account never opens the console or calls the staff API."""

    STAFF = "staff", _("Staff")
    MEMBER = "member", _("Member")


class User(AbstractUser):
    """A person who logs in: staff, whose rights come from their groups, or a member of the portal."""

    kind = models.CharField(_("kind"), max_length=16, choices=AccountKind.choices, default=AccountKind.MEMBER)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("manage_staff", _("Can manage staff, their groups and API keys"))]

    @property
    def is_staff_member(self) -> bool:
        return self.is_active and self.kind == AccountKind.STAFF

    def has_staff_perm(self, permission: str) -> bool:
        """Whether this is active staff holding `permission` ('app_label.codename') through any of its groups."""
        return self.is_staff_member and self.has_perm(permission)

    @property
    def roles_display(self) -> str:
        """The groups this person holds, as the console shows them next to their name."""
        return ", ".join(sorted(role_label(group.name) for group in self.groups.all()))


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
        permissions = [("view_audit_log", _("Can read the audit log"))]

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

    One outbox for every app: the webhooks read the events not yet handed to them in id order.
    `delivered_at` is when the event was handed to the webhooks (one delivery made per matching endpoint,
    messaging.WebhookDelivery), not when any endpoint received it; events are purged some days after.
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


def default_time_zone() -> str:
    from django.conf import settings

    return str(settings.TIME_ZONE)


def every_language() -> list[str]:
    from django.conf import settings

    return [code for code, _name in settings.LANGUAGES]


class Business(models.Model):
    """The business that runs the product: its name, its clock, its languages and its brand. One row.

    Read it with `patronage.core.business.business()`, which stands in the defaults until an
    administrator first saves the settings page.
    """

    name = models.CharField(_("business name"), max_length=100, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default=default_time_zone)
    # The languages the business writes its names in; the first is the one a missing translation falls back to.
    languages: models.JSONField[list[str]] = models.JSONField(_("languages"), default=every_language)
    logo = models.BinaryField(_("logo"), null=True, blank=True, max_length=256 * 1024)
    logo_type = models.CharField(max_length=32, blank=True, help_text="the logo's media type")
    # Buttons, links and the current page in the menus; the text on it is black or white, whichever reads.
    colour = models.CharField(_("brand colour"), max_length=7, default="#2f5bd3")
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("business")
        permissions = [("manage_business", _("Can change the business's name, clock, languages and brand"))]

    def __str__(self) -> str:
        return self.name

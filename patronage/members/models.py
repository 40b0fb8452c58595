from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils.translation import gettext_lazy as _


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    MERGED = "merged", _("Merged into another")
    ERASED = "erased", _("Erased")


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=64, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """One customer's file. Identities, consents, notes and the timeline hang off it."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    name_key = models.CharField(max_length=150, blank=True, db_index=True, editable=False)
    # The romanised words the search finds the name by (members.search_keys), each behind a space.
    name_latin = models.CharField(max_length=500, blank=True, default="", editable=False)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    locale = models.CharField(_("language"), max_length=16, default="en")
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True, db_index=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    preferences: models.JSONField[dict[str, Any]] = models.JSONField(
        _("preferences"), default=dict, blank=True
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="members")
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_members",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="member"
    )
    source = models.CharField(
        _("source"), max_length=32, blank=True, help_text="channel the member joined through"
    )
    status = models.CharField(max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    joined_at = models.DateTimeField(_("joined"), db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "-id"]),
            # Cover the dashboard's counts (sign-ups per month, members per source) without reading rows.
            models.Index(fields=["joined_at", "status"], name="member_joined_status"),
            models.Index(fields=["status", "source"], name="member_status_source"),
        ]
        permissions = [
            ("view_customers", _("Can see customers' files")),
            ("edit_customers", _("Can edit customers' files, notes, tags and consents")),
            ("import_members", _("Can import customers and transactions")),
            ("merge_members", _("Can merge duplicate customers")),
            ("handle_personal_data", _("Can export and erase a customer's personal data")),
            ("export_customers", _("Can download the customer list")),
        ]

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from patronage.members.normalise import name_key, name_latin

        self.name_key = name_key(self.name)
        self.name_latin = name_latin(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key", "name_latin"}
        super().save(*args, **kwargs)


class IdentityKind(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    CARD = "card", _("Card number")
    EXTERNAL = "external", _("External id")


class Identity(models.Model):
    """A way to recognise a member; each (kind, namespace, value) belongs to exactly one member."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=16, choices=IdentityKind.choices)
    namespace = models.CharField(
        max_length=32,
        blank=True,
        default="",
        help_text="source system of an external id (e.g. 'pos', 'shop')",
    )
    value = models.CharField(max_length=254)
    is_primary = models.BooleanField(default=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "identities"
        constraints = [
            models.UniqueConstraint(fields=["kind", "namespace", "value"], name="identity_unique_value"),
        ]
        indexes = [
            models.Index(fields=["value"]),
            models.Index(fields=["member", "kind"]),
            # The search compares card numbers without their dashes (members.search_keys.card_compact).
            models.Index(Replace("value", Value("-"), Value("")), name="identity_value_compact"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class ConsentPurpose(models.TextChoices):
    EMAIL_MARKETING = "email_marketing", _("Marketing by e-mail")
    SMS_MARKETING = "sms_marketing", _("Marketing by text message")
    PHONE_MARKETING = "phone_marketing", _("Marketing by phone")
    PROFILING = "profiling", _("Personalised offers from my purchase history")
    THIRD_PARTY = "third_party", _("Sharing with partner companies")


class ConsentMethod(models.TextChoices):
    PORTAL = "portal", _("Member portal")
    CONSOLE = "console", _("Staff console")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    PAPER = "paper", _("Paper form")
    PHONE = "phone", _("Phone call")


class Consent(models.Model):
    """A member's current answer for one purpose; its history is in ConsentEvent."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=32, choices=ConsentPurpose.choices)
    granted = models.BooleanField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "purpose"], name="consent_one_per_purpose")]

    def __str__(self) -> str:
        return f"{self.purpose}={self.granted}"


class ConsentEvent(models.Model):
    """One grant or withdrawal: what, when, how, and by whom it was recorded. Append-only."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="consent_events")
    purpose = models.CharField(max_length=32, choices=ConsentPurpose.choices)
    granted = models.BooleanField()
    method = models.CharField(max_length=16, choices=ConsentMethod.choices)
    evidence = models.CharField(
        max_length=300, blank=True, help_text="wording shown, form id, call reference"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.purpose}={self.granted} via {self.method}"


class Note(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("note"))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.body[:50]


class TimelineEvent(models.Model):
    """One thing that happened to a member. Kinds are registered by apps (members.timeline)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=48)
    occurred_at = models.DateTimeField()
    summary = models.CharField(max_length=300, blank=True)
    data: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    source_type = models.CharField(max_length=64, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dedupe_key = models.CharField(max_length=128, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["member", "-occurred_at", "-id"]),
            models.Index(fields=["source_type", "source_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%Y-%m-%d}"


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    TRANSACTIONS = "transactions", _("Transactions")
    MEASUREMENTS = "measurements", _("Measurements of service standards")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    CHECKING = "checking", _("Checking")
    REJECTED = "rejected", _("Rejected")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One uploaded file: checked whole first, then imported whole or not at all."""

    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    file_name = models.CharField(max_length=255)
    file_path = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    errors: models.JSONField[list[dict[str, Any]]] = models.JSONField(default=list, blank=True)
    # What the file's rows do not say (the namespace of customer ids, the sending system of orders),
    # kept on the job so that a run again (a failed or redelivered job) reads the file the same way.
    options: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    # What a finished import did besides its counts, e.g. "2 new stores created".
    notes: models.JSONField[list[dict[str, Any] | str]] = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"

    @property
    def progress_percent(self) -> int:
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0


class DuplicateDismissal(models.Model):
    """Two files staff found to be different people: the duplicate finder no longer pairs them.

    The pair is stored once, the lower id first. The rows go with either file (the erasure registry, and
    a merge, delete them)."""

    first = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_dismissal_one_per_pair"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="duplicate_dismissal_lower_id_first"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.first_id} and #{self.second_id} are different people"

"""Cases (complaints, inquiries, compliments, suggestions), their SLA legs, compensation and notices.

A case's status moves only through care.flows.case_transition. Its SLA legs carry their due times as
columns, so breach is read from stored instants and the sweep finds what is due by an index (decision
0025).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_case_token() -> str:
    """The secret of a customer's link to their case."""
    return secrets.token_urlsafe(24)


class CaseType(models.TextChoices):
    COMPLAINT = "complaint", _("complaint")
    INQUIRY = "inquiry", _("inquiry")
    COMPLIMENT = "compliment", _("compliment")
    SUGGESTION = "suggestion", _("suggestion")


class CaseChannel(models.TextChoices):
    WEB_FORM = "web_form", _("web form")
    PORTAL = "portal", _("member portal")
    EMAIL = "email", _("e-mail")
    PHONE = "phone", _("phone")
    STORE = "store", _("in store")
    CHAT = "chat", _("chat")
    API = "api", _("other system")
    SURVEY = "survey", _("survey answer")


class Severity(models.TextChoices):
    MINOR = "minor", _("minor")
    MAJOR = "major", _("major")
    CRITICAL = "critical", _("critical")


class CaseStatus(models.TextChoices):
    """The six recovery steps as the case moves through them, plus waiting, reopened and closed."""

    ACKNOWLEDGED = "acknowledged", _("acknowledged")  # 1. apologised and acknowledged
    LISTENING = "listening", _("listening")  # 2. listening, asking
    PROPOSED = "proposed", _("solution proposed")  # 3. a fair solution proposed
    COMPENSATED = "compensated", _("compensated")  # 4. value-added compensation given
    PROMISED = "promised", _("fix promised")  # 5. the fix promised by a date, tracked to done
    RESOLVED = "resolved", _("resolved")
    WAITING = "waiting", _("waiting for the customer")
    REOPENED = "reopened", _("reopened")
    CLOSED = "closed", _("closed")  # 6. the follow-up comes after closing
    MERGED = "merged", _("merged into another case")


OPEN_STATUSES = frozenset(CaseStatus) - {CaseStatus.CLOSED, CaseStatus.MERGED}


class Category(models.Model):
    """A node of the business's category tree ("Delivery / Late delivery")."""

    name = models.CharField(_("name"), max_length=100)
    name_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="care_category_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class RootCause(models.Model):
    """Why a problem happened, filled in by the agent; a list the business edits."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A group of agents a case can be assigned to, with the lead who is told of its breaches."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="care_teams")
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BusinessCalendar(models.Model):
    """Opening hours, breaks and holidays in a time zone: the document care.sla reads (and the editor
    imports and exports)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    document: models.JSONField[dict[str, Any]] = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SlaPolicy(models.Model):
    """Targets per leg for the cases its conditions match; the first matching policy in order wins, and
    the default (which cannot be deleted) matches every case."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(default=0)
    is_default = models.BooleanField(default=False)
    calendar = models.ForeignKey(BusinessCalendar, null=True, blank=True, on_delete=models.PROTECT)
    # Conditions: an empty list matches anything.
    case_types: models.JSONField[list[str]] = models.JSONField(default=list, blank=True)
    severities: models.JSONField[list[str]] = models.JSONField(default=list, blank=True)
    channels: models.JSONField[list[str]] = models.JSONField(default=list, blank=True)
    categories = models.ManyToManyField(Category, blank=True, related_name="+")
    tiers: models.JSONField[list[str]] = models.JSONField(
        default=list, blank=True, help_text="tier codes; a member in any program's such tier matches"
    )
    min_predicted_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # Targets in business seconds; None: the leg is not measured.
    first_response_seconds = models.PositiveIntegerField(null=True, blank=True)
    next_response_seconds = models.PositiveIntegerField(null=True, blank=True)
    resolution_seconds = models.PositiveIntegerField(null=True, blank=True)
    follow_up_seconds = models.PositiveIntegerField(null=True, blank=True)
    warn_percents: models.JSONField[list[int]] = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["is_default", "position", "pk"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        permissions = [("manage_sla", _("Can change SLA policies and calendars"))]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="care_sla_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    reference = models.CharField(max_length=20, unique=True, blank=True)
    type = models.CharField(max_length=12, choices=CaseType.choices, default=CaseType.COMPLAINT)
    channel = models.CharField(max_length=10, choices=CaseChannel.choices)
    status = models.CharField(max_length=14, choices=CaseStatus.choices, default=CaseStatus.ACKNOWLEDGED)
    status_before_wait = models.CharField(max_length=14, choices=CaseStatus.choices, blank=True)
    summary = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    language = models.CharField(max_length=16, blank=True, help_text="the customer's language")
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.CharField(max_length=254, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL)
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.MINOR)
    product = models.ForeignKey("commerce.Product", null=True, blank=True, on_delete=models.SET_NULL)
    order = models.ForeignKey("commerce.Order", null=True, blank=True, on_delete=models.SET_NULL)
    store = models.ForeignKey("commerce.Store", null=True, blank=True, on_delete=models.SET_NULL)
    root_cause = models.ForeignKey(RootCause, null=True, blank=True, on_delete=models.SET_NULL)
    tags: models.JSONField[list[str]] = models.JSONField(default=list, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    policy = models.ForeignKey(SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL)
    external_id = models.CharField(
        max_length=100, blank=True, help_text="the sending system's id, so a retried request files one case"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_cases"
    )
    solution = models.TextField(blank=True, help_text="the solution proposed (step 3)")
    promise = models.TextField(blank=True, help_text="the fix promised (step 5)")
    promised_by = models.DateField(null=True, blank=True)
    promise_kept_at = models.DateTimeField(null=True, blank=True)
    follow_up_sent_at = models.DateTimeField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 to 5")
    satisfaction_comment = models.TextField(blank=True)
    satisfaction_at = models.DateTimeField(null=True, blank=True)
    # A secret for the customer's link to their case (the public form gives no login): a reference alone
    # is guessable, so it never opens a case.
    access_token = models.CharField(max_length=64, default=new_case_token, unique=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("work_cases", _("Can handle cases: reply, move them through the steps, compensate")),
            ("lead_cases", _("Can approve compensation over an agent's limit and reassign cases")),
            ("manage_care", _("Can change categories, root causes, teams and notices")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~Q(external_id=""),
                name="care_case_unique_external_id",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "updated_at"]),
            models.Index(fields=["member", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.reference or f"case {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class LegKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("first response")
    NEXT_RESPONSE = "next_response", _("next response")
    RESOLUTION = "resolution", _("resolution")
    FOLLOW_UP = "follow_up", _("follow-up")


class SlaLeg(models.Model):
    """One measured stretch of a case (first response, a next response, resolution, follow-up).

    `due_at` is null while the case waits for the customer (the clock is paused) and once the leg is met;
    `breached_at` is the due time itself, set by whoever sees it first, so breach never depends on when a
    job ran.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="legs")
    kind = models.CharField(max_length=16, choices=LegKind.choices)
    started_at = models.DateTimeField()
    target_seconds = models.PositiveIntegerField()
    due_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    late_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="business seconds late, once met after its due time"
    )
    warn_at = models.DateTimeField(null=True, blank=True, help_text="when the next warning is due")
    warned_percent = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="care_leg_running_due",
                condition=Q(met_at__isnull=True, breached_at__isnull=True, due_at__isnull=False),
            ),
            models.Index(
                fields=["warn_at"],
                name="care_leg_warning_due",
                condition=Q(met_at__isnull=True, warn_at__isnull=False),
            ),
            models.Index(
                fields=["breached_at"],
                name="care_leg_escalation_due",
                condition=Q(escalated_at__isnull=True, breached_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"


class CasePause(models.Model):
    """A stretch of waiting for the customer: the SLA clock stops from `started_at` to `ended_at`."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_at__isnull=True), name="care_one_open_pause"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} paused {self.started_at:%Y-%m-%d %H:%M}"


class EntryKind(models.TextChoices):
    CREATED = "created", _("filed")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    REPLY_OUT = "reply_out", _("reply to the customer")
    REPLY_IN = "reply_in", _("the customer wrote")
    NOTE = "note", _("internal note")
    STATUS = "status", _("status changed")
    ASSIGNED = "assigned", _("assigned")
    COMPENSATION = "compensation", _("compensation")
    PROMISE = "promise", _("fix promised")
    PROMISE_KEPT = "promise_kept", _("fix done")
    FOLLOW_UP = "follow_up", _("follow-up sent")
    RATED = "rated", _("customer rated")
    BREACHED = "breached", _("target missed")
    WARNED = "warned", _("target warning")
    MERGED = "merged", _("merged")
    MATCHED = "matched", _("matched to a member")
    CLASSIFIED = "classified", _("classified")


class CaseEntry(models.Model):
    """The case's own timeline: replies both ways, notes, and every change."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=14, choices=EntryKind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(blank=True)
    public = models.BooleanField(default=False, help_text="the customer sees it")
    data: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = _("case entries")

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"


class CompensationKind(models.TextChoices):
    POINTS = "points", _("points")
    BENEFIT = "benefit", _("benefit")
    VOUCHER = "voucher", _("voucher")
    REPLACEMENT = "replacement", _("replacement")
    REFUND = "refund", _("refund")


class CompensationStatus(models.TextChoices):
    GRANTED = "granted", _("granted")
    AWAITING_APPROVAL = "awaiting", _("awaiting approval")
    DECLINED = "declined", _("declined")


class Compensation(models.Model):
    """Value given to put things right (step 4), with its worth in money; once per key."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="compensations")
    kind = models.CharField(max_length=12, choices=CompensationKind.choices)
    status = models.CharField(max_length=10, choices=CompensationStatus.choices)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    points = models.PositiveIntegerField(null=True, blank=True)
    program = models.ForeignKey("loyalty.Program", null=True, blank=True, on_delete=models.PROTECT)
    benefit = models.ForeignKey("loyalty.Benefit", null=True, blank=True, on_delete=models.PROTECT)
    voucher_code = models.CharField(max_length=40, blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text="the replacement order or refund")
    note = models.CharField(max_length=500, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    ledger_entry = models.ForeignKey(
        "loyalty.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    benefit_grant = models.ForeignKey(
        "loyalty.BenefitGrant", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.kind} {self.value} {self.currency}"


class CompensationLimit(models.Model):
    """How much value a role may give on its own; a person holds the highest of their groups'."""

    group = models.OneToOneField("auth.Group", on_delete=models.CASCADE, related_name="care_limit")
    value = models.DecimalField(max_digits=14, decimal_places=2)

    def __str__(self) -> str:
        return f"{self.group} {self.value}"


class NoticeKind(models.TextChoices):
    DELAY = "delay", _("delayed orders")
    RECALL = "recall", _("product recall")
    OUTAGE = "outage", _("service outage")
    OTHER = "other", _("other problem")


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")


class Notice(models.Model):
    """A problem on the business's side, told to the customers it touches before they find it, with an
    apology and, optionally, goodwill points given to each exactly once."""

    kind = models.CharField(max_length=8, choices=NoticeKind.choices, default=NoticeKind.DELAY)
    title = models.CharField(_("title"), max_length=200)
    title_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    message = models.TextField(_("message"))
    message_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    # Who it touches: any of these (their union).
    order_numbers: models.JSONField[list[str]] = models.JSONField(
        default=list, blank=True, help_text="orders' external ids"
    )
    product = models.ForeignKey("commerce.Product", null=True, blank=True, on_delete=models.PROTECT)
    bought_from = models.DateField(null=True, blank=True)
    bought_to = models.DateField(null=True, blank=True)
    member_ids: models.JSONField[list[int]] = models.JSONField(default=list, blank=True)
    # Goodwill: points to each, in this program.
    points = models.PositiveIntegerField(null=True, blank=True)
    program = models.ForeignKey("loyalty.Program", null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField(max_length=8, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True, help_text="when everyone it touches was told")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class NoticeRecipient(models.Model):
    """One customer a notice touches: told once, compensated once."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    # The secret of the customer's link to the notice (the e-mail's reader has no login), as a case's.
    access_token = models.CharField(max_length=64, default=new_case_token, unique=True)
    told_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True, help_text="when they first opened the link")
    compensated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "member"], name="care_notice_recipient_once"),
        ]
        indexes = [
            models.Index(fields=["notice"], name="care_notice_untold", condition=Q(told_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.notice} → {self.member_id}"


class CaseAttachment(models.Model):
    """A file sent with a case (a photo of the damage, a receipt): checked by its content, stored under a
    random name (care.attachments); `name` is the sender's own file name, cleaned."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    entry = models.ForeignKey(
        CaseEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    path = models.CharField(max_length=200, help_text="the storage's name of the file")
    name = models.CharField(max_length=200, help_text="the file's name as it was sent")
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    from_customer = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.name}"


class ReplyTemplate(models.Model):
    """A saved reply agents insert into their answer, in the customer's language, with placeholders for the
    customer's name, the case's reference, the agent and the business (care.reply_text)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    body = models.TextField(_("text"), max_length=20_000)
    body_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    # Offered first on the cases of this category or one under it; offered on every case all the same.
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="reply_templates"
    )
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")

    def __str__(self) -> str:
        return self.name

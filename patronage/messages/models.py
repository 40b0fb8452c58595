"""Webhooks: the endpoints integrators register, one delivery per outbox event and endpoint, its attempts.

A delivery is sent at least once: it keeps one `webhook-id` (msg_<event id>) on every retry, so a receiver
drops duplicates; after a 2xx it is never sent again unless a person re-sends it (decision 0023).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from patronage.core.models import OutboxEvent

EVERY_TOPIC = "*"
EXCERPT_BYTES = 1024


class WebhookEndpoint(models.Model):
    """A URL that receives the events of its topics, signed with its secret (Standard Webhooks)."""

    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    topics: models.JSONField[list[str]] = models.JSONField(default=list, help_text='topic names; ["*"] = all')
    # Kept in plain text because every delivery is signed with it; shown to people only at creation and
    # at rotation.
    secret = models.CharField(max_length=64)
    previous_secret = models.CharField(max_length=64, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    enabled = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(
        max_length=20, blank=True, help_text='"failing" when the product disabled it, "" by a person'
    )
    failing_since = models.DateTimeField(
        null=True, blank=True, help_text="the first failed attempt of an unbroken run of failures"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-id"]
        permissions = [
            ("manage_webhooks", _("Can register, change and remove webhooks and re-send deliveries")),
        ]

    def __str__(self) -> str:
        return self.url

    def wants(self, topic: str) -> bool:
        return EVERY_TOPIC in self.topics or topic in self.topics


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("a webhook delivery", "pending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


class WebhookDelivery(models.Model):
    """One event for one endpoint: pending until a 2xx (delivered) or until the retries run out (failed)."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="+")
    member_key = models.CharField(
        max_length=32, blank=True, help_text="the event's member, as text: one member's deliveries keep order"
    )
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True, help_text="a worker's lease while it sends")
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_response = models.TextField(blank=True, help_text="the start of the last answer's body (1 KiB)")
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once")]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["endpoint", "member_key", "status"], name="webhook_delivery_member"),
            # The pending ones in event order: a claim reads the oldest due and stops at its limit, instead of
            # checking the order rule on every pending delivery and sorting them.
            models.Index(
                fields=["event", "id"], condition=Q(status="pending"), name="webhook_delivery_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id} ({self.status})"

    @property
    def webhook_id(self) -> str:
        """The same on every retry and re-send, so a receiver can drop duplicates."""
        return f"msg_{self.event_id}"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery and what came back (or why none did)."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_set")
    at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    response_excerpt = models.TextField(blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"


# Messages to people (decision 0024)


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")


class MessageTemplate(models.Model):
    """A business's own wording of one kind of message in one channel and language; it overrides the
    wording shipped with the product (templates/messages/<kind>/<language>.{subject,txt,html})."""

    kind = models.CharField(max_length=48)
    channel = models.CharField(max_length=10, choices=MessageChannel.choices, default=MessageChannel.EMAIL)
    language = models.CharField(max_length=16)
    subject = models.CharField(max_length=300, blank=True)
    text_body = models.TextField()
    html_body = models.TextField(blank=True, help_text="empty: the e-mail is sent as plain text only")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "channel", "language"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "channel", "language"], name="message_template_one"),
        ]
        permissions = [
            ("manage_messages", _("Can edit message templates and read the messages sent")),
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.channel}/{self.language}"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("skipped")
    BOUNCED = "bounced", _("bounced")


class SkipReason(models.TextChoices):
    NO_CONSENT = "no consent", _("no consent")
    OPTED_OUT = "opted out", _("opted out")
    NO_ADDRESS = "no address", _("no address")
    FREQUENCY_CAP = "frequency cap", _("weekly limit reached")
    LATE = "late", _("too late: the news is old")


class Message(models.Model):
    """One message to one person, rendered when queued: the delivery log. Sent at most once: a worker
    claims it by a conditional update before sending (messages_send_due)."""

    kind = models.CharField(max_length=48)
    marketing = models.BooleanField(default=False, help_text="counts against the weekly cap")
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=MessageChannel.choices, default=MessageChannel.EMAIL)
    language = models.CharField(max_length=16)
    address = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    text_body = models.TextField(blank=True)
    html_body = models.TextField(blank=True)
    unsubscribe_url = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    skip_reason = models.CharField(max_length=20, choices=SkipReason.choices, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    send_after = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True, help_text="a worker's lease while it sends")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(
        max_length=300, blank=True, help_text="why it was not sent, or the status and answer of its bounce"
    )
    message_id = models.CharField(
        max_length=255,
        blank=True,
        help_text="the e-mail's Message-ID header, set as it is sent: a bounce names it",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    # Marketing e-mail only (messages.tracking): approximate, as mail clients block or prefetch images.
    opened_at = models.DateTimeField(
        null=True, blank=True, help_text="first open: its pixel loaded, or a link in it followed"
    )
    clicked_at = models.DateTimeField(null=True, blank=True, help_text="first link followed")
    clicks = models.PositiveIntegerField(default=0, help_text="links followed, every time")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["send_after", "id"],
                name="message_due",
                condition=models.Q(status="queued"),
            ),
            models.Index(fields=["member", "marketing", "created_at"], name="message_member_recent"),
            # A bounce finds its message by Message-ID, else by the address it was last sent to.
            models.Index(
                fields=["message_id"], name="message_message_id", condition=~models.Q(message_id="")
            ),
            models.Index(
                fields=["address", "sent_at"],
                name="message_address_sent",
                condition=models.Q(sent_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.address or '-'} ({self.status})"


# Inbound e-mail (issue 12): messages a mail server or a provider hands over, for the apps' handlers

INBOUND_BODY_CHARS = 256 * 1024


class InboundEmail(models.Model):
    """One e-mail received, parsed and matched to a member by its From address (a bounce: to the member whose
    message it returns); stored once per Message-ID."""

    message_id = models.CharField(
        max_length=255, blank=True, help_text="the Message-ID header; blank when absent"
    )
    from_address = models.CharField(max_length=254, help_text="normalised as the members' e-mail identities")
    from_name = models.CharField(max_length=200, blank=True)
    to = models.CharField(max_length=1000, blank=True)
    subject = models.CharField(max_length=998, blank=True)
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="the Date header, when it reads as a date"
    )
    received_at = models.DateTimeField()
    text_body = models.TextField(blank=True, help_text="the plain-text part, at most 256 Ki characters")
    html_body = models.TextField(blank=True, help_text="the HTML part, at most 256 Ki characters")
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_by = models.CharField(
        max_length=200, blank=True, help_text="the handler that took it; blank: none"
    )
    raw_size = models.PositiveIntegerField(help_text="bytes of the message as received")
    automatic = models.BooleanField(
        default=False, help_text="sent by a program (an out-of-office reply), not written by a person"
    )

    # Not a column: set by inbound_email_receive when the Message-ID was stored before.
    already_stored = False

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"],
                condition=~models.Q(message_id=""),
                name="inbound_email_message_id_once",
            ),
        ]
        indexes = [models.Index(fields=["member", "received_at"], name="inbound_email_member")]
        permissions = [
            ("receive_inbound_email", _("Can hand over received e-mail messages (the inbound API)")),
        ]

    def __str__(self) -> str:
        return f"{self.from_address}: {self.subject}"


class InboundAttachment(models.Model):
    """A file that came with an inbound e-mail, of an allowed type and size."""

    email = models.ForeignKey(InboundEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=127)
    size = models.PositiveIntegerField()
    content = models.BinaryField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.content_type}, {self.size} bytes)"

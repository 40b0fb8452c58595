"""Segments: the one-to-one classes of customers a business serves alike (decision 0028).

A segment is either kept by its rules (a tree of conditions over the customer file, purchases, loyalty and
analytics, `rules.py`) or static (a list the business gave). Its members are stored, kept fresh by the
changes that can move them (`upkeep.py`), so sending to a segment, counting it and showing a member's
segments never evaluates its rules again.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from patronage.loyalty.models import Program
from patronage.members.models import Member


class SegmentKind(models.TextChoices):
    RULES = "rules", _("Those who meet its rules")
    STATIC = "static", _("A list of customers")


class Segment(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    description_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    kind = models.CharField(max_length=8, choices=SegmentKind.choices, default=SegmentKind.RULES)
    rules: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    # What the rules read, worked out from them when they are saved: the timeline kinds whose events can
    # move a member in or out (and "segment:<code>" for a rule on another segment), and whether time
    # alone can move one ("no purchase for 90 days").
    reads: models.JSONField[list[str]] = models.JSONField(default=list, blank=True)
    time_based = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    member_count = models.PositiveIntegerField(default=0, help_text="kept with the membership rows")
    refreshed_at = models.DateTimeField(null=True, blank=True, help_text="last full evaluation")
    clock_checked_at = models.DateTimeField(null=True, blank=True, help_text="time-based rules checked up to")
    created_at = models.DateTimeField()
    # The one-to-one class's treatment, given to each member who enters after `treatment_since` (those
    # already in when it was set are a campaign's audience, not a welcome's): a benefit of a loyalty
    # program, and a welcome message in each business language. Its bonus points are an earn rule of the
    # "segment" kind, kept with the program's other rules.
    benefit = models.ForeignKey(
        "loyalty.Benefit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    welcome_subject = models.CharField(_("welcome subject"), max_length=200, blank=True)
    welcome_subject_translations: models.JSONField[dict[str, str]] = models.JSONField(
        default=dict, blank=True
    )
    welcome_body = models.TextField(_("welcome message"), blank=True)
    welcome_body_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    treatment_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        permissions = [
            ("manage_segments", _("Can build segments")),
            ("view_segments", _("Can see segments and their members")),
        ]

    def __str__(self) -> str:
        return self.code


class SegmentMember(models.Model):
    """A member in a segment now; leaving deletes the row (the timeline keeps the history)."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="segment_memberships")
    entered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["segment", "member"], name="segment_member_once"),
        ]
        indexes = [models.Index(fields=["member"], name="segment_member_by_member")]

    def __str__(self) -> str:
        return f"{self.segment_id}:{self.member_id}"


class SegmentTreatment(models.Model):
    """The treatment given to a member for one stay in a segment: once per entry, whatever the retries."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="treatments")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    entered_at = models.DateTimeField()
    given_at = models.DateTimeField()
    benefit_granted = models.BooleanField(default=False)
    welcomed = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "member", "entered_at"], name="segment_treatment_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.segment_id}:{self.member_id}@{self.entered_at:%Y-%m-%d}"


class SegmentSize(models.Model):
    """A segment's size at the end of a day, for its size over time."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="sizes")
    day = models.DateField()
    members = models.PositiveIntegerField()

    class Meta:
        ordering = ["segment", "day"]
        constraints = [models.UniqueConstraint(fields=["segment", "day"], name="segment_size_per_day")]

    def __str__(self) -> str:
        return f"{self.segment_id} {self.day}: {self.members}"


class UpkeepMark(models.Model):
    """How far the upkeep has read a stream of changes: the timeline's last event id, the last finished
    import, the latest run of each analysis."""

    key = models.CharField(max_length=48, unique=True)
    value = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class Reconciliation(models.Model):
    """One nightly proof that the kept members equal a full evaluation of the rules, and what differed."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="reconciliations")
    at = models.DateTimeField()
    members = models.PositiveIntegerField()
    missing = models.PositiveIntegerField(help_text="met the rules but were not kept")
    extra = models.PositiveIntegerField(help_text="kept but no longer met the rules")

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.segment_id} {self.at:%Y-%m-%d}: -{self.missing} +{self.extra}"


class CampaignGoal(models.TextChoices):
    """What a campaign is judged on, chosen before it is sent (never picked after from the results)."""

    PURCHASE = "purchase", _("Bought within the window")
    REVENUE = "revenue", _("Spend within the window")
    REDEMPTION = "redemption", _("Redeemed a reward within the window")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    MISSED = "missed", _("Missed: not sent, its time passed long ago")
    CANCELLED = "cancelled", _("Cancelled")


class Campaign(models.Model):
    """One message to a segment, measured against a hold-out of its audience (decision 0029)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="campaigns")
    channel = models.CharField(_("channel"), max_length=10, default="email")
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    subject_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    body = models.TextField(_("message"))
    body_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    goal = models.CharField(
        _("goal"), max_length=10, choices=CampaignGoal.choices, default=CampaignGoal.PURCHASE
    )
    goal_days = models.PositiveSmallIntegerField(_("window in days"), default=30)
    holdout_share = models.FloatField(_("share held out"), default=0.10)
    offer_cost = models.DecimalField(
        _("cost of the offer per converted customer"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # Stored with the campaign: who is held out is a hash of this, the campaign and the member, so it is the
    # same on every read and no one can steer it.
    salt = models.CharField(max_length=32)
    status = models.CharField(max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    send_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    audience = models.PositiveIntegerField(default=0, help_text="the segment's members when it started")
    held_out = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("send_campaigns", _("Can send campaigns to segments"))]

    def __str__(self) -> str:
        return self.code


class CampaignRecipient(models.Model):
    """A member of the campaign's audience, fixed when it starts: treated (sent the message) or held out."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    held_out = models.BooleanField()
    message = models.ForeignKey(
        "messaging.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "member"], name="campaign_recipient_once")]
        indexes = [models.Index(fields=["campaign", "held_out", "queued_at"], name="campaign_recipient_due")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.member_id}"


class ClubEventKind(models.TextChoices):
    CLUB = "club", _("Club event")
    TRIAL = "trial", _("New-product trial")
    TRAINING = "training", _("Training")
    ADVISORY = "advisory", _("Customer advisory meeting")


class ClubEvent(models.Model):
    """A member event that makes members feel different: capacity, place or link, who may come (decision
    0030). Registration never passes the capacity: the rest wait, in the order they asked."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=ClubEventKind.choices, default=ClubEventKind.CLUB
    )
    name = models.CharField(_("name"), max_length=100)
    name_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("capacity"))
    # Who may register: members of these tiers (codes, any program) or of this segment; neither: everyone.
    tiers: models.JSONField[list[str]] = models.JSONField(default=list, blank=True)
    segment = models.ForeignKey(
        Segment, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    registered = models.PositiveIntegerField(
        default=0, help_text="kept with the registrations, under the row lock"
    )
    # Coming earns these points in this program once, at check-in (0: coming earns nothing).
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.PROTECT, related_name="club_events"
    )
    attendance_points = models.PositiveIntegerField(_("points for coming"), default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]
        permissions = [
            ("manage_events", _("Can hold club events: define them, register members, check them in"))
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(registered__lte=models.F("capacity")), name="event_within_capacity"
            ),
            models.CheckConstraint(
                condition=models.Q(attendance_points=0) | models.Q(program__isnull=False),
                name="event_points_in_a_program",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Came")


class Registration(models.Model):
    event = models.ForeignKey(ClubEvent, on_delete=models.CASCADE, related_name="registrations")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="event_registrations")
    status = models.CharField(max_length=10, choices=RegistrationStatus.choices)
    asked_at = models.DateTimeField(help_text="when they asked: the waiting list's order")
    checked_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "member"], name="registration_once")]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.member_id} {self.status}"


class OfferKind(models.TextChoices):
    PRODUCT = "product", _("Product")
    REWARD = "reward", _("Reward")
    BENEFIT = "benefit", _("Benefit")


class OfferExposure(models.Model):
    """A next-best offer shown to a member, once a day at most; converted when the member bought the product,
    redeemed the reward or used the benefit within the window after (decision 0032)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="offer_exposures")
    kind = models.CharField(max_length=8, choices=OfferKind.choices)
    offer_id = models.BigIntegerField()
    day = models.DateField(help_text="the business's day it was shown: one exposure a member, offer and day")
    shown_at = models.DateTimeField()
    converted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "offer_id", "day"], name="offer_exposure_once_a_day"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "offer_id"], name="offer_exposure_by_offer"),
            models.Index(fields=["shown_at"], name="offer_exposure_by_time"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.kind}:{self.offer_id} {self.day}"


class OfferTable(models.Model):
    """The co-purchase lift table the offers are scored with, refitted nightly; the newest is used."""

    computed_at = models.DateTimeField()
    members = models.PositiveIntegerField(help_text="members it was fitted on")
    table: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)

    class Meta:
        ordering = ["-computed_at", "-pk"]

    def __str__(self) -> str:
        return f"offers {self.computed_at:%Y-%m-%d %H:%M} ({self.members} members)"


# --- customer information (decision 0031) --------------------------------------------------------------


class InformationTopic(models.Model):
    """A subject members may choose to hear about, in the business's words ("kitchen", "wine")."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class InformationKind(models.TextChoices):
    NEWS = "news", _("News")
    PRODUCT = "product", _("New product")
    INDUSTRY = "industry", _("Industry and market")
    TRAINING = "training", _("Training material")


class InformationItem(models.Model):
    """One piece of information the business publishes: members see it from `published_at` until it
    expires or is retired, in the digest of those whose topics it has, within its segment if it names one."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=InformationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    title_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    body = models.TextField(_("text"))
    body_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    topics = models.ManyToManyField(InformationTopic, related_name="items")
    # Tags by the commerce codes of categories and brands (checked when saved).
    categories: models.JSONField[list[str]] = models.JSONField(default=list, blank=True)
    brands: models.JSONField[list[str]] = models.JSONField(default=list, blank=True)
    segment = models.ForeignKey(
        Segment, null=True, blank=True, on_delete=models.PROTECT, related_name="information_items"
    )
    published_at = models.DateTimeField(_("published"))
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    announced_at = models.DateTimeField(
        null=True, blank=True, help_text="when the information.published webhook was queued"
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["published_at"], name="information_published")]

    def __str__(self) -> str:
        return self.code


class MemberInterest(models.Model):
    """A topic a member chose (in the portal, or staff for them)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="information_interests")
    topic = models.ForeignKey(InformationTopic, on_delete=models.CASCADE, related_name="interests")
    chosen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "topic"], name="interest_once")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.topic_id}"


class DigestFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")
    NEVER = "never", _("Never")


class DigestPreference(models.Model):
    """How often a member wants the information digest, and the last period their digest was settled for."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="digest_preference")
    frequency = models.CharField(max_length=8, choices=DigestFrequency.choices, default=DigestFrequency.NEVER)
    chosen_at = models.DateTimeField()
    period_done = models.CharField(max_length=10, blank=True, help_text="2026-W49 or 2026-12")

    def __str__(self) -> str:
        return f"{self.member_id}:{self.frequency}"


class InformationDelivery(models.Model):
    """An item sent to a member in a digest: the unique pair is why no item reaches anyone twice."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="information_deliveries")
    item = models.ForeignKey(InformationItem, on_delete=models.CASCADE, related_name="deliveries")
    message = models.ForeignKey(
        "messaging.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    period = models.CharField(max_length=10)
    delivered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "item"], name="information_once")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.item_id}"

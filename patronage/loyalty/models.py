"""Programs, accounts and the points ledger (SPEC C2; ARCHITECTURE "Money, points and the ledger").

Entries are append-only: a correction is a reversing entry. An account's `pending`, `active` and
`owed` columns are caches of the sums of its entries per bucket, changed only in the transaction that
writes the entry; `patronage ledger verify` proves cache == sum. Lots are the earned points still
available to spend or expire, drawn earliest-expiring first; each draw is recorded as an Allocation.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from patronage.commerce.models import Brand, Order
from patronage.core.names import in_reader_language
from patronage.loyalty.program_cache import program_forget
from patronage.members.models import Member


class Enrolment(models.TextChoices):
    SIGNUP = "signup", _("On sign-up")
    FIRST_PURCHASE = "first_purchase", _("On the first purchase")


class Rounding(models.TextChoices):
    DOWN = "down", _("Down to whole points")
    HALF_UP = "half_up", _("To the nearest whole point")


class TierBasis(models.TextChoices):
    POINTS = "points", _("Points earned")
    SPEND = "spend", _("Amount spent")
    VISITS = "visits", _("Number of visits")


class TierWindow(models.TextChoices):
    ROLLING = "rolling", _("Rolling number of days")
    CALENDAR_YEAR = "calendar_year", _("Calendar year")
    ANNIVERSARY = "anniversary", _("Year from the anniversary of joining")
    LIFETIME = "lifetime", _("Lifetime")


class TierDowngrade(models.TextChoices):
    ONE_LEVEL = "one_level", _("One level down")
    RECOMPUTE = "recompute", _("To the tier the value reaches")


class ExpiryPolicy(models.TextChoices):
    NEVER = "never", _("Points never expire")
    DAYS_AFTER_EARNING = "days_after_earning", _("N days after they are earned")
    END_OF_MONTH = "end_of_month", _("At the end of the month they are earned in")
    END_OF_YEAR = "end_of_year", _("At the end of the year they are earned in")
    INACTIVITY = "inactivity", _("After N days without activity")


class ReturnPolicy(models.TextChoices):
    PENDING_ONLY = "pending_only", _("Take back only points still pending")
    WITHIN_BALANCE = "within_balance", _("Take back up to the member's balance")
    ALLOW_NEGATIVE = "allow_negative", _("Take back everything; a shortfall is owed")


def _translations_field(verbose_name: Any) -> models.JSONField[dict[str, str]]:
    # Language code -> text, for each of the business's languages but its main one (which is `name`,
    # or `description`); decision 0021.
    return models.JSONField(verbose_name, default=dict, blank=True)


class NamedInLanguages:
    """A record whose name (and description) is written in each of the business's languages."""

    @property
    def reader_name(self) -> str:
        """The name in the reader's language, else in the main language."""
        return in_reader_language(self, "name")

    @property
    def reader_description(self) -> str:
        """The description in the reader's language, else in the main language (may be empty)."""
        return in_reader_language(self, "description")


def new_revision() -> str:
    return uuid.uuid4().hex


def program_revision(program_id: int) -> str:
    """The program's current revision: the database renews it with every change to the program, its earn
    rules or tiers, whatever makes the change (triggers of migration 0006, decision 0013)."""
    return Program.objects.values_list("revision", flat=True).get(pk=program_id)


class Program(NamedInLanguages, models.Model):
    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_translations = _translations_field(_("name in other languages"))
    brand = models.ForeignKey(Brand, null=True, blank=True, on_delete=models.PROTECT, related_name="programs")
    currency = models.CharField(max_length=3)
    time_zone = models.CharField(max_length=64, default="UTC")
    enrolment = models.CharField(max_length=16, choices=Enrolment.choices, default=Enrolment.FIRST_PURCHASE)
    point_value = models.DecimalField(
        max_digits=12,
        decimal_places=4,
        default=Decimal("1"),
        help_text="money value of one point, for liability",
    )
    pending_days = models.PositiveIntegerField(
        default=14, help_text="points stay pending for the return window"
    )
    rounding = models.CharField(max_length=8, choices=Rounding.choices, default=Rounding.DOWN)
    exclude_tax = models.BooleanField(default=True)
    exclude_shipping = models.BooleanField(default=True)
    excluded_skus: models.JSONField[list[str]] = models.JSONField(default=list, blank=True)
    expiry_policy = models.CharField(max_length=20, choices=ExpiryPolicy.choices, default=ExpiryPolicy.NEVER)
    expiry_days = models.PositiveIntegerField(null=True, blank=True)
    expiry_warning_days = models.PositiveIntegerField(default=30)
    return_policy = models.CharField(
        max_length=16, choices=ReturnPolicy.choices, default=ReturnPolicy.WITHIN_BALANCE
    )
    tier_basis = models.CharField(max_length=8, choices=TierBasis.choices, default=TierBasis.POINTS)
    tier_window = models.CharField(
        max_length=16, choices=TierWindow.choices, default=TierWindow.CALENDAR_YEAR
    )
    tier_window_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="length of a rolling qualification window"
    )
    tier_downgrade = models.CharField(
        max_length=12, choices=TierDowngrade.choices, default=TierDowngrade.ONE_LEVEL
    )
    tier_grace_days = models.PositiveIntegerField(default=0)
    adjustment_ceiling = models.PositiveIntegerField(
        default=100_000,
        help_text="the most points one manual adjustment may add or remove, without the unlimited permission",
    )
    adjustment_confirm_above = models.PositiveIntegerField(
        default=10_000, help_text="the console asks for confirmation of a manual adjustment of more points"
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revision = models.CharField(
        max_length=32,
        default=new_revision,
        editable=False,
        help_text="new with every change to the program, its earn rules or tiers (loyalty.program_cache)",
    )

    class Meta:
        permissions = [
            ("view_loyalty", _("Can see programmes and customers' points")),
            ("adjust_points", _("Can adjust points (up to 1,000 at a time), redeem and use benefits")),
            ("adjust_points_large", _("Can adjust up to 10,000 points at a time")),
            ("adjust_points_unlimited", _("Can adjust any number of points at a time")),
            ("configure_programs", _("Can set up programmes, rules, tiers, benefits and rewards")),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        # The database has renewed the revision: this object must not keep the old one.
        self.revision = program_revision(self.pk)
        program_forget(self.pk)


class _ProgramPart(models.Model):
    """A part of a program that booking reads (earn rules, tiers): the database revises the program when
    one is written or deleted; saving or deleting through the model also refreshes the program object."""

    program: models.ForeignKey[Program, Program]
    program_id: int

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        self._revise()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        deleted = super().delete(*args, **kwargs)
        self._revise()
        return deleted

    def _revise(self) -> None:
        program_forget(self.program_id)
        # The caller's program (the one this part was given) must not keep the old revision.
        if type(self).program.is_cached(self):
            self.program.revision = program_revision(self.program_id)


class Tier(NamedInLanguages, _ProgramPart):
    """A VIP level of a program, reached when the qualifying value reaches its threshold (inclusive)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="tiers")
    code = models.SlugField(max_length=32)
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveIntegerField(help_text="higher is better")
    threshold = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    invitation_only = models.BooleanField(default=False)
    description = models.CharField(_("description"), max_length=300, blank=True)
    name_translations = _translations_field(_("name in other languages"))
    description_translations = _translations_field(_("description in other languages"))

    class Meta:
        ordering = ["program", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="tier_code_per_program"),
            models.UniqueConstraint(fields=["program", "rank"], name="tier_rank_per_program"),
            models.CheckConstraint(condition=Q(threshold__gte=0), name="tier_threshold_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class Account(models.Model):
    """A member's standing in one program. Its point columns are caches of its ledger's sums."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="accounts")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="loyalty_accounts")
    pending = models.IntegerField(default=0)
    active = models.IntegerField(default=0)
    owed = models.IntegerField(
        default=0, help_text="points taken back beyond the balance, netted against new ones"
    )
    enrolled_at = models.DateTimeField()
    last_activity_at = models.DateTimeField(null=True, blank=True)
    tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    tier_floor = models.ForeignKey(
        Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="given by hand"
    )
    tier_since = models.DateTimeField(null=True, blank=True)
    tier_review_at = models.DateTimeField(null=True, blank=True, db_index=True)
    tier_below_since = models.DateTimeField(
        null=True, blank=True, help_text="first review that found the value short: the grace runs from it"
    )
    invited_tiers: models.JSONField[list[str]] = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "member"], name="account_one_per_program"),
            models.CheckConstraint(
                condition=Q(pending__gte=0, active__gte=0, owed__gte=0), name="account_points_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.code}:{self.member_id}"


class Bucket(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACTIVE = "active", _("Active")
    OWED = "owed", _("Owed")


class EntryKind(models.TextChoices):
    EARN = "earn", _("Earned")
    ACTIVATE = "activate", _("Became available")
    REDEEM = "redeem", _("Redeemed")
    REDEEM_CANCEL = "redeem_cancel", _("Redemption cancelled")
    ADJUST = "adjust", _("Adjustment")
    RETURN = "return", _("Taken back for a return")
    EXPIRE = "expire", _("Expired")
    SETTLE = "settle", _("Owed points settled")


class LedgerEntry(models.Model):
    """One change of one bucket of one account, with its cause. Never updated, never deleted."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    bucket = models.CharField(max_length=8, choices=Bucket.choices)
    points = models.IntegerField()
    cause_type = models.CharField(
        max_length=32, help_text="what caused it: order, redemption, adjustment, lot, ..."
    )
    cause_id = models.CharField(max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals"
    )
    effective_at = models.DateTimeField()
    idempotency_key = models.CharField(max_length=160, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(points=0), name="entry_points_not_zero")]
        indexes = [
            models.Index(fields=["account", "-effective_at", "-id"]),
            models.Index(fields=["cause_type", "cause_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.points:+d} {self.bucket}"


class Lot(models.Model):
    """Points earned by one entry that are still there to be spent, taken back or expire."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lots")
    earned_by = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="lot")
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="loyalty_lots"
    )
    points = models.PositiveIntegerField()
    remaining = models.PositiveIntegerField()
    is_pending = models.BooleanField(default=True)
    available_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(remaining__lte=models.F("points")), name="lot_remaining_within"
            )
        ]
        indexes = [
            models.Index(fields=["account", "is_pending", "expires_at", "id"]),
            models.Index(fields=["is_pending", "available_at"]),
            models.Index(fields=["expires_at"]),
        ]

    def __str__(self) -> str:
        return f"lot {self.pk}: {self.remaining}/{self.points}"


class Allocation(models.Model):
    """Which earned points a spend (redemption, return, expiry) drew on."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="allocations")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="allocations")
    points = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.points} from lot {self.lot_id}"


class Redemption(models.Model):
    """Points spent on a reward or as money off; cancelling refunds them."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        FULFILLED = "fulfilled", _("Fulfilled")
        CANCELLED = "cancelled", _("Cancelled")

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="redemptions")
    points = models.PositiveIntegerField()
    code = models.CharField(max_length=32, unique=True, help_text="unguessable code the member shows")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    idempotency_key = models.CharField(max_length=160, unique=True)
    created_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    reward = models.ForeignKey(
        "Reward", null=True, blank=True, on_delete=models.PROTECT, related_name="redemptions"
    )
    details: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.code


class EarnRule(_ProgramPart):
    """One earn rule of a program, as data; evaluated by loyalty.rules in the order it states."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="earn_rules")
    code = models.SlugField(max_length=48)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(max_length=20)
    priority = models.IntegerField(default=100)
    exclusive = models.BooleanField(default=False)
    stackable = models.BooleanField(default=True)
    active_from = models.DateTimeField(null=True, blank=True)
    active_to = models.DateTimeField(null=True, blank=True)
    params: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)
    cap_points = models.PositiveIntegerField(null=True, blank=True)
    cap_period = models.CharField(max_length=8, blank=True)
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["program", "priority", "code"]
        constraints = [models.UniqueConstraint(fields=["program", "code"], name="earn_rule_code_per_program")]

    def __str__(self) -> str:
        return f"{self.program.code}:{self.code}"


class OrderPoints(models.Model):
    """What one purchase earned in one program and what its returns took back, for proportional clawback."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="loyalty_points")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="order_points")
    earned = models.PositiveIntegerField()
    clawed = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=14, decimal_places=2, help_text="what the purchase paid")
    returned = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    occurred_at = models.DateTimeField(help_text="the purchase's time: tier windows count by it")
    redemption = models.OneToOneField(
        Redemption,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="paid_order",
        help_text="points the member spent on this purchase",
    )
    refunded = models.PositiveIntegerField(default=0, help_text="of those points, given back for returns")
    evaluation: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["account", "occurred_at"])]
        constraints = [
            models.UniqueConstraint(fields=["order", "account"], name="order_points_once"),
            models.CheckConstraint(
                condition=Q(clawed__lte=models.F("earned")), name="order_points_clawed_within"
            ),
            models.CheckConstraint(
                condition=Q(returned__lte=models.F("amount")), name="order_points_returned_within"
            ),
        ]

    def __str__(self) -> str:
        return f"order {self.order_id}: {self.earned} earned, {self.clawed} taken back"


class CapUsage(models.Model):
    """Points a capped earn rule gave a member in one cap period (day:2026-11-23, month:2026-11, ...)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="cap_usage")
    rule_code = models.CharField(max_length=48)
    period_key = models.CharField(max_length=24)
    points = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "rule_code", "period_key"], name="cap_usage_once")
        ]

    def __str__(self) -> str:
        return f"{self.rule_code} {self.period_key}: {self.points}"


class TierChange(models.Model):
    """One move of a member's tier, with why; the tier history."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="tier_changes")
    from_tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=24)
    reason: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, help_text="template and params")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_tier_id} -> {self.to_tier_id}"


class BenefitKind(models.TextChoices):
    TRIAL = "trial", _("New-product trial")
    UPGRADE = "upgrade", _("Free upgrade")
    TRADE_IN = "trade_in", _("Trade-in credit")
    HOTLINE = "hotline", _("Priority hotline")
    EVENT_SEAT = "event_seat", _("Club event seat")
    GIFT = "gift", _("Gift")
    CUSTOM = "custom", _("Other privilege")


class BenefitPeriod(models.TextChoices):
    MONTH = "month", _("Each month")
    YEAR = "year", _("Each year")
    ONCE = "once", _("Once while in the tier")


class Benefit(NamedInLanguages, models.Model):
    """A privilege that is not a discount, given with a tier or one by one."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="benefits")
    code = models.SlugField(max_length=48)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(max_length=16, choices=BenefitKind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    name_translations = _translations_field(_("name in other languages"))
    description_translations = _translations_field(_("description in other languages"))
    validity_days = models.PositiveIntegerField(default=365, help_text="how long a grant can be used")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["program", "name"]
        constraints = [models.UniqueConstraint(fields=["program", "code"], name="benefit_code_per_program")]

    def __str__(self) -> str:
        return self.name


class TierBenefit(models.Model):
    """A benefit every member of a tier is entitled to, N per period."""

    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="tier_benefits")
    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="tier_benefits")
    quantity = models.PositiveIntegerField(default=1)
    period = models.CharField(max_length=8, choices=BenefitPeriod.choices, default=BenefitPeriod.YEAR)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tier", "benefit"], name="tier_benefit_once"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="tier_benefit_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.tier} : {self.benefit} x{self.quantity}"


class BenefitGrant(models.Model):
    """An entitlement of one member to use a benefit `quantity` times between its dates."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="benefit_grants")
    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="grants")
    quantity = models.PositiveIntegerField()
    used = models.PositiveIntegerField(default=0)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField()
    source = models.CharField(max_length=100, help_text="tier:<code>:<period> or manual")
    idempotency_key = models.CharField(max_length=160, unique=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["valid_to", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(used__lte=models.F("quantity")), name="benefit_grant_used_within"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="benefit_grant_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.benefit} {self.used}/{self.quantity}"

    @property
    def remaining(self) -> int:
        return self.quantity - self.used

    @property
    def valid_until(self) -> datetime:
        """The last moment the grant can be used, as a person reads its end ("until Dec 31"): valid_to is
        the first moment it no longer can (midnight of the next day)."""
        return self.valid_to - timedelta(microseconds=1)


class BenefitUse(models.Model):
    """One use of a granted benefit, recorded by staff or an integration."""

    grant = models.ForeignKey(BenefitGrant, on_delete=models.PROTECT, related_name="uses")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    idempotency_key = models.CharField(max_length=160, unique=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"use of {self.grant_id} at {self.at:%Y-%m-%d}"


class Reward(NamedInLanguages, models.Model):
    """An item of the rewards catalogue, bought with points."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rewards")
    code = models.SlugField(max_length=48)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    name_translations = _translations_field(_("name in other languages"))
    description_translations = _translations_field(_("description in other languages"))
    points_price = models.PositiveIntegerField()
    stock = models.PositiveIntegerField(null=True, blank=True, help_text="empty: unlimited")
    per_member_limit = models.PositiveIntegerField(null=True, blank=True, help_text="empty: no limit")
    min_tier = models.ForeignKey(
        Tier,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="lowest tier allowed",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["program", "points_price", "code"]
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="reward_code_per_program"),
            models.CheckConstraint(condition=Q(points_price__gte=1), name="reward_price_positive"),
        ]

    def __str__(self) -> str:
        return self.name

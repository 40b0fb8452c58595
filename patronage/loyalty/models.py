"""Programs, accounts and the points ledger (SPEC C2; ARCHITECTURE "Money, points and the ledger").

Entries are append-only: a correction is a reversing entry. An account's `pending`, `active` and
`owed` columns are caches of the sums of its entries per bucket, changed only in the transaction that
writes the entry; `patronage ledger verify` proves cache == sum. Lots are the earned points still
available to spend or expire, drawn earliest-expiring first; each draw is recorded as an Allocation.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from patronage.commerce.models import Brand, Order
from patronage.members.models import Member


class Enrolment(models.TextChoices):
    SIGNUP = "signup", _("On sign-up")
    FIRST_PURCHASE = "first_purchase", _("On the first purchase")


class Rounding(models.TextChoices):
    DOWN = "down", _("Down to whole points")
    HALF_UP = "half_up", _("To the nearest whole point")


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


class Program(models.Model):
    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
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
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

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
    details: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.code


class EarnRule(models.Model):
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

"""The points liability report: what a program owes its members in points, and how it moved in a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Q, Sum

from patronage.loyalty.models import Account, Bucket, EntryKind, LedgerEntry, Program


@dataclass(frozen=True)
class Liability:
    program: Program
    start: datetime
    end: datetime
    active: int  # outstanding now: what members can spend
    pending: int  # outstanding now: inside the return window
    owed: int  # members' debt from returns, netted against future earnings
    earned: int  # in the period, booked as earned (purchases, events, positive adjustments)
    redeemed: int  # in the period, net of cancellations
    expired: int
    returned: int  # taken back for returns, from pending and active points
    adjusted: int  # net manual adjustments

    @property
    def outstanding(self) -> int:
        return self.active + self.pending - self.owed

    @property
    def value(self) -> Decimal:
        """The outstanding points at the program's point value, in its currency."""
        return (Decimal(self.outstanding) * self.program.point_value).quantize(Decimal("0.01"))


def points_liability(*, program: Program, start: datetime, end: datetime) -> Liability:
    """Outstanding points now, and each kind of movement effective in [start, end)."""
    totals = Account.objects.filter(program=program).aggregate(
        active=Sum("active"), pending=Sum("pending"), owed=Sum("owed")
    )
    spendable = ~Q(bucket=Bucket.OWED)
    moved = LedgerEntry.objects.filter(
        account__program=program, effective_at__gte=start, effective_at__lt=end
    )

    def total(condition: Q) -> int:
        return moved.filter(condition).aggregate(points=Sum("points"))["points"] or 0

    return Liability(
        program=program,
        start=start,
        end=end,
        active=totals["active"] or 0,
        pending=totals["pending"] or 0,
        owed=totals["owed"] or 0,
        earned=total(Q(kind=EntryKind.EARN)),
        redeemed=-total(Q(kind__in=[EntryKind.REDEEM, EntryKind.REDEEM_CANCEL])),
        expired=-total(Q(kind=EntryKind.EXPIRE)),
        returned=-total(Q(kind=EntryKind.RETURN) & spendable),
        adjusted=total(Q(kind=EntryKind.ADJUST)),
    )

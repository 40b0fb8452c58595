"""Request and response shapes of the loyalty endpoints.

Points are JSON integers, checked strictly: "5", 5.0 or true are refused rather than guessed at.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema
from pydantic import ConfigDict

from patronage.loyalty.models import LedgerEntry, Redemption
from patronage.loyalty.selectors import AccountSummary

# Bounds that keep one request far from the 32-bit columns' limits: a typo of a few zeros is refused.
MAX_POINTS = 10_000_000
# The ledger records the key as an adjustment's cause, whose column holds 64 characters.
MAX_KEY_LENGTH = 64

KEY_DESCRIPTION = "your id for this request, unique per program; a retry with it changes nothing"


class ProgramOut(Schema):
    code: str
    name: str
    currency: str
    time_zone: str
    pending_days: int = Field(description="days new points stay pending (the return window)")
    expiry_policy: str = Field(
        description="never, days_after_earning, end_of_month, end_of_year or inactivity"
    )
    expiry_days: int | None
    return_policy: str = Field(description="pending_only, within_balance or allow_negative")
    point_value: Decimal = Field(description="money value of one point, in the program's currency")


class PointsOnOut(Schema):
    points: int


class ExpiringOut(PointsOnOut):
    expires_at: datetime = Field(description="the earliest moment on this day that some of these points expire")


class PendingOut(PointsOnOut):
    available_at: datetime = Field(description="the earliest moment on this day that these points can be spent")


class AccountOut(Schema):
    program: str
    member: int = Field(description="the member's id; a merged member's id answers with the survivor's")
    enrolled: bool = Field(description="false before the member's first points in this program: all zeros")
    active: int = Field(description="points that can be spent now")
    pending: int = Field(description="points earned but not yet available (the return window)")
    owed: int = Field(description="points taken back for returns beyond the balance")
    balance: int = Field(description="active less owed")
    expiring: list[ExpiringOut] = Field(description="active points by the day they expire, soonest first")
    pending_until: list[PendingOut] = Field(description="pending points by the day they become available")
    tier: None = Field(None, description="always null for now: tiers are not available yet")
    tier_progress: None = Field(None, description="always null for now: tiers are not available yet")

    @staticmethod
    def from_summary(summary: AccountSummary) -> AccountOut:
        return AccountOut(
            program=summary.program.code,
            member=summary.member.pk,
            enrolled=summary.enrolled,
            active=summary.active,
            pending=summary.pending,
            owed=summary.owed,
            balance=summary.balance,
            expiring=[ExpiringOut(points=day.points, expires_at=day.at) for day in summary.expiring],
            pending_until=[PendingOut(points=day.points, available_at=day.at) for day in summary.pending_until],
            tier=None,
            tier_progress=None,
        )


class AdjustmentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    program: str = Field(description="the program's code")
    points: int = Field(
        strict=True,
        ge=-MAX_POINTS,
        le=MAX_POINTS,
        description="points to add (positive) or remove (negative); never 0",
    )
    reason: str = Field(max_length=300, description="why, in words a colleague will understand later")
    idempotency_key: str = Field(min_length=1, max_length=MAX_KEY_LENGTH, description=KEY_DESCRIPTION)


class EntryOut(Schema):
    id: int
    kind: str
    bucket: str
    points: int
    reason: str
    effective_at: datetime


class CauseOut(Schema):
    type: str = Field(description="order, redemption, adjustment, lot, account, ...")
    id: str


class LedgerEntryOut(EntryOut):
    cause: CauseOut

    @staticmethod
    def resolve_cause(entry: LedgerEntry) -> CauseOut:
        return CauseOut(type=entry.cause_type, id=entry.cause_id)


class LedgerFilters(Schema):
    program: str = Field(description="the program's code")


class RedemptionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    program: str = Field(description="the program's code")
    points: int | None = Field(
        None, strict=True, gt=0, le=MAX_POINTS, description="points to spend (required for now)"
    )
    reward: str | None = Field(None, description="a reward's code: not available yet (the catalogue is coming)")
    idempotency_key: str = Field(min_length=1, max_length=MAX_KEY_LENGTH, description=KEY_DESCRIPTION)


class RedemptionOut(Schema):
    id: int
    code: str = Field(description="the code the member shows; cancel with it")
    points: int
    status: Redemption.Status
    created_at: datetime
    cancelled_at: datetime | None

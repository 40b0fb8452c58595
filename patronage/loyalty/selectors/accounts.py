"""Reads of the loyalty ledger: programs, a member's account in one, its entries, and the ledger's own check."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Min, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from patronage.core.errors import NotFound
from patronage.loyalty.models import Account, Bucket, LedgerEntry, Lot, Program, Redemption
from patronage.members.models import Member

# How many expiry dates an account summary shows: enough for a year of month-end expiries.
EXPIRING_DATES_SHOWN = 12


@dataclass(frozen=True)
class Discrepancy:
    account_id: int
    what: str
    cached: int
    actual: int


def ledger_verify() -> list[Discrepancy]:
    """Every account whose cached buckets differ from the sums of its entries or of its lots (none, if all is well)."""
    accounts = Account.objects.annotate(
        entries_pending=Sum("entries__points", filter=Q(entries__bucket=Bucket.PENDING), default=0),
        entries_active=Sum("entries__points", filter=Q(entries__bucket=Bucket.ACTIVE), default=0),
        entries_owed=Sum("entries__points", filter=Q(entries__bucket=Bucket.OWED), default=0),
    ).order_by("pk")
    lots = {
        (row["account_id"], row["is_pending"]): row["total"]
        for row in Lot.objects.values("account_id", "is_pending").annotate(total=Sum("remaining"))
    }
    found = []
    for account in accounts.iterator(chunk_size=2000):
        checks = [
            ("pending vs entries", account.pending, account.entries_pending),
            ("active vs entries", account.active, account.entries_active),
            ("owed vs entries", account.owed, account.entries_owed),
            ("pending vs lots", account.pending, lots.get((account.pk, True), 0)),
            ("active vs lots", account.active, lots.get((account.pk, False), 0)),
        ]
        found += [
            Discrepancy(account.pk, what, cached, actual)
            for what, cached, actual in checks
            if cached != actual
        ]
    return found


def program_list() -> QuerySet[Program]:
    """The programs members can earn in now, by code."""
    return Program.objects.filter(active=True).order_by("code")


def program_get(*, code: str, include_inactive: bool = True) -> Program:
    """The program with this code; closed programs only when `include_inactive` (their history stays readable)."""
    programs = Program.objects.all() if include_inactive else Program.objects.filter(active=True)
    program = programs.filter(code=code).first()
    if program is None:
        raise NotFound(_("program '%(code)s' does not exist") % {"code": code}, field="program")
    return program


def member_programs(*, member: Member) -> list[Program]:
    """The programs a member can earn in now, and any closed one where they still have an account."""
    return list(
        Program.objects.filter(Q(active=True) | Q(accounts__member=member)).distinct().order_by("code")
    )


def account_find(*, program: Program, member: Member) -> Account | None:
    """The member's account in the program, or None before their first points."""
    return Account.objects.filter(program=program, member=member).first()


@dataclass(frozen=True)
class PointsOn:
    """Points that change state on one day: expire (active lots) or become available (pending lots)."""

    points: int
    at: datetime


@dataclass(frozen=True)
class AccountSummary:
    program: Program
    member: Member
    enrolled: bool
    active: int = 0
    pending: int = 0
    owed: int = 0
    expiring: list[PointsOn] = field(default_factory=list)
    pending_until: list[PointsOn] = field(default_factory=list)

    @property
    def balance(self) -> int:
        """What the member can count on: active points less points owed from returns."""
        return self.active - self.owed


def account_summary(*, member: Member, program: Program) -> AccountSummary:
    """The member's balances in the program and when points expire or become available; zeros if not enrolled."""
    account = account_find(program=program, member=member)
    if account is None:
        return AccountSummary(program=program, member=member, enrolled=False)
    lots = Lot.objects.filter(account=account, remaining__gt=0)
    expiring = lots.filter(is_pending=False, expires_at__isnull=False)
    return AccountSummary(
        program=program,
        member=member,
        enrolled=True,
        active=account.active,
        pending=account.pending,
        owed=account.owed,
        expiring=_by_local_day(expiring, "expires_at", program.time_zone)[:EXPIRING_DATES_SHOWN],
        pending_until=_by_local_day(lots.filter(is_pending=True), "available_at", program.time_zone),
    )


def _by_local_day(lots: QuerySet[Lot], column: str, time_zone: str) -> list[PointsOn]:
    # Summed per day in the program's time zone, the day a member sees on a receipt; `at` is the earliest
    # instant of that day's lots, so an integration never shows points as still there after they are gone.
    rows = (
        lots.annotate(day=TruncDate(column, tzinfo=ZoneInfo(time_zone)))
        .values("day")
        .annotate(total=Sum("remaining"), first=Min(column))
        .order_by("day")
    )
    return [PointsOn(points=row["total"], at=row["first"]) for row in rows]


def ledger_list(*, member: Member, program: Program) -> QuerySet[LedgerEntry]:
    """The member's entries in the program, newest first (empty before their first points)."""
    return LedgerEntry.objects.filter(account__member=member, account__program=program).order_by(
        "-effective_at", "-id"
    )


def points_available(*, account: Account) -> int:
    """The active points the account can spend right now."""
    return Account.objects.filter(pk=account.pk).values_list("active", flat=True).get()


# The keys below mirror the ones loyalty.services.points writes, so a retry can be told from a first request.


def adjustment_find(*, program: Program, idempotency_key: str) -> LedgerEntry | None:
    """The adjustment already made in the program under this idempotency key, if any."""
    return (
        LedgerEntry.objects.select_related("account")
        .filter(idempotency_key=f"adjust:{program.pk}:{idempotency_key}")
        .first()
    )


def redemption_find(*, program: Program, idempotency_key: str) -> Redemption | None:
    """The redemption already made in the program under this idempotency key, if any."""
    return (
        Redemption.objects.select_related("account")
        .filter(idempotency_key=f"redeem:{program.pk}:{idempotency_key}")
        .first()
    )


def redemption_get(*, code: str) -> Redemption:
    """The redemption with this code (as the member shows it; case does not matter)."""
    redemption = Redemption.objects.filter(code=code.strip().upper()).first()
    if redemption is None:
        raise NotFound(_("redemption '%(code)s' does not exist") % {"code": code}, field="code")
    return redemption

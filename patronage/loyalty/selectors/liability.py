"""The points liability report: what a program owes its members in points, and how it moved in a period."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Case, IntegerField, Q, QuerySet, Sum, Value, When

from patronage.loyalty.models import Account, Bucket, EntryKind, LedgerEntry, Lot, Program

# Each movement the report counts: the entries it sums, and the sign that makes it read as a positive
# amount (redeemed points are booked negative). The period's totals and its months share these.
_MOVEMENTS: dict[str, tuple[Q, int]] = {
    "earned": (Q(kind=EntryKind.EARN), 1),
    "redeemed": (Q(kind__in=[EntryKind.REDEEM, EntryKind.REDEEM_CANCEL]), -1),
    "expired": (Q(kind=EntryKind.EXPIRE), -1),
    # A return's entry on the owed bucket is a debt the member takes on, not points taken from a balance.
    "returned": (Q(kind=EntryKind.RETURN) & ~Q(bucket=Bucket.OWED), -1),
    "adjusted": (Q(kind=EntryKind.ADJUST), 1),
}


@dataclass(frozen=True)
class Liability:
    program: Program
    start: datetime
    end: datetime
    active: int  # outstanding now: what members can spend
    pending: int  # outstanding now: inside the return window
    owed: int  # members' debt from returns, netted against future earnings
    earned: int  # in the period, booked as earned (purchases and events)
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
        return points_value(self.program, self.outstanding)


@dataclass(frozen=True)
class MonthMovements:
    month: date  # the 1st of the month, on the program's calendar
    earned: int
    redeemed: int
    expired: int
    returned: int
    adjusted: int


def points_value(program: Program, points: int) -> Decimal:
    """What `points` are worth at the program's point value, in its currency, to the cent."""
    return (Decimal(points) * program.point_value).quantize(Decimal("0.01"))


def points_liability(*, program: Program, start: datetime, end: datetime) -> Liability:
    """Outstanding points now, and each kind of movement effective in [start, end)."""
    moved = _moved(program, start, end).aggregate(**_movement_sums())
    return _liability(program, start, end, _signed(moved))


def points_liability_by_month(
    *, program: Program, start: datetime, end: datetime
) -> tuple[Liability, list[MonthMovements]]:
    """The liability report, and its movements month by month of the program's calendar, oldest first
    (every month [start, end) touches, with zeros where nothing moved), from one pass over the ledger."""
    zone = ZoneInfo(program.time_zone)
    bounds = _month_bounds(start, end, zone)
    # Each entry is put in its month by comparing it with the months' bounds, worked out here in the
    # program's zone: the database compares instants only (SQLite truncates dates in Python, row by row).
    month_of = Case(
        *(When(effective_at__lt=upper, then=Value(index)) for index, upper in enumerate(bounds[1:])),
        output_field=IntegerField(),
    )
    moved = {
        row["index"]: _signed(row)
        for row in _moved(program, start, end)
        .annotate(index=month_of)
        .order_by()
        .values("index")
        .annotate(**_movement_sums())
    }
    months = [
        MonthMovements(month=lower.astimezone(zone).date().replace(day=1), **moved.get(index, _signed({})))
        for index, lower in enumerate(bounds[:-1])
    ]
    totals = {name: sum(getattr(month, name) for month in months) for name in _MOVEMENTS}
    return _liability(program, start, end, totals), months


def points_expiring(*, program: Program, now: datetime, within_days: Iterable[int]) -> dict[int, int]:
    """Points members can spend now that expire within each number of days from `now`, by that number:
    the points the expiry warnings speak of."""
    days = sorted(set(within_days))
    if not days:
        return {}
    soon = Lot.objects.filter(
        account__program=program,
        is_pending=False,
        remaining__gt=0,
        expires_at__gt=now,
        expires_at__lte=now + timedelta(days=days[-1]),
    ).aggregate(
        **{
            str(count): Sum("remaining", filter=Q(expires_at__lte=now + timedelta(days=count)))
            for count in days
        }
    )
    return {count: soon[str(count)] or 0 for count in days}


def _liability(program: Program, start: datetime, end: datetime, moved: dict[str, int]) -> Liability:
    """The report: what is outstanding now, read from the accounts' balances, and the movements given."""
    balances = Account.objects.filter(program=program).aggregate(
        active=Sum("active"), pending=Sum("pending"), owed=Sum("owed")
    )
    return Liability(
        program=program,
        start=start,
        end=end,
        active=balances["active"] or 0,
        pending=balances["pending"] or 0,
        owed=balances["owed"] or 0,
        **moved,
    )


def _moved(program: Program, start: datetime, end: datetime) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(account__program=program, effective_at__gte=start, effective_at__lt=end)


def _movement_sums() -> dict[str, Sum]:
    return {name: Sum("points", filter=condition) for name, (condition, _sign) in _MOVEMENTS.items()}


def _signed(sums: dict[str, Any]) -> dict[str, int]:
    return {name: sign * (sums.get(name) or 0) for name, (_condition, sign) in _MOVEMENTS.items()}


def _month_bounds(start: datetime, end: datetime, zone: ZoneInfo) -> list[datetime]:
    """`start`, the local midnight of each 1st of a month after it and before `end`, and `end`."""
    bounds = [start]
    local = start.astimezone(zone)
    month = datetime(local.year, local.month, 1, tzinfo=zone)
    while (month := (month + timedelta(days=32)).replace(day=1)) < end:
        bounds.append(month)
    return [*bounds, end]

"""A program's overview for its managers: members and tiers, points issued, redeemed and expired, the
liability, and what members bought, over a period of the program's calendar. Every figure is one grouped
query over the program, whatever its number of members."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from patronage.commerce.models import Order, OrderKind
from patronage.core import clock
from patronage.loyalty.models import Account, Program, Tier
from patronage.loyalty.report_periods import ReportPeriod, Span, period_span
from patronage.loyalty.selectors.liability import (
    Liability,
    MonthMovements,
    points_expiring,
    points_liability_by_month,
    points_value,
)
from patronage.loyalty.selectors.tiers import local_time, tier_list

# The horizons the overview counts expiring points over, in days.
EXPIRY_HORIZONS = (30, 90)


@dataclass(frozen=True)
class TierMembers:
    tier: Tier | None  # None: the members who hold no tier
    members: int


@dataclass(frozen=True)
class Expiring:
    days: int
    points: int
    value: Decimal


@dataclass(frozen=True)
class Members:
    total: int  # enrolled now
    joined: int  # enrolled in the period
    active: int  # whose last earning or spending was in the period


@dataclass(frozen=True)
class Purchasing:
    purchases: int
    buyers: int  # members with at least one purchase
    repeat_buyers: int  # of those, members with two or more
    spent: Decimal  # what the purchases paid, tax included
    refunded: Decimal  # what the returns made in the period refunded, whenever the purchase was

    @property
    def revenue(self) -> Decimal:
        return self.spent - self.refunded

    @property
    def repeat_rate(self) -> float | None:
        """The share of buyers who bought twice or more; None without buyers."""
        return self.repeat_buyers / self.buyers if self.buyers else None


@dataclass(frozen=True)
class ProgramOverview:
    program: Program
    period: ReportPeriod
    span: Span
    members: Members
    tiers: list[TierMembers]  # no tier first, then by rank
    liability: Liability  # outstanding now, and the period's movements
    months: list[MonthMovements]  # every month the period touches, oldest first
    expiring: list[Expiring]
    purchasing: Purchasing  # what members bought in the program's currency (and brand) in the period

    @property
    def redemption_rate(self) -> float | None:
        """Points redeemed per point issued in the period; None when none were issued."""
        issued = self.liability.earned
        return self.liability.redeemed / issued if issued else None


def program_overview(
    *, program: Program, period: ReportPeriod, now: datetime | None = None
) -> ProgramOverview:
    """The program's figures for `period`, which ends with the program's today."""
    now = now or clock.now()
    span = period_span(period, local_time(program, now))
    members = Account.objects.filter(program=program)
    liability, months = points_liability_by_month(program=program, start=span.start, end=span.end)
    return ProgramOverview(
        program=program,
        period=period,
        span=span,
        members=_members(members, span),
        tiers=_tier_members(program, members),
        liability=liability,
        months=months,
        expiring=[
            Expiring(days, points, points_value(program, points))
            for days, points in points_expiring(program=program, now=now, within_days=EXPIRY_HORIZONS).items()
        ],
        purchasing=_purchasing(program, members, span),
    )


def _members(accounts: QuerySet[Account], span: Span) -> Members:
    counted = accounts.aggregate(
        total=Count("pk"),
        joined=Count("pk", filter=Q(enrolled_at__gte=span.start, enrolled_at__lt=span.end)),
        active=Count("pk", filter=Q(last_activity_at__gte=span.start, last_activity_at__lt=span.end)),
    )
    return Members(total=counted["total"], joined=counted["joined"], active=counted["active"])


def _tier_members(program: Program, accounts: QuerySet[Account]) -> list[TierMembers]:
    by_tier: dict[int | None, int] = dict(
        accounts.order_by().values("tier").annotate(members=Count("pk")).values_list("tier", "members")
    )
    untiered = [TierMembers(None, by_tier[None])] if by_tier.get(None) else []
    return untiered + [TierMembers(tier, by_tier.get(tier.pk, 0)) for tier in tier_list(program=program)]


def _purchasing(program: Program, accounts: QuerySet[Account], span: Span) -> Purchasing:
    """The members' orders in the period that the program would count: in its currency, and of its brand
    when it has one (as loyalty.services.backfill takes them)."""
    orders = Order.objects.filter(
        member__in=accounts.values("member"),
        currency=program.currency,
        occurred_at__gte=span.start,
        occurred_at__lt=span.end,
    )
    if program.brand_id is not None:
        orders = orders.filter(brand_id=program.brand_id)
    bought = Q(kind=OrderKind.PURCHASE)
    # One pass over the orders: each member's purchases and money first, then the sums over members.
    per_member = (
        orders.order_by()
        .values("member")
        .annotate(
            purchased=Count("pk", filter=bought),
            paid=Sum("amount", filter=bought),
            paid_back=Sum("amount", filter=Q(kind=OrderKind.RETURN)),
        )
    )
    totals = per_member.aggregate(
        purchases=Sum("purchased", default=0),
        buyers=Count("member", filter=Q(purchased__gte=1)),
        repeat=Count("member", filter=Q(purchased__gte=2)),
        spent=Sum("paid", default=Decimal(0)),
        refunded=Sum("paid_back", default=Decimal(0)),
    )
    return Purchasing(
        purchases=totals["purchases"],
        buyers=totals["buyers"],
        repeat_buyers=totals["repeat"],
        spent=totals["spent"],
        refunded=totals["refunded"],
    )

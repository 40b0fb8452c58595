"""Reads of the orders: what a customer has spent, and the purchase columns of a customer list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum

from patronage.commerce.models import Order, OrderKind
from patronage.members.models import Member


@dataclass(frozen=True)
class Spend:
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class MemberSpend:
    totals: list[Spend]  # one per currency the customer paid in, the largest count of purchases first
    purchases: int
    last_purchase_at: datetime | None


def member_spend(*, member: Member) -> MemberSpend:
    """What the customer spent over their life (purchases less refunds, per currency), how many purchases
    they made and when the last one was; in one query."""
    purchase, refund = Q(kind=OrderKind.PURCHASE), Q(kind=OrderKind.RETURN)
    grouped = (
        Order.objects.filter(member=member)
        .order_by()
        .values("currency")
        .annotate(
            paid=Sum("amount", filter=purchase, default=Decimal(0)),
            refunded=Sum("amount", filter=refund, default=Decimal(0)),
            purchases=Count("pk", filter=purchase),
            last=Max("occurred_at", filter=purchase),
        )
        .order_by("-purchases", "currency")
    )
    rows = list(grouped)
    # Money in different currencies is never added up: each currency keeps its own total.
    return MemberSpend(
        totals=[Spend(amount=row["paid"] - row["refunded"], currency=row["currency"]) for row in rows],
        purchases=sum(row["purchases"] for row in rows),
        last_purchase_at=max((row["last"] for row in rows if row["last"] is not None), default=None),
    )


def last_purchase_column() -> Subquery:
    """Each member's latest purchase time, as a column of a query of members (NULL for those with none).

    Read from the (member, occurred_at) index backwards, one probe per member row.
    """
    return Subquery(
        Order.objects.filter(member=OuterRef("pk"), kind=OrderKind.PURCHASE)
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )

"""Points a member spent on a purchase come back when the purchase is returned, in the same proportion
as its points are taken back, so "pay with points, return the goods" never loses the member's points
and never gives back more than was spent."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import F, Min

from patronage.commerce.models import Order
from patronage.core.models import User
from patronage.loyalty import rules
from patronage.loyalty.models import Account, EntryKind, LedgerEntry, OrderPoints, Redemption
from patronage.loyalty.services import notify
from patronage.loyalty.services.ledger import Cause
from patronage.loyalty.services.points import lots_earn


def spent_points_refund(
    *,
    account: Account,
    purchase: OrderPoints,
    returned_amount: Decimal,
    return_order: Order,
    at: datetime,
    actor: User | None,
) -> int:
    """Gives back the returned share of the points spent on `purchase` (caller's transaction, `purchase`
    locked and not yet updated for this return); returns the points given back."""
    redemption = purchase.redemption
    if redemption is None or redemption.status == Redemption.Status.CANCELLED:
        return 0
    due = rules.clawback_points(
        redemption.points,
        purchase.amount,
        returned_amount,
        purchase.refunded,
        already_returned=purchase.returned,
    )
    if due <= 0:
        return 0
    spent = LedgerEntry.objects.get(idempotency_key=redemption.idempotency_key)
    lots_earn(
        account=account,
        points=due,
        cause=Cause("order", str(return_order.pk)),
        key=f"refund:{account.program_id}:order:{return_order.pk}",
        at=at,
        actor=actor,
        reason=f"points spent on returned purchase {purchase.order.external_id}",
        pending=False,
        kind=EntryKind.REDEEM_CANCEL,
        reverses=spent,
        # The points come back with the soonest expiry of those they were spent from, never a fresh one.
        expires_at=spent.allocations.aggregate(at=Min("lot__expires_at"))["at"],
    )
    OrderPoints.objects.filter(pk=purchase.pk).update(refunded=F("refunded") + due)
    notify.points_changed(
        account=account,
        change=due,
        kind="refund",
        cause=f"refund:order:{return_order.pk}",
        at=at,
        new_cause=True,
    )
    return due

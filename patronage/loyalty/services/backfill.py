"""Points for orders already in the customer file: imported before the program existed, written by the
demo loader, or written by a transactions import a moment earlier in its own transaction (services.imports).
`transaction_record` cannot book them: it finds the order by its (source, external id) and answers as a
replay, and a purchase it never counted is refused as "recorded outside this program".

Each order goes through the very functions a live transaction uses (rules, caps, lots, the tier move,
the timeline and the outbox). An order the program has already counted is skipped, so running it twice
books nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet, Sum

from patronage.commerce.models import Order, OrderKind, OrderLine
from patronage.core.errors import ApplicationError
from patronage.core.models import User
from patronage.loyalty.models import OrderPoints, Program
from patronage.loyalty.services.orders import LineInput, References, TransactionInput, TransactionResult
from patronage.loyalty.services.purchases import purchases_book
from patronage.loyalty.services.transactions import account_locked, return_book
from patronage.members.models import MemberStatus

BATCH = 500


@dataclass
class BackfillResult:
    purchases: int = 0  # purchases booked now
    returns: int = 0  # returns booked now
    points: int = 0  # net points booked: earned less taken back
    skipped: int = 0  # already counted, another currency or brand, no member, or nothing to take back
    refused: list[tuple[int, str]] = field(
        default_factory=list
    )  # (order id, why) for orders the rules refuse


def orders_earn(*, program: Program, orders: QuerySet[Order], actor: User | None = None) -> BackfillResult:
    """Books the points of existing orders the program has not counted yet, oldest first; counted ones are skipped.

    One durable transaction per order."""
    result = BackfillResult()
    ordered = recorded_orders(orders).order_by("occurred_at", "pk")
    for order in ordered.iterator(chunk_size=BATCH):
        if order_not_counted(program, order) is not None:
            result.skipped += 1
            continue
        try:
            with transaction.atomic(durable=True):
                booked = _book(program, order, actor)
        except ApplicationError as error:
            result.refused.append((order.pk, error.message))
            continue
        if booked is None:
            result.skipped += 1
        elif order.kind == OrderKind.PURCHASE:
            result.purchases += 1
            result.points += booked.points
        else:
            result.returns += 1
            result.points += booked.points
    return result


class NotCounted(StrEnum):
    """Why a program does not count an order of the customer file."""

    NO_CUSTOMER = "no_customer"
    CUSTOMER_CLOSED = "customer_closed"  # merged into another file, or erased
    CURRENCY = "currency"
    BRAND = "brand"
    BEFORE_PROGRAM = "before_program"


def order_not_counted(program: Program, order: Order, *, historical: bool = True) -> NotCounted | None:
    """Why the program does not count the order, or None when it does.

    An order naming no brand counts in the program it is booked in; one of another brand does not.
    `historical`: a purchase dated before the program existed counts (a backfill is history on purpose),
    as check_transaction lets such a transaction through only when it says so.
    """
    if order.member is None:
        return NotCounted.NO_CUSTOMER
    if order.member.status != MemberStatus.ACTIVE:
        return NotCounted.CUSTOMER_CLOSED
    if order.currency != program.currency:
        return NotCounted.CURRENCY
    if program.brand_id is not None and order.brand_id not in (None, program.brand_id):
        return NotCounted.BRAND
    if not historical and order.kind == OrderKind.PURCHASE and order.occurred_at < program.created_at:
        return NotCounted.BEFORE_PROGRAM
    return None


def recorded_orders(orders: QuerySet[Order]) -> QuerySet[Order]:
    """The orders with what booking them reads: member, channel, store, original and lines."""
    return orders.select_related("member", "channel", "store", "original").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("category"))
    )


def purchases_counted(program: Program, orders: Iterable[Order]) -> set[int]:
    """The ids of those purchases the program has counted already."""
    return set(
        OrderPoints.objects.filter(
            order__in=[order.pk for order in orders], account__program=program
        ).values_list("order_id", flat=True)
    )


def recorded_purchases_book(
    *, program: Program, orders: Sequence[Order], actor: User | None
) -> list[TransactionResult]:
    """Books the points of purchases already in the customer file (caller's transaction), in the order given.

    The orders are read by `recorded_orders`; the program counts them (order_not_counted) and has not yet
    (purchases_counted). Their orders and timeline events are in the file already: only points are booked.
    """
    return purchases_book(
        program=program,
        batch=[_input_of(order) for order in orders],
        refs=_references(orders),
        actor=actor,
        recorded=list(orders),
    )


def recorded_return_book(*, program: Program, order: Order, actor: User | None) -> TransactionResult | None:
    """Takes back what a return already in the customer file owes the program (caller's transaction).

    None when there is nothing to take back: the program never counted its purchase, or has counted this
    return already.
    """
    assert order.member is not None  # order_not_counted
    purchase = _counted_purchase(program, order)
    if purchase is None or _return_counted(order, purchase):
        return None
    # The same lock as a live transaction: one member's earnings are serialised on their account row.
    account = account_locked(program=program, member=order.member, at=order.occurred_at)
    assert order.original is not None  # _counted_purchase
    return return_book(account, order, order.original, actor, order_event=False)


def _book(program: Program, order: Order, actor: User | None) -> TransactionResult | None:
    """One order, inside its durable transaction; None when there is nothing (more) to book."""
    if order.kind == OrderKind.RETURN:
        return recorded_return_book(program=program, order=order, actor=actor)
    if purchases_counted(program, [order]):
        return None
    return recorded_purchases_book(program=program, orders=[order], actor=actor)[0]


def _references(orders: Iterable[Order]) -> References:
    """The orders' channels as the earn rules read them: the ones stored on the orders, loaded with them."""
    return References(
        channels={order.channel.code: order.channel for order in orders if order.channel},
        stores={},
        categories={},
    )


def _counted_purchase(program: Program, order: Order) -> OrderPoints | None:
    """What the returned purchase earned in the program; None when the program never counted it."""
    if order.original is None:
        return None
    return OrderPoints.objects.filter(order=order.original, account__program=program).first()


def _return_counted(order: Order, purchase: OrderPoints) -> bool:
    # Returns of one purchase are booked oldest first, so those already counted come first: this one is
    # counted when the returns up to it add up to no more than what the purchase has had returned.
    up_to = Order.objects.filter(original_id=order.original_id, kind=OrderKind.RETURN).filter(
        Q(occurred_at__lt=order.occurred_at) | Q(occurred_at=order.occurred_at, pk__lte=order.pk)
    )
    total = up_to.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return total <= purchase.returned


def _input_of(order: Order) -> TransactionInput:
    """The order as the transaction it would have been sent as."""
    assert order.member is not None
    return TransactionInput(
        kind=order.kind,
        external_id=order.external_id,
        member=order.member,
        amount=order.amount,
        currency=order.currency,
        occurred_at=order.occurred_at,
        lines=_lines(order.lines.all()),
        tax=order.tax,
        shipping=order.shipping,
        channel=order.channel.code if order.channel else None,
        store=order.store.code if order.store else None,
        promotion_code=order.promotion_code,
        source=order.source,
    )


def _lines(lines: Iterable[OrderLine]) -> tuple[LineInput, ...]:
    return tuple(
        LineInput(
            sku=line.sku,
            category=line.category.code if line.category else None,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.amount,
        )
        for line in lines
    )

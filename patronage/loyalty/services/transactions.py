"""Purchases and returns sent by a POS or a shop, and the points they earn or give back.

One durable transaction per transaction received: the order, its lines, the points, the tier move, the
timeline and the outbox commit together or not at all. The order's unique (source, external id) is the
idempotency key: a retry, or a duplicate delivery racing the first, is answered with the original result.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from patronage.commerce.models import Order, OrderKind, OrderLine
from patronage.core.errors import ApplicationError, Conflict, NotFound
from patronage.core.models import User
from patronage.loyalty import rules
from patronage.loyalty import timeline_kinds as kinds
from patronage.loyalty.models import Account, Bucket, EntryKind, LedgerEntry, OrderPoints, Program
from patronage.loyalty.services import notify
from patronage.loyalty.services.orders import (
    References,
    TransactionInput,
    TransactionResult,
    check_transaction,
    lines_build,
    order_build,
    order_timeline_event,
    points_timeline_event,
)
from patronage.loyalty.services.points import account_open, return_take
from patronage.loyalty.services.purchases import purchases_book
from patronage.loyalty.services.refunds import spent_points_refund
from patronage.members.models import Member, TimelineEvent


def transaction_record(
    *, program: Program, data: TransactionInput, actor: User | None = None
) -> TransactionResult:
    """Records a purchase or a return and books its points; the same external id again changes nothing."""
    check_transaction(program, data)
    try:
        with transaction.atomic(durable=True):
            return _record(program, data, actor)
    except (IntegrityError, ApplicationError):
        # A duplicate delivery that lost the race: the order's unique key refused it once the winner had
        # committed; or, having waited for the account the winner held, it found the winner's work in its
        # way (the redemption that pays for the purchase already paying the winner's order). Answer with the
        # winner's result.
        existing = Order.objects.filter(source=data.source, external_id=data.external_id).first()
        if existing is None:
            raise
        return _replay(program, existing, data)


def _record(program: Program, data: TransactionInput, actor: User | None) -> TransactionResult:
    if data.kind == OrderKind.PURCHASE:
        # Without looking for the order first: a repeat fails on the order's unique key and is replayed.
        refs = References.of([data])
        refs.check(data)
        return purchases_book(program=program, batch=[data], refs=refs, actor=actor)[0]
    existing = Order.objects.filter(source=data.source, external_id=data.external_id).first()
    if existing is not None:
        return _replay(program, existing, data)
    original = _original(data)
    order = _order_create(program, data, original)
    account = account_locked(program=program, member=data.member, at=data.occurred_at)
    return return_book(account, order, original, actor)


def account_locked(*, program: Program, member: Member, at: datetime) -> Account:
    """The member's account, opened on first use, locked (caller's transaction): it serialises one member's
    earnings (caps and tier values are read, then written); other members never wait."""
    locked = Account.objects.select_for_update(of=("self",)).select_related("program", "tier", "tier_floor")
    account = locked.filter(program=program, member=member).first()
    if account is None:
        account = locked.get(pk=account_open(program=program, member=member, at=at).pk)
    account.member = member
    return account


def _original(data: TransactionInput) -> Order:
    original = Order.objects.filter(
        source=data.source, external_id=data.original_external_id, kind=OrderKind.PURCHASE
    ).first()
    if original is None:
        raise NotFound(
            _("no purchase with external_id '%(id)s' to return") % {"id": data.original_external_id},
            field="original_external_id",
        )
    if original.member_id != data.member.pk:
        raise Conflict(_("the original purchase belongs to another member"), field="original_external_id")
    return original


def _order_create(program: Program, data: TransactionInput, original: Order) -> Order:
    refs = References.of([data])
    refs.check(data)
    order = order_build(program, data, original, refs)
    order.save()
    if data.lines:
        OrderLine.objects.bulk_create(lines_build(order, data, refs))
    return order


def return_book(
    account: Account, order: Order, original: Order, actor: User | None, *, order_event: bool = True
) -> TransactionResult:
    """Books what a recorded return takes back and gives back, on its locked account (caller's transaction)."""
    earned = (
        OrderPoints.objects.select_for_update(of=("self",))
        .select_related("redemption", "order")
        .filter(order=original, account=account)
        .first()
    )
    if earned is None:
        if order_event:
            order_timeline_event(account.program, account.member, order).save()
        return TransactionResult(order, True, 0, {}, account.tier, False)
    if earned.returned + order.amount > earned.amount:
        raise Conflict(
            _("returns would total %(total)s, more than the purchase's %(paid)s")
            % {"total": earned.returned + order.amount, "paid": earned.amount},
            field="amount",
        )
    # Points spent on the purchase come back first: under the within-balance policy they cover the clawback.
    refunded = spent_points_refund(
        account=account,
        purchase=earned,
        returned_amount=order.amount,
        return_order=order,
        at=order.occurred_at,
        actor=actor,
    )
    due = rules.clawback_points(
        earned.earned, earned.amount, order.amount, earned.clawed, already_returned=earned.returned
    )
    entries = return_take(
        account=account,
        purchase_order_id=original.pk,
        return_order_id=order.pk,
        points=due,
        at=order.occurred_at,
        actor=actor,
    )
    OrderPoints.objects.filter(pk=earned.pk).update(
        clawed=F("clawed") + due, returned=F("returned") + order.amount
    )
    taken = _points_taken(entries)
    events = [order_timeline_event(account.program, account.member, order)] if order_event else []
    if taken:
        events.append(
            points_timeline_event(
                kinds.POINTS_RETURNED.code,
                account.program,
                account.member,
                order,
                -taken,
                original_id=original.pk,
            )
        )
        notify.points_changed(
            account=account,
            change=-taken,
            kind="return",
            cause=f"order:{order.pk}",
            at=order.occurred_at,
            new_cause=True,
        )
    TimelineEvent.objects.bulk_create(events)
    detail = {"due": due, "taken": taken, "refunded": refunded, "policy": account.program.return_policy}
    return TransactionResult(order, True, -taken, detail, account.tier, False, refunded)


def _replay(program: Program, order: Order, data: TransactionInput) -> TransactionResult:
    """The answer to a transaction already recorded: its original result, if it is the same transaction."""
    if order.member_id != data.member.pk or order.kind != data.kind or order.amount != data.amount:
        raise Conflict(
            _("external_id '%(id)s' was already used for a different transaction") % {"id": data.external_id},
            field="external_id",
        )
    account = (
        Account.objects.select_related("tier").filter(program=program, member_id=order.member_id).first()
    )
    if order.kind == OrderKind.PURCHASE:
        points = OrderPoints.objects.filter(order=order, account__program=program).first()
        if points is None:
            raise Conflict(
                _("external_id '%(id)s' was recorded outside this program") % {"id": data.external_id},
                field="external_id",
            )
        return TransactionResult(
            order, False, points.earned, points.evaluation, account.tier if account else None
        )
    taken = refunded = 0
    if account is not None:
        caused = LedgerEntry.objects.filter(account=account, cause_type="order", cause_id=str(order.pk))
        taken = _points_taken(caused.filter(kind=EntryKind.RETURN))
        refunded = sum(entry.points for entry in caused.filter(kind=EntryKind.REDEEM_CANCEL))
    return TransactionResult(order, False, -taken, {}, account.tier if account else None, refunded=refunded)


def _points_taken(entries: Iterable[LedgerEntry]) -> int:
    # A return lowers pending or active points, and books what the balance could not give as owed.
    return sum(entry.points if entry.bucket == Bucket.OWED else -entry.points for entry in entries)

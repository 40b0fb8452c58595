"""Purchases and returns sent by a POS or a shop, and the points they earn or give back.

One durable transaction per transaction received: the order, its lines, the points, the tier move, the
timeline and the outbox commit together or not at all. The order's unique (source, external id) is the
idempotency key: a retry, or a duplicate delivery racing the first, is answered with the original result.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from patronage.commerce import timeline_kinds as commerce_kinds
from patronage.commerce.models import Category, Channel, Order, OrderKind, OrderLine, Store
from patronage.core import clock
from patronage.core.errors import Conflict, NotFound, ValidationFailed
from patronage.core.models import User
from patronage.loyalty import rules
from patronage.loyalty import timeline_kinds as kinds
from patronage.loyalty.models import (
    Account,
    Bucket,
    EntryKind,
    LedgerEntry,
    OrderPoints,
    Program,
    Redemption,
    Tier,
)
from patronage.loyalty.selectors import earn_settings, evaluation_as_dict, member_context, program_rules
from patronage.loyalty.services import notify
from patronage.loyalty.services.caps import caps_use
from patronage.loyalty.services.ledger import Cause
from patronage.loyalty.services.points import account_open, lots_earn, return_take
from patronage.loyalty.services.refunds import spent_points_refund
from patronage.loyalty.services.tiers import tier_after_activity
from patronage.members.models import Member, TimelineEvent
from patronage.members.services.files import require_active

# Clocks of tills drift; a purchase stamped a little ahead of ours is believed, further is a mistake.
FUTURE_TOLERANCE = timedelta(minutes=10)
MAX_LINES = 500


@dataclass(frozen=True, kw_only=True)
class LineInput:
    sku: str
    quantity: Decimal
    unit_price: Decimal
    category: str | None = None
    amount: Decimal | None = None  # what was paid for the line; quantity x unit price when not given

    @property
    def paid(self) -> Decimal:
        return (
            self.amount
            if self.amount is not None
            else (self.quantity * self.unit_price).quantize(Decimal("0.01"))
        )


@dataclass(frozen=True, kw_only=True)
class TransactionInput:
    kind: str  # purchase | return
    external_id: str
    member: Member
    amount: Decimal
    currency: str
    occurred_at: datetime
    lines: tuple[LineInput, ...] = ()
    original_external_id: str | None = None
    tax: Decimal = Decimal(0)
    shipping: Decimal = Decimal(0)
    channel: str | None = None
    store: str | None = None
    promotion_code: str = ""
    source: str = ""
    redemption_code: str | None = None  # points the member spent on this purchase (a redemption's code)


@dataclass(frozen=True)
class TransactionResult:
    order: Order
    created: bool
    points: int  # earned (purchase) or taken back (return, negative)
    evaluation: dict[str, Any] = field(default_factory=dict)
    tier: Tier | None = None
    tier_changed: bool = False
    refunded: int = 0  # a return: points spent on the purchase that came back


def transaction_record(
    *, program: Program, data: TransactionInput, actor: User | None = None
) -> TransactionResult:
    """Records a purchase or a return and books its points; the same external id again changes nothing."""
    check_transaction(program, data)
    try:
        with transaction.atomic(durable=True):
            return _record(program, data, actor)
    except IntegrityError:
        # A duplicate delivery that lost the race: the winner committed, answer with its result.
        existing = Order.objects.filter(source=data.source, external_id=data.external_id).first()
        if existing is None:
            raise
        return _replay(program, existing, data)


def check_transaction(program: Program, data: TransactionInput) -> None:
    """Refuses a transaction that cannot be recorded, naming the field; reads nothing but the program."""
    if not program.active:
        raise ValidationFailed(_("program '%(code)s' is closed") % {"code": program.code}, field="program")
    require_active(data.member)
    if data.kind not in OrderKind.values:
        raise ValidationFailed(_("type must be purchase or return"), field="type")
    if not data.external_id.strip():
        raise ValidationFailed(_("external_id is required"), field="external_id")
    if data.currency.upper() != program.currency:
        raise ValidationFailed(
            _("the program counts %(expected)s, not %(given)s")
            % {"expected": program.currency, "given": data.currency},
            field="currency",
        )
    for name, value in (("amount", data.amount), ("tax", data.tax), ("shipping", data.shipping)):
        if value < 0:
            raise ValidationFailed(_("%(field)s cannot be negative") % {"field": name}, field=name)
    if data.tax + data.shipping > data.amount:
        raise ValidationFailed(_("tax and shipping cannot exceed the amount"), field="amount")
    if data.occurred_at.utcoffset() is None:
        raise ValidationFailed(_("occurred_at must include a time zone"), field="occurred_at")
    if data.occurred_at > clock.now() + FUTURE_TOLERANCE:
        raise ValidationFailed(_("occurred_at is in the future"), field="occurred_at")
    if len(data.lines) > MAX_LINES:
        raise ValidationFailed(_("at most %(max)d lines") % {"max": MAX_LINES}, field="lines")
    for number, line in enumerate(data.lines, start=1):
        if not line.sku.strip():
            raise ValidationFailed(_("line %(n)d: sku is required") % {"n": number}, field="lines")
        if line.quantity <= 0 or line.unit_price < 0 or line.paid < 0:
            raise ValidationFailed(
                _("line %(n)d: quantity must be positive and prices not negative") % {"n": number},
                field="lines",
            )
    if data.kind == OrderKind.RETURN and not data.original_external_id:
        raise ValidationFailed(
            _("a return needs original_external_id, the purchase it returns"), field="original_external_id"
        )
    if data.kind == OrderKind.RETURN and data.redemption_code:
        raise ValidationFailed(
            _("only a purchase is paid with points; a return gives them back by itself"),
            field="redemption_code",
        )
    if data.kind == OrderKind.PURCHASE and data.original_external_id:
        raise ValidationFailed(
            _("only a return refers to an original purchase"), field="original_external_id"
        )


def _record(program: Program, data: TransactionInput, actor: User | None) -> TransactionResult:
    existing = Order.objects.filter(source=data.source, external_id=data.external_id).first()
    if existing is not None:
        return _replay(program, existing, data)
    original = _original(data) if data.kind == OrderKind.RETURN else None
    order = _order_create(program, data, original)
    account = account_locked(program=program, member=data.member, at=data.occurred_at)
    if original is not None:
        return return_book(account, order, original, actor)
    return purchase_book(account, order, data, actor)


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
        raise ValidationFailed(
            _("the original purchase belongs to another member"), field="original_external_id"
        )
    return original


@dataclass(frozen=True)
class References:
    """The channels, stores and categories a set of transactions names, read once."""

    channels: dict[str, Channel]
    stores: dict[str, Store]
    categories: dict[str, Category]

    @staticmethod
    def of(items: Iterable[TransactionInput]) -> References:
        items = list(items)
        channels = {i.channel for i in items if i.channel}
        stores = {i.store for i in items if i.store}
        categories = {line.category for i in items for line in i.lines if line.category}
        return References(
            channels={c.code: c for c in Channel.objects.filter(code__in=channels)} if channels else {},
            stores={s.code: s for s in Store.objects.select_related("channel").filter(code__in=stores)}
            if stores
            else {},
            categories={c.code: c for c in Category.objects.filter(code__in=categories)}
            if categories
            else {},
        )

    def check(self, data: TransactionInput) -> None:
        if data.store and data.store not in self.stores:
            raise ValidationFailed(_("store '%(code)s' is not known") % {"code": data.store}, field="store")
        if data.channel and data.channel not in self.channels:
            raise ValidationFailed(
                _("channel '%(code)s' is not known") % {"code": data.channel}, field="channel"
            )


def order_build(program: Program, data: TransactionInput, original: Order | None, refs: References) -> Order:
    """The order a transaction describes, not yet saved."""
    store = refs.stores.get(data.store or "")
    return Order(
        source=data.source,
        external_id=data.external_id,
        kind=data.kind,
        member=data.member,
        original=original,
        brand_id=program.brand_id,
        channel=refs.channels.get(data.channel or "") or (store.channel if store else None),
        store=store,
        occurred_at=data.occurred_at,
        currency=program.currency,
        amount=data.amount,
        tax=data.tax,
        shipping=data.shipping,
        promotion_code=data.promotion_code,
    )


def lines_build(order: Order, data: TransactionInput, refs: References) -> list[OrderLine]:
    return [
        OrderLine(
            order=order,
            line_no=number,
            sku=line.sku,
            category=refs.categories.get(line.category or ""),
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.paid,
        )
        for number, line in enumerate(data.lines, start=1)
    ]


def order_timeline_event(program: Program, member: Member, order: Order) -> TimelineEvent:
    """The purchase or return as the member's timeline shows it, not yet saved."""
    kind = commerce_kinds.PURCHASE if order.kind == OrderKind.PURCHASE else commerce_kinds.RETURN
    return TimelineEvent(
        member=member,
        kind=kind.code,
        occurred_at=order.occurred_at,
        summary=f"{order.amount} {program.currency}",
        data={"order_id": order.pk, "external_id": order.external_id, "amount": str(order.amount)},
        source_type=Order._meta.label_lower,
        source_id=str(order.pk),
        dedupe_key=f"order:{order.pk}",
    )


def points_timeline_event(
    kind: str, program: Program, member: Member, order: Order, points: int, **data: int
) -> TimelineEvent:
    """The points an order earned (or a return took back) as the member's timeline shows them."""
    return TimelineEvent(
        member=member,
        kind=kind,
        occurred_at=order.occurred_at,
        summary=f"{points:+d} ({program.name})",
        data={"program": program.code, "points": points, "order_id": order.pk, **data},
        source_type=Order._meta.label_lower,
        source_id=str(order.pk),
    )


def purchase_of(program: Program, order: Order, data: TransactionInput) -> rules.Purchase:
    """The purchase as the earn rules read it."""
    return rules.Purchase(
        amount=data.amount,
        currency=program.currency,
        tax=data.tax,
        shipping=data.shipping,
        occurred_at=data.occurred_at,
        channel=order.channel.code if order.channel else data.channel,
        store=data.store,
        lines=tuple(
            rules.Line(
                sku=line.sku,
                category=line.category,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.paid,
            )
            for line in data.lines
        ),
    )


def _order_create(program: Program, data: TransactionInput, original: Order | None) -> Order:
    refs = References.of([data])
    refs.check(data)
    order = order_build(program, data, original, refs)
    order.save()
    if data.lines:
        OrderLine.objects.bulk_create(lines_build(order, data, refs))
    return order


def purchase_book(
    account: Account, order: Order, data: TransactionInput, actor: User | None, *, order_event: bool = True
) -> TransactionResult:
    """Books what a recorded purchase earns, on its locked account (caller's transaction).

    order_event=False: the order was imported with its timeline event (services.backfill)."""
    program = account.program
    rule_set = program_rules(program=program)
    purchase = purchase_of(program, order, data)
    evaluation = rules.evaluate_purchase(
        purchase,
        rule_set,
        earn_settings(program=program),
        member_context(account=account, rule_set=rule_set, at=data.occurred_at),
    )
    caps_use(account=account, rule_set=rule_set, evaluation=evaluation, at=data.occurred_at)
    explained = evaluation_as_dict(evaluation)
    OrderPoints.objects.create(
        order=order,
        account=account,
        earned=evaluation.total,
        amount=data.amount,
        occurred_at=data.occurred_at,
        evaluation=explained,
        redemption=_paid_with(account, data.redemption_code),
    )
    events = [order_timeline_event(program, account.member, order)] if order_event else []
    if evaluation.total > 0:
        lots_earn(
            account=account,
            points=evaluation.total,
            cause=Cause("order", str(order.pk)),
            key=f"earn:{program.pk}:order:{order.pk}",
            at=data.occurred_at,
            actor=actor,
            reason=f"purchase {data.external_id}",
            pending=program.pending_days > 0,
            order_id=order.pk,
        )
        events.append(
            points_timeline_event(kinds.POINTS_EARNED.code, program, account.member, order, evaluation.total)
        )
        notify.points_changed(
            account=account,
            change=evaluation.total,
            kind="earn",
            cause=f"order:{order.pk}",
            at=data.occurred_at,
            new_cause=True,
        )
    TimelineEvent.objects.bulk_create(events)
    change = tier_after_activity(account=account, at=data.occurred_at)
    return TransactionResult(order, True, evaluation.total, explained, account.tier, change is not None)


def _paid_with(account: Account, code: str | None) -> Redemption | None:
    """The member's redemption that paid for this purchase, if any; one redemption pays one purchase."""
    if not code:
        return None
    redemption = Redemption.objects.filter(code=code.strip().upper(), account=account).first()
    if redemption is None:
        raise NotFound(
            _("the member has no redemption with the code '%(code)s'") % {"code": code},
            field="redemption_code",
        )
    if redemption.status == Redemption.Status.CANCELLED:
        raise ValidationFailed(
            _("redemption '%(code)s' was cancelled") % {"code": code}, field="redemption_code"
        )
    if OrderPoints.objects.filter(redemption=redemption).exists():
        raise Conflict(
            _("redemption '%(code)s' already paid for another purchase") % {"code": code},
            field="redemption_code",
        )
    return redemption


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
        raise ValidationFailed(
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

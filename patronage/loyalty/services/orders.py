"""What a purchase or return received from a POS or a shop is, and the rows it is written as: shared by
the one-by-one path (services.transactions), the set-based booking of purchases (services.purchases) and
the backfill of orders already in the customer file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from patronage.commerce import timeline_kinds as commerce_kinds
from patronage.commerce.models import Category, Channel, Order, OrderKind, OrderLine, Store
from patronage.core import clock
from patronage.core.errors import Conflict, NotFound, ValidationFailed
from patronage.core.inputs import FUTURE_GRACE, instant_refusal
from patronage.loyalty import rules
from patronage.loyalty.models import Program, Tier
from patronage.loyalty.selectors.integration import currency_check
from patronage.members.models import Member, TimelineEvent
from patronage.members.services.files import require_active

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
    # Sent on purpose from before the program existed (a launch crediting past purchases): otherwise such a
    # date is a mistake (a wrong year at the till) and is refused.
    historical: bool = False


@dataclass(frozen=True)
class TransactionResult:
    order: Order
    created: bool
    points: int  # earned (purchase) or taken back (return, negative)
    evaluation: dict[str, Any] = field(default_factory=dict)
    tier: Tier | None = None
    tier_changed: bool = False
    refunded: int = 0  # a return: points spent on the purchase that came back


def check_transaction(program: Program, data: TransactionInput) -> None:
    """Refuses a transaction that cannot be recorded, naming the field; reads nothing but the program.

    What the request alone makes wrong is a ValidationFailed (422); what the program's state refuses (closed,
    another currency, before it existed) is a Conflict (409): the same request is right for another program.
    """
    if not program.active:
        raise Conflict(_("program '%(code)s' is closed") % {"code": program.code}, field="program")
    require_active(data.member)
    if data.kind not in OrderKind.values:
        raise ValidationFailed(_("type must be purchase or return"), field="type")
    if not data.external_id.strip():
        raise ValidationFailed(_("external_id is required"), field="external_id")
    currency_check(program=program, currency=data.currency)
    for name, value in (("amount", data.amount), ("tax", data.tax), ("shipping", data.shipping)):
        if value < 0:
            raise ValidationFailed(_("%(field)s cannot be negative") % {"field": name}, field=name)
    if data.tax + data.shipping > data.amount:
        raise ValidationFailed(_("tax and shipping cannot exceed the amount"), field="amount")
    if refusal := instant_refusal(data.occurred_at):
        raise ValidationFailed(refusal.message(), field="occurred_at")
    if data.occurred_at > clock.now() + FUTURE_GRACE:
        raise ValidationFailed(_("occurred_at is in the future"), field="occurred_at")
    if data.occurred_at < program.created_at and not data.historical:
        raise Conflict(
            _(
                "occurred_at is before the program existed (it began %(start)s); send historical: true "
                "to record an earlier purchase on purpose"
            )
            % {
                "start": program.created_at.astimezone(ZoneInfo(program.time_zone)).isoformat(
                    timespec="seconds"
                )
            },
            field="occurred_at",
        )
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

    def channel_of(self, data: TransactionInput) -> Channel | None:
        """The channel the transaction names, or else its store's."""
        store = self.stores.get(data.store or "")
        return self.channels.get(data.channel or "") or (store.channel if store else None)

    def check(self, data: TransactionInput) -> None:
        if data.store and data.store not in self.stores:
            raise NotFound(_("store '%(code)s' is not known") % {"code": data.store}, field="store")
        if data.channel and data.channel not in self.channels:
            raise NotFound(_("channel '%(code)s' is not known") % {"code": data.channel}, field="channel")


def order_build(program: Program, data: TransactionInput, original: Order | None, refs: References) -> Order:
    """The order a transaction describes, not yet saved."""
    return Order(**order_fields(program, data, original.pk if original else None, refs))


def order_fields(
    program: Program, data: TransactionInput, original_id: int | None, refs: References
) -> dict[str, Any]:
    """The order's fields by attname (rows are written many at a time)."""
    store = refs.stores.get(data.store or "")
    channel = refs.channel_of(data)
    return {
        "source": data.source,
        "external_id": data.external_id,
        "kind": data.kind,
        "member_id": data.member.pk,
        "original_id": original_id,
        "brand_id": program.brand_id,
        "channel_id": channel.pk if channel else None,
        "store_id": store.pk if store else None,
        "occurred_at": data.occurred_at,
        "currency": program.currency,
        "amount": data.amount,
        "tax": data.tax,
        "shipping": data.shipping,
        "promotion_code": data.promotion_code,
    }


def lines_build(order: Order, data: TransactionInput, refs: References) -> list[OrderLine]:
    return [OrderLine(**fields) for fields in lines_fields(order.pk, data, refs)]


def lines_fields(order_id: int, data: TransactionInput, refs: References) -> list[dict[str, Any]]:
    categories = refs.categories
    return [
        {
            "order_id": order_id,
            "line_no": number,
            "sku": line.sku,
            "category_id": category.pk if (category := categories.get(line.category or "")) else None,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "amount": line.paid,
        }
        for number, line in enumerate(data.lines, start=1)
    ]


def order_timeline_event(program: Program, member: Member, order: Order) -> TimelineEvent:
    """The purchase or return as the member's timeline shows it, not yet saved."""
    return TimelineEvent(member=member, **order_timeline_fields(program, order))


def order_timeline_fields(program: Program, order: Order) -> dict[str, Any]:
    """The fields of an order's timeline event but the member (rows are written many at a time)."""
    kind = commerce_kinds.PURCHASE if order.kind == OrderKind.PURCHASE else commerce_kinds.RETURN
    return {
        "kind": kind.code,
        "occurred_at": order.occurred_at,
        "summary": f"{order.amount} {program.currency}",
        "data": {
            "order_id": order.pk,
            "external_id": order.external_id,
            "amount": str(order.amount),
            "currency": order.currency,
        },
        "source_type": Order._meta.label_lower,
        "source_id": str(order.pk),
        "dedupe_key": f"order:{order.pk}",
    }


def points_timeline_event(
    kind: str, program: Program, member: Member, order: Order, points: int, **data: int
) -> TimelineEvent:
    """The points an order earned (or a return took back) as the member's timeline shows them."""
    return TimelineEvent(member=member, **points_timeline_fields(kind, program, order, points, **data))


def points_timeline_fields(
    kind: str, program: Program, order: Order, points: int, **data: int
) -> dict[str, Any]:
    return {
        "kind": kind,
        "occurred_at": order.occurred_at,
        "summary": f"{points:+d} ({program.name})",
        "data": {"program": program.code, "points": points, "order_id": order.pk, **data},
        "source_type": Order._meta.label_lower,
        "source_id": str(order.pk),
        "dedupe_key": None,
    }


def purchase_of(program: Program, data: TransactionInput, channel: str | None) -> rules.Purchase:
    """The purchase as the earn rules read it; `channel` is the code of the order's channel, if any."""
    return rules.Purchase(
        amount=data.amount,
        currency=program.currency,
        tax=data.tax,
        shipping=data.shipping,
        occurred_at=data.occurred_at,
        channel=channel or data.channel,
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

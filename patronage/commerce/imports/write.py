"""Writing checked orders: new orders with their lines and their customers' timeline events, in bulk."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from patronage.commerce import timeline_kinds as kinds
from patronage.commerce.imports.orders import LineDraft, OrderDraft, OrderKey
from patronage.commerce.imports.reference import References
from patronage.commerce.models import Channel, Order, OrderKind, OrderLine, Store
from patronage.core.sql import ids_reserve, rows_insert
from patronage.members.imports.base import IdentityKey, ImportContext, chunks, identity_owner, identity_owners
from patronage.members.imports.bulk import timeline_row
from patronage.members.models import TimelineEvent

# (primary key, member id) of an order in the database
_ExistingOrders = dict[OrderKey, tuple[int, int | None]]


class WrittenBatch(NamedTuple):
    created: int  # orders new to the database
    order_ids: dict[OrderKey, int]  # every order of the batch, new or imported before


class OrderWriter:
    """Writes the orders not imported before (inside the import's transaction); others are left as they are."""

    def __init__(self, context: ImportContext):
        self.context = context
        self.references = References()

    def write(self, drafts: list[OrderDraft]) -> WrittenBatch:
        """Writes the new orders of a checked batch; the id of every order of the batch, new or not."""
        existing = _orders_find([draft.key for draft in drafts])
        order_ids = {key: pk for key, (pk, _member) in existing.items()}
        new = [draft for draft in drafts if draft.key not in existing]
        if not new:
            return WrittenBatch(0, order_ids)
        owners = identity_owners(identity.key for draft in new for identity in draft.customer)
        self.references.ensure(new)
        purchases = [draft for draft in new if draft.kind == OrderKind.PURCHASE]
        order_ids.update(self._orders_create(purchases, owners, originals={}))
        returns = [draft for draft in new if draft.kind == OrderKind.RETURN]
        if returns:
            originals = _orders_find([draft.original for draft in returns if draft.original])
            order_ids.update(self._orders_create(returns, owners, originals))
        return WrittenBatch(len(new), order_ids)

    def _orders_create(
        self, drafts: list[OrderDraft], owners: dict[IdentityKey, int], originals: _ExistingOrders
    ) -> dict[OrderKey, int]:
        ids = ids_reserve(Order, len(drafts))
        orders = [
            self._order_row(order_id, draft, owners, originals)
            for order_id, draft in zip(ids, drafts, strict=True)
        ]
        rows_insert(Order, orders)
        rows_insert(
            OrderLine,
            [
                self._line_row(order["id"], number, line)
                for draft, order in zip(drafts, orders, strict=True)
                for number, line in enumerate(draft.lines, start=1)
            ],
        )
        rows_insert(
            TimelineEvent,
            [
                self._timeline_row(order, draft)
                for draft, order in zip(drafts, orders, strict=True)
                if order["member_id"] is not None
            ],
        )
        return {draft.key: order_id for draft, order_id in zip(drafts, ids, strict=True)}

    def _order_row(
        self, order_id: int, draft: OrderDraft, owners: dict[IdentityKey, int], originals: _ExistingOrders
    ) -> dict[str, Any]:
        original = originals.get(draft.original) if draft.original else None
        member_id = identity_owner(draft.customer, owners)
        if member_id is None and original is not None:
            member_id = original[1]
        store = self.references.stores.get(draft.store)
        brand = self.references.brands.get(draft.brand)
        channel = self.references.channels.get(draft.channel)
        return {
            "id": order_id,
            "source": draft.key.source,
            "external_id": draft.key.external_id,
            "kind": draft.kind,
            "member_id": member_id,
            "original_id": original[0] if original else None,
            "brand_id": brand.pk if brand else (store.brand_id if store else None),
            "channel_id": channel.pk if channel else (store.channel_id if store else None),
            "store_id": store.pk if store else None,
            "occurred_at": draft.occurred_at,
            "currency": draft.currency,
            "amount": draft.amount,
            "tax": draft.tax,
            "shipping": draft.shipping,
            "discount": draft.discount,
            "promotion_code": draft.promotion_code,
            "created_at": self.context.started_at,
        }

    def _line_row(self, order_id: int, number: int, line: LineDraft) -> dict[str, Any]:
        product = self.references.products[line.sku]
        category = self.references.categories.get(line.category)
        return {
            "order_id": order_id,
            "line_no": number,
            "product_id": product.pk,
            "sku": line.sku,
            "category_id": category.pk if category else product.category_id,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "amount": line.amount,
        }

    def _timeline_row(self, order: dict[str, Any], draft: OrderDraft) -> dict[str, Any]:
        kind = kinds.PURCHASE if order["kind"] == OrderKind.PURCHASE else kinds.RETURN
        store = self.references.stores.get(draft.store)
        return timeline_row(
            self.context,
            order["member_id"],
            kind.code,
            order_summary(draft.amount, draft.currency, store, draft.lines),
            {
                "order_id": order["id"],
                "external_id": draft.key.external_id,
                "amount": str(draft.amount),
                "currency": draft.currency,
                **_place(store, self.references.channels.get(draft.channel)),
                **(
                    {"items": str(sum((line.quantity for line in draft.lines), Decimal(0)))}
                    if draft.lines
                    else {}
                ),
            },
            occurred_at=draft.occurred_at,
            source=(Order._meta.label_lower, str(order["id"])),
            dedupe_key=f"order:{order['id']}",
        )


def _place(store: Store | None, channel: Channel | None) -> dict[str, str]:
    """Where the order was placed, by name, as an API purchase's event data says it."""
    if store is not None:
        return {"store": store.name}
    return {"channel": channel.name} if channel is not None else {}


def order_summary(amount: Decimal, currency: str, store: Store | None, lines: list[LineDraft]) -> str:
    """'45,000 KRW at Gangnam store, 3 items': what the timeline shows of an order."""
    places = ",.0f" if amount == amount.to_integral_value() else ",.2f"
    summary = f"{amount:{places}} {currency}"
    if store is not None:
        summary += f" at {store.name}"
    if lines:
        items = sum((line.quantity for line in lines), Decimal(0))
        count = f"{items:.0f}" if items == items.to_integral_value() else f"{items.normalize()}"
        summary += f", {count} item{'' if items == 1 else 's'}"
    return summary


def _orders_find(keys: list[OrderKey]) -> _ExistingOrders:
    """(pk, member id) of each order that exists, by key."""
    by_source: dict[str, list[str]] = {}
    for key in set(keys):
        by_source.setdefault(key.source, []).append(key.external_id)
    found: _ExistingOrders = {}
    for source, external_ids in by_source.items():
        for chunk in chunks(sorted(external_ids)):
            rows = Order.objects.filter(source=source, external_id__in=chunk).values_list(
                "external_id", "pk", "member_id"
            )
            found.update({OrderKey(source, external_id): (pk, member) for external_id, pk, member in rows})
    return found

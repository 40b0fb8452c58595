"""How the customer file's merge and export reach commerce data."""

from typing import Any

from patronage.commerce.models import Order
from patronage.members import hooks
from patronage.members.models import Member


@hooks.on_merge
def orders_follow_merge(duplicate: Member, survivor: Member) -> None:
    Order.objects.filter(member=duplicate).update(member=survivor)


@hooks.export_section("orders")
def orders_export(member: Member) -> list[dict[str, Any]]:
    return [
        {
            "external_id": order.external_id,
            "kind": order.kind,
            "occurred_at": order.occurred_at.isoformat(),
            "amount": str(order.amount),
            "currency": order.currency,
            "store": order.store.code if order.store else None,
            "lines": [
                {"sku": line.sku, "quantity": str(line.quantity), "unit_price": str(line.unit_price)}
                for line in order.lines.all()
            ],
        }
        for order in member.orders.select_related("store")
        .prefetch_related("lines")
        .order_by("occurred_at", "pk")
    ]

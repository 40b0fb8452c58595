"""What erasure does to commerce's tables (the members.erasure registry): orders stay for the sales
totals; what was typed about them (a promotion code, a problem's description) loses the person."""

from __future__ import annotations

from patronage.commerce.models import Order, OrderProblem
from patronage.members.erasure import PersonalTable, Scrub, no_personal_data, personal_data

personal_data(
    PersonalTable(
        "commerce.Order",
        rows=lambda subject: Order.objects.filter(member_id__in=subject.member_ids),
        fields={
            "source": Scrub.KEEP,
            "external_id": Scrub.REKEY,
            "kind": Scrub.KEEP,
            "currency": Scrub.KEEP,
            "promotion_code": Scrub.REDACT,
        },
        why="orders have no notes or addresses; an order id or a personal promotion code can name the person",
    )
)
personal_data(
    PersonalTable(
        "commerce.OrderProblem",
        rows=lambda subject: OrderProblem.objects.filter(order__member_id__in=subject.member_ids),
        fields={"kind": Scrub.KEEP, "description": Scrub.REDACT},
        why="a problem's description is typed by staff",
    )
)

no_personal_data("commerce.OrderLine", "the products an order held: SKU codes, quantities and prices")
no_personal_data("commerce.Brand", "reference data")
no_personal_data("commerce.Channel", "reference data")
no_personal_data("commerce.Store", "reference data")
no_personal_data("commerce.Category", "reference data")
no_personal_data("commerce.Product", "reference data")

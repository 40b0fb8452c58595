"""The columns of a transactions file, with the other header names exports use for them."""

from __future__ import annotations

from patronage.members.imports.base import CARD, EMAIL, PHONE, Column

# The columns that say who the customer is, and the identity kind each one holds.
CUSTOMER_COLUMNS = {
    "customer_external_id": "external",
    "email": "email",
    "card_number": "card",
    "phone": "phone",
}
# The order's own columns: every line of one order must agree on them (a later line may leave them empty).
ORDER_COLUMNS = (
    "type",
    "original_external_id",
    "customer_external_id",
    "customer_namespace",
    "email",
    "card_number",
    "phone",
    "occurred_at",
    "amount",
    "currency",
    "tax",
    "shipping",
    "discount",
    "promotion_code",
    "brand",
    "channel",
    "store",
)
# A row with any of these filled is also a line of its order.
LINE_COLUMNS = ("sku", "product_name", "category", "quantity", "unit_price", "line_amount")

COLUMNS = (
    Column(
        "external_id",
        (
            "order_id",
            "order_no",
            "order_number",
            "transaction_id",
            "receipt_no",
            "receipt_number",
            "invoice_no",
        ),
    ),
    Column("type", ("kind", "transaction_type", "order_type")),
    Column(
        "original_external_id", ("original_order_id", "original_transaction_id", "return_of", "refund_of")
    ),
    Column("customer_external_id", ("customer_id", "customer_no", "member_id", "member_no", "client_id")),
    Column("customer_namespace", ("namespace",)),
    EMAIL,
    PHONE,
    CARD,
    Column(
        "occurred_at",
        ("date", "datetime", "order_date", "transaction_date", "created_at", "purchased_at", "timestamp"),
    ),
    Column("amount", ("total", "total_amount", "order_total", "grand_total", "total_price")),
    Column("currency", ("currency_code",)),
    Column("tax", ("tax_amount", "total_tax", "vat")),
    Column("shipping", ("shipping_amount", "shipping_price", "delivery_fee")),
    Column("discount", ("discount_amount", "total_discount", "discounts")),
    Column("promotion_code", ("promo_code", "coupon", "coupon_code", "discount_code")),
    Column("brand", ("brand_code",)),
    Column("channel", ("channel_code", "sales_channel")),
    Column("store", ("store_code", "store_id", "shop", "location", "branch")),
    Column("sku", ("product_sku", "item_code", "product_code", "lineitem_sku")),
    Column("product_name", ("item_name", "product", "lineitem_name")),
    Column("category", ("product_category", "item_category", "category_code")),
    Column("quantity", ("qty", "lineitem_quantity")),
    Column("unit_price", ("price", "item_price", "lineitem_price")),
    Column("line_amount", ("line_total", "item_total", "lineitem_amount")),
    Column("source", ("source_system",)),
)

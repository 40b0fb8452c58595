"""The transactions file: purchases and returns, one row per order or per order line.

Rows with the same external_id next to each other are the lines of one order and must agree on the
order's own columns (a later line may leave them empty). Orders are unique on (source, external_id):
one already imported with the same amount and customer is left unchanged, a different one is an error.
Reading, checking and the job itself are the customer file's import framework (members.imports).

    columns    the columns of the file and their other names
    orders     rows grouped and read into orders, without the database
    checks     the checks against the database and earlier rows (customers, repeats, returns)
    reference  brands, channels, stores, categories and products by code, created when unknown
    write      new orders, their lines and timeline events, written in bulk
    importer   TransactionImporter, which the import job runs
"""

from patronage.commerce.imports.columns import COLUMNS, CUSTOMER_COLUMNS, LINE_COLUMNS, ORDER_COLUMNS
from patronage.commerce.imports.importer import DEFAULT_SOURCE, TransactionImporter
from patronage.commerce.imports.orders import LineDraft, OrderDraft, OrderKey, order_parse
from patronage.commerce.imports.reference import DEFAULT_CHANNEL
from patronage.commerce.imports.write import order_summary

__all__ = [
    "COLUMNS",
    "CUSTOMER_COLUMNS",
    "DEFAULT_CHANNEL",
    "DEFAULT_SOURCE",
    "LINE_COLUMNS",
    "ORDER_COLUMNS",
    "LineDraft",
    "OrderDraft",
    "OrderKey",
    "TransactionImporter",
    "order_parse",
    "order_summary",
]

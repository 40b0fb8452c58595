"""How commerce's transactions import reaches loyalty: the points of the file's orders (decision 0020)."""

from patronage.commerce.imports.steps import order_import_step
from patronage.loyalty.services.imports import ImportBooking

order_import_step(ImportBooking)

"""Steps the apps above commerce add to a transactions import (loyalty books the points of its orders).

Commerce imports none of those apps: each registers a step in its AppConfig.ready(), and every import
makes its own step objects. A step declares the order columns it reads, checks the file's options and
orders in the first pass, and writes inside the import's transaction right after each batch's orders,
so that what it writes commits with the orders or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from patronage.commerce.imports.orders import OrderDraft
from patronage.members.imports.base import Column, ImportContext, RowError
from patronage.members.imports.messages import Message


class ImportedOrder(NamedTuple):
    """An order of the file once written: what the file said, and its row (new, or imported before)."""

    draft: OrderDraft
    order_id: int


class OrderImportStep:
    """One app's part of one transactions import; it may count across batches for its notes."""

    # Order columns the step reads: every line of an order must agree on them, as on the order's own.
    columns: tuple[Column, ...] = ()

    def options_check(self) -> list[RowError]:
        """Problems with the import's options (reported on line 1), before any row is read."""
        return []

    def check(self, drafts: list[OrderDraft]) -> list[RowError]:
        """Problems of a batch's orders (first pass; nothing is written)."""
        return []

    def write(self, orders: list[ImportedOrder]) -> None:
        """Its work for a batch's orders, every one of them, new or imported before (the import's transaction)."""

    def notes(self) -> list[Message]:
        """What it did, in sentences for the import's summary."""
        return []


OrderImportStepFactory = Callable[[ImportContext], OrderImportStep]
order_import_steps: list[OrderImportStepFactory] = []


def order_import_step(factory: OrderImportStepFactory) -> OrderImportStepFactory:
    """Registers a step every transactions import runs from now on."""
    order_import_steps.append(factory)
    return factory

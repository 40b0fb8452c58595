"""A page of ledger entries with what each refers to, read in a few queries for the whole page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import get_language

from patronage.commerce.models import Order
from patronage.core.names import text_in_language
from patronage.loyalty.ledger_words import (
    LOT,
    ORDER,
    REDEMPTION,
    EntryWords,
    LedgerFacts,
    OrderFacts,
    entry_words,
)
from patronage.loyalty.models import LedgerEntry, Lot, Redemption


@dataclass(frozen=True)
class LedgerLine:
    entry: LedgerEntry
    words: EntryWords


def ledger_lines(entries: Sequence[LedgerEntry], *, for_member: bool) -> list[LedgerLine]:
    """Each entry with the sentence that says why it moved points, for staff or for the member."""
    facts = ledger_facts(entries)
    return [LedgerLine(entry, entry_words(entry, facts, for_member=for_member)) for entry in entries]


def ledger_facts(entries: Sequence[LedgerEntry]) -> LedgerFacts:
    """The orders, lots and redemptions the entries' causes name: three queries, whatever the page's size."""
    lot_orders = dict(
        Lot.objects.filter(pk__in=_ids(entries, LOT), order__isnull=False).values_list("pk", "order_id")
    )
    orders = _orders({*_ids(entries, ORDER), *lot_orders.values()})
    redemptions = Redemption.objects.filter(pk__in=_ids(entries, REDEMPTION)).values_list(
        "pk", "code", "reward__name", "reward__name_translations"
    )
    language = get_language()
    return LedgerFacts(
        orders={str(pk): facts for pk, facts in orders.items()},
        lot_orders={str(lot): orders[order] for lot, order in lot_orders.items() if order in orders},
        rewards={
            str(pk): text_in_language(name, names, language) for pk, _code, name, names in redemptions if name
        },
        redemption_codes={str(pk): code for pk, code, _name, _names in redemptions},
    )


def _ids(entries: Iterable[LedgerEntry], cause_type: str) -> set[int]:
    return {int(e.cause_id) for e in entries if e.cause_type == cause_type and e.cause_id.isdigit()}


def _orders(ids: set[int]) -> dict[int, OrderFacts]:
    rows = Order.objects.filter(pk__in=ids).values_list("pk", "external_id", "store__name", "channel__name")
    return {
        pk: OrderFacts(external_id, place=store or channel or "") for pk, external_id, store, channel in rows
    }

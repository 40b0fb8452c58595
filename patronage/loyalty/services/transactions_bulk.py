"""Many transactions at once (the bulk API): new purchases are booked together by services.purchases, so a
batch of a thousand costs a few statements instead of tens of thousands, with the same rows and results as
one at a time.

Returns, repeated external ids, purchases paid with points and anything the set cannot take (a
concurrent delivery of one of its purchases) go through `transaction_record` one at a time, so each item
still gets its own result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from patronage.commerce.models import Order, OrderKind
from patronage.core.errors import ApplicationError, ValidationFailed
from patronage.core.models import User
from patronage.loyalty.models import Program
from patronage.loyalty.services.orders import (
    References,
    TransactionInput,
    TransactionResult,
    check_transaction,
)
from patronage.loyalty.services.purchases import purchases_book
from patronage.loyalty.services.transactions import transaction_record

MAX_BULK = 1000


@dataclass(frozen=True)
class BulkOutcome:
    result: TransactionResult | None = None
    error: ApplicationError | None = None


def transactions_record_bulk(
    *, program: Program, items: Sequence[TransactionInput], actor: User | None = None
) -> list[BulkOutcome]:
    """Records up to MAX_BULK transactions, each with its own outcome; a bad one does not stop the others."""
    if len(items) > MAX_BULK:
        raise ValidationFailed(_("at most %(max)d transactions at once") % {"max": MAX_BULK}, field="items")
    outcomes: list[BulkOutcome | None] = [None] * len(items)
    refs = References.of(items)
    together = _checked_new_purchases(program, items, refs, outcomes)
    if together:
        try:
            with transaction.atomic(durable=True):
                booked = purchases_book(
                    program=program, batch=[items[i] for i in together], refs=refs, actor=actor
                )
        except IntegrityError:
            booked = []  # another delivery of one of them got there first: take them one by one
        for index, result in zip(together, booked, strict=False):
            outcomes[index] = BulkOutcome(result=result)
    for index, outcome in enumerate(outcomes):
        if outcome is None:
            try:
                outcomes[index] = BulkOutcome(
                    result=transaction_record(program=program, data=items[index], actor=actor)
                )
            except ApplicationError as refused:
                outcomes[index] = BulkOutcome(error=refused)
    return [outcome or BulkOutcome() for outcome in outcomes]


def _checked_new_purchases(
    program: Program, items: Sequence[TransactionInput], refs: References, outcomes: list[BulkOutcome | None]
) -> list[int]:
    """Indexes of the valid purchases not seen before, refusing the invalid items in `outcomes`."""
    candidates: dict[tuple[str, str], int] = {}
    repeated: set[tuple[str, str]] = set()
    for index, data in enumerate(items):
        try:
            check_transaction(program, data)
            refs.check(data)
        except ApplicationError as refused:
            outcomes[index] = BulkOutcome(error=refused)
            continue
        key = (data.source, data.external_id)
        # Returns, repeats and purchases paid with points take the one-by-one path.
        if data.kind != OrderKind.PURCHASE or key in candidates or data.redemption_code:
            repeated.add(key)
        else:
            candidates[key] = index
    by_source: dict[str, list[str]] = defaultdict(list)
    for source, external_id in candidates:
        by_source[source].append(external_id)
    known = {
        (source, external_id)
        for source, ids in by_source.items()
        for external_id in Order.objects.filter(source=source, external_id__in=ids).values_list(
            "external_id", flat=True
        )
    }
    return sorted(index for key, index in candidates.items() if key not in known and key not in repeated)

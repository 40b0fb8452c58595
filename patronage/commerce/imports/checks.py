"""The checks of orders against the database and earlier rows: customers, repeats, and returns."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_noop

from patronage.commerce.imports.orders import OrderDraft, OrderKey
from patronage.commerce.models import Order, OrderKind
from patronage.members.imports.base import (
    IdentityKey,
    RowError,
    RowInvalid,
    chunks,
    identity_owner,
    identity_owners,
)


@dataclass(slots=True)
class _KnownOrder:
    """What the check needs to remember of an order: its kind, customer, and (purchases) what is left to return."""

    kind: str
    member_id: int | None
    amount: Decimal
    left: Decimal


class OrderChecks:
    """Checks a file's orders batch by batch, remembering across batches what later rows may refer to."""

    def __init__(self) -> None:
        # The line of each order of the file, and every order a return may refer to (from the file,
        # or loaded from the database on demand).
        self._order_lines: dict[OrderKey, int] = {}
        self._known: dict[OrderKey, _KnownOrder] = {}

    def errors(self, drafts: list[OrderDraft]) -> list[RowError]:
        """Every problem of the batch's orders, each on the order's first line."""
        owners = identity_owners(identity.key for draft in drafts for identity in draft.customer)
        self._known_load(
            [draft.key for draft in drafts] + [draft.original for draft in drafts if draft.original]
        )
        errors = []
        for draft in drafts:
            try:
                self._order_check(draft, owners)
            except RowInvalid as exc:
                errors.append(RowError(draft.line, exc.field, exc.message))
        return errors

    def _order_check(self, draft: OrderDraft, owners: dict[IdentityKey, int]) -> None:
        earlier = self._order_lines.setdefault(draft.key, draft.line)
        if earlier != draft.line:
            raise RowInvalid(
                "external_id",
                gettext_noop("order %(order)s is already on line %(line)d"),
                {"order": draft.key.external_id, "line": earlier},
            )
        member_id = self._member_of(draft, owners)
        known = self._known.get(draft.key)
        if known is not None:
            return _same_check(draft, member_id, known)
        if draft.original is not None:
            self._return_check(draft)
        self._known[draft.key] = _KnownOrder(draft.kind, member_id, draft.amount, draft.amount)

    def _member_of(self, draft: OrderDraft, owners: dict[IdentityKey, int]) -> int | None:
        """The member the order belongs to; a return naming no customer belongs to its purchase's."""
        member_id = identity_owner(draft.customer, owners)
        if draft.customer and member_id is None:
            identity = draft.customer[0]
            raise RowInvalid(
                identity.column,
                gettext_noop("no customer has %(column)s '%(value)s'"),
                {"column": identity.column, "value": identity.key.value},
            )
        if member_id is None and draft.original is not None and (original := self._known.get(draft.original)):
            return original.member_id
        return member_id

    def _return_check(self, draft: OrderDraft) -> None:
        assert draft.original is not None
        original = self._known.get(draft.original)
        if original is None or original.kind != OrderKind.PURCHASE:
            raise RowInvalid(
                "original_external_id",
                gettext_noop("purchase %(order)s is neither in the database nor earlier in this file"),
                {"order": draft.original.external_id},
            )
        if draft.amount > original.left:
            raise RowInvalid(
                "amount",
                gettext_noop(
                    "return of %(amount)s is more than the %(left)s left to return of purchase %(order)s"
                ),
                {
                    "amount": f"{draft.amount:.2f}",
                    "left": f"{original.left:.2f}",
                    "order": draft.original.external_id,
                },
            )
        original.left -= draft.amount

    def _known_load(self, keys: list[OrderKey]) -> None:
        """Loads the orders of the database that the batch names and the check has not seen yet."""
        wanted: dict[str, list[str]] = {}
        for key in {key for key in keys if key not in self._known}:
            wanted.setdefault(key.source, []).append(key.external_id)
        returned = Coalesce(
            Sum("returns__amount"),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )
        for source, external_ids in wanted.items():
            for chunk in chunks(sorted(external_ids)):
                found = (
                    Order.objects.filter(source=source, external_id__in=chunk)
                    .annotate(returned=returned)
                    .values_list("external_id", "kind", "member_id", "amount", "returned")
                )
                for external_id, kind, member_id, amount, returned_amount in found:
                    left = amount - returned_amount
                    self._known[OrderKey(source, external_id)] = _KnownOrder(kind, member_id, amount, left)


def _same_check(draft: OrderDraft, member_id: int | None, known: _KnownOrder) -> None:
    """An order imported before must be the same order: same kind, amount and customer."""
    name = draft.key.external_id
    if known.kind != draft.kind:
        template = (
            gettext_noop("order %(order)s was already imported as a purchase")
            if known.kind == OrderKind.PURCHASE
            else gettext_noop("order %(order)s was already imported as a return")
        )
        raise RowInvalid("type", template, {"order": name})
    if known.amount != draft.amount:
        raise RowInvalid(
            "amount",
            gettext_noop("order %(order)s was already imported with amount %(amount)s"),
            {"order": name, "amount": f"{known.amount:.2f}"},
        )
    if known.member_id != member_id:
        if known.member_id:
            raise RowInvalid(
                "",
                gettext_noop("order %(order)s was already imported for customer #%(member)d"),
                {"order": name, "member": known.member_id},
            )
        raise RowInvalid(
            "", gettext_noop("order %(order)s was already imported for no customer"), {"order": name}
        )

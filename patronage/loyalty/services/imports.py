"""The points of a transactions import's orders, booked in the import's own transaction.

A step of commerce's import (registered by loyalty.commerce_hooks; decision 0020). An order is booked in:
the program its row names (`program` column), else the import's `program` option, else the one active
program of the order's brand (a store's orders have the store's brand), else the business's only active
program. A return takes back points in the programs its purchase earned in.

The orders are written a moment earlier in the same transaction, so they are booked as the backfill books
orders already in the customer file (services.backfill), through the one booking path of live purchases
(decision 0011). An order its program has counted before is left as it is: importing a file again earns
nothing more, and an order that earned nothing the first time (a program created since, or the file
imported again as historical) is booked by the second import.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_noop

from patronage.commerce.imports.orders import OrderDraft
from patronage.commerce.imports.steps import ImportedOrder, OrderImportStep
from patronage.commerce.models import Order, OrderKind
from patronage.loyalty.models import OrderPoints, Program
from patronage.loyalty.services.backfill import (
    NotCounted,
    order_not_counted,
    purchases_counted,
    recorded_orders,
    recorded_purchases_book,
    recorded_return_book,
)
from patronage.members.imports.base import Column, ImportContext, RowError, RowInvalid, chunks, parse_bool
from patronage.members.imports.messages import Message

PROGRAM = Column("program", ("program_code", "loyalty_program", "programme"))
# Purchases booked together, as the bulk form books them (decision 0011).
SET_SIZE = 1_000


class Unbooked(StrEnum):
    """Why an order of the file earned nothing now, beyond what its program does not count (NotCounted)."""

    NO_PROGRAM = "no_program"
    COUNTED = "counted"  # booked before: by an earlier import, the API, or a backfill
    PURCHASE_NOT_COUNTED = "purchase_not_counted"  # a return of a purchase that earned nothing


_UNBOOKED_NOTES: dict[str, tuple[str, str]] = {
    NotCounted.NO_CUSTOMER: (
        gettext_noop("%(count)d order recorded without points: it names no customer"),
        gettext_noop("%(count)d orders recorded without points: they name no customer"),
    ),
    NotCounted.CUSTOMER_CLOSED: (
        gettext_noop("%(count)d order recorded without points: its customer's file is closed"),
        gettext_noop("%(count)d orders recorded without points: their customers' files are closed"),
    ),
    NotCounted.CURRENCY: (
        gettext_noop(
            "%(count)d order recorded without points: not in %(currency)s, the currency of %(program)s"
        ),
        gettext_noop(
            "%(count)d orders recorded without points: not in %(currency)s, the currency of %(program)s"
        ),
    ),
    NotCounted.BRAND: (
        gettext_noop("%(count)d order recorded without points: of another brand than %(program)s"),
        gettext_noop("%(count)d orders recorded without points: of another brand than %(program)s"),
    ),
    NotCounted.BEFORE_PROGRAM: (
        gettext_noop(
            "%(count)d purchase recorded without points: dated before %(program)s began "
            "(import the file as historical to credit it)"
        ),
        gettext_noop(
            "%(count)d purchases recorded without points: dated before %(program)s began "
            "(import the file as historical to credit them)"
        ),
    ),
    Unbooked.NO_PROGRAM: (
        gettext_noop(
            "%(count)d order recorded without points: no program (name one in a program column "
            "or the program option)"
        ),
        gettext_noop(
            "%(count)d orders recorded without points: no program (name one in a program column "
            "or the program option)"
        ),
    ),
    Unbooked.COUNTED: (
        gettext_noop("%(count)d order was booked in %(program)s before: it earned nothing more"),
        gettext_noop("%(count)d orders were booked in %(program)s before: they earned nothing more"),
    ),
    Unbooked.PURCHASE_NOT_COUNTED: (
        gettext_noop("%(count)d return took back no points: its purchase earned none"),
        gettext_noop("%(count)d returns took back no points: their purchases earned none"),
    ),
}


@dataclass
class _Booked:
    orders: int = 0
    points: int = 0  # earned by purchases; taken back by returns (positive)


class _Programs:
    """The programs an import may book in, read once: by code, by brand, and the only active one."""

    def __init__(self) -> None:
        programs = list(Program.objects.order_by("code"))
        self.by_code = {program.code: program for program in programs}
        self.by_pk = {program.pk: program for program in programs}
        active = [program for program in programs if program.active]
        self.active = bool(active)
        brands = Counter(program.brand_id for program in active if program.brand_id is not None)
        # A brand with two active programs names neither: the file must say which.
        self.by_brand = {
            program.brand_id: program
            for program in active
            if program.brand_id and brands[program.brand_id] == 1
        }
        self.only = active[0] if len(active) == 1 else None

    def problem(self, code: str) -> Message | None:
        """Why a program the file names cannot be booked in, or None."""
        program = self.by_code.get(code)
        if program is None:
            return Message.of(gettext_noop("no program has the code '%(code)s'"), {"code": code})
        if not program.active:
            return Message.of(gettext_noop("program '%(code)s' is closed"), {"code": code})
        return None


class ImportBooking(OrderImportStep):
    """Books the points of a transactions import's orders in their programs, and says what it booked."""

    columns = (PROGRAM,)

    def __init__(self, context: ImportContext):
        self.context = context
        self.program_code = context.options.get("program", "")
        self.historical, self._historical_problem = _historical(context.options.get("historical", ""))
        self._programs = _Programs()
        self._read_for_writing = False
        self._purchases: defaultdict[int, _Booked] = defaultdict(_Booked)  # by program id
        self._returns: defaultdict[int, _Booked] = defaultdict(_Booked)
        self._unbooked: Counter[tuple[str, int | None]] = Counter()  # (why, program id)

    def options_check(self) -> list[RowError]:
        errors = []
        if self.program_code and (problem := self._programs.problem(self.program_code)):
            errors.append(RowError(1, "program", problem))
        if self._historical_problem is not None:
            errors.append(RowError(1, "historical", self._historical_problem))
        return errors

    def check(self, drafts: list[OrderDraft]) -> list[RowError]:
        # A return's program cell is not read: it takes back where its purchase earned.
        return [
            RowError(draft.line, "program", problem)
            for draft in drafts
            if draft.kind == OrderKind.PURCHASE
            and (code := draft.step_cells.get("program"))
            and (problem := self._programs.problem(code))
        ]

    def write(self, orders: list[ImportedOrder]) -> None:
        if not self._read_for_writing:
            # Read again inside the import's transaction: a program changed since the check books as it is now.
            self._programs, self._read_for_writing = _Programs(), True
        loaded = recorded_orders(Order.objects.filter(pk__in=[order.order_id for order in orders])).in_bulk()
        purchases: defaultdict[int, list[Order]] = defaultdict(list)
        returns = []
        for imported in orders:
            order = loaded[imported.order_id]
            if order.kind == OrderKind.RETURN:
                returns.append(order)
            elif (program := self._program_of(imported.draft, order)) is not None:
                purchases[program.pk].append(order)
        for program_id, program_purchases in purchases.items():
            self._purchases_book(self._programs.by_pk[program_id], program_purchases)
        for order in _oldest_first(returns):
            self._return_book(order)

    def notes(self) -> list[Message]:
        if not self._programs.active:
            return []  # a business without a loyalty program hears nothing of one
        programs = self._programs.by_pk
        notes = []
        for program_id, booked in sorted(self._purchases.items(), key=lambda item: programs[item[0]].code):
            notes.append(
                Message.ngettext(
                    "%(count)d purchase booked in %(program)s, earning %(points)s points",
                    "%(count)d purchases booked in %(program)s, earning %(points)s points",
                    booked.orders,
                    {"program": programs[program_id].name, "points": f"{booked.points:,}"},
                )
            )
        for program_id, booked in sorted(self._returns.items(), key=lambda item: programs[item[0]].code):
            notes.append(
                Message.ngettext(
                    "%(count)d return booked in %(program)s, taking back %(points)s points",
                    "%(count)d returns booked in %(program)s, taking back %(points)s points",
                    booked.orders,
                    {"program": programs[program_id].name, "points": f"{booked.points:,}"},
                )
            )
        for (why, unbooked_in), count in sorted(
            self._unbooked.items(), key=lambda item: (item[0][0], item[0][1] or 0)
        ):
            program = programs.get(unbooked_in) if unbooked_in else None
            params = {"program": program.name, "currency": program.currency} if program else {}
            singular, plural = _UNBOOKED_NOTES[why]
            notes.append(Message.ngettext(singular, plural, count, params))
        return notes

    def _program_of(self, draft: OrderDraft, order: Order) -> Program | None:
        """The program the purchase is booked in, or None (counted among the unbooked, with why)."""
        if order.member is None:
            self._unbooked[NotCounted.NO_CUSTOMER, None] += 1
            return None
        code = draft.step_cells.get("program") or self.program_code
        brand_program = self._programs.by_brand.get(order.brand_id) if order.brand_id else None
        # A code the file names was checked in the first pass.
        program = self._programs.by_code[code] if code else brand_program or self._programs.only
        if program is None:
            self._unbooked[Unbooked.NO_PROGRAM, None] += 1
            return None
        if why := order_not_counted(program, order, historical=self.historical):
            self._unbooked[why, program.pk] += 1
            return None
        return program

    def _purchases_book(self, program: Program, purchases: list[Order]) -> None:
        counted = purchases_counted(program, purchases)
        if counted:
            self._unbooked[Unbooked.COUNTED, program.pk] += len(counted)
        new = _oldest_first(order for order in purchases if order.pk not in counted)
        for chunk in chunks(new, SET_SIZE):
            results = recorded_purchases_book(program=program, orders=chunk, actor=self.context.actor)
            booked = self._purchases[program.pk]
            booked.orders += len(results)
            booked.points += sum(result.points for result in results)

    def _return_book(self, order: Order) -> None:
        assert order.original_id is not None  # the import refuses a return naming no purchase
        earned_in = list(
            OrderPoints.objects.filter(order_id=order.original_id)
            .order_by("account__program_id")
            .values_list("account__program_id", flat=True)
        )
        if not earned_in:
            self._unbooked[Unbooked.PURCHASE_NOT_COUNTED, None] += 1
        for program_id in earned_in:
            program = self._programs.by_pk[program_id]
            if why := order_not_counted(program, order):
                self._unbooked[why, program.pk] += 1
                continue
            result = recorded_return_book(program=program, order=order, actor=self.context.actor)
            if result is None:
                self._unbooked[Unbooked.COUNTED, program.pk] += 1
                continue
            booked = self._returns[program.pk]
            booked.orders += 1
            booked.points -= result.points


def _historical(value: str) -> tuple[bool, Message | None]:
    """The `historical` option (yes/no, true/false, 1/0; empty is no), and why it cannot be read."""
    try:
        return parse_bool(value, "historical") is True, None
    except RowInvalid as invalid:
        return False, invalid.message


def _oldest_first(orders: Iterable[Order]) -> list[Order]:
    # Caps, tiers and returns read what came before: a member's orders are booked in the order they happened.
    return sorted(orders, key=lambda order: (order.occurred_at, order.pk))

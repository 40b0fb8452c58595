"""Rows into orders: adjacent rows with the same (source, external_id) are one order, read without the database."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.utils.translation import gettext_noop

from patronage.commerce.imports.columns import CUSTOMER_COLUMNS, LINE_COLUMNS, ORDER_COLUMNS
from patronage.commerce.models import OrderKind
from patronage.core import clock
from patronage.core.inputs import FUTURE_GRACE
from patronage.members.imports.base import (
    BATCH_ROWS,
    Row,
    RowIdentity,
    RowInvalid,
    parse_datetime,
    parse_decimal,
    row_identities,
)

_CODE = re.compile(r"^[-\w]+$", re.ASCII)
_KINDS = {
    "purchase": OrderKind.PURCHASE,
    "sale": OrderKind.PURCHASE,
    "return": OrderKind.RETURN,
    "refund": OrderKind.RETURN,
}


class OrderKey(NamedTuple):
    source: str
    external_id: str


@dataclass(slots=True)
class LineDraft:
    sku: str
    product_name: str
    category: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


@dataclass(slots=True)
class OrderDraft:
    """One order read from its rows and checked without the database."""

    line: int
    key: OrderKey
    kind: str
    original: OrderKey | None
    customer: list[RowIdentity]
    occurred_at: datetime
    amount: Decimal
    currency: str
    tax: Decimal
    shipping: Decimal
    discount: Decimal
    promotion_code: str
    brand: str
    channel: str
    store: str
    lines: list[LineDraft] = field(default_factory=list)
    # The cells of the columns the import's steps read (a program's code), merged as the order's own.
    step_cells: dict[str, str] = field(default_factory=dict)


def order_key(row: Row, default_source: str) -> OrderKey:
    """The order a row belongs to: its source column (else the file's source) and its external_id."""
    return OrderKey(row.get("source") or default_source, row.get("external_id"))


def order_key_check(key: OrderKey) -> None:
    if not key.external_id:
        raise RowInvalid("external_id", gettext_noop("external_id is required"))
    if len(key.source) > 32 or len(key.external_id) > 128:
        raise RowInvalid(
            "source" if len(key.source) > 32 else "external_id", gettext_noop("the value is too long")
        )


def order_groups(rows: Iterable[Row], default_source: str) -> Iterator[list[Row]]:
    """The rows of each order: runs of adjacent rows with the same order key."""
    group: list[Row] = []
    for row in rows:
        if group and order_key(row, default_source) != order_key(group[-1], default_source):
            yield group
            group = []
        group.append(row)
    if group:
        yield group


def order_batches(rows: Iterable[Row], default_source: str, size: int = BATCH_ROWS) -> Iterator[list[Row]]:
    """Batches of about `size` rows that never split one order's rows."""
    batch: list[Row] = []
    for group in order_groups(rows, default_source):
        batch.extend(group)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def order_parse(rows: list[Row], *, source: str, step_columns: tuple[str, ...] = ()) -> OrderDraft:
    """Reads one order's rows; raises RowInvalid naming the column (and the line when not the first)."""
    head = _head_merge(rows, ORDER_COLUMNS + step_columns)
    first = rows[0]
    lines = [line for row in rows if (line := _line_parse(row)) is not None]
    kind = _KINDS.get((head.get("type") or "purchase").lower())
    if kind is None:
        raise RowInvalid(
            "type", gettext_noop("'%(value)s' is not purchase or return"), {"value": head["type"]}
        )
    original = head.get("original_external_id", "")
    if kind == OrderKind.RETURN and not original:
        raise RowInvalid(
            "original_external_id",
            gettext_noop("a return names the purchase it returns (original_external_id)"),
        )
    if kind == OrderKind.PURCHASE and original:
        raise RowInvalid("original_external_id", gettext_noop("only a return names an original purchase"))
    if not head.get("occurred_at"):
        raise RowInvalid("occurred_at", gettext_noop("occurred_at is required"))
    occurred_at = parse_datetime(head["occurred_at"], "occurred_at")
    if occurred_at > clock.now() + FUTURE_GRACE:
        raise RowInvalid("occurred_at", gettext_noop("occurred_at is in the future"))
    return OrderDraft(
        line=first.line,
        key=OrderKey(source, first.get("external_id")),
        kind=kind,
        original=OrderKey(source, original) if original else None,
        customer=row_identities(Row(first.line, head), CUSTOMER_COLUMNS, head.get("customer_namespace", "")),
        occurred_at=occurred_at,
        amount=_amount(head, lines),
        currency=_currency(head.get("currency", "")),
        tax=_money(head, "tax"),
        shipping=_money(head, "shipping"),
        discount=_money(head, "discount"),
        promotion_code=_text(head, "promotion_code", 64),
        brand=_code(head, "brand", 32),
        channel=_code(head, "channel", 32),
        store=_code(head, "store", 32),
        lines=lines,
        step_cells={column: head[column] for column in step_columns if head.get(column)},
    )


def _head_merge(rows: list[Row], columns: tuple[str, ...]) -> dict[str, str]:
    head = {column: rows[0].get(column) for column in columns if rows[0].get(column)}
    for row in rows[1:]:
        for column in columns:
            value = row.get(column)
            if value and head.setdefault(column, value) != value:
                raise RowInvalid(
                    column,
                    gettext_noop(
                        "%(column)s '%(value)s' differs from '%(first)s' on line %(line)d of the same order"
                    ),
                    {"column": column, "value": value, "first": head[column], "line": rows[0].line},
                    line=row.line,
                )
    return head


def _line_parse(row: Row) -> LineDraft | None:
    if not any(row.get(column) for column in LINE_COLUMNS):
        return None
    try:
        return _line_read(row)
    except RowInvalid as exc:
        raise RowInvalid(exc.field, exc.message, line=row.line) from None


def _line_read(row: Row) -> LineDraft:
    sku = _text(row.cells, "sku", 64)
    if not sku:
        raise RowInvalid("sku", gettext_noop("sku is required on a row with product columns"))
    quantity = parse_decimal(row.get("quantity"), "quantity", places=3) if row.get("quantity") else Decimal(1)
    if quantity == 0:
        raise RowInvalid("quantity", gettext_noop("quantity must be more than 0"))
    unit_price = parse_decimal(row.get("unit_price"), "unit_price") if row.get("unit_price") else None
    amount = parse_decimal(row.get("line_amount"), "line_amount") if row.get("line_amount") else None
    if unit_price is None and amount is None:
        raise RowInvalid("line_amount", gettext_noop("a line needs line_amount or unit_price"))
    cent = Decimal("0.01")
    return LineDraft(
        sku=sku,
        product_name=_text(row.cells, "product_name", 200),
        category=_code(row.cells, "category", 64),
        quantity=quantity,
        unit_price=unit_price if unit_price is not None else (amount / quantity).quantize(cent),  # type: ignore[operator]
        amount=amount if amount is not None else (quantity * unit_price).quantize(cent),  # type: ignore[operator]
    )


def _amount(head: dict[str, str], lines: list[LineDraft]) -> Decimal:
    if head.get("amount"):
        return parse_decimal(head["amount"], "amount")
    if not lines:
        raise RowInvalid("amount", gettext_noop("amount is required on an order without product lines"))
    return sum((line.amount for line in lines), Decimal(0))


def _money(head: dict[str, str], column: str) -> Decimal:
    return parse_decimal(head[column], column) if head.get(column) else Decimal(0)


def _currency(value: str) -> str:
    currency = (value or settings.PATRONAGE_DEFAULT_CURRENCY).upper()
    if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
        raise RowInvalid(
            "currency",
            gettext_noop("'%(value)s' is not a three-letter currency code (ISO 4217)"),
            {"value": value},
        )
    return currency


def _text(cells: dict[str, str], column: str, limit: int) -> str:
    value = cells.get(column, "")
    if len(value) > limit:
        raise RowInvalid(
            column,
            gettext_noop("%(column)s is longer than %(limit)d characters"),
            {"column": column, "limit": limit},
        )
    return value


def _code(cells: dict[str, str], column: str, limit: int) -> str:
    value = _text(cells, column, limit)
    if value and not _CODE.match(value):
        raise RowInvalid(
            column,
            gettext_noop("%(column)s '%(value)s' is not a code (letters, digits, '-' and '_')"),
            {"column": column, "value": value},
        )
    return value

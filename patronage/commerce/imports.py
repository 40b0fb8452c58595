"""The transactions file: purchases and returns, one row per order or per order line.

Rows with the same external_id next to each other are the lines of one order and must agree on the
order's own columns (a later line may leave them empty). Orders are unique on (source, external_id):
one already imported with the same amount and customer is left unchanged, a different one is an error.
Reading, checking and the job itself are the customer file's import framework (members.imports).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.db.models import DecimalField, Model, Sum, Value
from django.db.models.functions import Coalesce

from patronage.commerce import timeline_kinds as kinds
from patronage.commerce.models import (
    Brand,
    Category,
    Channel,
    ChannelKind,
    Order,
    OrderKind,
    OrderLine,
    Product,
    Store,
)
from patronage.members.imports.base import (
    BATCH_ROWS,
    CARD,
    EMAIL,
    PHONE,
    Column,
    CsvFile,
    IdentityKey,
    ImportContext,
    Importer,
    Row,
    RowError,
    RowIdentity,
    RowInvalid,
    chunks,
    identity_owner,
    identity_owners,
    parse_datetime,
    parse_decimal,
    row_identities,
)
from patronage.members.imports.bulk import ids_reserve, rows_insert, timeline_row
from patronage.members.models import TimelineEvent

_Ref = TypeVar("_Ref", bound=Model)
_Coded = TypeVar("_Coded", Brand, Category)
DEFAULT_SOURCE = "import"
DEFAULT_CHANNEL = "store"  # the channel of a new store whose rows name none
_CODE = re.compile(r"^[-\w]+$", re.ASCII)
_KINDS = {
    "purchase": OrderKind.PURCHASE,
    "sale": OrderKind.PURCHASE,
    "return": OrderKind.RETURN,
    "refund": OrderKind.RETURN,
}
CUSTOMER_COLUMNS = {
    "customer_external_id": "external",
    "email": "email",
    "card_number": "card",
    "phone": "phone",
}
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


@dataclass(slots=True)
class _Known:
    """What the check needs to remember of an order: its kind, customer, and (purchases) what is left to return."""

    kind: str
    member_id: int | None
    amount: Decimal
    left: Decimal


def order_parse(rows: list[Row], *, source: str) -> OrderDraft:
    """Reads one order's rows; raises RowInvalid naming the column (and the line when not the first)."""
    head = _head_merge(rows)
    first = rows[0]
    lines = [line for row in rows if (line := _line_parse(row)) is not None]
    kind = _KINDS.get((head.get("type") or "purchase").lower())
    if kind is None:
        raise RowInvalid("type", f"'{head['type']}' is not purchase or return")
    original = head.get("original_external_id", "")
    if kind == OrderKind.RETURN and not original:
        raise RowInvalid(
            "original_external_id", "a return names the purchase it returns (original_external_id)"
        )
    if kind == OrderKind.PURCHASE and original:
        raise RowInvalid("original_external_id", "only a return names an original purchase")
    if not head.get("occurred_at"):
        raise RowInvalid("occurred_at", "occurred_at is required")
    return OrderDraft(
        line=first.line,
        key=OrderKey(source, first.get("external_id")),
        kind=kind,
        original=OrderKey(source, original) if original else None,
        customer=row_identities(Row(first.line, head), CUSTOMER_COLUMNS, head.get("customer_namespace", "")),
        occurred_at=parse_datetime(head["occurred_at"], "occurred_at"),
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
    )


def _head_merge(rows: list[Row]) -> dict[str, str]:
    head = {column: rows[0].get(column) for column in ORDER_COLUMNS if rows[0].get(column)}
    for row in rows[1:]:
        for column in ORDER_COLUMNS:
            value = row.get(column)
            if value and head.setdefault(column, value) != value:
                raise RowInvalid(
                    column,
                    f"{column} '{value}' differs from '{head[column]}' on line {rows[0].line} of the same order",
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
        raise RowInvalid("sku", "sku is required on a row with product columns")
    quantity = parse_decimal(row.get("quantity"), "quantity", places=3) if row.get("quantity") else Decimal(1)
    if quantity == 0:
        raise RowInvalid("quantity", "quantity must be more than 0")
    unit_price = parse_decimal(row.get("unit_price"), "unit_price") if row.get("unit_price") else None
    amount = parse_decimal(row.get("line_amount"), "line_amount") if row.get("line_amount") else None
    if unit_price is None and amount is None:
        raise RowInvalid("line_amount", "a line needs line_amount or unit_price")
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
        raise RowInvalid("amount", "amount is required on an order without product lines")
    return sum((line.amount for line in lines), Decimal(0))


def _money(head: dict[str, str], column: str) -> Decimal:
    return parse_decimal(head[column], column) if head.get(column) else Decimal(0)


def _currency(value: str) -> str:
    currency = (value or settings.PATRONAGE_DEFAULT_CURRENCY).upper()
    if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
        raise RowInvalid("currency", f"'{value}' is not a three-letter currency code (ISO 4217)")
    return currency


def _text(cells: dict[str, str], column: str, limit: int) -> str:
    value = cells.get(column, "")
    if len(value) > limit:
        raise RowInvalid(column, f"{column} is longer than {limit} characters")
    return value


def _code(cells: dict[str, str], column: str, limit: int) -> str:
    value = _text(cells, column, limit)
    if value and not _CODE.match(value):
        raise RowInvalid(column, f"{column} '{value}' is not a code (letters, digits, '-' and '_')")
    return value


class TransactionImporter(Importer):
    columns = COLUMNS

    def __init__(self, context: ImportContext):
        super().__init__(context)
        self.source = context.options.get("source") or DEFAULT_SOURCE
        # What the check pass remembers across batches: the line of each order, and every order
        # an import's return may refer to (from the file, or loaded from the database on demand).
        self._order_lines: dict[OrderKey, int] = {}
        self._known: dict[OrderKey, _Known] = {}
        self._refs = _References()

    def header_check(self, csv_file: CsvFile) -> list[RowError]:
        missing = [column for column in ("external_id", "occurred_at") if not csv_file.has(column)]
        return [RowError(1, column, f"the header has no {column} column") for column in missing]

    def batches(self, rows: Iterable[Row]) -> Iterator[list[Row]]:
        """Batches of about BATCH_ROWS rows that never split one order's rows."""
        batch: list[Row] = []
        for row in rows:
            if len(batch) >= BATCH_ROWS and self._key(row) != self._key(batch[-1]):
                yield batch
                batch = []
            batch.append(row)
        if batch:
            yield batch

    def _key(self, row: Row) -> OrderKey:
        return OrderKey(row.get("source") or self.source, row.get("external_id"))

    def _groups(self, batch: list[Row]) -> Iterator[list[Row]]:
        group: list[Row] = []
        for row in batch:
            if group and self._key(row) != self._key(group[-1]):
                yield group
                group = []
            group.append(row)
        if group:
            yield group

    def _order_parse(self, rows: list[Row]) -> OrderDraft:
        key = self._key(rows[0])
        if not key.external_id:
            raise RowInvalid("external_id", "external_id is required")
        if len(key.source) > 32 or len(key.external_id) > 128:
            raise RowInvalid("source" if len(key.source) > 32 else "external_id", "the value is too long")
        return order_parse(rows, source=key.source)

    # The check pass

    def check(self, batch: list[Row]) -> list[RowError]:
        errors, drafts = [], []
        for rows in self._groups(batch):
            try:
                drafts.append(self._order_parse(rows))
            except RowInvalid as exc:
                errors.append(RowError(exc.line or rows[0].line, exc.field, exc.message))
        owners = identity_owners(identity.key for draft in drafts for identity in draft.customer)
        self._known_load(
            [draft.key for draft in drafts] + [draft.original for draft in drafts if draft.original]
        )
        for draft in drafts:
            try:
                self._order_check(draft, owners)
            except RowInvalid as exc:
                errors.append(RowError(draft.line, exc.field, exc.message))
        return errors

    def _order_check(self, draft: OrderDraft, owners: dict[IdentityKey, int]) -> None:
        earlier = self._order_lines.setdefault(draft.key, draft.line)
        if earlier != draft.line:
            raise RowInvalid("external_id", f"order {draft.key.external_id} is already on line {earlier}")
        member_id = self._member_of(draft, owners)
        known = self._known.get(draft.key)
        if known is not None:
            return _same_check(draft, member_id, known)
        if draft.original is not None:
            self._return_check(draft)
        self._known[draft.key] = _Known(draft.kind, member_id, draft.amount, draft.amount)

    def _member_of(self, draft: OrderDraft, owners: dict[IdentityKey, int]) -> int | None:
        """The member the order belongs to; a return naming no customer belongs to its purchase's."""
        member_id = identity_owner(draft.customer, owners)
        if draft.customer and member_id is None:
            identity = draft.customer[0]
            raise RowInvalid(identity.column, f"no customer has {identity.column} '{identity.key.value}'")
        if member_id is None and draft.original is not None and (original := self._known.get(draft.original)):
            return original.member_id
        return member_id

    def _return_check(self, draft: OrderDraft) -> None:
        assert draft.original is not None
        original = self._known.get(draft.original)
        if original is None or original.kind != OrderKind.PURCHASE:
            raise RowInvalid(
                "original_external_id",
                f"purchase {draft.original.external_id} is neither in the database nor earlier in this file",
            )
        if draft.amount > original.left:
            raise RowInvalid(
                "amount",
                f"return of {draft.amount:.2f} is more than the {original.left:.2f} left to return "
                f"of purchase {draft.original.external_id}",
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
                    self._known[OrderKey(source, external_id)] = _Known(kind, member_id, amount, left)

    # The write pass

    def write(self, batch: list[Row]) -> None:
        drafts = [self._order_parse(rows) for rows in self._groups(batch)]
        existing = _orders_find([draft.key for draft in drafts])
        new = [draft for draft in drafts if draft.key not in existing]
        self.counts.unchanged += len(drafts) - len(new)
        if not new:
            return
        owners = identity_owners(identity.key for draft in new for identity in draft.customer)
        self._refs.ensure(new)
        purchases = [draft for draft in new if draft.kind == OrderKind.PURCHASE]
        self._orders_create(purchases, owners, originals={})
        returns = [draft for draft in new if draft.kind == OrderKind.RETURN]
        if returns:
            originals = _orders_find([draft.original for draft in returns if draft.original])
            self._orders_create(returns, owners, originals)
        self.counts.created += len(new)

    def _orders_create(
        self,
        drafts: list[OrderDraft],
        owners: dict[IdentityKey, int],
        originals: dict[OrderKey, tuple[int, int | None]],
    ) -> None:
        ids = ids_reserve(Order, len(drafts))
        orders = [
            self._order_row(order_id, draft, owners, originals)
            for order_id, draft in zip(ids, drafts, strict=True)
        ]
        rows_insert(Order, orders)
        rows_insert(
            OrderLine,
            [
                self._line_row(order["id"], number, line)
                for draft, order in zip(drafts, orders, strict=True)
                for number, line in enumerate(draft.lines, start=1)
            ],
        )
        rows_insert(
            TimelineEvent,
            [
                self._timeline_row(order, draft)
                for draft, order in zip(drafts, orders, strict=True)
                if order["member_id"] is not None
            ],
        )

    def _order_row(
        self,
        order_id: int,
        draft: OrderDraft,
        owners: dict[IdentityKey, int],
        originals: dict[OrderKey, tuple[int, int | None]],
    ) -> dict[str, Any]:
        original = originals.get(draft.original) if draft.original else None
        member_id = identity_owner(draft.customer, owners)
        if member_id is None and original is not None:
            member_id = original[1]
        store = self._refs.stores.get(draft.store)
        brand = self._refs.brands.get(draft.brand)
        channel = self._refs.channels.get(draft.channel)
        return {
            "id": order_id,
            "source": draft.key.source,
            "external_id": draft.key.external_id,
            "kind": draft.kind,
            "member_id": member_id,
            "original_id": original[0] if original else None,
            "brand_id": brand.pk if brand else (store.brand_id if store else None),
            "channel_id": channel.pk if channel else (store.channel_id if store else None),
            "store_id": store.pk if store else None,
            "occurred_at": draft.occurred_at,
            "currency": draft.currency,
            "amount": draft.amount,
            "tax": draft.tax,
            "shipping": draft.shipping,
            "discount": draft.discount,
            "promotion_code": draft.promotion_code,
            "created_at": self.context.started_at,
        }

    def _line_row(self, order_id: int, number: int, line: LineDraft) -> dict[str, Any]:
        product = self._refs.products[line.sku]
        category = self._refs.categories.get(line.category)
        return {
            "order_id": order_id,
            "line_no": number,
            "product_id": product.pk,
            "sku": line.sku,
            "category_id": category.pk if category else product.category_id,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "amount": line.amount,
        }

    def _timeline_row(self, order: dict[str, Any], draft: OrderDraft) -> dict[str, Any]:
        kind = kinds.PURCHASE if order["kind"] == OrderKind.PURCHASE else kinds.RETURN
        return timeline_row(
            self.context,
            order["member_id"],
            kind.code,
            order_summary(draft.amount, draft.currency, self._refs.stores.get(draft.store), draft.lines),
            {"order_id": order["id"], "external_id": draft.key.external_id, "amount": str(draft.amount)},
            occurred_at=draft.occurred_at,
            source=(Order._meta.label_lower, str(order["id"])),
            dedupe_key=f"order:{order['id']}",
        )

    def notes(self) -> list[str]:
        return self._refs.notes()


def _same_check(draft: OrderDraft, member_id: int | None, known: _Known) -> None:
    """An order imported before must be the same order: same kind, amount and customer."""
    name = draft.key.external_id
    if known.kind != draft.kind:
        raise RowInvalid("type", f"order {name} was already imported as a {known.kind}")
    if known.amount != draft.amount:
        raise RowInvalid("amount", f"order {name} was already imported with amount {known.amount:.2f}")
    if known.member_id != member_id:
        owner = f"customer #{known.member_id}" if known.member_id else "no customer"
        raise RowInvalid("", f"order {name} was already imported for {owner}")


def _orders_find(keys: list[OrderKey]) -> dict[OrderKey, tuple[int, int | None]]:
    """(pk, member id) of each order that exists, by key."""
    by_source: dict[str, list[str]] = {}
    for key in set(keys):
        by_source.setdefault(key.source, []).append(key.external_id)
    found: dict[OrderKey, tuple[int, int | None]] = {}
    for source, external_ids in by_source.items():
        for chunk in chunks(sorted(external_ids)):
            rows = Order.objects.filter(source=source, external_id__in=chunk).values_list(
                "external_id", "pk", "member_id"
            )
            found.update({OrderKey(source, external_id): (pk, member) for external_id, pk, member in rows})
    return found


def order_summary(amount: Decimal, currency: str, store: Store | None, lines: list[LineDraft]) -> str:
    """'45,000 KRW at Gangnam store, 3 items': what the timeline shows of an order."""
    places = ",.0f" if amount == amount.to_integral_value() else ",.2f"
    summary = f"{amount:{places}} {currency}"
    if store is not None:
        summary += f" at {store.name}"
    if lines:
        items = sum((line.quantity for line in lines), Decimal(0))
        count = f"{items:.0f}" if items == items.to_integral_value() else f"{items.normalize()}"
        summary += f", {count} item{'' if items == 1 else 's'}"
    return summary


class _References:
    """Brands, channels, stores, categories and products by code; unknown codes are created and counted."""

    def __init__(self) -> None:
        self.brands: dict[str, Brand] = {}
        self.channels: dict[str, Channel] = {}
        self.stores: dict[str, Store] = {}
        self.categories: dict[str, Category] = {}
        self.products: dict[str, Product] = {}
        self.created: Counter[str] = Counter()

    def ensure(self, drafts: list[OrderDraft]) -> None:
        lines = [line for draft in drafts for line in draft.lines]
        self._plain(Brand, self.brands, {draft.brand for draft in drafts})
        self._plain(Category, self.categories, {line.category for line in lines})
        self._stores(drafts)
        self._products(lines)

    def _missing(
        self, model: type[_Ref], cache: dict[str, _Ref], codes: set[str], field: str = "code"
    ) -> list[str]:
        wanted = sorted(code for code in codes if code and code not in cache)
        if wanted:
            found = model._default_manager.filter(**{f"{field}__in": wanted})
            cache.update({getattr(obj, field): obj for obj in found})
        return [code for code in wanted if code not in cache]

    def _plain(self, model: type[_Coded], cache: dict[str, _Coded], codes: set[str]) -> None:
        missing = self._missing(model, cache, codes)
        created = model._default_manager.bulk_create([model(code=code, name=code) for code in missing])
        cache.update({obj.code: obj for obj in created})
        self.created[str(model._meta.verbose_name_plural)] += len(created)

    def _channels(self, codes: set[str]) -> None:
        missing = self._missing(Channel, self.channels, codes)
        kinds_known = set(ChannelKind.values)
        created = Channel.objects.bulk_create(
            [
                Channel(code=code, name=code, kind=code if code in kinds_known else ChannelKind.STORE)
                for code in missing
            ]
        )
        self.channels.update({channel.code: channel for channel in created})
        self.created["channels"] += len(created)

    def _stores(self, drafts: list[OrderDraft]) -> None:
        missing = self._missing(Store, self.stores, {draft.store for draft in drafts})
        first = {draft.store: draft for draft in reversed(drafts)}
        needs_default = any(not first[code].channel for code in missing)
        self._channels({draft.channel for draft in drafts} | ({DEFAULT_CHANNEL} if needs_default else set()))
        created = Store.objects.bulk_create(
            [
                Store(
                    code=code,
                    name=code,
                    channel=self.channels[first[code].channel or DEFAULT_CHANNEL],
                    brand=self.brands.get(first[code].brand),
                )
                for code in missing
            ]
        )
        self.stores.update({store.code: store for store in created})
        self.created["stores"] += len(created)

    def _products(self, lines: list[LineDraft]) -> None:
        missing = self._missing(Product, self.products, {line.sku for line in lines}, field="sku")
        first = {line.sku: line for line in reversed(lines)}
        created = Product.objects.bulk_create(
            [
                Product(
                    sku=sku,
                    name=first[sku].product_name or sku,
                    category=self.categories.get(first[sku].category),
                )
                for sku in missing
            ]
        )
        self.products.update({product.sku: product for product in created})
        self.created["products"] += len(created)

    def notes(self) -> list[str]:
        return [f"{count} new {kind} created" for kind, count in sorted(self.created.items()) if count]

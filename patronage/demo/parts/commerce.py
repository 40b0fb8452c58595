"""The commerce part of the demo: brands, channels, stores, categories and products, then each chunk's
orders (purchases, returns, their lines and problems) with their events on the members' timelines. A
problem the customer complained about is also a complaint case (the care part)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence

import numpy as np
from django.db import models, transaction

from patronage.commerce import models as commerce
from patronage.demo import baskets as bk
from patronage.demo import catalogue as cat
from patronage.demo.catalogue import CURRENCY
from patronage.demo.parts.members import TIMELINE_FIELDS, places
from patronage.demo.simulate import Chunk
from patronage.demo.world import Context, Part, World
from patronage.members.models import TimelineEvent

ORDER_FIELDS = (
    "id",
    "source",
    "external_id",
    "kind",
    "member",
    "original",
    "brand",
    "channel",
    "store",
    "occurred_at",
    "currency",
    "amount",
    "tax",
    "shipping",
    "discount",
    "promotion_code",
    "created_at",
)


def external_ids(channel: np.ndarray, ids: np.ndarray) -> list[str]:
    """The sending system's order number: POS-000001234 for a store sale, WEB-... for the shop."""
    prefix = [c.order_prefix for c in cat.CHANNELS]
    return [f"{prefix[c]}-{i:09d}" for c, i in zip(channel.tolist(), ids.tolist(), strict=True)]


def _store_ids(context: Context, store: np.ndarray) -> list[int | None]:
    ids = np.where(store >= 0, context.refs.store[np.maximum(store, 0)], -1).tolist()
    return [None if i < 0 else i for i in ids]


def purchase_rows(chunk: Chunk, context: Context) -> Iterator[tuple[object, ...]]:
    orders, refs = chunk.baskets.orders, context.refs
    order_ids = context.ids.order
    source = [c.order_source for c in cat.CHANNELS]
    columns = zip(
        order_ids.tolist(),
        orders.channel.tolist(),
        external_ids(orders.channel, order_ids),
        context.ids.member[chunk.purchases.customer].tolist(),
        refs.brand[orders.brand].tolist(),
        refs.channel[orders.channel].tolist(),
        _store_ids(context, orders.store),
        context.times(chunk.purchases.at),
        orders.amount.tolist(),
        np.round(orders.amount / bk.VAT_DIVISOR).astype(np.int64).tolist(),
        orders.discount.tolist(),
        orders.promotion.tolist(),
        strict=True,
    )
    now = context.now
    for (
        order_id,
        channel,
        external,
        member,
        brand,
        channel_id,
        store,
        at,
        amount,
        tax,
        discount,
        promo,
    ) in columns:
        yield (
            order_id, source[channel], external, "purchase", member, None, brand, channel_id, store, at,
            CURRENCY, amount, tax, 0, discount, promo, now,
        )  # fmt: skip


def return_rows(chunk: Chunk, context: Context) -> Iterator[tuple[object, ...]]:
    returns, orders, refs = chunk.baskets.returns, chunk.baskets.orders, context.refs
    original = returns.original
    channel = orders.channel[original]
    source = [c.order_source for c in cat.CHANNELS]
    columns = zip(
        context.ids.returned.tolist(),
        channel.tolist(),
        external_ids(channel, context.ids.returned),
        context.ids.member[chunk.purchases.customer[original]].tolist(),
        context.ids.order[original].tolist(),
        refs.brand[orders.brand[original]].tolist(),
        refs.channel[channel].tolist(),
        _store_ids(context, orders.store[original]),
        context.times(returns.at),
        returns.amount.tolist(),
        np.round(returns.amount / bk.VAT_DIVISOR).astype(np.int64).tolist(),
        strict=True,
    )
    now = context.now
    for (
        order_id,
        channel_index,
        external,
        member,
        original_id,
        brand,
        channel_id,
        store,
        at,
        amount,
        tax,
    ) in columns:
        yield (
            order_id, source[channel_index], external, "return", member, original_id, brand, channel_id, store,
            at, CURRENCY, amount, tax, 0, 0, "", now,
        )  # fmt: skip


LINE_FIELDS = ("order", "line_no", "product", "sku", "category", "quantity", "unit_price", "amount")
PRODUCT_CATEGORY = np.array([[c.code for c in cat.CATEGORIES].index(p.category) for p in cat.PRODUCTS])


def _line_numbers(owner: np.ndarray) -> np.ndarray:
    """1, 2, ... within each run of equal owners (rows sorted by owner)."""
    starts = np.flatnonzero(np.append(True, owner[1:] != owner[:-1]))
    run_start = np.repeat(starts, np.diff(np.append(starts, owner.size)))
    return np.arange(owner.size) - run_start + 1


def _line_columns(
    context: Context,
    owner_ids: np.ndarray,
    product: np.ndarray,
    quantity: np.ndarray,
    unit: np.ndarray,
    amount: np.ndarray,
) -> Iterator[tuple[object, ...]]:
    skus = [p.sku for p in cat.PRODUCTS]
    product_ids = context.refs.product[product].tolist()
    category_ids = context.refs.category[PRODUCT_CATEGORY[product]].tolist()
    return zip(
        owner_ids.tolist(),
        _line_numbers(owner_ids).tolist(),
        product_ids,
        [skus[p] for p in product.tolist()],
        category_ids,
        quantity.tolist(),
        unit.tolist(),
        amount.tolist(),
        strict=True,
    )


def line_rows(chunk: Chunk, context: Context) -> Iterator[tuple[object, ...]]:
    lines = chunk.baskets.lines
    return _line_columns(
        context, context.ids.order[lines.order], lines.product, lines.quantity, lines.unit_price, lines.amount
    )


def return_line_rows(chunk: Chunk, context: Context) -> Iterator[tuple[object, ...]]:
    returns, lines = chunk.baskets.returns, chunk.baskets.lines
    return _line_columns(
        context,
        context.ids.returned[returns.line_return],
        lines.product[returns.line],
        returns.line_quantity,
        lines.unit_price[returns.line],
        returns.line_amount,
    )


# The problem only: when the customer reported it, the complaint is a case (the care part), so the
# problem's own reported_at, resolved_at and customer_satisfied stay empty.
PROBLEM_FIELDS = ("id", "order", "kind", "detected_at", "description")


def _problem_descriptions(chunk: Chunk) -> list[str]:
    problems, lines = chunk.baskets.problems, chunk.baskets.lines
    first_line = np.searchsorted(lines.order, problems.order)
    product = lines.product[first_line].tolist()
    recalled = cat.PRODUCTS[bk.RECALLED_PRODUCT].name
    return [
        bk.PROBLEM_TEXT[k].format(product=recalled)
        if k == bk.RECALL
        else f"{bk.PROBLEM_TEXT[k]}: {cat.PRODUCTS[p].name}"
        for k, p in zip(problems.kind.tolist(), product, strict=True)
    ]


def problem_rows(chunk: Chunk, context: Context) -> Iterator[tuple[object, ...]]:
    problems = chunk.baskets.problems
    return zip(
        context.ids.problem.tolist(),
        context.ids.order[problems.order].tolist(),
        [bk.PROBLEM_KINDS[k] for k in problems.kind.tolist()],
        context.times(problems.detected),
        _problem_descriptions(chunk),
        strict=True,
    )


# --- the orders' events on the members' timelines -------------------------------------------------

PROBLEM_LABELS = ("Delivery delay", "Back-order", "Defective product", "Wrong item", "Product recall")


def _items(count: int) -> str:
    return "1 item" if count == 1 else f"{count} items"


def _place_data(store: np.ndarray, channel: np.ndarray) -> list[str]:
    """Where each order was placed as JSON members of its event's data: the store's name, else the channel's,
    so that the timeline can say it in the reader's language."""
    return [
        f'"store": {json.dumps(cat.STORES[s].name)}'
        if s >= 0
        else f'"channel": {json.dumps(cat.CHANNELS[c].name)}'
        for s, c in zip(store.tolist(), channel.tolist(), strict=True)
    ]


def _order_events(
    context: Context,
    kind: str,
    member: np.ndarray,
    order_ids: np.ndarray,
    at: np.ndarray,
    amount: np.ndarray,
    items: np.ndarray,
    place: list[str],
    place_data: list[str],
    extra: list[str],
) -> Iterator[tuple[object, ...]]:
    verb = " refunded" if kind == "return" else ""
    columns = zip(
        member.tolist(),
        order_ids.tolist(),
        context.times(at),
        amount.tolist(),
        items.tolist(),
        place,
        place_data,
        extra,
        strict=True,
    )
    for member_id, order_id, occurred, krw, count, where, placed, note in columns:
        summary = f"{krw:,} {CURRENCY}{verb} · {where} · {_items(count)}{note}"
        data = f'{{"order_id": {order_id}, "amount": "{krw}", "currency": "{CURRENCY}", {placed}, "items": {count}}}'
        yield (
            member_id,
            kind,
            occurred,
            summary,
            data,
            "commerce.order",
            str(order_id),
            f"order:{order_id}",
            context.now,
        )


def purchase_event_rows(chunk: Chunk, context: Context) -> Iterator[tuple[object, ...]]:
    orders, lines = chunk.baskets.orders, chunk.baskets.lines
    items = np.bincount(lines.order, weights=lines.quantity, minlength=orders.amount.size).astype(np.int64)
    promo = [f" · {code}" if code else "" for code in orders.promotion.tolist()]
    return _order_events(
        context,
        "purchase",
        context.ids.member[chunk.purchases.customer],
        context.ids.order,
        chunk.purchases.at,
        orders.amount,
        items,
        places(orders.store, orders.channel),
        _place_data(orders.store, orders.channel),
        promo,
    )


def return_event_rows(chunk: Chunk, context: Context) -> Iterator[tuple[object, ...]]:
    returns, orders = chunk.baskets.returns, chunk.baskets.orders
    original = returns.original
    items = np.bincount(returns.line_return, weights=returns.line_quantity, minlength=original.size)
    return _order_events(
        context,
        "return",
        context.ids.member[chunk.purchases.customer[original]],
        context.ids.returned,
        returns.at,
        returns.amount,
        items.astype(np.int64),
        places(orders.store[original], orders.channel[original]),
        _place_data(orders.store[original], orders.channel[original]),
        [""] * original.size,
    )


def problem_event_rows(chunk: Chunk, context: Context) -> Iterator[tuple[object, ...]]:
    """The problem as the business saw it on the order; what the customer said of it is on their case."""
    problems = chunk.baskets.problems
    order_ids = context.ids.order[problems.order]
    external = external_ids(chunk.baskets.orders.channel[problems.order], order_ids)
    columns = zip(
        context.ids.member[chunk.purchases.customer[problems.order]].tolist(),
        context.ids.problem.tolist(),
        order_ids.tolist(),
        context.times(problems.detected),
        problems.kind.tolist(),
        external,
        strict=True,
    )
    for member_id, problem_id, order_id, at, kind, order_number in columns:
        summary = f"{PROBLEM_LABELS[kind]} · {order_number}"
        data = json.dumps({"order_id": order_id, "order": order_number, "problem": bk.PROBLEM_KINDS[kind]})
        source = ("commerce.orderproblem", str(problem_id), f"order_problem:{problem_id}")
        yield member_id, "order_problem", at, summary, data, *source, context.now


# --- the part ---------------------------------------------------------------------------------------


def reference_data_save(world: World) -> None:
    """Brands, channels, stores, categories and products; created or updated by their codes."""
    with transaction.atomic():
        brands = [
            commerce.Brand.objects.update_or_create(code=b.code, defaults={"name": b.name})[0]
            for b in cat.BRANDS
        ]
        channels = [
            commerce.Channel.objects.update_or_create(code=c.code, defaults={"name": c.name, "kind": c.kind})[
                0
            ]
            for c in cat.CHANNELS
        ]
        store_channel = channels[[c.code for c in cat.CHANNELS].index(cat.STORE_CHANNEL)]
        stores = [
            commerce.Store.objects.update_or_create(
                code=s.code,
                defaults={"name": s.name, "channel": store_channel, "city": s.city, "time_zone": s.time_zone},
            )[0]
            for s in cat.STORES
        ]
        categories = [
            commerce.Category.objects.update_or_create(code=c.code, defaults={"name": c.name})[0]
            for c in cat.CATEGORIES
        ]
        by_code = {b.code: b for b in brands} | {c.code: c for c in categories}
        products = [_product(p, by_code) for p in cat.PRODUCTS]
    refs = world.refs
    refs.brand, refs.channel, refs.store = _pks(brands), _pks(channels), _pks(stores)
    refs.category, refs.product = _pks(categories), _pks(products)
    world.counts.update(_catalogue_counts())


def _catalogue_counts() -> dict[str, int]:
    return {
        "commerce.Brand": len(cat.BRANDS),
        "commerce.Channel": len(cat.CHANNELS),
        "commerce.Store": len(cat.STORES),
        "commerce.Category": len(cat.CATEGORIES),
        "commerce.Product": len(cat.PRODUCTS),
    }


def _product(product: cat.Product, by_code: Mapping[str, models.Model]) -> commerce.Product:
    return commerce.Product.objects.update_or_create(
        sku=product.sku,
        defaults={
            "name": product.name,
            "brand": by_code[product.brand],
            "category": by_code[product.category],
            "list_price": product.price,
            "currency": cat.CURRENCY,
        },
    )[0]


def _pks(rows: Sequence[models.Model]) -> np.ndarray:
    return np.array([row.pk for row in rows], dtype=np.int64)


def chunk_write(world: World, chunk: Chunk, context: Context) -> None:
    """The chunk's orders, what hangs off them, and their events on the members' timelines."""
    insert = world.writer.insert
    insert(commerce.Order, ORDER_FIELDS, purchase_rows(chunk, context))
    insert(commerce.Order, ORDER_FIELDS, return_rows(chunk, context))
    insert(commerce.OrderLine, LINE_FIELDS, line_rows(chunk, context))
    insert(commerce.OrderLine, LINE_FIELDS, return_line_rows(chunk, context))
    insert(commerce.OrderProblem, PROBLEM_FIELDS, problem_rows(chunk, context))
    for events in (purchase_event_rows, return_event_rows, problem_event_rows):
        insert(TimelineEvent, TIMELINE_FIELDS, events(chunk, context))


PART = Part("commerce", before=reference_data_save, per_chunk=chunk_write)

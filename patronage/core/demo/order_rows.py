"""Rows of the orders for a simulated chunk: purchases, returns, their lines and problems."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from patronage.core.demo import baskets as bk
from patronage.core.demo import catalogue as cat
from patronage.core.demo.catalogue import CURRENCY
from patronage.core.demo.simulate import Chunk
from patronage.core.demo.writer import Context

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


PROBLEM_FIELDS = (
    "id",
    "order",
    "kind",
    "detected_at",
    "description",
    "reported_at",
    "resolved_at",
    "customer_satisfied",
)


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
    satisfied = [None if s < 0 else bool(s) for s in problems.satisfied.tolist()]
    return zip(
        context.ids.problem.tolist(),
        context.ids.order[problems.order].tolist(),
        [bk.PROBLEM_KINDS[k] for k in problems.kind.tolist()],
        context.times(problems.detected),
        _problem_descriptions(chunk),
        context.times(problems.reported),
        context.times(problems.resolved),
        satisfied,
        strict=True,
    )

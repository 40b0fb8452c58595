"""Timeline events for a simulated chunk: joined, purchase, return and order_problem."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from patronage.core.demo import baskets as bk
from patronage.core.demo import catalogue as cat
from patronage.core.demo.catalogue import CURRENCY
from patronage.core.demo.order_rows import external_ids
from patronage.core.demo.simulate import Chunk
from patronage.core.demo.writer import Context

PROBLEM_LABELS = ("Delivery delay", "Back-order", "Defective product", "Wrong item", "Product recall")

TIMELINE_FIELDS = (
    "member",
    "kind",
    "occurred_at",
    "summary",
    "data",
    "source_type",
    "source_id",
    "dedupe_key",
    "created_at",
)


def _places(store: np.ndarray, channel: np.ndarray) -> list[str]:
    """Where an order was placed, as a person says it: the store's name, else the channel's."""
    stores = [s.name for s in cat.STORES]
    channels = [c.name for c in cat.CHANNELS]
    return [
        stores[s] if s >= 0 else channels[c] for s, c in zip(store.tolist(), channel.tolist(), strict=True)
    ]


def _items(count: int) -> str:
    return "1 item" if count == 1 else f"{count} items"


def joined_rows(chunk: Chunk, context: Context) -> Iterator[tuple[object, ...]]:
    people = chunk.people
    store_channel = [c.code for c in cat.CHANNELS].index(cat.STORE_CHANNEL)
    place = _places(
        np.where(people.home_channel == store_channel, people.home_store, -1), people.home_channel
    )
    channel = [c.code for c in cat.CHANNELS]
    joined = context.times(chunk.join_at)
    for i, member_id in enumerate(context.ids.member.tolist()):
        data = f'{{"channel": "{channel[people.home_channel[i]]}"}}'
        yield member_id, "joined", joined[i], place[i], data, "", "", None, context.now


def _order_events(
    context: Context,
    kind: str,
    member: np.ndarray,
    order_ids: np.ndarray,
    at: np.ndarray,
    amount: np.ndarray,
    items: np.ndarray,
    place: list[str],
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
        extra,
        strict=True,
    )
    for member_id, order_id, occurred, krw, count, where, note in columns:
        summary = f"{krw:,} {CURRENCY}{verb} · {where} · {_items(count)}{note}"
        data = f'{{"order_id": {order_id}, "amount": "{krw}", "currency": "{CURRENCY}"}}'
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
        _places(orders.store, orders.channel),
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
        _places(orders.store[original], orders.channel[original]),
        [""] * original.size,
    )


def _problem_state(reported: int, resolved: int, satisfied: int) -> str:
    if reported < 0:
        return "not reported by the customer"
    if resolved < 0:
        return "complaint open"
    return "resolved, customer satisfied" if satisfied == 1 else "resolved, customer not satisfied"


def problem_event_rows(chunk: Chunk, context: Context) -> Iterator[tuple[object, ...]]:
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
        problems.reported.tolist(),
        problems.resolved.tolist(),
        problems.satisfied.tolist(),
        strict=True,
    )
    for member_id, problem_id, order_id, at, kind, order_number, reported, resolved, satisfied in columns:
        summary = f"{PROBLEM_LABELS[kind]} · {order_number} · {_problem_state(reported, resolved, satisfied)}"
        data = f'{{"order_id": {order_id}, "problem": "{bk.PROBLEM_KINDS[kind]}"}}'
        source = ("commerce.orderproblem", str(problem_id), f"order_problem:{problem_id}")
        yield member_id, "order_problem", at, summary, data, *source, context.now

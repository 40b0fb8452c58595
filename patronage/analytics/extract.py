"""Reading the commerce data into Polars frames for the pure analyses: one query per table, read in chunks.

Times come out naive in UTC (the analyses count days and months on them). Only orders of members count:
an anonymous till receipt has no customer to analyse.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import islice
from typing import Any

import polars as pl
from django.db.models import Max, Q, QuerySet

from patronage.commerce.models import Order, OrderKind, OrderProblem

CHUNK = 20_000
CUSTOMER = "member"
WHEN = "when"

PURCHASE_SCHEMA: dict[str, Any] = {
    "order": pl.Int64,
    CUSTOMER: pl.Int64,
    WHEN: pl.Datetime("us", "UTC"),
    "amount": pl.Float64,
    "discount": pl.Float64,
    "promotion_code": pl.String,
}
PROBLEM_SCHEMA: dict[str, Any] = {
    "order": pl.Int64,
    CUSTOMER: pl.Int64,
    "detected_at": pl.Datetime("us", "UTC"),
    "reported_at": pl.Datetime("us", "UTC"),
    "resolved_at": pl.Datetime("us", "UTC"),
    "satisfied": pl.Boolean,
}


def naive_utc(moment: datetime) -> datetime:
    """An aware time as the naive UTC time the frames hold; a naive one is taken as UTC already."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo is not None else moment


def _chunks(rows: Iterable[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def _frame(queryset: QuerySet[Any], columns: Sequence[str], schema: dict[str, Any]) -> pl.DataFrame:
    """The queryset's columns as a frame, built a chunk of rows at a time (one query, a server-side cursor
    on PostgreSQL), so memory holds Polars' columns, not a list of every row's Python objects."""
    rows = queryset.values_list(*columns).iterator(chunk_size=CHUNK)
    frames = [pl.DataFrame(chunk, schema=schema, orient="row", strict=False) for chunk in _chunks(rows)]
    frame = pl.concat(frames) if frames else pl.DataFrame(schema=schema)
    return frame.with_columns(pl.col(pl.Datetime("us", "UTC")).dt.replace_time_zone(None))


def _window(field: str, start: datetime | None, end: datetime) -> Q:
    condition = Q(**{f"{field}__lte": end})
    return condition & Q(**{f"{field}__gte": start}) if start is not None else condition


def data_end(*, now: datetime) -> datetime:
    """Where the data ends: the last member purchase up to now (now when there is none). A window that
    ended at `now` on data that stopped earlier would count every customer as gone since then."""
    last = (
        Order.objects.filter(kind=OrderKind.PURCHASE, member__isnull=False, occurred_at__lte=now)
        .order_by()
        .aggregate(last=Max("occurred_at"))["last"]
    )
    return last or now


def purchases_read(*, start: datetime | None, end: datetime) -> pl.DataFrame:
    """Members' purchases in the window: order, member, when, amount, discount, promotion_code, and
    promo (a code or a discount) and returned (a return of it was recorded by the window's end)."""
    orders = Order.objects.filter(_window("occurred_at", start, end), kind=OrderKind.PURCHASE)
    orders = orders.filter(member__isnull=False).order_by()
    frame = _frame(
        orders, ["pk", "member_id", "occurred_at", "amount", "discount", "promotion_code"], PURCHASE_SCHEMA
    )
    returned = Order.objects.filter(kind=OrderKind.RETURN, occurred_at__lte=end, original__isnull=False)
    returned_ids = pl.DataFrame(
        {"order": list(returned.order_by().values_list("original_id", flat=True).distinct())},
        schema={"order": pl.Int64},
    )
    return frame.with_columns(
        promo=(pl.col("promotion_code") != "") | (pl.col("discount") > 0),
        returned=pl.col("order").is_in(returned_ids["order"].implode()),
    ).sort(CUSTOMER, WHEN)


def problems_read(*, start: datetime | None, end: datetime) -> pl.DataFrame:
    """Problems of members' orders detected in the window: order, member, detected_at, reported_at and
    resolved_at (null when silent / unresolved, or when it happened after the window), satisfied."""
    problems = OrderProblem.objects.filter(
        _window("detected_at", start, end), order__member__isnull=False, order__kind=OrderKind.PURCHASE
    ).order_by()
    frame = _frame(
        problems,
        ["order_id", "order__member_id", "detected_at", "reported_at", "resolved_at", "customer_satisfied"],
        PROBLEM_SCHEMA,
    )
    # What happened after the window's end was not known at its end.
    cut = naive_utc(end)
    return frame.with_columns(
        reported_at=pl.when(pl.col("reported_at") <= cut).then(pl.col("reported_at")),
        resolved_at=pl.when(pl.col("resolved_at") <= cut).then(pl.col("resolved_at")),
    ).with_columns(satisfied=pl.when(pl.col("resolved_at").is_not_null()).then(pl.col("satisfied")))

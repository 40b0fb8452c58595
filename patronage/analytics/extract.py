"""Reading the commerce and care data into Polars frames for the pure analyses: one query per table, read
in chunks.

Times come out naive in UTC (the analyses count days and months on them). Only orders of members count:
an anonymous till receipt has no customer to analyse.

What went wrong with a purchase comes from two records: `commerce.OrderProblem`, the problem itself (a
late delivery, a defect, a recall), whether or not the customer said anything; and a complaint, a
`care.Case` of type complaint, which is the customer saying it. `problems_read` joins them into one row
per purchase that had either (docs/guide/analytics.md, "Complaint outcomes").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import islice
from typing import Any

import polars as pl
from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Coalesce

from patronage.care.models import Case, CaseStatus, CaseType, LegKind, SlaLeg
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
# A rating of this or more (on the 1-5 follow-up) says the customer was satisfied with the resolution.
SATISFIED_RATING = 4
_TIME = pl.Datetime("us", "UTC")
_NAIVE = pl.Datetime("us")
# One row per purchase with a problem or a complaint (problems_read); times naive in UTC, as read.
PROBLEM_SCHEMA: dict[str, Any] = {
    "order": pl.Int64,
    CUSTOMER: pl.Int64,
    "detected_at": _NAIVE,
    "reported_at": _NAIVE,  # the complaint's filing; null: no complaint (by the window's end)
    "resolved_at": _NAIVE,
    "rating": pl.Int64,  # the customer's 1-5 answer to the follow-up, when given by the window's end
    "rated_at": _NAIVE,
    "satisfied": pl.Boolean,  # resolved to satisfaction; null while not resolved
    "first_response_hours": pl.Float64,  # wall-clock hours to the first response; null: none yet
}
ORDER_PROBLEM_SCHEMA: dict[str, Any] = {"order": pl.Int64, CUSTOMER: pl.Int64, "detected_at": _TIME}
COMPLAINT_SCHEMA: dict[str, Any] = {
    "case": pl.Int64,
    "order": pl.Int64,
    CUSTOMER: pl.Int64,
    "created_at": _TIME,
    "resolved_at": _TIME,
    "rating": pl.Int64,
    "rated_at": _TIME,
    "case_first_response_at": _TIME,
}
LEG_SCHEMA: dict[str, Any] = {"case": pl.Int64, "response_started_at": _TIME, "first_response_at": _TIME}


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


def order_problems_read(*, start: datetime | None, end: datetime) -> pl.DataFrame:
    """Problems of members' purchases detected in the window: order, member, detected_at."""
    problems = OrderProblem.objects.filter(
        _window("detected_at", start, end), order__member__isnull=False, order__kind=OrderKind.PURCHASE
    ).order_by()
    return _frame(problems, ["order_id", "order__member_id", "detected_at"], ORDER_PROBLEM_SCHEMA)


def complaints_read(*, start: datetime | None, end: datetime) -> pl.DataFrame:
    """Members' complaint cases filed in the window: case, order (the purchase it names, a return's
    original; null when it names none), member, created_at, resolved_at, rating and rated_at, the case's
    first_response_at, and its first-response SLA leg's response_started_at and first_response_at (null
    when the case has no such leg)."""
    # A duplicate merged into another case is not a complaint of its own: the case that carries on is.
    cases = (
        Case.objects.filter(_window("created_at", start, end), type=CaseType.COMPLAINT, member__isnull=False)
        .exclude(status=CaseStatus.MERGED)
        .order_by()
    )
    frame = _frame(
        cases.annotate(purchase=Coalesce("order__original_id", "order_id")),
        [
            "pk",
            "purchase",
            "member_id",
            "created_at",
            "resolved_at",
            "satisfaction",
            "satisfaction_at",
            "first_response_at",
        ],
        COMPLAINT_SCHEMA,
    )
    legs = SlaLeg.objects.filter(kind=LegKind.FIRST_RESPONSE, case__in=cases.values("pk")).order_by()
    first_legs = (
        _frame(legs, ["case_id", "started_at", "met_at"], LEG_SCHEMA)
        .sort("response_started_at")
        .unique(subset="case", keep="first")
    )
    return frame.join(first_legs, on="case", how="left")


def problems_read(
    *, start: datetime | None, end: datetime, purchases: pl.DataFrame | None = None
) -> pl.DataFrame:
    """One row per member purchase with a problem detected or a complaint filed in the window (columns of
    PROBLEM_SCHEMA), as known at the window's end; `purchases` (purchases_read of the same window) places
    the complaints that name no order, and is read when not given."""
    if purchases is None:
        purchases = purchases_read(start=start, end=end)
    return problems_merge(
        problems=order_problems_read(start=start, end=end),
        complaints=complaints_read(start=start, end=end),
        purchases=purchases,
        end=naive_utc(end),
    )


def resolved_well(at: datetime) -> pl.Expr:
    """Resolved to the customer's satisfaction by `at` (naive UTC): resolved or closed by then, and rated
    SATISFIED_RATING or more, or not rated by then (the customer did not say otherwise)."""
    rated = pl.col("rated_at").is_not_null() & (pl.col("rated_at") <= at)
    return (pl.col("resolved_at") <= at).fill_null(False) & (
        ~rated | (pl.col("rating") >= SATISFIED_RATING)
    ).fill_null(True)


def problems_merge(
    *, problems: pl.DataFrame, complaints: pl.DataFrame, purchases: pl.DataFrame, end: datetime
) -> pl.DataFrame:
    """The order problems and the complaint cases as one row per purchase (PROBLEM_SCHEMA), as known at
    `end` (naive UTC). Pure.

    A complaint naming no order is taken to be about the member's last purchase before it was filed. A
    purchase's first problem and first complaint stand for it; a complaint implies a problem, detected
    no later than the complaint.
    """
    known = pl.col("rated_at").is_not_null() & (pl.col("rated_at") <= end)
    cases = complaints.with_columns(
        pl.when(pl.col("resolved_at") <= end).then(pl.col("resolved_at")).alias("resolved_at"),
        pl.when(known).then(pl.col("rating")).alias("rating"),
        pl.when(known).then(pl.col("rated_at")).alias("rated_at"),
        # The first-response leg says when the case was first answered (a reply, or a closing that
        # answered it); a case without one has only its first reply to go by.
        pl.coalesce("first_response_at", "case_first_response_at").alias("__responded"),
        pl.coalesce("response_started_at", "created_at").alias("__asked"),
    )
    hours = (pl.col("__responded") - pl.col("__asked")).dt.total_seconds(fractional=True) / 3600
    cases = cases.with_columns(
        pl.when(pl.col("__responded") <= end).then(hours).alias("first_response_hours"),
        pl.when(pl.col("resolved_at").is_not_null()).then(resolved_well(end)).alias("satisfied"),
    )
    cases = _placed(cases, purchases)
    first_case = cases.sort("created_at", "case").unique(subset="order", keep="first")
    first_problem = problems.sort("detected_at").unique(subset="order", keep="first")
    joined = first_problem.join(
        first_case.select(
            "order",
            pl.col(CUSTOMER).alias("__case_member"),
            pl.col("created_at").alias("reported_at"),
            "resolved_at",
            "rating",
            "rated_at",
            "satisfied",
            "first_response_hours",
        ),
        on="order",
        how="full",
        coalesce=True,
    )
    return joined.select(
        pl.col("order"),
        pl.coalesce(CUSTOMER, "__case_member").alias(CUSTOMER),
        pl.min_horizontal("detected_at", "reported_at").alias("detected_at"),
        *(pl.col(name) for name in list(PROBLEM_SCHEMA)[3:]),
    ).cast(pl.Schema(PROBLEM_SCHEMA))


def _placed(cases: pl.DataFrame, purchases: pl.DataFrame) -> pl.DataFrame:
    """The cases with an order: those naming none take the member's last purchase filed before them;
    those with no purchase before them are left out."""
    named = cases.filter(pl.col("order").is_not_null())
    loose = cases.filter(pl.col("order").is_null()).drop("order").sort("created_at")
    if loose.height == 0:
        return named
    bought = purchases.select("order", CUSTOMER, WHEN).sort(WHEN)
    # Both sorted by time above (polars cannot check it within the `by` groups).
    placed = loose.join_asof(
        bought, left_on="created_at", right_on=WHEN, by=CUSTOMER, strategy="backward", check_sortedness=False
    )
    return pl.concat([named, placed.drop(WHEN).select(named.columns)]).filter(pl.col("order").is_not_null())

"""The root causes and products behind the most complaints, so that problems are fixed at their source.

Over a window of the last 30, 90 or 365 days (whole days in the business's zone, today included), the
complaints filed, grouped by root cause and by product: how many, their share of the window's complaints,
how many missed a service target, their customers' average rating, the compensation granted, and how many
there were in the window of the same length just before. Merged cases are duplicates of another and are
not counted. One aggregate query per grouping, whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from patronage.care.models import Case, CaseStatus, CaseType, Compensation, CompensationStatus, SlaLeg
from patronage.core.business import business_zone
from patronage.core.names import text_in_language

WINDOWS = (30, 90, 365)
DEFAULT_WINDOW = 30


def _money() -> DecimalField[Decimal, Decimal]:
    return DecimalField(max_digits=18, decimal_places=2)


@dataclass(frozen=True)
class CauseRow:
    key: int | None  # the root cause's or product's id; None: not classified, or no product named
    name: str
    complaints: int
    share: float  # of the window's complaints, 0 to 1
    breached: int  # complaints that missed a service target
    satisfaction: float | None  # the average rating, 1 to 5, of those rated; None: none rated
    compensation: Decimal  # the worth of the compensation granted, in the business's currency
    previous: int  # complaints in the window before
    sku: str = ""  # a product's

    @property
    def change(self) -> int:
        return self.complaints - self.previous


@dataclass(frozen=True)
class CausesReport:
    days: int
    first_day: date  # the window's first day, in the business's zone
    last_day: date  # today
    complaints: int
    previous: int  # complaints in the window before
    currency: str
    root_causes: list[CauseRow]
    products: list[CauseRow]


def complaint_causes(*, days: int, now: datetime) -> CausesReport:
    """The window's complaints by root cause and by product, each against the window before."""
    if days not in WINDOWS:
        days = DEFAULT_WINDOW
    zone = business_zone()
    today = now.astimezone(zone).date()
    first_day = today - timedelta(days=days - 1)
    start = datetime.combine(first_day, time.min, zone)
    previous_start = datetime.combine(first_day - timedelta(days=days), time.min, zone)
    end = datetime.combine(today + timedelta(days=1), time.min, zone)
    currency = settings.PATRONAGE_DEFAULT_CURRENCY
    cases = _complaints(previous_start, end, currency)
    by_cause = _grouped(cases, start, ("root_cause_id", "root_cause__name", "root_cause__name_translations"))
    by_product = _grouped(cases, start, ("product_id", "product__name", "product__sku"))
    total = sum(row["complaints"] for row in by_cause)
    return CausesReport(
        days=days,
        first_day=first_day,
        last_day=today,
        complaints=total,
        previous=sum(row["previous"] for row in by_cause),
        currency=currency,
        root_causes=[_row(row, total, _cause_name(row)) for row in _ordered(by_cause)],
        products=[_row(row, total, _product_name(row)) for row in _ordered(by_product)],
    )


def _complaints(since: datetime, until: datetime, currency: str) -> QuerySet[Case]:
    """The complaints of both windows, each with whether it missed a target and what it was given."""
    granted = (
        Compensation.objects.filter(case=OuterRef("pk"), status=CompensationStatus.GRANTED, currency=currency)
        .order_by()
        .values("case")
        .annotate(total=Sum("value"))
        .values("total")
    )
    return (
        Case.objects.filter(type=CaseType.COMPLAINT, created_at__gte=since, created_at__lt=until)
        .exclude(status=CaseStatus.MERGED)
        .annotate(
            late=Exists(SlaLeg.objects.filter(case=OuterRef("pk"), breached_at__isnull=False)),
            worth=Subquery(granted, output_field=_money()),
        )
    )


def _grouped(cases: QuerySet[Case], start: datetime, group: tuple[str, ...]) -> list[dict[str, Any]]:
    """One query: per group, the window's figures and the window before's count."""
    current = Q(created_at__gte=start)
    return list(
        cases.order_by()
        .values(*group)
        .annotate(
            complaints=Count("pk", filter=current),
            previous=Count("pk", filter=~current),
            breached=Count("pk", filter=current & Q(late=True)),
            satisfaction=Avg("satisfaction", filter=current),
            compensation=Sum("worth", filter=current, output_field=_money()),
        )
    )


def _ordered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Most complaints first; then the most of the window before (what got better); the unnamed last."""
    return sorted(
        rows, key=lambda row: (-row["complaints"], -row["previous"], _key(row) is None, _key(row) or 0)
    )


def _key(row: dict[str, Any]) -> int | None:
    return row.get("root_cause_id", row.get("product_id"))


def _row(row: dict[str, Any], total: int, name: str) -> CauseRow:
    satisfaction = row["satisfaction"]
    return CauseRow(
        key=_key(row),
        name=name,
        complaints=row["complaints"],
        share=row["complaints"] / total if total else 0.0,
        breached=row["breached"],
        satisfaction=float(satisfaction) if satisfaction is not None else None,
        compensation=Decimal(row["compensation"] or 0).quantize(Decimal("0.01")),
        previous=row["previous"],
        sku=row.get("product__sku") or "",
    )


def _cause_name(row: dict[str, Any]) -> str:
    if row["root_cause_id"] is None:
        return _("Not yet classified")
    return text_in_language(row["root_cause__name"], row["root_cause__name_translations"], get_language())


def _product_name(row: dict[str, Any]) -> str:
    return row["product__name"] if row["product_id"] is not None else _("No product named")

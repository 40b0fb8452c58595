"""The causes report: which root causes and products bring the most complaints over a window, against the
window before, with their breaches, ratings and compensation; one query per grouping."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from patronage.care.causes import complaint_causes
from patronage.care.models import (
    Case,
    CaseStatus,
    Compensation,
    CompensationKind,
    CompensationStatus,
    RootCause,
    SlaLeg,
)
from patronage.care.services import CaseInput, case_open
from patronage.commerce.models import Product
from patronage.conftest import business_set
from patronage.members.models import Member

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 3, 31, 15, tzinfo=SEOUL)


def _complaint(
    member: Member,
    at: datetime,
    *,
    cause: RootCause | None = None,
    product: Product | None = None,
    rating: int | None = None,
    breached: bool = False,
    worth: str | None = None,
    type: str = "complaint",
) -> Case:
    with time_machine.travel(at, tick=False):
        case = case_open(data=CaseInput(type=type, channel="phone", summary="It broke", member=member)).case
    Case.objects.filter(pk=case.pk).update(root_cause=cause, product=product, satisfaction=rating)
    if breached:
        SlaLeg.objects.filter(case=case).update(breached_at=at)
    if worth is not None:
        Compensation.objects.create(
            case=case,
            kind=CompensationKind.REFUND,
            status=CompensationStatus.GRANTED,
            value=Decimal(worth),
            currency="KRW",
            idempotency_key=f"worth-{case.pk}",
            created_at=at,
        )
    return case


@pytest.fixture
def seoul(db: None) -> None:
    business_set(time_zone="Asia/Seoul", languages=["en", "ko"])


def test_complaints_are_counted_by_root_cause_against_the_window_before(seoul, alice, bob):
    courier = RootCause.objects.create(name="Courier damage", name_translations={"ko": "택배 파손"})
    supplier = RootCause.objects.create(name="Supplier defect")
    march = datetime(2026, 3, 10, 10, tzinfo=SEOUL)
    _complaint(alice, march, cause=courier, rating=2, breached=True, worth="20000")
    _complaint(bob, march, cause=courier, rating=4, worth="5000.50")
    _complaint(alice, march, cause=supplier)
    _complaint(bob, march)  # not yet classified
    _complaint(alice, datetime(2026, 2, 20, 10, tzinfo=SEOUL), cause=supplier)  # the window before
    _complaint(alice, datetime(2026, 2, 20, 10, tzinfo=SEOUL), cause=supplier)
    _complaint(bob, march, cause=courier, type="inquiry")  # not a complaint
    report = complaint_causes(days=30, now=NOW)
    assert (report.complaints, report.previous) == (4, 2)
    first, second, third = report.root_causes
    assert (first.name, first.complaints, first.share, first.breached) == ("Courier damage", 2, 0.5, 1)
    assert (first.satisfaction, first.compensation, first.change) == (3.0, Decimal("25000.50"), 2)
    assert (second.name, second.complaints, second.previous, second.change) == ("Supplier defect", 1, 2, -1)
    assert (third.key, third.name, third.complaints) == (None, "Not yet classified", 1)
    with translation.override("ko"):
        assert complaint_causes(days=30, now=NOW).root_causes[0].name == "택배 파손"


def test_the_window_is_whole_days_in_the_business_zone(seoul, alice):
    # 1 March 00:30 in Seoul is still 28 February in UTC: it belongs to the 31 days ending on 31 March.
    _complaint(alice, datetime(2026, 3, 1, 0, 30, tzinfo=SEOUL))
    _complaint(alice, datetime(2026, 2, 28, 23, 30, tzinfo=SEOUL))  # the day before: the window before
    report = complaint_causes(days=30, now=NOW)
    assert report.first_day.isoformat() == "2026-03-02"
    assert (report.complaints, report.previous) == (0, 2)
    assert complaint_causes(days=90, now=NOW).complaints == 2


def test_products_are_grouped_too_and_merged_duplicates_are_not_counted(seoul, alice, bob):
    kettle = Product.objects.create(sku="KETTLE-1", name="Glass kettle")
    march = datetime(2026, 3, 10, 10, tzinfo=SEOUL)
    _complaint(alice, march, product=kettle)
    _complaint(bob, march, product=kettle)
    duplicate = _complaint(bob, march, product=kettle)
    Case.objects.filter(pk=duplicate.pk).update(status=CaseStatus.MERGED)
    _complaint(bob, march)
    products = complaint_causes(days=30, now=NOW).products
    assert [(row.name, row.complaints) for row in products] == [("Glass kettle", 2), ("No product named", 1)]


def test_a_window_that_is_not_offered_reads_the_last_30_days(seoul):
    assert complaint_causes(days=7, now=NOW).days == 30


def test_one_query_per_grouping_whatever_the_number_of_causes(seoul, alice, django_assert_num_queries):
    march = datetime(2026, 3, 10, 10, tzinfo=SEOUL)
    for n in range(6):
        _complaint(alice, march, cause=RootCause.objects.create(name=f"Cause {n}"), worth="100")
    with django_assert_num_queries(2):
        report = complaint_causes(days=30, now=NOW)
    assert len(report.root_causes) == 6

"""Proactive notices: the customers a problem touches are told before they ask, once, and compensated once."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from patronage.care.models import NoticeStatus
from patronage.care.notices import NoticeInput, notice_counts, notice_create, notice_start, notices_send
from patronage.commerce.models import Order, OrderLine, Product
from patronage.core.errors import ValidationFailed
from patronage.loyalty.models import LedgerEntry, Program
from patronage.members.models import Member, TimelineEvent
from patronage.messages.models import Message

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")


def _bought(member: Member, number: str, product: Product, day: date) -> Order:
    order = Order.objects.create(
        member=member,
        external_id=number,
        occurred_at=datetime(day.year, day.month, day.day, 12, tzinfo=SEOUL),
        currency="KRW",
        amount=Decimal("59000"),
    )
    OrderLine.objects.create(
        order=order, line_no=1, product=product, sku=product.sku, quantity=1, unit_price=59000, amount=59000
    )
    return order


@pytest.fixture
def kettle(db: None) -> Product:
    return Product.objects.create(sku="KETTLE-1", name="Glass kettle")


def test_the_buyers_of_a_recalled_product_are_told_and_compensated_once(alice, bob, kettle):
    Program.objects.create(code="club", name="Club", currency="KRW")
    _bought(alice, "A-1", kettle, date(2026, 2, 10))
    _bought(bob, "B-1", kettle, date(2025, 12, 1))  # before the faulty batch
    notice = notice_create(
        data=NoticeInput(
            kind="recall",
            title="Glass kettle: please stop using it",
            title_translations={"ko": "유리 주전자: 사용을 중지해 주세요"},
            message="The lid of kettles sold in February can crack. We will replace yours.",
            product_id=kettle.pk,
            bought_from=date(2026, 2, 1),
            bought_to=date(2026, 2, 28),
            points=2000,
        ),
        actor=None,
    )
    assert notices_send() == 0  # a draft tells no one
    notice_start(notice=notice)
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=SEOUL), tick=False):
        first, again = notices_send(), notices_send()
    assert (first, again) == (1, 0)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENT
    assert Message.objects.filter(kind="notice_apology", member=alice).count() == 1
    assert not Message.objects.filter(kind="notice_apology", member=bob).exists()
    assert LedgerEntry.objects.filter(cause_type="notice", cause_id=str(notice.pk)).get().points == 2000
    assert TimelineEvent.objects.filter(member=alice, kind="notice_received").count() == 1
    counts = notice_counts(notice)
    assert (counts.touched, counts.told, counts.compensated) == (1, 1, 1)


def test_listed_orders_and_members_are_touched(alice, bob, kettle):
    _bought(alice, "A-9", kettle, date(2026, 3, 1))
    notice = notice_create(
        data=NoticeInput(
            kind="delay",
            title="Your delivery is two days late",
            message="Sorry: our warehouse stopped for a day.",
            order_numbers=("A-9",),
            member_ids=(bob.pk,),
        ),
        actor=None,
    )
    notice_start(notice=notice)
    assert notices_send() == 2


def test_a_notice_must_say_whom_it_touches(db):
    with pytest.raises(ValidationFailed) as refused:
        notice_create(data=NoticeInput(kind="outage", title="App down", message="Sorry"), actor=None)
    assert refused.value.field == "order_numbers"

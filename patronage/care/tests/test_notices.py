"""Proactive notices: the customers a problem touches are told before they ask, once, and compensated once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from patronage.care.models import NoticeRecipient, NoticeStatus
from patronage.care.notices import (
    NoticeInput,
    notice_by_token,
    notice_counts,
    notice_create,
    notice_opened,
    notice_start,
    notices_send,
)
from patronage.commerce.models import Order, OrderLine, Product
from patronage.core.errors import ValidationFailed
from patronage.loyalty.models import LedgerEntry, Program
from patronage.members.models import Member, TimelineEvent
from patronage.members.services.privacy import member_erase
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


# --- the customer opens the notice -----------------------------------------------------------------------


def _told_to(member: Member, **fields: object) -> NoticeRecipient:
    data = NoticeInput(kind="delay", title="Your delivery is late", message="Sorry.", member_ids=(member.pk,))
    notice = notice_create(data=replace(data, **fields), actor=None)  # type: ignore[arg-type]
    notice_start(notice=notice)
    notices_send()
    return NoticeRecipient.objects.get(notice=notice, member=member)


def test_the_apology_links_to_the_notice_by_its_own_secret(alice, bob):
    recipient = _told_to(alice)
    message = Message.objects.get(kind="notice_apology", member=alice)
    assert f"/notices/o/{recipient.access_token}/" in message.text_body
    assert f'href="http://localhost:8000/notices/o/{recipient.access_token}/"' in message.html_body
    other = _told_to(bob)
    assert other.access_token != recipient.access_token
    assert len(recipient.access_token) >= 32


def test_the_first_opening_is_the_one_kept(alice):
    recipient = _told_to(alice)
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=SEOUL), tick=False):
        notice_opened(recipient=recipient)
    with time_machine.travel(datetime(2026, 3, 5, 10, tzinfo=SEOUL), tick=False):
        again = notice_opened(recipient=recipient)
    assert again.opened_at == datetime(2026, 3, 2, 10, tzinfo=SEOUL)
    assert notice_counts(recipient.notice).opened == 1


def test_a_link_opens_only_its_own_notice(alice):
    recipient = _told_to(alice)
    assert notice_by_token(token=recipient.access_token) == recipient
    assert notice_by_token(token="") is None
    assert notice_by_token(token=recipient.access_token[:-1]) is None


def test_erasing_the_customer_makes_their_notice_link_open_nothing(alice, admin):
    recipient = _told_to(alice)
    member_erase(member=alice, actor=admin, reason="request DSR-9")
    assert notice_by_token(token=recipient.access_token) is None

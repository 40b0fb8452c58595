"""The notice pages: a care manager writes a notice in each language, sees whom it touches before sending,
sends it once, and follows how many were told, opened it and were compensated. Agents, analysts and
program managers open none of it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from patronage.care.models import Notice, NoticeRecipient, NoticeStatus
from patronage.care.notices import NoticeInput, notice_create, notice_opened, notices_send
from patronage.care.permissions import CARE_MANAGE
from patronage.commerce.models import Order, OrderLine, Product
from patronage.conftest import business_set
from patronage.core.models import User
from patronage.members.models import Member

from .conftest import page_text

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")
NEW = reverse("console:notice_new")


def _draft(*members: Member, **fields: object) -> Notice:
    data = {"kind": "delay", "title": "Your delivery is late", "message": "Sorry.", **fields}
    data.setdefault("member_ids", tuple(member.pk for member in members))
    return notice_create(data=NoticeInput(**data), actor=None)  # type: ignore[arg-type]


def _bought(member: Member, number: str, product: Product, day: date) -> None:
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


def test_a_manager_writes_a_notice_in_each_language_and_sees_whom_it_touches(client_as, lead, alice, bob):
    business_set(languages=["en", "ko"], time_zone="Asia/Seoul")
    kettle = Product.objects.create(sku="KETTLE-1", name="Glass kettle")
    _bought(alice, "A-1", kettle, date(2026, 2, 10))
    _bought(bob, "B-1", kettle, date(2025, 12, 1))
    client = client_as(lead)
    form = page_text(client.get(NEW))
    assert "Title (English)" in form
    assert "Title (한국어)" in form
    assert "Message (한국어)" in form
    response = client.post(
        NEW,
        {
            "kind": "recall",
            "title": "Glass kettle: please stop using it",
            "title_in_ko": "유리 주전자: 사용을 중지해 주세요",
            "message": "The lid can crack. We will replace yours.",
            "message_in_ko": "뚜껑에 금이 갈 수 있습니다.",
            "product": "kettle-1",
            "bought_from": "2026-02-01",
            "bought_to": "2026-02-28",
            "order_numbers": "B-1",
            "members": "",
        },
        follow=True,
    )
    notice = Notice.objects.get()
    assert notice.title_translations == {"ko": "유리 주전자: 사용을 중지해 주세요"}
    assert (notice.status, notice.product, notice.order_numbers) == (NoticeStatus.DRAFT, kettle, ["B-1"])
    text = page_text(response)
    assert "The notice is saved as a draft" in text
    assert "2 customers" in text
    assert "Alice Kim" in text
    assert "Bob Tanaka" in text
    assert "유리 주전자: 사용을 중지해 주세요" in text
    assert not NoticeRecipient.objects.exists()


def test_orders_and_customer_numbers_are_pasted_one_per_line_or_with_commas(client_as, lead, alice, bob):
    response = client_as(lead).post(
        NEW,
        {
            "kind": "delay",
            "title": "Late",
            "message": "Sorry.",
            "order_numbers": "A-1,\nA-2 ; A-3",
            "members": f"#{alice.pk}\n{bob.pk}, ",
        },
    )
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert notice.order_numbers == ["A-1", "A-2", "A-3"]
    assert notice.member_ids == sorted([alice.pk, bob.pk])


@pytest.mark.parametrize(
    ("fields", "field_words"),
    [
        ({"members": "alice"}, "“alice” is not a customer number."),
        ({"product": "NOPE-1"}, "no product with the SKU NOPE-1"),
        ({"members": "", "order_numbers": ""}, "say whom it touches"),
        ({"points": "500"}, "choose the program the points go to"),
        ({"points": "-5"}, "greater than or equal to 1"),
        ({"bought_from": "2026-03-01", "bought_to": "2026-02-01", "product": "KETTLE-1"}, "ends before"),
        ({"title_in_ko": "x" * 201}, "at most 200 characters"),
    ],
)
def test_what_a_notice_cannot_be_is_said_on_its_field_and_nothing_is_saved(
    client_as, lead, alice, fields, field_words
):
    business_set(languages=["en", "ko"])
    Product.objects.create(sku="KETTLE-1", name="Glass kettle")
    from patronage.loyalty.models import Program

    Program.objects.create(code="club", name="Club", currency="KRW")
    Program.objects.create(code="kids", name="Kids", currency="KRW")
    data = {"kind": "delay", "title": "Late", "message": "Sorry.", "members": str(alice.pk), **fields}
    response = client_as(lead).post(NEW, data)
    assert response.status_code in (400, 404, 422)
    assert field_words in page_text(response)
    assert not Notice.objects.exists()


def test_sending_starts_once_and_the_page_then_counts_and_lists_them(client_as, lead, alice, bob):
    business_set(time_zone="Asia/Seoul")
    notice = _draft(alice, bob)
    client = client_as(lead)
    page = page_text(client.get(reverse("console:notice", args=[notice.pk])))
    assert "Yes, tell them now" in page
    assert "2 customers will get the apology by e-mail" in page
    sent = client.post(reverse("console:notice_send", args=[notice.pk]), follow=True)
    assert "Sending: everyone it touches is told within a few minutes." in page_text(sent)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENDING
    client.post(reverse("console:notice_send", args=[notice.pk]))  # again: nothing more
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=SEOUL), tick=False):
        notices_send()
        notice_opened(recipient=NoticeRecipient.objects.get(member=alice))
    page = page_text(client.get(reverse("console:notice", args=[notice.pk])))
    assert "2 told, of 2 it touches" in page
    assert "1 opened the notice" in page
    assert "Yes, tell them now" not in page
    assert "Alice Kim" in page
    assert "Mar 2, 2026, 10:00 AM" in page
    listing = page_text(client.get(reverse("console:notices")))
    assert "Your delivery is late Delayed orders sent 2 1 0" in listing


def test_the_list_counts_each_notice_in_one_query(client_as, lead, alice, django_assert_max_num_queries):
    for n in range(5):
        _draft(alice, title=f"Notice {n}")
    client = client_as(lead)
    client.get(reverse("console:notices"))  # warms the session and the business's settings
    with django_assert_max_num_queries(12):
        response = client.get(reverse("console:notices"))
    assert "Notice 4" in page_text(response)


def test_a_notice_that_does_not_exist_is_not_found(client_as, lead):
    assert client_as(lead).get(reverse("console:notice", args=[999])).status_code == 404
    assert client_as(lead).post(reverse("console:notice_send", args=[999])).status_code == 404


PAGES = [
    ("get", "console:notices", False),
    ("get", "console:notice_new", False),
    ("post", "console:notice_new", False),
    ("get", "console:notice", True),
    ("post", "console:notice_send", True),
]


def _call(client, method: str, name: str, notice: Notice | None):
    url = reverse(name, args=[notice.pk] if notice is not None else [])
    data = {"kind": "delay", "title": "Late", "message": "Sorry.", "members": "1"}
    return client.post(url, data) if method == "post" else client.get(url)


@pytest.mark.parametrize(("method", "name", "with_notice"), PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login(client, alice, method, name, with_notice):
    response = _call(client, method, name, _draft(alice) if with_notice else None)
    assert response.status_code == 302
    assert response.url.startswith(reverse("console:login"))


@pytest.mark.parametrize(("method", "name", "with_notice"), PAGES)
@pytest.mark.parametrize("who", ["agent", "analyst", "manager"])
def test_staff_without_the_right_to_manage_care_are_refused_and_change_nothing(
    client_as, request, alice, method, name, with_notice, who
):
    user: User = request.getfixturevalue(who)
    assert not user.has_staff_perm(CARE_MANAGE)
    notice = _draft(alice) if with_notice else None
    response = _call(client_as(user), method, name, notice)
    assert response.status_code == 403
    assert "does not include this page" in response.content.decode()
    assert list(Notice.objects.values_list("status", flat=True)) == (["draft"] if notice else [])


@pytest.mark.parametrize(("method", "name", "with_notice"), PAGES)
def test_a_member_is_refused(client_as, alice, bob, method, name, with_notice):
    response = _call(client_as(bob.user), method, name, _draft(alice) if with_notice else None)
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("name", "with_notice"),
    [("console:notices", False), ("console:notice_new", False), ("console:notice", True)],
)
def test_a_care_manager_opens_each_page_and_the_navigation_links_them(
    client_as, admin, lead, alice, name, with_notice
):
    url = reverse(name, args=[_draft(alice).pk] if with_notice else [])
    response = client_as(admin).get(url)
    assert response.status_code == 200
    assert f'href="{reverse("console:notices")}"' in response.content.decode()
    assert client_as(lead).get(url).status_code == 200

"""The page behind a notice's apology: the customer reads it in their language without logging in, the
first opening is counted, and the way to tell us something is still wrong is one tap away."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from patronage.care.models import NoticeRecipient
from patronage.care.notices import NoticeInput, notice_counts, notice_create, notice_start, notices_send
from patronage.conftest import business_set
from patronage.console.tests.conftest import page_text
from patronage.members.models import Member

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")


def _told(member: Member) -> NoticeRecipient:
    notice = notice_create(
        data=NoticeInput(
            kind="delay",
            title="Your delivery is two days late",
            title_translations={"ko": "배송이 이틀 늦어집니다"},
            message="A fault at our warehouse delayed your order.",
            message_translations={"ko": "물류센터 장애로 주문이 늦어졌습니다."},
            member_ids=(member.pk,),
        ),
        actor=None,
    )
    notice_start(notice=notice)
    notices_send()
    return NoticeRecipient.objects.get(notice=notice, member=member)


def test_the_customer_reads_the_notice_in_their_language_and_it_is_counted_once(alice):
    business_set(languages=["en", "ko"], time_zone="Asia/Seoul")
    Member.objects.filter(pk=alice.pk).update(locale="ko")
    recipient = _told(alice)
    url = f"/notices/o/{recipient.access_token}/"
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=SEOUL), tick=False):
        response = Client().get(url)
    assert response.status_code == 200
    text = page_text(response)
    assert "배송이 이틀 늦어집니다" in text
    assert "물류센터 장애로 주문이 늦어졌습니다." in text
    assert 'lang="ko"' in response.content.decode()
    assert "/complaints/new/?type=complaint" in response.content.decode()
    with time_machine.travel(datetime(2026, 3, 4, 10, tzinfo=SEOUL), tick=False):
        assert Client().get(url).status_code == 200
    recipient.refresh_from_db()
    assert recipient.opened_at == datetime(2026, 3, 2, 10, tzinfo=SEOUL)
    assert notice_counts(recipient.notice).opened == 1


def test_a_wrong_link_finds_nothing_and_counts_nothing(alice):
    recipient = _told(alice)
    response = Client().get(f"/notices/o/{recipient.access_token[:-2]}xx/")
    assert response.status_code == 404
    assert "We cannot find this notice" in page_text(response)
    assert notice_counts(recipient.notice).opened == 0


def test_the_page_is_only_read(alice):
    recipient = _told(alice)
    assert Client().post(f"/notices/o/{recipient.access_token}/").status_code == 405

"""Real concurrency on PostgreSQL: senders running at once never send one message twice, and reports of
one bounce received at once record it once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection

from patronage.members.models import Member, TimelineEvent
from patronage.messages.inbound_services import BOUNCES, inbound_email_receive
from patronage.messages.message_services import message_queue, messages_send_due
from patronage.messages.models import InboundEmail, Message, MessageStatus
from patronage.messages.tests.test_bounces import dsn

pytestmark = pytest.mark.django_db(transaction=True)
SENDERS = 6


@pytest.fixture(autouse=True)
def _needs_a_server_database():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (SQLite serialises every write)")


def test_senders_at_once_send_each_message_exactly_once(alice: Member, mailoutbox):
    for number in range(60):
        message_queue(
            kind="tier_changed",
            member=alice,
            context={"program": "Club", "tier": "Gold", "previous_tier": "", "upgraded": True},
            key=f"t{number}",
        )
    start = Barrier(SENDERS, timeout=60)

    def send(_index: int) -> int:
        start.wait()
        try:
            return messages_send_due(limit=100)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        sent = sum(pool.map(send, range(SENDERS), timeout=120))

    assert sent == 60
    assert len(mailoutbox) == 60
    assert Message.objects.filter(status=MessageStatus.SENT, attempts=1).count() == 60


def test_reports_of_one_bounce_received_at_once_record_it_once(alice: Member, mailoutbox):
    message = message_queue(
        kind="tier_changed",
        member=alice,
        context={"program": "Club", "tier": "Gold", "previous_tier": "", "upgraded": True},
        key="t1",
    )
    assert message is not None
    assert messages_send_due() == 1
    message.refresh_from_db()
    start = Barrier(SENDERS, timeout=60)

    def receive(copy: int) -> None:
        start.wait()
        try:
            inbound_email_receive(raw=dsn("postfix-bounce", message_id=message.message_id, copy=copy + 1))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        list(pool.map(receive, range(SENDERS), timeout=120))

    message.refresh_from_db()
    assert message.status == MessageStatus.BOUNCED
    assert TimelineEvent.objects.filter(kind="message_bounced").count() == 1
    assert InboundEmail.objects.filter(handled_by=BOUNCES).count() == SENDERS

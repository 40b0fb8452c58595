"""Real concurrency on PostgreSQL: senders running at once never send one message twice."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection

from patronage.members.models import Member
from patronage.messages.message_services import message_queue, messages_send_due
from patronage.messages.models import Message, MessageStatus

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

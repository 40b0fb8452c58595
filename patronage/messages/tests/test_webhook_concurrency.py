"""Real concurrency on PostgreSQL: workers pumping at once never send the same attempt twice."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection

from patronage.core import clock
from patronage.core.models import OutboxEvent
from patronage.core.outbox import outbox_publish
from patronage.messages.models import DeliveryStatus, WebhookDelivery
from patronage.messages.tests.receiver import receiving
from patronage.messages.webhook_services import (
    deliveries_due_claim,
    delivery_attempt,
    endpoint_create,
    events_fan_out,
    webhooks_pump,
)

pytestmark = pytest.mark.django_db(transaction=True)
WORKERS = 6


@pytest.fixture(autouse=True)
def _needs_a_server_database():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (SQLite serialises every write)")


def _at_once(work, times: int = WORKERS) -> list[int]:
    start = Barrier(times, timeout=60)

    def run(_index: int) -> int:
        start.wait()
        try:
            return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(run, range(times), timeout=120))


def _claim_and_send() -> int:
    claimed = deliveries_due_claim(now=clock.now(), limit=200)
    for delivery in claimed:
        delivery_attempt(delivery=delivery)
    return len(claimed)


def test_workers_claiming_at_once_send_each_delivery_exactly_once():
    with receiving() as receiver:
        endpoint_create(actor=None, url=receiver.url, topics=["*"])
        for number in range(120):
            outbox_publish(topic="points.changed", payload={"member": number}, key=f"k{number}")
        events_fan_out()

        sent = _at_once(_claim_and_send)

    assert sum(sent) == 120
    assert Counter(receiver.ids()).most_common(1)[0][1] == 1
    assert len(receiver.receipts) == 120
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 120


def test_workers_pumping_at_once_fan_out_each_event_once_and_keep_each_members_order():
    with receiving() as receiver:
        endpoint_create(actor=None, url=receiver.url, topics=["*"])
        for number in range(90):
            outbox_publish(topic="points.changed", payload={"member": number % 3}, key=f"k{number}")

        for _round in range(40):
            _at_once(lambda: webhooks_pump(limit=20), times=3)
            if not WebhookDelivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists():
                break

    assert not OutboxEvent.objects.filter(delivered_at__isnull=True).exists()
    assert WebhookDelivery.objects.count() == 90
    assert len(receiver.receipts) == 90
    events = dict(OutboxEvent.objects.values_list("id", "payload__member"))
    for member in range(3):
        ids = [
            int(i.removeprefix("msg_"))
            for i in receiver.ids()
            if events[int(i.removeprefix("msg_"))] == member
        ]
        assert ids == sorted(ids)


def test_a_claim_takes_no_more_than_its_limit():
    with receiving():
        endpoint_create(actor=None, url="http://127.0.0.1:9/hooks", topics=["*"])
        for number in range(120):
            outbox_publish(topic="points.changed", payload={"member": number}, key=f"k{number}")
        events_fan_out()

        assert len(deliveries_due_claim(now=clock.now(), limit=50)) == 50
        assert len(deliveries_due_claim(now=clock.now(), limit=200)) == 70

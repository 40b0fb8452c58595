"""Webhooks delivered for real, to an HTTP server in the test: signed, retried, in order, then given up."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
import time_machine
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from patronage.core.models import OutboxEvent
from patronage.core.outbox import outbox_publish
from patronage.messages.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from patronage.messages.tests.receiver import Receiver, receiving
from patronage.messages.webhook_schedule import MAX_ATTEMPTS
from patronage.messages.webhook_services import (
    endpoint_create,
    endpoint_secret_rotate,
    endpoints_failing_disable,
    webhooks_pump,
)

pytestmark = pytest.mark.django_db

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
_keys = count()


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _publish(member: int = 1847, topic: str = "points.changed", **payload: object) -> OutboxEvent:
    key = f"test:{next(_keys)}"
    outbox_publish(topic=topic, payload={"member": member, "change": 10, **payload}, key=key)
    return OutboxEvent.objects.get(key=key)


def _endpoint(receiver: Receiver, topics: list[str] | None = None) -> tuple[WebhookEndpoint, str]:
    return endpoint_create(actor=None, url=receiver.url, topics=topics or ["*"])


def test_a_delivery_failing_twice_arrives_three_times_with_one_id_and_is_delivered_on_the_third(clock):
    with receiving([500, 500]) as receiver:
        endpoint, secret = _endpoint(receiver)
        event = _publish()

        webhooks_pump()
        clock.shift(timedelta(seconds=12))  # the first wait: 10 s, with at most 10% jitter
        webhooks_pump()
        clock.shift(timedelta(seconds=70))  # the second: 1 min
        webhooks_pump()

    assert receiver.ids() == [f"msg_{event.id}"] * 3
    delivery = WebhookDelivery.objects.get(endpoint=endpoint, event=event)
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 3
    assert [attempt.status_code for attempt in WebhookAttempt.objects.order_by("id")] == [500, 500, 200]
    last = receiver.receipts[-1]
    assert Webhook(secret).verify(last.body, last.headers) == {
        "type": "points.changed",
        "timestamp": event.created_at.isoformat(),
        "data": {"member": 1847, "change": 10},
    }


def test_a_delivered_event_is_never_sent_again(clock):
    with receiving() as receiver:
        _endpoint(receiver)
        _publish()
        for _turn in range(3):
            webhooks_pump()
            clock.shift(timedelta(hours=13))

    assert len(receiver.receipts) == 1


def test_each_endpoint_gets_only_its_topics(clock):
    with receiving() as points, receiving() as tiers:
        _endpoint(points, ["points.changed"])
        _endpoint(tiers, ["tier.changed"])
        _publish(topic="points.changed")
        _publish(topic="tier.changed")
        webhooks_pump()

    assert [json.loads(r.body)["type"] for r in points.receipts] == ["points.changed"]
    assert [json.loads(r.body)["type"] for r in tiers.receipts] == ["tier.changed"]


def test_one_members_deliveries_keep_their_order_while_others_go_ahead(clock):
    with receiving([500]) as receiver:
        _endpoint(receiver)
        first, second, other = _publish(member=1), _publish(member=1), _publish(member=2)

        webhooks_pump()  # the first fails; the second waits behind it; the other member's goes
        webhooks_pump()  # the first is not due yet, so the second still waits
        clock.shift(timedelta(seconds=12))
        webhooks_pump()  # the first goes through
        webhooks_pump()  # now the second

    assert receiver.ids() == [f"msg_{first.id}", f"msg_{other.id}", f"msg_{first.id}", f"msg_{second.id}"]
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}


def test_a_delivery_is_retried_for_at_least_a_day_then_marked_failed(clock):
    with receiving(then=503) as receiver:
        endpoint, _secret = _endpoint(receiver)
        _publish()
        for _turn in range(MAX_ATTEMPTS + 2):
            webhooks_pump()
            clock.shift(timedelta(hours=13, minutes=1))

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == MAX_ATTEMPTS == len(receiver.receipts)
    attempts = list(WebhookAttempt.objects.order_by("at"))
    assert attempts[-1].at - attempts[0].at >= timedelta(hours=24)
    assert delivery.last_status_code == 503
    endpoint.refresh_from_db()
    assert endpoint.failing_since == START


def test_an_endpoint_failing_for_three_days_is_disabled_and_one_success_resets_the_count(clock):
    with receiving([500], then=200) as receiver:
        healthy, _secret = _endpoint(receiver)
    failing = WebhookEndpoint.objects.create(
        url="http://127.0.0.1:9/",
        topics=["*"],
        secret="whsec_" + "A" * 32,
        created_at=START,
        updated_at=START,
    )
    with receiving([500], then=200) as receiver:
        WebhookEndpoint.objects.filter(pk=healthy.pk).update(url=receiver.url)
        _publish()
        webhooks_pump()  # both fail
        clock.shift(timedelta(seconds=12))
        webhooks_pump()  # the healthy one recovers; the failing one refuses the connection again

    healthy.refresh_from_db()
    failing.refresh_from_db()
    assert healthy.failing_since is None
    assert failing.failing_since == START

    assert endpoints_failing_disable(now=START + timedelta(days=2, hours=23)) == 0
    assert endpoints_failing_disable(now=START + timedelta(days=3, seconds=1)) == 1
    failing.refresh_from_db()
    assert (failing.enabled, failing.disabled_reason) == (False, "failing")
    assert WebhookEndpoint.objects.get(pk=healthy.pk).enabled


def test_a_disabled_endpoint_gets_nothing(clock):
    with receiving() as receiver:
        endpoint, _secret = _endpoint(receiver)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(enabled=False)
        _publish()
        webhooks_pump()

    assert receiver.receipts == []
    assert not WebhookDelivery.objects.exists()
    assert OutboxEvent.objects.get().delivered_at == START  # handed over all the same


def test_a_private_address_is_refused_at_send_time_too(clock, settings):
    with receiving() as receiver:
        _endpoint(receiver)  # registered while allowed
        settings.DEBUG, settings.WEBHOOKS_ALLOW_PRIVATE = False, False
        _publish()
        webhooks_pump()

    assert receiver.receipts == []
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert "loopback" in delivery.last_error
    assert delivery.next_attempt_at > START


def test_after_a_rotation_both_secrets_verify_for_a_day_then_only_the_new(clock):
    with receiving() as receiver:
        endpoint, old = _endpoint(receiver)
        new = endpoint_secret_rotate(actor=None, endpoint=endpoint)
        clock.shift(timedelta(hours=23))
        _publish()
        webhooks_pump()
        during = receiver.receipts[-1]
        assert len(during.headers["webhook-signature"].split(" ")) == 2
        Webhook(old).verify(during.body, during.headers)
        Webhook(new).verify(during.body, during.headers)

        clock.shift(timedelta(hours=2))
        _publish()
        webhooks_pump()
        after = receiver.receipts[-1]
        Webhook(new).verify(after.body, after.headers)
        with pytest.raises(WebhookVerificationError):
            Webhook(old).verify(after.body, after.headers)


def test_only_the_start_of_a_long_answer_is_kept(clock):
    with receiving(answer=b"x" * 5000) as receiver:
        _endpoint(receiver)
        _publish()
        webhooks_pump()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert len(delivery.last_response) == 1024

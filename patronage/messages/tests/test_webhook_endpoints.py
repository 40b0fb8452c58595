"""Registering, changing and re-sending webhooks: what people do, refused clearly when it is wrong."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from patronage.core.errors import ValidationFailed
from patronage.core.models import AuditEntry, OutboxEvent
from patronage.core.outbox import outbox_publish
from patronage.messages.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from patronage.messages.tests.receiver import receiving
from patronage.messages.webhook_services import (
    deliveries_replay,
    delivery_resend,
    endpoint_create,
    endpoint_update,
    events_fan_out,
    outbox_purge,
    webhooks_pump,
)

pytestmark = pytest.mark.django_db
PUBLIC = "93.184.215.14"  # example.com's address, answered here: the tests run without a network


@pytest.fixture(autouse=True)
def _example_com_resolves(monkeypatch):
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "example.com":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _refused_fields(refusal: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [error["field"] for error in refusal.value.errors]


def test_registering_returns_a_standard_webhooks_secret_once(admin, settings):
    settings.DEBUG, settings.WEBHOOKS_ALLOW_PRIVATE = False, False
    endpoint, secret = endpoint_create(
        actor=admin, url="https://example.com/hooks", topics=["points.changed"]
    )

    assert secret.startswith("whsec_")
    assert endpoint.secret == secret
    assert endpoint.topics == ["points.changed"]
    assert endpoint.enabled
    assert AuditEntry.objects.filter(action="webhook.created", actor=admin).exists()
    assert secret not in str(list(AuditEntry.objects.values_list("detail", flat=True)))


def test_every_bad_field_is_named_at_once(admin, settings):
    settings.DEBUG, settings.WEBHOOKS_ALLOW_PRIVATE = False, False
    with pytest.raises(ValidationFailed) as refusal:
        endpoint_create(actor=admin, url="ftp://example.com/x", topics=["points.nope"], description="d" * 201)

    assert _refused_fields(refusal) == ["url", "topics", "description"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hooks",
        "http://localhost/hooks",
        "http://10.1.2.3/hooks",
        "http://192.168.0.10/hooks",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hooks",
        "http://0.0.0.0/hooks",
    ],
)
def test_a_private_address_is_refused_in_production(admin, settings, url):
    settings.DEBUG, settings.WEBHOOKS_ALLOW_PRIVATE = False, False

    with pytest.raises(ValidationFailed) as refusal:
        endpoint_create(actor=admin, url=url, topics=["*"])

    assert _refused_fields(refusal) == ["url"]


def test_a_private_address_is_accepted_when_allowed(admin, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True

    endpoint, _secret = endpoint_create(actor=admin, url="http://127.0.0.1:8000/hooks", topics=["*"])

    assert endpoint.pk


def test_enabling_again_forgets_the_failures(admin):
    endpoint, _secret = endpoint_create(actor=admin, url="https://example.com/h", topics=["*"])
    endpoint.enabled, endpoint.disabled_reason = False, "failing"
    endpoint.failing_since = endpoint.disabled_at = START
    endpoint.save()

    endpoint_update(actor=admin, endpoint=endpoint, enabled=True)

    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.disabled_reason, endpoint.failing_since, endpoint.disabled_at) == (
        True,
        "",
        None,
        None,
    )


def test_a_delivered_delivery_is_sent_again_when_a_person_asks(admin):
    with time_machine.travel(START, tick=False), receiving() as receiver:
        endpoint_create(actor=admin, url=receiver.url, topics=["*"])
        outbox_publish(topic="points.changed", payload={"member": 5}, key="k1")
        webhooks_pump()
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == DeliveryStatus.DELIVERED

        delivery_resend(actor=admin, delivery=delivery)
        webhooks_pump()

    assert receiver.ids() == [delivery.webhook_id] * 2
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
    assert AuditEntry.objects.filter(action="webhook.resent", actor=admin).exists()


def test_a_replay_sends_the_events_of_the_range_even_from_before_the_endpoint(admin):
    with time_machine.travel(START, tick=False) as clock, receiving() as receiver:
        for hour in range(4):
            outbox_publish(topic="points.changed", payload={"member": hour}, key=f"k{hour}")
            clock.shift(timedelta(hours=1))
        outbox_publish(topic="tier.changed", payload={"member": 9}, key="tier")
        events_fan_out()  # handed over before anyone listened
        endpoint, _secret = endpoint_create(actor=admin, url=receiver.url, topics=["points.changed"])

        replayed = deliveries_replay(
            actor=admin, endpoint=endpoint, start=START + timedelta(hours=1), end=START + timedelta(hours=3)
        )
        webhooks_pump()

    assert replayed == 2
    wanted = OutboxEvent.objects.filter(key__in=["k1", "k2"]).order_by("id")
    assert receiver.ids() == [f"msg_{event.id}" for event in wanted]


def test_the_purge_removes_old_handed_over_events_with_their_deliveries_and_keeps_the_rest(admin, settings):
    settings.WEBHOOKS_RETENTION_DAYS = 30
    with time_machine.travel(START - timedelta(days=40), tick=False), receiving() as receiver:
        endpoint_create(actor=admin, url=receiver.url, topics=["*"])
        outbox_publish(topic="points.changed", payload={"member": 1}, key="old")
        webhooks_pump()
        outbox_publish(topic="points.changed", payload={"member": 1}, key="old, not handed over")
    with time_machine.travel(START - timedelta(days=2), tick=False):
        outbox_publish(topic="points.changed", payload={"member": 1}, key="recent")
    OutboxEvent.objects.filter(key="recent").update(delivered_at=START - timedelta(days=2))
    assert WebhookAttempt.objects.filter(delivery__event__key="old").exists()

    purged = outbox_purge(now=START)

    assert purged == 1
    assert sorted(OutboxEvent.objects.values_list("key", flat=True)) == ["old, not handed over", "recent"]
    assert not WebhookDelivery.objects.exists()
    assert not WebhookAttempt.objects.exists()

"""Webhooks through the API: an integration registers an endpoint, keeps its secret (shown once), rotates
it, follows its deliveries, re-sends and replays them; only `webhooks:manage` keys and administrators may."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from patronage.core import clock
from patronage.core.apikeys import SCOPES
from patronage.core.outbox import outbox_publish, topics
from patronage.messages import webhook_services
from patronage.messages.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

URL = "http://127.0.0.1:9/hooks/patronage"

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_key(api_client: Callable[..., Client]) -> Client:
    return api_client("webhooks:manage")


@pytest.fixture
def endpoint(db: None) -> WebhookEndpoint:
    made, _secret = webhook_services.endpoint_create(
        actor=None, url=URL, topics=["points.changed"], description="till"
    )
    return made


def _events(*names: str) -> None:
    """Publishes an outbox event per topic name, and fans them out to the endpoints that want them."""
    for number, name in enumerate(names):
        outbox_publish(topic=name, payload={"member": 7, "n": number}, key=f"test:{name}:{number}")
    webhook_services.events_fan_out()


def _create(client: Client, **body: Any) -> Any:
    return client.post("/api/v1/webhooks", body, content_type="application/json")


# ---- registering and reading -----------------------------------------------------------------------------


def test_registering_answers_the_secret_once_and_never_again(manager_key):
    response = _create(manager_key, url=URL, topics=["points.changed", "tier.changed"], description="POS")

    assert response.status_code == 201
    created = response.json()
    secret = created["secret"]
    assert secret.startswith("whsec_")
    assert created["topics"] == ["points.changed", "tier.changed"]
    assert created["status"] == "enabled"
    one = manager_key.get(f"/api/v1/webhooks/{created['id']}")
    listing = manager_key.get("/api/v1/webhooks")
    for read in (one, listing):
        assert read.status_code == 200
        assert secret not in read.content.decode()
        assert "secret" not in (read.json() if read is one else read.json()["items"][0])
    assert listing.json()["count"] == 1


def test_all_topics_is_a_star(manager_key):
    response = _create(manager_key, url=URL, topics=["*"])

    assert response.status_code == 201
    assert response.json()["topics"] == ["*"]
    assert response.json()["description"] == ""


def test_bad_input_is_refused_naming_every_field(manager_key):
    response = _create(manager_key, url="ftp://example.com/x", topics=["no.such.topic"], description="")

    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"url", "topics.0"} <= fields
    assert not WebhookEndpoint.objects.exists()


def test_a_host_that_does_not_resolve_is_refused_in_production(manager_key, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False

    response = _create(manager_key, url="https://no-such-host.invalid/hooks", topics=["*"])

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "url"


def test_a_private_address_is_refused_in_production(manager_key, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False

    response = _create(manager_key, url="http://127.0.0.1:8080/hooks", topics=["*"])

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "url"
    assert "loopback" in response.json()["errors"][0]["message"]


def test_no_topic_is_refused(manager_key):
    response = _create(manager_key, url=URL, topics=[])

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "topics"


# ---- changing ----------------------------------------------------------------------------------------------


def test_a_change_keeps_what_is_not_sent(manager_key, endpoint):
    response = manager_key.patch(
        f"/api/v1/webhooks/{endpoint.pk}", {"topics": ["*"]}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["topics"] == ["*"]
    assert response.json()["url"] == URL
    assert response.json()["description"] == "till"


def test_enabling_an_endpoint_the_product_disabled_starts_it_again(manager_key, endpoint):
    now = clock.now()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        enabled=False, disabled_at=now, disabled_reason="failing", failing_since=now - timedelta(days=3)
    )
    assert manager_key.get(f"/api/v1/webhooks/{endpoint.pk}").json()["status"] == "failing"

    response = manager_key.patch(
        f"/api/v1/webhooks/{endpoint.pk}", {"enabled": True}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "enabled"
    assert response.json()["failing_since"] is None


def test_disabling_by_a_person_says_so(manager_key, endpoint):
    response = manager_key.patch(
        f"/api/v1/webhooks/{endpoint.pk}", {"enabled": False}, content_type="application/json"
    )

    assert response.json()["status"] == "disabled"


def test_a_bad_change_names_the_field_and_changes_nothing(manager_key, endpoint):
    response = manager_key.patch(
        f"/api/v1/webhooks/{endpoint.pk}", {"url": "mailto:x@example.com"}, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "url"
    endpoint.refresh_from_db()
    assert endpoint.url == URL


def test_rotating_answers_the_new_secret_once_and_keeps_the_old_one_a_day(manager_key, endpoint):
    old = endpoint.secret

    response = manager_key.post(f"/api/v1/webhooks/{endpoint.pk}/rotate-secret")

    assert response.status_code == 200
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert body["secret"] != old
    endpoint.refresh_from_db()
    assert endpoint.previous_secret == old
    assert endpoint.previous_secret_until is not None
    assert timedelta(hours=23) < endpoint.previous_secret_until - clock.now() <= timedelta(hours=24)
    read = manager_key.get(f"/api/v1/webhooks/{endpoint.pk}")
    assert body["secret"] not in read.content.decode()
    assert old not in read.content.decode()
    assert read.json()["previous_secret_valid_until"] is not None


def test_deleting_answers_204_and_the_endpoint_is_gone(manager_key, endpoint):
    response = manager_key.delete(f"/api/v1/webhooks/{endpoint.pk}")

    assert response.status_code == 204
    assert manager_key.get(f"/api/v1/webhooks/{endpoint.pk}").status_code == 404


# ---- deliveries --------------------------------------------------------------------------------------------


def test_deliveries_are_listed_with_their_event_and_filtered_by_status(manager_key, endpoint):
    _events("points.changed", "points.changed", "tier.changed")  # tier.changed is not the endpoint's
    first = WebhookDelivery.objects.order_by("id").first()
    assert first is not None
    WebhookDelivery.objects.filter(pk=first.pk).update(
        status=DeliveryStatus.FAILED, attempts=9, last_status_code=500, last_response="down"
    )

    every = manager_key.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries").json()
    failed = manager_key.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries?status=failed").json()

    assert every["count"] == 2
    assert [item["topic"] for item in every["items"]] == ["points.changed", "points.changed"]
    assert failed["count"] == 1
    item = failed["items"][0]
    assert (item["event_id"], item["status"], item["attempts"]) == (first.event_id, "failed", 9)
    assert (item["last_status_code"], item["last_response"]) == (500, "down")
    assert item["next_attempt_at"] is None
    bad = manager_key.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries?status=lost")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "status"


def test_a_delivered_delivery_can_be_sent_again(manager_key, endpoint):
    _events("points.changed")
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.DELIVERED, attempts=1)

    response = manager_key.post(f"/api/v1/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/resend")

    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING


def test_another_endpoints_delivery_is_not_found(manager_key, endpoint):
    other, _secret = webhook_services.endpoint_create(actor=None, url=URL, topics=["*"])
    _events("points.changed")
    delivery = WebhookDelivery.objects.get(endpoint=other)

    response = manager_key.post(f"/api/v1/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/resend")

    assert response.status_code == 404


def test_a_replay_queues_the_events_of_the_range_again(manager_key, endpoint):
    _events("points.changed", "points.changed")
    WebhookDelivery.objects.update(status=DeliveryStatus.DELIVERED)
    now = clock.now()
    body = {"start": (now - timedelta(hours=1)).isoformat(), "end": (now + timedelta(minutes=1)).isoformat()}

    response = manager_key.post(
        f"/api/v1/webhooks/{endpoint.pk}/replay", body, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json() == {"deliveries": 2}
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}


def test_a_replay_needs_moments_with_their_offset(manager_key, endpoint):
    body = {"start": "2026-12-01T00:00:00", "end": "yesterday"}

    response = manager_key.post(
        f"/api/v1/webhooks/{endpoint.pk}/replay", body, content_type="application/json"
    )

    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == {"start", "end"}


# ---- topics ------------------------------------------------------------------------------------------------


def test_any_valid_key_reads_the_topics_with_their_examples(api_client):
    response = api_client("members:read").get("/api/v1/webhook-topics")

    assert response.status_code == 200
    listed = {topic["name"]: topic for topic in response.json()}
    assert set(listed) == set(topics())
    assert listed["points.changed"]["example"]["program"] == "hanbit"
    assert listed["points.changed"]["description"]


def test_the_topics_need_a_key():
    assert Client().get("/api/v1/webhook-topics").status_code == 401


# ---- who may -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # {endpoint} and {delivery} stand for ids
    success: int = 200
    body: dict[str, Any] | None = None

    def send(self, client: Client, endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> Any:
        url = "/api/v1" + self.path.format(endpoint=endpoint.pk, delivery=delivery.pk)
        if self.method == "get":
            return client.get(url)
        return getattr(client, self.method)(url, self.body or {}, content_type="application/json")

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


CALLS = [
    Call("get", "/webhooks"),
    Call("post", "/webhooks", 201, {"url": URL, "topics": ["*"]}),
    Call("get", "/webhooks/{endpoint}"),
    Call("patch", "/webhooks/{endpoint}", body={"description": "changed"}),
    Call("post", "/webhooks/{endpoint}/rotate-secret"),
    Call("get", "/webhooks/{endpoint}/deliveries"),
    Call("post", "/webhooks/{endpoint}/deliveries/{delivery}/resend"),
    Call(
        "post",
        "/webhooks/{endpoint}/replay",
        body={"start": "2026-01-01T00:00:00+09:00", "end": "2026-01-02T00:00:00+09:00"},
    ),
    Call("delete", "/webhooks/{endpoint}", 204),
]


@pytest.fixture
def delivery(endpoint: WebhookEndpoint) -> WebhookDelivery:
    _events("points.changed")
    return WebhookDelivery.objects.get(endpoint=endpoint)


def _staff_client(user: Any) -> Client:
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("call", CALLS, ids=str)
def test_a_caller_without_credentials_gets_401(call, endpoint, delivery):
    assert call.send(Client(), endpoint, delivery).status_code == 401


@pytest.mark.parametrize("call", CALLS, ids=str)
def test_a_key_without_the_scope_gets_403(call, endpoint, delivery, api_client):
    client = api_client(*sorted(set(SCOPES) - {"webhooks:manage"}))

    response = call.send(client, endpoint, delivery)

    assert response.status_code == 403
    assert "webhooks:manage" in response.json()["detail"]


@pytest.mark.parametrize("call", CALLS, ids=str)
def test_a_program_manager_gets_403(call, endpoint, delivery, manager):
    response = call.send(_staff_client(manager), endpoint, delivery)

    assert response.status_code == 403
    assert "messaging.manage_webhooks" in response.json()["detail"]


@pytest.mark.parametrize("call", CALLS, ids=str)
def test_an_administrator_may(call, endpoint, delivery, admin):
    assert call.send(_staff_client(admin), endpoint, delivery).status_code == call.success


@pytest.mark.parametrize("call", CALLS, ids=str)
def test_a_key_with_the_scope_may(call, endpoint, delivery, manager_key):
    assert call.send(manager_key, endpoint, delivery).status_code == call.success


@pytest.mark.parametrize("call", [call for call in CALLS if "{endpoint}" in call.path], ids=str)
def test_an_unknown_endpoint_is_404(call, endpoint, delivery, manager_key):
    missing = WebhookEndpoint(pk=endpoint.pk + 1000)

    response = call.send(manager_key, missing, delivery)

    assert response.status_code == 404
    assert response.json()["type"] == "not_found"

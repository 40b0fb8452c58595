"""The events API as a booking system and the door use it: define a tasting for VIPs, register members (a
seat, then the waiting list), cancel one (the first who waits gets the seat), check them in."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from patronage.core import clock
from patronage.segments.models import ClubEvent


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json")


def fields(response: Any) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


@pytest.fixture
def client(db: None, api_client: Callable[..., Client]) -> Client:
    return api_client("segments:read", "events:write")


def tasting(capacity: int = 1, **extra: Any) -> dict[str, Any]:
    start = clock.now() + timedelta(days=3)
    return {
        "code": "pan-tasting",
        "name": "New pans tasting",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "capacity": capacity,
        "place": "Gangnam store",
        **extra,
    }


def test_a_seat_then_the_waiting_list_then_the_seat_passed_on_and_a_check_in(client, alice, bob) -> None:
    event = post(client, "/events", tasting(capacity=1))
    assert event.status_code == 201, event.json()
    path = f"/events/{event.json()['id']}"

    first = post(client, f"{path}/registrations", {"member": alice.pk})
    second = post(client, f"{path}/registrations", {"member": bob.pk})
    assert (first.json()["status"], second.json()["status"]) == ("registered", "waiting")

    post(client, f"{path}/cancellations", {"member": alice.pk})
    came = post(client, f"{path}/check-ins", {"member": bob.pk})

    assert came.json()["status"] == "attended"
    listed = client.get(f"/api/v1{path}/registrations").json()["items"]
    assert [(item["member"], item["status"]) for item in listed] == [
        (alice.pk, "cancelled"),
        (bob.pk, "attended"),
    ]
    assert client.get(f"/api/v1{path}").json()["registered"] == 1


def test_bad_input_is_422_naming_each_field(client) -> None:
    response = post(client, "/events", tasting(tiers=["nobody"], segment="nowhere"))
    assert response.status_code == 422
    assert set(fields(response)) == {"tiers", "segment"}
    assert not ClubEvent.objects.exists()


def test_an_event_for_vips_refuses_others(client, alice, bob) -> None:
    event = post(client, "/events", tasting(capacity=5)).json()
    ClubEvent.objects.filter(pk=event["id"]).update(tiers=["vip"])
    refused = post(client, f"/events/{event['id']}/registrations", {"member": alice.pk})
    assert refused.status_code == 403


def test_access_by_scope(db, api_client, client_as, manager, agent) -> None:
    assert Client().get("/api/v1/events").status_code == 401
    assert post(api_client("segments:read"), "/events", tasting()).status_code == 403
    assert client_as(agent).get("/api/v1/events").status_code == 403
    assert post(client_as(manager), "/events", tasting()).status_code == 201


def test_registering_cancelling_and_checking_in_need_a_key_that_may_write_events(
    db, api_client, client, client_as, alice, agent
) -> None:
    path = f"/events/{post(client, '/events', tasting(capacity=5)).json()['id']}"
    reader, member = api_client("segments:read"), Client()
    member.force_login(alice.user)
    for action in ("registrations", "cancellations", "check-ins"):
        assert post(Client(), f"{path}/{action}", {"member": alice.pk}).status_code == 401, action
        assert post(reader, f"{path}/{action}", {"member": alice.pk}).status_code == 403, action
        assert post(client_as(agent), f"{path}/{action}", {"member": alice.pk}).status_code == 403, action
        assert post(member, f"{path}/{action}", {"member": alice.pk}).status_code in (401, 403), action
    assert reader.get(f"/api/v1{path}/registrations").status_code == 200
    assert Client().get(f"/api/v1{path}/registrations").status_code == 401
    assert not ClubEvent.objects.get(code="pan-tasting").registrations.exists()

"""The campaigns API as a marketing system uses it: write a campaign to a segment, read its preflight,
send it, follow its progress and read its results against the hold-out."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from patronage.members.models import ConsentMethod
from patronage.members.services import IdentityInput, member_create
from patronage.segments.campaign_services import campaigns_send, campaigns_start_due
from patronage.segments.models import Campaign
from patronage.segments.services import SegmentInput, segment_create

PANS = {
    "code": "new-pans",
    "name": "New pans",
    "segment": "seoul",
    "subject": "Our new pans are here",
    "body": "Dear customer, our new pans arrived.",
    "holdout_share": 0.2,
    "offer_cost": "5000.00",
}


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json")


def fields(response: Any) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


@pytest.fixture
def client(db: None, api_client: Callable[..., Client]) -> Client:
    for n in range(10):
        member_create(
            actor=None,
            identities=[IdentityInput("email", f"s{n}@example.com")],
            profile={"name": f"S {n}", "city": "Seoul"},
            consents={"email_marketing": True},
            consent_method=ConsentMethod.PORTAL,
            source="api",
        )
    segment_create(
        data=SegmentInput(code="seoul", name="Seoul", rules={"field": "city", "op": "eq", "value": "Seoul"}),
        actor=None,
    )
    return api_client("segments:read", "campaigns:write")


def test_a_campaign_is_written_previewed_sent_and_measured(client) -> None:
    created = post(client, "/campaigns", PANS)
    assert created.status_code == 201, created.json()
    campaign_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    assert created.json()["offer_cost"] == "5000.00"

    before = client.get(f"/api/v1/campaigns/{campaign_id}").json()
    assert before["preflight"]["audience"] == 10
    assert before["progress"] is None

    scheduled = post(client, f"/campaigns/{campaign_id}/schedule", {})
    assert scheduled.json()["status"] == "scheduled"
    campaigns_start_due()
    campaigns_send()

    after = client.get(f"/api/v1/campaigns/{campaign_id}").json()
    assert after["campaign"]["status"] == "sent"
    assert (
        after["progress"]["queued"]
        == after["progress"]["treated"]
        == after["campaign"]["audience"] - after["campaign"]["held_out"]
    )
    assert after["results"]["converted"] == 0
    assert after["results"]["complete"] is False
    # Queued, not sent yet (quiet hours or the next pass of the sender): nothing delivered, no rates.
    assert {key: after["progress"][key] for key in ("delivered", "opened", "clicked", "open_rate")} == {
        "delivered": 0,
        "opened": 0,
        "clicked": 0,
        "open_rate": None,
    }


def test_an_unknown_segment_is_422_naming_it_and_a_code_in_use_409(client) -> None:
    unknown = post(client, "/campaigns", PANS | {"segment": "nowhere"})
    post(client, "/campaigns", PANS)
    again = post(client, "/campaigns", PANS)

    assert unknown.status_code == 422
    assert fields(unknown) == ["segment"]
    assert again.status_code == 409
    assert Campaign.objects.count() == 1


def test_a_sent_campaign_cannot_be_changed_or_scheduled_again(client) -> None:
    campaign_id = post(client, "/campaigns", PANS).json()["id"]
    post(client, f"/campaigns/{campaign_id}/schedule", {})

    body = {key: value for key, value in PANS.items() if key != "code"}
    changed = client.put(
        f"/api/v1/campaigns/{campaign_id}", json.dumps(body), content_type="application/json"
    )
    again = post(client, f"/campaigns/{campaign_id}/schedule", {})
    cancelled = post(client, f"/campaigns/{campaign_id}/cancel", {})

    assert changed.status_code == 409
    assert again.status_code == 409
    assert cancelled.json()["status"] == "cancelled"


def test_the_hold_out_share_is_bounded(client) -> None:
    response = post(client, "/campaigns", PANS | {"holdout_share": 0.9})
    assert response.status_code == 422


def test_access_by_scope_and_permission(db, api_client, client_as, analyst, manager, agent) -> None:
    segment_create(
        data=SegmentInput(code="seoul", name="Seoul", rules={"field": "city", "op": "eq", "value": "Seoul"}),
        actor=None,
    )
    assert Client().get("/api/v1/campaigns").status_code == 401
    assert post(api_client("segments:read"), "/campaigns", PANS).status_code == 403
    assert client_as(analyst).get("/api/v1/campaigns").status_code == 200
    assert post(client_as(analyst), "/campaigns", PANS).status_code == 403
    assert client_as(agent).get("/api/v1/campaigns").status_code == 403
    assert post(client_as(manager), "/campaigns", PANS).status_code == 201

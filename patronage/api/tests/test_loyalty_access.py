"""Who may call the loyalty endpoints: every one refuses the wrong caller, and a refused change changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from patronage.api.tests.conftest import give, purchase
from patronage.commerce.models import Order
from patronage.core.apikeys import SCOPES
from patronage.loyalty.models import BenefitUse, LedgerEntry, Redemption
from patronage.loyalty.services import points_redeem

pytestmark = pytest.mark.usefixtures("frozen")


@dataclass(frozen=True)
class World:
    alice: int
    bob: int
    code: str  # a confirmed redemption of Alice's
    grant: int  # a benefit grant of Alice's


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {alice}, {bob}, {code} and {grant} stand for the World's values
    scope: str
    success: int = 200
    body: Callable[[World], dict[str, Any]] = field(default=lambda world: {})

    def call(self, client: Client, world: World) -> Any:
        url = "/api/v1" + self.path.format(
            alice=world.alice, bob=world.bob, code=world.code, grant=world.grant
        )
        if self.method == "get":
            return client.get(url)
        return client.post(url, self.body(world), content_type="application/json")

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


ENDPOINTS = [
    Endpoint("get", "/programs", "loyalty:read"),
    Endpoint("get", "/programs/hanbit", "loyalty:read"),
    Endpoint("get", "/programs/hanbit/rewards?member={alice}", "loyalty:read"),
    Endpoint(
        "get",
        "/programs/hanbit/liability?start=2026-11-01T00:00:00%2B09:00&end=2026-12-01T00:00:00%2B09:00",
        "loyalty:read",
    ),
    Endpoint(
        "post",
        "/programs/hanbit/simulate",
        "loyalty:read",
        body=lambda w: {"member": w.alice, "amount": "10000", "currency": "KRW"},
    ),
    Endpoint("get", "/members/{alice}/accounts/hanbit", "loyalty:read"),
    Endpoint("get", "/members/{alice}/ledger?program=hanbit", "loyalty:read"),
    Endpoint("get", "/members/{alice}/benefits?program=hanbit", "loyalty:read"),
    Endpoint("get", "/members/{alice}/tier-history?program=hanbit", "loyalty:read"),
    Endpoint("post", "/transactions", "loyalty:write", 201, lambda w: purchase(w.alice)),
    Endpoint("post", "/transactions/bulk", "loyalty:write", body=lambda w: {"items": [purchase(w.alice)]}),
    Endpoint(
        "post",
        "/members/{alice}/adjustments",
        "loyalty:write",
        201,
        lambda w: {"program": "hanbit", "points": 50, "reason": "apology", "idempotency_key": "adj-1"},
    ),
    Endpoint(
        "post",
        "/members/{alice}/redemptions",
        "loyalty:write",
        201,
        lambda w: {"program": "hanbit", "points": 100, "idempotency_key": "red-2"},
    ),
    Endpoint(
        "post", "/redemptions/{code}/cancel", "loyalty:write", body=lambda w: {"reason": "changed mind"}
    ),
    Endpoint("post", "/redemptions/{code}/fulfil", "loyalty:write"),
    Endpoint(
        "post",
        "/members/{alice}/events",
        "loyalty:write",
        201,
        lambda w: {"program": "hanbit", "event": "birthday", "idempotency_key": "bday-2026"},
    ),
    Endpoint(
        "post",
        "/members/{alice}/benefits/{grant}/uses",
        "loyalty:write",
        201,
        lambda w: {"note": "demo unit", "idempotency_key": "use-1"},
    ),
]
READS = [endpoint for endpoint in ENDPOINTS if endpoint.scope == "loyalty:read"]
CHANGES = [endpoint for endpoint in ENDPOINTS if endpoint.scope == "loyalty:write"]


@pytest.fixture
def world(alice, bob, club, alice_grant) -> World:
    give(bob, club, 200)
    redemption = points_redeem(account=alice_grant.account, points=100, idempotency_key="red-1", actor=None)
    return World(alice=alice.pk, bob=bob.pk, code=redemption.code, grant=alice_grant.pk)


def _state() -> tuple[int, ...]:
    """What a refused change must leave as it was."""
    return (
        LedgerEntry.objects.count(),
        Order.objects.count(),
        Redemption.objects.filter(status=Redemption.Status.CONFIRMED).count(),
        BenefitUse.objects.count(),
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_it_refuses_a_caller_without_credentials(endpoint, world):
    before = _state()

    response = endpoint.call(Client(), world)

    assert response.status_code == 401
    assert "Authorization: Bearer KEY" in response.json()["detail"]
    assert _state() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_it_refuses_a_key_without_the_scope(endpoint, world, api_client):
    before = _state()
    other_scopes = sorted(set(SCOPES) - {endpoint.scope})

    response = endpoint.call(api_client(*other_scopes), world)

    assert response.status_code == 403
    assert endpoint.scope in response.json()["detail"]
    assert _state() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_it_treats_a_members_portal_session_as_no_credentials(endpoint, world, alice, client_as):
    before = _state()

    response = endpoint.call(client_as(alice.user), world)

    assert response.status_code == 401
    assert _state() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_key_with_the_scope_is_served(endpoint, world, api_client):
    response = endpoint.call(api_client(endpoint.scope), world)

    assert response.status_code == endpoint.success, response.json()


@pytest.mark.parametrize("endpoint", READS, ids=str)
def test_a_read_key_cannot_change_anything_and_a_write_key_cannot_read(endpoint, world, api_client):
    response = endpoint.call(api_client("loyalty:write"), world)

    assert response.status_code == 403


@pytest.mark.parametrize("endpoint", READS, ids=str)
def test_an_analysts_session_can_read(endpoint, world, analyst, client_as):
    response = endpoint.call(client_as(analyst), world)

    assert response.status_code == 200, response.json()


@pytest.mark.parametrize("endpoint", CHANGES, ids=str)
def test_an_analysts_session_cannot_change_anything(endpoint, world, analyst, client_as):
    before = _state()

    response = endpoint.call(client_as(analyst), world)

    assert response.status_code == 403
    assert "loyalty.adjust" in response.json()["detail"]
    assert _state() == before


@pytest.mark.parametrize("endpoint", CHANGES, ids=str)
def test_a_service_agents_session_may_change(endpoint, world, agent, client_as):
    response = endpoint.call(client_as(agent), world)

    assert response.status_code == endpoint.success, response.json()


def test_a_read_key_of_the_members_scope_reads_no_points(world, api_client):
    response = api_client("members:read", "members:write").get(
        f"/api/v1/members/{world.alice}/accounts/hanbit"
    )

    assert response.status_code == 403
    assert "loyalty:read" in response.json()["detail"]


def test_a_benefit_grant_of_another_member_does_not_exist_for_them(world, api_client):
    client = api_client("loyalty:write")

    response = client.post(
        f"/api/v1/members/{world.bob}/benefits/{world.grant}/uses",
        {"note": "", "idempotency_key": "steal"},
        content_type="application/json",
    )

    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "grant_id"
    assert BenefitUse.objects.count() == 0


def test_an_idempotency_key_of_another_members_redemption_is_refused_not_answered(world, api_client):
    client = api_client("loyalty:write")

    response = client.post(
        f"/api/v1/members/{world.bob}/redemptions",
        {"program": "hanbit", "points": 100, "idempotency_key": "red-1"},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert world.code not in response.content.decode()
    assert response.json()["errors"][0]["field"] == "idempotency_key"


def test_an_idempotency_key_of_another_members_adjustment_is_refused(world, api_client):
    client = api_client("loyalty:write")

    response = client.post(
        f"/api/v1/members/{world.bob}/adjustments",
        {
            "program": "hanbit",
            "points": 1000,
            "reason": "welcome gift",
            "idempotency_key": f"welcome-{world.alice}",
        },
        content_type="application/json",
    )

    assert response.status_code == 409
    assert LedgerEntry.objects.filter(account__member_id=world.bob).count() == 1


def test_one_members_ledger_never_shows_anothers_entries(world, api_client):
    client = api_client("loyalty:read")

    bobs = client.get(f"/api/v1/members/{world.bob}/ledger?program=hanbit").json()

    assert bobs["count"] == 1
    assert [entry["points"] for entry in bobs["items"]] == [200]


def test_an_idempotency_key_of_another_members_event_is_refused(world, api_client):
    client = api_client("loyalty:write")
    body = {"program": "hanbit", "event": "birthday", "idempotency_key": "bday"}
    client.post(f"/api/v1/members/{world.alice}/events", body, content_type="application/json")

    response = client.post(f"/api/v1/members/{world.bob}/events", body, content_type="application/json")

    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "idempotency_key"


def test_the_openapi_spec_lists_the_loyalty_contract(db):
    spec = Client().get("/api/v1/openapi.json").json()

    assert {
        "/api/v1/programs",
        "/api/v1/programs/{code}",
        "/api/v1/programs/{code}/rewards",
        "/api/v1/programs/{code}/liability",
        "/api/v1/programs/{code}/simulate",
        "/api/v1/transactions",
        "/api/v1/transactions/bulk",
        "/api/v1/members/{member_id}/accounts/{program}",
        "/api/v1/members/{member_id}/adjustments",
        "/api/v1/members/{member_id}/redemptions",
        "/api/v1/members/{member_id}/ledger",
        "/api/v1/members/{member_id}/events",
        "/api/v1/members/{member_id}/benefits",
        "/api/v1/members/{member_id}/benefits/{grant_id}/uses",
        "/api/v1/members/{member_id}/tier-history",
        "/api/v1/redemptions/{code}/cancel",
        "/api/v1/redemptions/{code}/fulfil",
    } <= set(spec["paths"])
    record = spec["paths"]["/api/v1/transactions"]["post"]
    assert record["operationId"] == "record_transaction"
    assert record["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/Problem")
    amount = spec["components"]["schemas"]["TransactionIn"]["properties"]["amount"]
    # A decimal string (its pattern: no sign, at most 2 places) or an exact JSON integer.
    assert [choice["type"] for choice in amount["anyOf"]] == ["string", "integer"]

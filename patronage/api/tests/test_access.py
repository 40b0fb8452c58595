"""Who may call which endpoint: every endpoint refuses the wrong caller."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from patronage.core.apikeys import SCOPES
from patronage.core.models import ApiKey
from patronage.members.models import Member


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {alice} and {bob} stand for the members' ids
    scope: str
    success: int = 200
    body: Callable[[Member, Member], dict[str, Any]] = lambda alice, bob: {}

    def call(self, client: Client, alice: Member, bob: Member) -> Any:
        url = "/api/v1" + self.path.format(alice=alice.pk, bob=bob.pk)
        if self.method == "get":
            return client.get(url)
        return getattr(client, self.method)(url, self.body(alice, bob), content_type="application/json")

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


ENDPOINTS = [
    Endpoint("get", "/members", "members:read"),
    Endpoint("get", "/members/duplicates", "members:read"),
    Endpoint("get", "/members/{alice}", "members:read"),
    Endpoint("get", "/members/{alice}/timeline", "members:read"),
    Endpoint("post", "/members", "members:write", 201, lambda alice, bob: {"email": "carol@example.com"}),
    Endpoint("patch", "/members/{alice}", "members:write", body=lambda alice, bob: {"city": "Busan"}),
    Endpoint(
        "post",
        "/members/{alice}/consents",
        "members:write",
        body=lambda alice, bob: {"purpose": "profiling", "granted": True},
    ),
    Endpoint(
        "post",
        "/members/merge",
        "members:write",
        body=lambda alice, bob: {"survivor_id": alice.pk, "duplicate_id": bob.pk},
    ),
    Endpoint("get", "/members/{alice}/export", "members:privacy"),
    Endpoint(
        "post", "/members/{alice}/erase", "members:privacy", body=lambda alice, bob: {"reason": "request #17"}
    ),
]
READS = [endpoint for endpoint in ENDPOINTS if endpoint.scope == "members:read"]
CHANGES = [endpoint for endpoint in ENDPOINTS if endpoint.scope != "members:read"]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_it_refuses_a_caller_without_credentials(endpoint, alice, bob):
    response = endpoint.call(Client(), alice, bob)

    assert response.status_code == 401
    assert "Authorization: Bearer KEY" in response.json()["detail"]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_it_refuses_a_wrong_key(endpoint, alice, bob):
    client = Client(headers={"Authorization": "Bearer pat_00000000_not-a-real-key"})

    response = endpoint.call(client, alice, bob)

    assert response.status_code == 401
    assert "not valid" in response.json()["detail"]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_it_refuses_a_key_without_the_scope(endpoint, alice, bob, api_client):
    other_scopes = sorted(set(SCOPES) - {endpoint.scope})

    response = endpoint.call(api_client(*other_scopes), alice, bob)

    assert response.status_code == 403
    assert endpoint.scope in response.json()["detail"]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_it_treats_a_members_session_as_no_credentials(endpoint, alice, bob, client_as):
    response = endpoint.call(client_as(alice.user), alice, bob)

    assert response.status_code == 401


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_key_with_the_scope_is_served(endpoint, alice, bob, api_client):
    response = endpoint.call(api_client(endpoint.scope), alice, bob)

    assert response.status_code == endpoint.success, response.json()


@pytest.mark.parametrize("endpoint", READS, ids=str)
def test_an_analysts_session_can_read(endpoint, alice, bob, analyst, client_as):
    response = endpoint.call(client_as(analyst), alice, bob)

    assert response.status_code == 200


@pytest.mark.parametrize("endpoint", CHANGES, ids=str)
def test_an_analysts_session_cannot_change_anything(endpoint, alice, bob, analyst, client_as):
    response = endpoint.call(client_as(analyst), alice, bob)

    assert response.status_code == 403
    assert "Analyst" in response.json()["detail"]
    assert Member.objects.get(pk=alice.pk).city == "Seoul"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_an_admins_session_is_served(endpoint, alice, bob, admin, client_as):
    response = endpoint.call(client_as(admin), alice, bob)

    assert response.status_code == endpoint.success, response.json()


def test_a_service_agent_may_edit_but_not_merge(alice, bob, agent, client_as):
    client = client_as(agent)

    edited = client.patch(f"/api/v1/members/{alice.pk}", {"city": "Busan"}, content_type="application/json")
    merged = client.post(
        "/api/v1/members/merge",
        {"survivor_id": alice.pk, "duplicate_id": bob.pk},
        content_type="application/json",
    )

    assert edited.status_code == 200
    assert merged.status_code == 403
    assert "members.merge" in merged.json()["detail"]


def test_a_revoked_key_stops_working(alice, api_client):
    client = api_client("members:read")
    ApiKey.objects.update(revoked_at="2024-01-01T00:00:00Z")

    assert client.get("/api/v1/members").status_code == 401


def test_a_staff_session_must_pass_the_csrf_check_to_change_data(admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    token = "t" * 32  # what a console page would have put in the csrftoken cookie
    client.cookies["csrftoken"] = token

    refused = client.post("/api/v1/members", {"email": "dan@example.com"}, content_type="application/json")
    accepted = client.post(
        "/api/v1/members",
        {"email": "dan@example.com"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert accepted.status_code == 201


def test_a_person_in_two_groups_has_the_api_rights_of_both(client_as, lead_analyst, alice, bob):
    """The service lead's merge right and the analyst's analytics right, through one staff session."""
    client = client_as(lead_analyst)
    assert client.get("/api/v1/analytics/runs").status_code == 200
    merged = client.post(
        "/api/v1/members/merge",
        {"survivor_id": alice.pk, "duplicate_id": bob.pk},
        content_type="application/json",
    )
    assert merged.status_code == 200


def test_a_session_without_the_permission_is_told_which_groups_it_has(client_as, agent):
    response = client_as(agent).get("/api/v1/analytics/runs")
    assert response.status_code == 403
    assert "Service agent" in response.json()["detail"]
    assert "analytics.view_analytics" in response.json()["detail"]

"""The edge of the input (issue 19's corpus): every value that once reached the database and broke a
page is refused with the API's problem naming the field, changes nothing, and the lists still answer."""

from __future__ import annotations

import json
from typing import Any

import pytest
import time_machine
from django.test import Client

from patronage.core.apikeys import SCOPES
from patronage.members.models import Member

from .conftest import purchase

NOW = "2026-06-15T12:00:00+09:00"


@pytest.fixture
def client(db: None, api_client) -> Client:
    return api_client(*SCOPES)


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json")


def refused(response: Any, field: str, status: int = 422) -> str:
    assert response.status_code == status, response.content[:500]
    problem = response.json()
    assert [error["field"] for error in problem["errors"]] == [field]
    return problem["errors"][0]["message"]


def _member(client: Client, **fields: Any) -> Any:
    return post(client, "/members", {"external_id": "shop-1", "name": "Carol Lee", **fields})


@pytest.mark.parametrize(
    ("joined_at", "words"),
    [
        ("0001-01-01T00:00:00+09:00", "between 1900-01-01 and 2200-01-01"),
        ("0001-01-01T00:00:00+14:00", "between 1900-01-01 and 2200-01-01"),
        ("9999-12-31T00:00:00+00:00", "between 1900-01-01 and 2200-01-01"),
        ("2026-06-01T00:00:00+16:00", "between -14:00 and +14:00"),
        (0, "ISO 8601 text"),
        ("2030-01-01T00:00:00+09:00", "in the future"),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_a_join_time_that_cannot_be_shown_is_refused_and_the_list_still_answers(client, joined_at, words):
    assert words in refused(_member(client, joined_at=joined_at), "joined_at")
    assert not Member.objects.exists()
    assert client.get("/api/v1/members").status_code == 200


def test_a_birth_date_before_1900_is_refused(client):
    assert "between 1900-01-01 and 2199-12-31" in refused(
        _member(client, birth_date="0001-01-01"), "birth_date"
    )


@pytest.mark.parametrize("path", ["/members", "/members/duplicates", "/analytics/runs"])
def test_an_offset_past_any_list_is_refused_not_a_server_error(client, path):
    response = client.get(f"/api/v1{path}", {"offset": 2**63})
    assert response.status_code == 422
    assert "offset" in [error["field"] for error in response.json()["errors"]]


@pytest.mark.parametrize("text", ["Carol\x00Lee", "Carol\ud800"])
def test_text_that_cannot_be_stored_is_refused_where_it_stands(client, text):
    message = refused(_member(client, name=text), "name")
    assert "NUL" in message or "surrogate" in message
    refused(_member(client, name="Carol", preferences={"notes": {"first": text}}), "preferences.notes.first")
    refused(_member(client, preferences={text: 1}), f"preferences.{text}")
    assert not Member.objects.exists()


def test_a_nul_in_a_query_parameter_is_refused(client):
    refused(client.get("/api/v1/members", {"q": "alice\x00"}), "q")


def test_json_nested_past_any_shape_is_refused(client):
    deep: Any = 1
    for _ in range(40):
        deep = {"a": deep}
    response = _member(client, preferences=deep)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith("preferences.a.a")


def test_preferences_are_bounded_in_size(client):
    message = refused(_member(client, preferences={"blob": "x" * 20_000}), "preferences")
    assert "16 KiB" in message


def test_a_body_over_the_limit_is_a_json_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response = _member(client, name="x" * (2 * 1024 * 1024))
    assert response.status_code == 413
    assert response.json()["type"] == "payload_too_large"
    assert not Member.objects.exists()


def test_an_unknown_api_address_answers_in_the_problem_shape(client):
    for path in ("/api/v1/nothing-here", "/api/v2/members", "/api/"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["type"] == "not_found"


def test_the_what_if_study_refuses_numbers_past_any_business(client):
    response = post(client, "/analytics/whatif", {"customers": 1e308})
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["customers"]


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+14:00", "1899-12-31T23:00:00+00:00"])
def test_a_purchase_or_event_dated_before_1900_is_refused(client, club, alice, frozen, when):
    refused(post(client, "/transactions", purchase(alice.pk, occurred_at=when)), "occurred_at")
    event = {"program": club.code, "event": "signup", "idempotency_key": "e-1", "occurred_at": when}
    refused(post(client, f"/members/{alice.pk}/events", event), "occurred_at")
    assert client.get(f"/api/v1/members/{alice.pk}/timeline").status_code == 200

"""The information API as a content system uses it: define topics, publish an item in two languages to a
topic, change it, retire it; bad input named field by field; scopes and rights."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from patronage.conftest import business_set
from patronage.core import clock
from patronage.segments.models import InformationItem, InformationTopic


def send(client: Client, method: str, path: str, body: Any) -> Any:
    return getattr(client, method)(f"/api/v1{path}", json.dumps(body), content_type="application/json")


def fields(response: Any) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


@pytest.fixture
def client(db: None, api_client: Callable[..., Client]) -> Client:
    business_set(languages=["en", "ko"])
    return api_client("segments:read", "segments:write")


def pans(**extra: Any) -> dict[str, Any]:
    return {
        "code": "new-pans",
        "kind": "product",
        "title": "New pans",
        "title_translations": {"ko": "새 프라이팬"},
        "body": "Our new pans arrived.",
        "topics": ["kitchen"],
        "published_at": clock.now().isoformat(),
        **extra,
    }


def test_topics_then_an_item_changed_and_retired(client) -> None:
    topic = send(client, "post", "/information/topics", {"code": "kitchen", "name": "Kitchen"})
    assert topic.status_code == 201, topic.json()
    assert topic.json() == {"code": "kitchen", "name": "Kitchen", "name_translations": {}, "interested": 0}

    created = send(client, "post", "/information", pans())
    assert created.status_code == 201, created.json()
    item = created.json()
    assert (item["topics"], item["title_translations"], item["sent"]) == (
        ["kitchen"],
        {"ko": "새 프라이팬"},
        0,
    )

    body = pans(title="Newer pans")
    body.pop("code")
    changed = send(client, "put", f"/information/{item['id']}", body)
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["code"], changed.json()["title"]) == ("new-pans", "Newer pans")

    retired = client.post(f"/api/v1/information/{item['id']}/retire")
    assert retired.json()["retired_at"] is not None
    listed = client.get("/api/v1/information").json()
    assert [found["code"] for found in listed["items"]] == ["new-pans"]
    assert client.get("/api/v1/information/topics").json()["items"][0]["code"] == "kitchen"


def test_bad_input_is_422_naming_each_field_and_saves_nothing(client) -> None:
    InformationTopic.objects.create(code="kitchen", name="Kitchen", created_at=clock.now())
    response = send(
        client,
        "post",
        "/information",
        pans(
            topics=["kitchen", "golf"], brands=["nobrand"], segment="nowhere", title_translations={"ja": "?"}
        ),
    )
    assert response.status_code == 422
    assert set(fields(response)) == {"topics", "brands", "segment", "title_translations.ja"}

    malformed = send(client, "post", "/information", pans(kind="gossip", topics=[], published_at="tomorrow"))
    assert malformed.status_code == 422
    assert {"kind", "topics", "published_at"} <= set(fields(malformed))
    assert not InformationItem.objects.exists()

    twice = send(client, "post", "/information/topics", {"code": "kitchen", "name": "Again"})
    assert twice.status_code == 409
    assert client.get("/api/v1/information/999").status_code == 404


def test_access_by_scope_and_right(db, api_client, client_as, manager, analyst, agent) -> None:
    assert Client().get("/api/v1/information").status_code == 401
    reader = api_client("segments:read")
    assert reader.get("/api/v1/information").status_code == 200
    assert send(reader, "post", "/information/topics", {"code": "wine", "name": "Wine"}).status_code == 403
    assert client_as(agent).get("/api/v1/information").status_code == 403
    assert client_as(analyst).get("/api/v1/information/topics").status_code == 200
    assert (
        send(client_as(analyst), "post", "/information/topics", {"code": "x", "name": "X"}).status_code == 403
    )
    assert (
        send(client_as(manager), "post", "/information/topics", {"code": "y", "name": "Y"}).status_code == 201
    )

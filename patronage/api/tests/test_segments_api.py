"""The segments API as a marketing system uses it: define "Seoul regulars", read its count and members,
preview rules before saving, keep a static list."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from patronage.conftest import program_launched
from patronage.core.apikeys import SCOPES
from patronage.loyalty.models import Benefit, Program
from patronage.segments.models import Segment

SEOUL = {"code": "seoul", "name": "Seoul customers", "rules": {"field": "city", "op": "eq", "value": "Seoul"}}


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json")


def put(client: Client, path: str, body: Any) -> Any:
    return client.put(f"/api/v1{path}", json.dumps(body), content_type="application/json")


def fields(response: Any) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


@pytest.fixture
def client(db: None, api_client: Callable[..., Client]) -> Client:
    return api_client("segments:read", "segments:write")


def test_a_segment_is_created_with_its_count_and_read_back(client, alice, bob) -> None:
    response = post(client, "/segments", SEOUL)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["count"] == 1
    assert body["kind"] == "rules"
    assert body["rules"] == {"field": "city", "op": "eq", "value": "Seoul"}
    again = client.get(f"/api/v1/segments/{body['id']}").json()
    assert (again["code"], again["count"]) == ("seoul", 1)
    members = client.get(f"/api/v1/segments/{body['id']}/members").json()
    assert [item["member"] for item in members["items"]] == [alice.pk]


def test_an_unknown_field_or_a_value_of_the_wrong_type_is_422_naming_it(client, alice) -> None:
    unknown = post(
        client, "/segments", SEOUL | {"rules": {"all": [{"field": "shoe_size", "op": "eq", "value": 1}]}}
    )
    wrong = post(
        client,
        "/segments",
        SEOUL
        | {
            "rules": {
                "any": [
                    {"field": "city", "op": "eq", "value": "Seoul"},
                    {"field": "age", "op": "gte", "value": "old"},
                ]
            }
        },
    )

    assert unknown.status_code == 422
    assert fields(unknown) == ["rules.all.0.field"]
    assert "shoe_size" in unknown.json()["errors"][0]["message"]
    assert wrong.status_code == 422
    assert fields(wrong) == ["rules.any.1.value"]
    assert not Segment.objects.exists()


def test_a_code_in_use_is_409(client) -> None:
    post(client, "/segments", SEOUL)
    again = post(client, "/segments", SEOUL)
    assert again.status_code == 409
    assert fields(again) == ["code"]


def test_a_segment_cannot_be_built_on_itself_through_another(client) -> None:
    post(client, "/segments", SEOUL)
    first = post(
        client,
        "/segments",
        {"code": "a", "name": "A", "rules": {"field": "segment", "op": "eq", "value": "seoul"}},
    )
    changed = put(
        client,
        f"/api/v1/segments/{Segment.objects.get(code='seoul').pk}".removeprefix("/api/v1"),
        {"name": "Seoul", "rules": {"field": "segment", "op": "eq", "value": "a"}},
    )

    assert first.status_code == 201
    assert changed.status_code == 422
    assert fields(changed) == ["rules"]


def test_new_rules_apply_to_everyone_at_once(client, alice, bob) -> None:
    created = post(client, "/segments", SEOUL).json()
    changed = put(
        client,
        f"/segments/{created['id']}",
        {"name": "Osaka", "rules": {"field": "city", "op": "eq", "value": "Osaka"}},
    )

    assert changed.status_code == 200
    assert changed.json()["count"] == 1
    members = client.get(f"/api/v1/segments/{created['id']}/members").json()
    assert [item["member"] for item in members["items"]] == [bob.pk]


def test_a_preview_counts_without_saving(client, alice, bob) -> None:
    response = post(
        client, "/segments/preview", {"rules": {"field": "city", "op": "in", "value": ["Seoul", "Osaka"]}}
    )

    assert response.json() == {"count": 2, "sample": [bob.pk, alice.pk]}
    assert not Segment.objects.exists()


def test_a_static_list_is_set_and_added_to_and_a_rules_segment_takes_none(client, alice, bob) -> None:
    static = post(client, "/segments", {"code": "vip-guests", "name": "VIP guests", "kind": "static"}).json()
    rules = post(client, "/segments", SEOUL).json()

    assert put(client, f"/segments/{static['id']}/members", {"members": [alice.pk]}).json() == {
        "entered": 1,
        "left": 0,
    }
    added = put(client, f"/segments/{static['id']}/members", {"members": [bob.pk], "replace": False})
    unknown = put(client, f"/segments/{static['id']}/members", {"members": [999_999]})
    refused = put(client, f"/segments/{rules['id']}/members", {"members": [alice.pk]})

    assert added.json() == {"entered": 1, "left": 0}
    assert client.get(f"/api/v1/segments/{static['id']}").json()["count"] == 2
    assert unknown.status_code == 422
    assert fields(unknown) == ["members"]
    assert refused.status_code == 409


def test_the_fields_are_listed_with_their_operators(client) -> None:
    listed = {item["name"]: item for item in client.get("/api/v1/segments/fields").json()}

    assert listed["city"]["operators"] == ["eq", "ne", "in", "contains"]
    assert listed["purchase_count"]["windowed"] is True
    assert "email_marketing" in listed["consent"]["choices"]


def test_an_unknown_segment_is_404(client) -> None:
    assert client.get("/api/v1/segments/4242").status_code == 404


def test_no_key_is_401(db) -> None:
    assert Client().get("/api/v1/segments").status_code == 401


def test_a_read_only_key_reads_but_cannot_write(db, api_client) -> None:
    reader = api_client("segments:read")
    assert reader.get("/api/v1/segments").status_code == 200
    assert post(reader, "/segments", SEOUL).status_code == 403
    other = api_client(*(scope for scope in SCOPES if not scope.startswith("segments:")))
    assert other.get("/api/v1/segments").status_code == 403


def test_staff_read_and_build_by_their_permissions(client_as, analyst, manager, agent) -> None:
    assert post(client_as(analyst), "/segments", SEOUL).status_code == 403
    assert client_as(analyst).get("/api/v1/segments").status_code == 200
    assert client_as(agent).get("/api/v1/segments").status_code == 403
    assert post(client_as(manager), "/segments", SEOUL).status_code == 201


def test_a_member_is_refused(client, alice) -> None:
    member = Client()
    member.force_login(alice.user)
    assert member.get("/api/v1/segments").status_code in (401, 403)


def test_a_code_the_console_uses_in_its_addresses_is_refused(client) -> None:
    response = post(client, "/segments", SEOUL | {"code": "new"})
    assert response.status_code == 422
    assert fields(response) == ["code"]


# --- the treatment -----------------------------------------------------------------------------------------


def test_a_segments_treatment_is_set_and_read_back(client, alice) -> None:
    program = program_launched(Program.objects.create(code="hanbit", name="Hanbit Club", currency="KRW"))
    Benefit.objects.create(program=program, code="lounge", name="Lounge evening", kind="event_seat")
    segment = post(client, "/segments", SEOUL).json()
    treatment = {
        "benefit": {"program": "hanbit", "code": "lounge"},
        "welcome_subject": "Welcome, Seoul",
        "welcome_body": "Our Seoul stores thank you.",
        "welcome_subject_translations": {"ko": "서울 고객님 환영합니다"},
    }

    response = put(client, f"/segments/{segment['id']}/treatment", treatment)

    assert response.status_code == 200, response.json()
    read = client.get(f"/api/v1/segments/{segment['id']}/treatment").json()
    assert read["benefit"] == {"program": "hanbit", "code": "lounge"}
    assert read["welcome_subject_translations"] == {"ko": "서울 고객님 환영합니다"}
    assert read["since"] is not None
    assert (read["treated"], read["earn_rules"]) == (0, [])


def test_an_unknown_benefit_or_a_subject_without_a_message_is_422_naming_it(client) -> None:
    segment = post(client, "/segments", SEOUL).json()
    path = f"/segments/{segment['id']}/treatment"

    unknown = put(client, path, {"benefit": {"program": "nowhere", "code": "lounge"}})
    half = put(client, path, {"welcome_subject": "Welcome"})

    assert (unknown.status_code, fields(unknown)) == (422, ["benefit.program"])
    assert (half.status_code, fields(half)) == (422, ["welcome_body"])
    assert Segment.objects.get(code="seoul").treatment_since is None


def test_only_a_key_that_may_write_segments_sets_a_treatment(db, api_client, client) -> None:
    segment = post(client, "/segments", SEOUL).json()
    reader = api_client("segments:read")
    path = f"/api/v1/segments/{segment['id']}/treatment"
    assert reader.get(path).status_code == 200
    assert put(reader, f"/segments/{segment['id']}/treatment", {}).status_code == 403
    assert Client().get(path).status_code == 401

"""The standards API as a call-centre system uses it: define "phone answered within 2 rings", send a day of
calls in bulk (again, after a timeout), and read each agent's compliance."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from patronage.care.models import Team
from patronage.commerce.models import Channel, Store
from patronage.conftest import business_set
from patronage.core.apikeys import SCOPES
from patronage.core.models import User
from patronage.standards.models import Measurement, Standard

RINGS = {
    "code": "phone-rings",
    "name": "Phone answered within 2 rings",
    "unit": "rings",
    "direction": "lower",
    "target": 2,
    "minimum": 4,
    "target_share": 0.95,
}


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json")


def put(client: Client, path: str, body: Any) -> Any:
    return client.put(f"/api/v1{path}", json.dumps(body), content_type="application/json")


def fields(response: Any) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


@pytest.fixture
def client(db: None, api_client: Callable[..., Client]) -> Client:
    business_set(time_zone="Asia/Seoul")
    return api_client("standards:read", "standards:write")


@pytest.fixture
def rings(client: Client) -> dict[str, Any]:
    response = post(client, "/standards", RINGS)
    assert response.status_code == 201, response.json()
    return response.json()


def call(at: str, value: float, employee: str = "", **extra: Any) -> dict[str, Any]:
    """One answered call as the call-centre's export has it."""
    return {"value": value, "at": at, **({"employee": employee} if employee else {}), **extra}


# Monday 2 November 2026 in Seoul; the last call is Sunday 8 November 16:00 UTC, Monday 9 November in Seoul.
CALLS = [
    call("2026-11-03T12:00:00+09:00", 1, "sam_agent", external_id="c-1"),
    call("2026-11-03T12:05:00+09:00", 2, "sam_agent", external_id="c-2"),
    call("2026-11-03T12:10:00+09:00", 3, "sam_agent", external_id="c-3"),
    call("2026-11-03T12:15:00+09:00", 5, "sam_agent", external_id="c-4"),
    call("2026-11-04T09:00:00+09:00", 1, "sol_lead", external_id="c-5"),
    call("2026-11-04T09:30:00+09:00", 1, "sol_lead", external_id="c-6"),
    call("2026-11-08T16:00:00Z", 2, "sam_agent", external_id="c-7"),
]


@pytest.fixture
def calls(client: Client, rings: dict[str, Any], agent: User, lead: User) -> dict[str, Any]:
    response = post(client, f"/standards/{rings['id']}/measurements", {"items": CALLS})
    assert response.status_code == 201, response.json()
    return rings


# Defining a standard


def test_a_standard_is_created_and_read_back_as_sent(client, rings) -> None:
    assert rings["id"] > 0
    assert {name: rings[name] for name in RINGS} == RINGS
    assert rings["source"] == "measured"
    assert rings["period"] == "week"
    assert rings["active"] is True

    assert client.get(f"/api/v1/standards/{rings['id']}").json() == rings
    listed = client.get("/api/v1/standards").json()
    assert listed["count"] == 1
    assert listed["items"] == [rings]


def test_it_applies_to_a_channel_team_and_store_and_has_an_owner(client, lead) -> None:
    team = Team.objects.create(name="Seoul phones")
    channel = Channel.objects.create(code="shop", name="Shop", kind="store")
    Store.objects.create(code="gangnam", name="Gangnam", channel=channel)
    body = {
        **RINGS,
        "channel": "phone",
        "team": team.name,
        "store": "gangnam",
        "owner": "sol_lead",
        "name_translations": {"ko": "전화는 두 번 울리기 전에"},
    }

    response = post(client, "/standards", body)

    assert response.status_code == 201, response.json()
    made = response.json()
    assert (made["channel"], made["team"], made["store"], made["owner"]) == (
        "phone",
        "Seoul phones",
        "gangnam",
        "sol_lead",
    )
    assert made["name_translations"] == {"ko": "전화는 두 번 울리기 전에"}


def test_a_code_in_use_is_409_naming_the_code(client, rings) -> None:
    response = post(client, "/standards", {**RINGS, "name": "Another"})

    assert response.status_code == 409
    assert fields(response) == ["code"]
    assert Standard.objects.get().name == RINGS["name"]


def test_bad_input_is_422_naming_each_field_and_nothing_is_kept(client) -> None:
    body = {**RINGS, "code": "Phone Rings", "direction": "sideways", "target_share": 1.5}
    del body["unit"]

    response = post(client, "/standards", body)

    assert response.status_code == 422
    assert sorted(fields(response)) == ["code", "direction", "target_share", "unit"]
    assert not Standard.objects.exists()


@pytest.mark.parametrize(
    ("direction", "target", "minimum", "status"),
    [
        ("lower", 2, 4, 201),  # never more than 4 rings
        ("lower", 2, 2, 201),
        ("lower", 2, 1, 422),  # a minimum better than the target means nothing
        ("higher", 4, 2, 201),  # a rating of 4 or more, never under 2
        ("higher", 4, 5, 422),
    ],
)
def test_the_minimum_lies_beyond_the_target_in_the_standards_direction(
    client, direction, target, minimum, status
) -> None:
    body = {**RINGS, "direction": direction, "target": target, "minimum": minimum}

    response = post(client, "/standards", body)

    assert response.status_code == status, response.json()
    if status == 422:
        assert fields(response) == ["minimum"]
        assert direction in response.json()["detail"]


def test_an_unknown_team_store_or_owner_is_named(client) -> None:
    body = {**RINGS, "team": "Nobody's team", "store": "atlantis", "owner": "ghost"}

    response = post(client, "/standards", body)

    assert response.status_code == 422
    assert fields(response) == ["team", "store", "owner"]
    assert "ghost" in response.json()["detail"]
    assert not Standard.objects.exists()


def test_a_change_keeps_the_code_and_source(client, rings) -> None:
    change = {name: value for name, value in RINGS.items() if name != "code"}

    response = put(client, f"/standards/{rings['id']}", {**change, "target": 3, "target_share": 0.9})

    assert response.status_code == 200, response.json()
    assert response.json() == {**rings, "target": 3, "target_share": 0.9}
    refused = put(client, f"/standards/{rings['id']}", {**change, "code": "other"})
    assert refused.status_code == 422
    assert fields(refused) == ["code"]


def test_an_unknown_standard_is_404(client) -> None:
    assert client.get("/api/v1/standards/999").status_code == 404
    response = post(client, "/standards/999/measurements", {"items": CALLS[:1]})
    assert response.status_code == 404


# Measurements


def test_a_batch_is_recorded_and_the_same_batch_again_changes_nothing(client, rings, agent, lead) -> None:
    path = f"/standards/{rings['id']}/measurements"

    first = post(client, path, {"items": CALLS})
    again = post(client, path, {"items": [*CALLS, call("2026-11-05T10:00:00+09:00", 1, external_id="c-8")]})

    assert first.status_code == 201
    assert first.json() == {"created": 7, "unchanged": 0}
    assert again.status_code == 201
    assert again.json() == {"created": 1, "unchanged": 7}
    assert Measurement.objects.count() == 8
    assert Measurement.objects.filter(employee=agent).count() == 5


def test_one_bad_item_refuses_the_batch_naming_it(client, rings, agent, lead) -> None:
    items = [CALLS[0], {**CALLS[1], "value": "two"}, {**CALLS[2], "at": "2026-11-03 12:10"}]

    response = post(client, f"/standards/{rings['id']}/measurements", {"items": items})

    assert response.status_code == 422
    assert fields(response) == ["items.1.value", "items.2.at"]
    assert not Measurement.objects.exists()


def test_an_unknown_employee_team_or_store_is_named_and_nothing_recorded(client, rings, agent) -> None:
    items = [CALLS[0], {**CALLS[1], "employee": "kim_nobody"}, {**CALLS[2], "team": "Night shift"}]

    response = post(client, f"/standards/{rings['id']}/measurements", {"items": items})

    assert response.status_code == 422
    assert fields(response) == ["items.1.employee", "items.2.team"]
    assert "kim_nobody" in response.json()["detail"]
    assert not Measurement.objects.exists()


def test_a_standard_read_from_cases_takes_no_measurements(client) -> None:
    derived = {**RINGS, "code": "first-reply", "source": "first_response", "unit": "minutes"}
    standard = post(client, "/standards", {**derived, "target": 30, "minimum": 120}).json()

    response = post(client, f"/standards/{standard['id']}/measurements", {"items": CALLS[:1]})

    assert response.status_code == 409
    assert not Measurement.objects.exists()


def test_the_batch_size_is_bounded_and_stated(client, rings) -> None:
    document = client.get("/api/v1/openapi.json").json()
    items = document["components"]["schemas"]["MeasurementsIn"]["properties"]["items"]
    assert (items["minItems"], items["maxItems"]) == (1, 10_000)

    response = post(client, f"/standards/{rings['id']}/measurements", {"items": []})
    assert response.status_code == 422
    assert fields(response) == ["items"]


# Compliance


def figures(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            row["period_start"],
            row["group"]["name"] if row["group"] else None,
            row["count"],
            round(row["meeting_target_share"], 4),
            round(row["below_minimum_share"], 4),
            round(row["median"], 4),
            round(row["p90"], 4),
            row["meets_standard"],
        )
        for row in rows
    ]


def test_each_agents_week_is_computed_as_by_hand(client, calls, agent, lead) -> None:
    response = client.get(f"/api/v1/standards/{calls['id']}/compliance?period=week&group=employee")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["standard"]["id"], body["period"], body["group"]) == (calls["id"], "week", "employee")
    assert {row["group"]["id"] for row in body["rows"]} == {agent.pk, lead.pk}
    assert sorted(figures(body["rows"])) == [
        # 1, 2, 3, 5 rings: half within 2, one past 4; median 2.5; p90 at position 2.7: 3 + 0.7 × (5 - 3)
        ("2026-11-02", "sam_agent", 4, 0.5, 0.25, 2.5, 4.4, False),
        ("2026-11-02", "sol_lead", 2, 1.0, 0.0, 1.0, 1.0, True),
        # Sunday 16:00 UTC is Monday in Seoul: the next week there.
        ("2026-11-09", "sam_agent", 1, 1.0, 0.0, 2.0, 2.0, True),
    ]


def test_everyone_over_all_time_and_a_time_range(client, calls) -> None:
    path = f"/api/v1/standards/{calls['id']}/compliance"

    everyone = client.get(path, {"period": "all", "group": "none"}).json()
    second_week = client.get(path, {"since": "2026-11-09T00:00:00+09:00", "period": "all"}).json()

    # 1, 1, 1, 2, 2, 3, 5: five within 2 rings, one past 4; p90 at position 5.4: 3 + 0.4 × (5 - 3)
    assert figures(everyone["rows"]) == [(None, None, 7, round(5 / 7, 4), round(1 / 7, 4), 2.0, 3.8, False)]
    assert figures(second_week["rows"]) == [(None, None, 1, 1.0, 0.0, 2.0, 2.0, True)]


def test_the_standards_own_period_is_the_default(client, calls) -> None:
    body = client.get(f"/api/v1/standards/{calls['id']}/compliance").json()

    assert (body["period"], body["group"]) == ("week", "none")
    assert [row["period_start"] for row in body["rows"]] == ["2026-11-02", "2026-11-09"]


def test_a_share_exactly_at_the_target_share_meets_the_standard(client, rings) -> None:
    # 19 of 20 within 2 rings against 95%, none past 4.
    items = [call("2026-11-03T12:00:00+09:00", 1) for _ in range(19)] + [call("2026-11-03T12:00:00+09:00", 3)]
    post(client, f"/standards/{rings['id']}/measurements", {"items": items})

    rows = client.get(f"/api/v1/standards/{rings['id']}/compliance?period=all").json()["rows"]

    assert (rows[0]["meeting_target_share"], rows[0]["meets_standard"]) == (0.95, True)


@pytest.mark.parametrize(("query", "field"), [("period=year", "period"), ("group=desk", "group")])
def test_an_unknown_period_or_group_is_named(client, rings, query, field) -> None:
    response = client.get(f"/api/v1/standards/{rings['id']}/compliance?{query}")

    assert response.status_code == 422
    assert fields(response) == [field]


# Access


def test_no_key_is_401(db) -> None:
    assert Client().get("/api/v1/standards").status_code == 401
    assert post(Client(), "/standards", RINGS).status_code == 401


def test_a_key_without_the_scope_is_403(api_client, rings) -> None:
    others = api_client(*sorted(set(SCOPES) - {"standards:read", "standards:write"}))

    assert others.get("/api/v1/standards").status_code == 403
    response = others.get(f"/api/v1/standards/{rings['id']}/compliance")
    assert response.status_code == 403
    assert "standards:read" in response.json()["detail"]


def test_a_read_only_key_reads_but_cannot_write(api_client, rings) -> None:
    reader = api_client("standards:read")
    path = f"/standards/{rings['id']}"

    assert reader.get(f"/api/v1{path}").status_code == 200
    assert post(reader, "/standards", {**RINGS, "code": "greeting"}).status_code == 403
    assert put(reader, path, {**RINGS, "target": 1}).status_code == 403
    response = post(reader, f"{path}/measurements", {"items": CALLS[:1]})
    assert response.status_code == 403
    assert "standards:write" in response.json()["detail"]
    assert Measurement.objects.count() == 0
    assert Standard.objects.count() == 1


def test_an_agent_reads_but_neither_defines_nor_measures(client_as, agent, rings) -> None:
    session = client_as(agent)

    assert session.get(f"/api/v1/standards/{rings['id']}/compliance").status_code == 200
    assert post(session, "/standards", {**RINGS, "code": "greeting"}).status_code == 403
    response = post(session, f"/standards/{rings['id']}/measurements", {"items": CALLS[:1]})
    assert response.status_code == 403
    assert "standards.add_measurements" in response.json()["detail"]


def test_a_service_lead_defines_and_measures(client_as, lead, agent) -> None:
    session = client_as(lead)

    standard = post(session, "/standards", {**RINGS, "code": "greeting"})
    response = post(session, f"/standards/{standard.json()['id']}/measurements", {"items": CALLS[:1]})

    assert standard.status_code == 201
    assert response.status_code == 201
    assert Measurement.objects.get().employee == agent


def test_an_analyst_cannot_measure(client_as, analyst, rings) -> None:
    response = post(client_as(analyst), f"/standards/{rings['id']}/measurements", {"items": CALLS[:1]})

    assert response.status_code == 403
    assert not Measurement.objects.exists()

"""The fuzzer's corpus (issue 19): each request schemathesis found answered against the OpenAPI document,
sent again as it was, with the answer the document now gives. A 422 here is a rule the document states;
a 200 is a request the document allows and the server now gives a meaning; a 409 is a request that is
well formed but meets the data in a state that refuses it (which no document can state)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from patronage.analytics.services import analysis_request
from patronage.core import clock
from patronage.core.apikeys import SCOPES
from patronage.loyalty.models import BenefitGrant, LedgerEntry
from patronage.members.models import ImportJob, Member

from .conftest import give, purchase


@pytest.fixture
def client(db: None, api_client: Any) -> Client:
    return api_client(*SCOPES)


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json")


def refused(response: Any, *fields: str, status: int = 422) -> None:
    assert response.status_code == status, response.content[:500]
    assert [error["field"] for error in response.json()["errors"]] == list(fields)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    from patronage.api.api import api

    return api.get_openapi_schema()


# ---- the document ------------------------------------------------------------------------------------


def test_every_operation_documents_every_problem_it_can_answer(document):
    # ST103: `GET /imports?offset=null&offset=null` answered an undocumented 422.
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert {"401", "403", "404", "413", "422"} <= {
                str(status) for status in operation["responses"]
            }, (
                method,
                path,
            )


def test_every_plain_request_string_refuses_nul_in_the_document(document):
    schemas = document["components"]["schemas"]
    assert schemas["MemberCreateIn"]["properties"]["name"]["pattern"] == "^[^\\u0000]*$"
    assert schemas["StoredJson"]["propertyNames"]["pattern"] == "^[^\\u0000]*$"
    assert schemas["AdjustmentIn"]["properties"]["points"]["not"] == {"const": 0}
    assert schemas["RedemptionIn"]["oneOf"] == [{"required": ["points"]}, {"required": ["reward"]}]


# ---- members -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["external_id", "email", "phone", "card_number"])
def test_an_empty_identity_is_refused_by_its_pattern(client, field):
    # ST202 before: `"external_id": ""` was valid by the document and refused.
    refused(post(client, "/members", {field: "", "name": "Carol"}), field)
    assert not Member.objects.exists()


def test_a_member_without_any_identity_is_refused(client):
    response = post(client, "/members", {})
    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == {
        "email",
        "phone",
        "card_number",
        "external_id",
    }


def test_a_phone_written_with_separators_or_00_is_taken(client):
    response = post(client, "/members", {"phone": "00 82 (10) 1234-5678"})
    assert response.status_code == 201, response.content


def test_a_birth_date_before_1900_is_refused_by_its_pattern(client, alice):
    # ST202 before: "0457-09-26" matched `format: date` and was refused by the bounds.
    response = client.patch(
        f"/api/v1/members/{alice.pk}", {"birth_date": "0457-09-26"}, content_type="application/json"
    )
    refused(response, "birth_date")


@pytest.mark.parametrize("day", ["0", "2021-02-29", "2100-02-29", "20210101", "2021-01-01\n"])
def test_a_date_filter_that_is_not_a_calendar_day_is_refused(client, day):
    # ST201 before: `joined_to=0` was read as 1970-01-01.
    refused(client.get("/api/v1/members", {"joined_to": day}), "joined_to")


def test_a_leap_day_is_a_day(client):
    assert client.get("/api/v1/members", {"joined_to": "2000-02-29"}).status_code == 200


@pytest.mark.parametrize(
    "joined_at", ["2021-02-29T00:00:00Z", "2026-01-01 00:00:00+09:00", "2026-01-01T00:00Z"]
)
def test_a_moment_the_pattern_does_not_state_is_refused(client, joined_at):
    refused(post(client, "/members", {"external_id": "x", "joined_at": joined_at}), "joined_at")


def test_the_first_moment_of_1900_is_taken_in_any_offset(client):
    # The bound is the date and time as written (one pattern states it), not the UTC instant.
    response = post(client, "/members", {"external_id": "x", "joined_at": "1900-01-01T00:00:00+14:00"})
    assert response.status_code == 201, response.content


def test_merging_no_member_is_refused_by_the_bounds(client):
    # ST202 before: ids had no minimum in the document, and 0 was a 404.
    refused(
        post(client, "/members/merge", {"duplicate_id": 0, "survivor_id": 0}), "survivor_id", "duplicate_id"
    )


def test_a_member_id_past_64_bits_is_refused_not_a_server_error(client):
    refused(client.get(f"/api/v1/members/{2**63}"), "member_id")


# ---- loyalty -----------------------------------------------------------------------------------------


def test_a_liability_period_that_ends_where_it_starts_is_empty(client, club):
    # ST202 before: start = end was valid by the document and refused with 422.
    response = client.get(
        f"/api/v1/programs/{club.code}/liability",
        {"start": "2000-01-01T00:00:00Z", "end": "2000-01-01T00:00:00Z"},
    )
    assert response.status_code == 200
    assert (response.json()["earned"], response.json()["adjusted"]) == (0, 0)


def test_an_adjustment_of_zero_points_is_refused_as_the_document_says(client, club, alice):
    body = {"program": club.code, "points": 0, "reason": "x", "idempotency_key": "k"}
    refused(post(client, f"/members/{alice.pk}/adjustments", body), "points")


def test_points_written_as_a_whole_number_with_a_point_are_that_integer(client, club, alice):
    # JSON Schema reads 5.0 as the integer 5; the server does too (5.5 stays refused).
    body = {"program": club.code, "points": 5.0, "reason": "gift", "idempotency_key": "k"}
    assert post(client, f"/members/{alice.pk}/adjustments", body).status_code == 201
    assert LedgerEntry.objects.get().points == 5


def test_a_redemption_with_both_points_and_reward_is_refused(client, club, alice):
    body = {"program": club.code, "points": 1, "reward": "", "idempotency_key": "k"}
    refused(post(client, f"/members/{alice.pk}/redemptions", body), "points", "reward")


def test_a_redemption_of_an_empty_reward_code_finds_no_reward(client, club, alice):
    give(alice, club, 100)
    response = post(
        client,
        f"/members/{alice.pk}/redemptions",
        {"program": club.code, "reward": "", "idempotency_key": "k"},
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"member": ""}, "member"),
        ({"currency": "000"}, "currency"),
        ({"amount": "1.000"}, "amount"),
        ({"amount": " 100"}, "amount"),
        ({"lines": [{"sku": "A", "quantity": "0", "unit_price": "0"}]}, "lines.0.quantity"),
    ],
)
def test_a_purchase_field_outside_its_pattern_is_refused(client, club, alice, frozen, change, field):
    # ST202 before: "currency": "000", "member": "" and a quantity of "0" were valid by the document.
    refused(post(client, "/transactions", {**purchase(alice.pk), **change}), field)


def test_an_amount_sent_as_a_whole_json_number_is_taken(client, club, alice, frozen):
    response = post(client, "/transactions", purchase(alice.pk, amount=10000.0))
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "10000.00"


def test_a_benefit_out_of_its_validity_is_a_conflict(client, alice, alice_grant: BenefitGrant):
    # ST202 before: 422, though the request was well formed and the grant's dates refused it.
    with time_machine.travel(clock.now() + timedelta(days=60), tick=False):
        response = post(
            client, f"/members/{alice.pk}/benefits/{alice_grant.pk}/uses", {"idempotency_key": "u"}
        )
    refused(response, "grant", status=409)


# ---- imports and analytics ---------------------------------------------------------------------------


def test_an_import_of_an_unknown_kind_or_with_nul_in_a_field_is_refused(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    csv = b"external_id,email\nC-1,one@example.com\n"
    unknown = client.post("/api/v1/imports", {"kind": "", "file": SimpleUploadedFile("a.csv", csv)})
    nul = client.post(
        "/api/v1/imports",
        {"kind": "customers", "source": "pos\x00", "file": SimpleUploadedFile("a.csv", csv)},
    )
    refused(unknown, "kind")
    refused(nul, "source")
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("path", "field"), [("/analytics/runs?kind=Postal+code", "kind"), ("/analytics/0/latest", "kind")]
)
def test_an_unknown_analysis_kind_is_refused_by_its_enum(client, path, field):
    refused(client.get(f"/api/v1{path}"), field)


def test_an_analysis_request_states_each_kinds_parameters(client):
    unknown = post(client, "/analytics/runs", {"kind": ""})
    assert unknown.status_code == 422
    assert "kind" in unknown.json()["detail"]
    response = post(client, "/analytics/runs", {"kind": "whatif", "params": {"": True}})
    assert response.status_code == 422
    assert (
        post(client, "/analytics/runs", {"kind": "clv", "params": {"horizon_days": 90.0}}).status_code == 202
    )


def test_a_one_day_analysis_window_is_a_window(client):
    body = {"kind": "clv", "params": {"window_start": "2025-01-01", "window_end": "2025-01-01"}}
    assert post(client, "/analytics/runs", body).status_code == 202


def test_the_what_if_study_takes_an_object_not_a_list(client):
    # ST201 before: `[null, null]` answered 200 with the defaults.
    assert post(client, "/analytics/whatif", [None, None]).status_code == 422
    refused(post(client, "/analytics/whatif", {"customers": "5"}), "customers")


def test_the_export_of_an_unfinished_run_is_a_conflict(client):
    run = analysis_request(kind="clv", params={}, actor=None, enqueue=None)
    refused(client.get(f"/api/v1/analytics/runs/{run.pk}/export"), "run_id", status=409)


def test_the_analysis_parameters_the_api_states_are_the_ones_analytics_checks():
    from patronage.analytics.params import KINDS, SPECS
    from patronage.api.schemas.analytics import PARAMS_BY_KIND

    assert tuple(PARAMS_BY_KIND) == KINDS
    for kind, model in PARAMS_BY_KIND.items():
        assert set(model.model_fields) == set(SPECS[kind]), kind

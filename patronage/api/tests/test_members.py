"""The members endpoints as an integration sees them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from patronage.core.apikeys import SCOPES
from patronage.members.models import Member, MemberStatus
from patronage.members.services import IdentityInput, member_create


@pytest.fixture
def client(db: None, api_client) -> Client:
    """An integration holding every scope."""
    return api_client(*SCOPES)


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/v1{path}", body, content_type="application/json")


def patch(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.patch(f"/api/v1{path}", body, content_type="application/json")


def fields_named(response: Any) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


def make_member(name: str, email: str, **profile: Any) -> Member:
    return member_create(
        actor=None, identities=[IdentityInput("email", email)], profile={"name": name, **profile}
    )


# Creating


def test_it_creates_a_member_with_its_identities_profile_and_consents(client, db):
    response = post(
        client,
        "/members",
        {
            "external_id": "shop-1001",
            "email": " Carol@Example.com ",
            "phone": "+82 10-1234-5678",
            "card_number": "card 9001",
            "name": "Carol Lee",
            "birth_date": "1990-04-01",
            "city": "Busan",
            "country": "kr",
            "preferences": {"newsletter": "weekly"},
            "consents": {"email_marketing": True},
            "source": "shop",
            "joined_at": "2024-03-01T09:30:00+09:00",
        },
    )

    assert response.status_code == 201
    member = response.json()
    assert Member.objects.filter(pk=member["id"]).exists()
    assert member["email"] == "carol@example.com"
    assert member["phone"] == "+821012345678"
    assert member["card_number"] == "CARD9001"
    assert member["external_id"] == "shop-1001"
    assert member["country"] == "KR"
    assert member["consents"] == {"email_marketing": True}
    assert member["status"] == "active"
    assert datetime.fromisoformat(member["joined_at"]) == datetime(2024, 3, 1, 0, 30, tzinfo=UTC)


def test_a_retry_with_the_same_external_id_returns_the_first_member_unchanged(client, db):
    first = post(client, "/members", {"external_id": "pos-77", "name": "Dan", "email": "dan@example.com"})
    retry = post(
        client, "/members", {"external_id": "pos-77", "name": "Daniel", "email": "other@example.com"}
    )

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json()["id"] == first.json()["id"]
    assert retry.json()["name"] == "Dan"
    assert Member.objects.count() == 1


def test_an_email_of_another_member_is_a_conflict_naming_email(client, alice):
    response = post(client, "/members", {"email": "ALICE@example.com", "name": "Impostor"})

    assert response.status_code == 409
    assert fields_named(response) == ["email"]
    assert f"#{alice.pk}" in response.json()["detail"]
    assert Member.objects.count() == 1


def test_a_bad_email_is_refused_naming_email(client, db):
    response = post(client, "/members", {"email": "not-an-address"})

    assert response.status_code == 422
    assert fields_named(response) == ["email"]
    assert Member.objects.count() == 0


def test_every_bad_field_is_named_in_one_answer(client, db):
    """The document's rules are checked together first (an e-mail's pattern); a request meeting them is
    then checked against the rules it cannot state, all of them at once (a zone that exists, a birth date
    not in the future)."""
    response = post(
        client, "/members", {"email": "a@b.co", "time_zone": "Mars/Base", "birth_date": "2090-01-01"}
    )

    assert response.status_code == 422
    assert sorted(fields_named(response)) == ["birth_date", "time_zone"]
    assert Member.objects.count() == 0


def test_a_member_needs_at_least_one_identity(client, db):
    response = post(client, "/members", {"name": "Nobody"})

    assert response.status_code == 422
    assert fields_named(response) == ["email", "phone", "card_number", "external_id"]


def test_a_time_without_time_zone_is_refused_naming_the_field(client, db):
    response = post(client, "/members", {"email": "eve@example.com", "joined_at": "2024-03-01T09:30:00"})

    assert response.status_code == 422
    assert fields_named(response) == ["joined_at"]
    assert "timezone" in response.json()["detail"]


def test_an_unknown_consent_purpose_is_refused_and_nothing_is_created(client, db):
    response = post(client, "/members", {"email": "eve@example.com", "consents": {"telepathy": True}})

    assert response.status_code == 422
    assert "telepathy" in response.json()["detail"]
    assert Member.objects.count() == 0


# Reading and changing


def test_get_answers_with_the_member(client, alice):
    response = client.get(f"/api/v1/members/{alice.pk}")

    assert response.status_code == 200
    assert response.json()["email"] == "alice@example.com"
    assert response.json()["card_number"] == "CARD-0001"


def test_an_unknown_member_is_404_in_the_error_shape(client, db):
    response = client.get("/api/v1/members/999999")

    assert response.status_code == 404
    assert response.json() == {
        "type": "not_found",
        "title": "Not Found",
        "status": 404,
        "detail": "member #999999 does not exist",
        "errors": [{"field": "id", "message": "member #999999 does not exist"}],
    }


def test_patch_changes_only_the_fields_sent(client, alice):
    response = patch(client, f"/members/{alice.pk}", {"city": "Busan", "phone": "010-9999-0000"})

    assert response.status_code == 200
    assert response.json()["city"] == "Busan"
    assert response.json()["phone"] == "+821099990000"  # E.164, read as Korean (PATRONAGE_DEFAULT_REGION)
    assert response.json()["name"] == "Alice Kim"
    assert response.json()["email"] == "alice@example.com"


def test_patch_refuses_an_unknown_field_and_changes_nothing(client, alice):
    response = patch(client, f"/members/{alice.pk}", {"city": "Busan", "shoe_size": 38})

    assert response.status_code == 422
    assert fields_named(response) == ["shoe_size"]
    assert Member.objects.get(pk=alice.pk).city == "Seoul"


def test_patch_refuses_null_for_a_field_that_cannot_be_empty(client, alice):
    response = patch(client, f"/members/{alice.pk}", {"locale": None})

    assert response.status_code == 422
    assert fields_named(response) == ["locale"]


def test_patch_refuses_a_value_longer_than_its_field(client, alice):
    response = patch(client, f"/members/{alice.pk}", {"city": "x" * 101})

    assert response.status_code == 422
    assert fields_named(response) == ["city"]


def test_patch_to_another_members_card_is_a_conflict(client, alice, bob):
    response = patch(client, f"/members/{alice.pk}", {"card_number": "CARD-0002"})

    assert response.status_code == 409
    assert fields_named(response) == ["card_number"]


# Listing and searching


def test_the_list_is_paginated_with_the_total_count(client, db):
    for number in range(5):
        make_member(f"Member {number}", f"m{number}@example.com")

    first_page = client.get("/api/v1/members?limit=2").json()
    last_page = client.get("/api/v1/members?limit=2&offset=4").json()

    assert first_page["count"] == last_page["count"] == 5
    assert [member["name"] for member in first_page["items"]] == ["Member 4", "Member 3"]
    assert [member["name"] for member in last_page["items"]] == ["Member 0"]


def test_the_list_shows_50_by_default(client, db):
    for number in range(51):
        make_member("", f"m{number}@example.com")

    page = client.get("/api/v1/members").json()

    assert (len(page["items"]), page["count"]) == (50, 51)


@pytest.mark.parametrize("limit", ["0", "501", "many"])
def test_a_limit_out_of_range_is_refused_naming_limit(client, db, limit):
    response = client.get(f"/api/v1/members?limit={limit}")

    assert response.status_code == 422
    assert fields_named(response) == ["limit"]


def test_a_page_costs_the_same_queries_however_many_members_it_shows(
    client, db, django_assert_max_num_queries
):
    for number in range(20):
        make_member(f"Member {number}", f"m{number}@example.com", city="Seoul")

    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/members?limit=20")

    assert len(response.json()["items"]) == 20


@pytest.mark.parametrize(
    "query", ["alice@example.com", "ALICE@EXAMPLE.COM", "card-0001", "010 1234 5678", "Alice"]
)
def test_search_finds_a_member_by_any_identity_or_name(client, alice, bob, query):
    patch(client, f"/members/{alice.pk}", {"phone": "010-1234-5678"})

    found = client.get("/api/v1/members", {"q": query}).json()

    assert [member["id"] for member in found["items"]] == [alice.pk]


def test_search_by_hash_id_and_filters(client, alice, bob):
    by_id = client.get("/api/v1/members", {"q": f"#{bob.pk}"}).json()
    by_city = client.get("/api/v1/members", {"city": "osaka"}).json()

    assert [member["id"] for member in by_id["items"]] == [bob.pk]
    assert [member["id"] for member in by_city["items"]] == [bob.pk]


# Timeline


def test_the_timeline_lists_the_members_events_only(client, alice, bob):
    patch(client, f"/members/{alice.pk}", {"city": "Busan"})

    timeline = client.get(f"/api/v1/members/{alice.pk}/timeline").json()

    kinds = [event["kind"] for event in timeline["items"]]
    assert timeline["count"] == len(kinds)
    assert kinds[0] == "profile_changed"
    assert "joined" in kinds
    assert all("Osaka" not in event["summary"] for event in timeline["items"])
    assert {"kind", "label", "occurred_at", "summary", "data", "source_type", "source_id"} == set(
        timeline["items"][0]
    )


def test_the_timeline_filters_by_kind(client, alice):
    timeline = client.get(f"/api/v1/members/{alice.pk}/timeline", {"kind": "joined"}).json()

    assert [event["label"] for event in timeline["items"]] == ["Joined"]


# Consents


def test_consents_are_recorded_and_a_repeat_changes_nothing(client, alice):
    body = {"purpose": "profiling", "granted": True, "evidence": "checkout form v3"}

    first = post(client, f"/members/{alice.pk}/consents", body)
    repeat = post(client, f"/members/{alice.pk}/consents", body)

    assert first.json() == {"changed": True, "consents": {"email_marketing": True, "profiling": True}}
    assert repeat.json()["changed"] is False
    assert alice.consent_events.filter(purpose="profiling", method="api").count() == 1


def test_an_unknown_consent_purpose_is_refused_naming_purpose(client, alice):
    response = post(client, f"/members/{alice.pk}/consents", {"purpose": "telepathy", "granted": True})

    assert response.status_code == 422
    assert fields_named(response) == ["purpose"]


# Privacy


def test_the_export_holds_the_persons_data(client, alice):
    export = client.get(f"/api/v1/members/{alice.pk}/export").json()

    assert export["member"]["name"] == "Alice Kim"
    assert {"kind": "email", "namespace": "", "value": "alice@example.com", "primary": True} in export[
        "identities"
    ]
    assert export["consents"][0]["purpose"] == "email_marketing"


def test_erasure_removes_the_person_and_a_second_erasure_is_harmless(client, alice):
    first = post(client, f"/members/{alice.pk}/erase", {"reason": "request #17"})
    second = post(client, f"/members/{alice.pk}/erase", {"reason": "request #17"})

    assert first.json() == second.json() == {"id": alice.pk, "status": "erased"}
    assert client.get(f"/api/v1/members/{alice.pk}").status_code == 404
    assert client.get("/api/v1/members", {"q": "alice@example.com"}).json()["count"] == 0
    assert Member.objects.get(pk=alice.pk).name == ""


def test_erasure_needs_a_reason(client, alice):
    response = post(client, f"/members/{alice.pk}/erase", {"reason": " "})

    assert response.status_code == 422
    assert fields_named(response) == ["reason"]
    assert Member.objects.get(pk=alice.pk).status == MemberStatus.ACTIVE


# Merging and duplicates


def test_merge_moves_the_duplicates_identities_to_the_survivor(client, alice, bob):
    response = post(client, "/members/merge", {"survivor_id": alice.pk, "duplicate_id": bob.pk})

    assert response.status_code == 200
    assert response.json()["id"] == alice.pk
    found = client.get("/api/v1/members", {"q": "bob@example.com"}).json()
    assert [member["id"] for member in found["items"]] == [alice.pk]


def test_the_merged_members_id_answers_with_the_survivor(client, alice, bob):
    post(client, "/members/merge", {"survivor_id": alice.pk, "duplicate_id": bob.pk})

    response = client.get(f"/api/v1/members/{bob.pk}")

    assert response.json()["id"] == alice.pk


def test_a_repeated_merge_changes_nothing(client, alice, bob):
    post(client, "/members/merge", {"survivor_id": alice.pk, "duplicate_id": bob.pk})

    repeat = post(client, "/members/merge", {"survivor_id": alice.pk, "duplicate_id": bob.pk})

    assert repeat.status_code == 200
    assert repeat.json()["id"] == alice.pk


def test_merging_a_member_into_itself_changes_nothing(client, alice):
    # The document cannot say "two different ids"; one file named twice has nothing to fold (docs/api.md).
    response = post(client, "/members/merge", {"survivor_id": alice.pk, "duplicate_id": alice.pk})

    assert response.status_code == 200
    assert response.json()["id"] == alice.pk
    alice.refresh_from_db()
    assert alice.status == "active"


def test_duplicates_name_both_members_with_a_score_and_the_reasons(client, db):
    first = make_member("Hanako Sato", "hanako.sato@gmail.com", city="Kyoto")
    second = make_member("佐藤 花子", "hanakosato@gmail.com", city="Kyoto")
    make_member("Hanako Sato", "another.hanako@example.com", city="Kyoto")  # a name and a city say too little

    page = client.get("/api/v1/members/duplicates").json()

    assert page["count"] == 1
    assert page["items"][0] == {
        "first": {"id": first.pk, "name": "Hanako Sato"},
        "second": {"id": second.pk, "name": "佐藤 花子"},
        "score": 80,
        "reasons": [
            "e-mails to the same mailbox (hanako.sato@gmail.com / hanakosato@gmail.com)",
            "names match across scripts (Hanako Sato / 佐藤 花子)",
            "same city",
        ],
        "doubts": [],
    }


def test_changes_made_with_an_api_key_are_audited_under_the_key(api_client, db):
    from patronage.core.models import AuditEntry

    client = api_client("members:write")
    response = client.post(
        "/api/v1/members",
        {"external_id": "POS-77", "email": "audit@example.com"},
        content_type="application/json",
    )
    assert response.status_code == 201
    entry = AuditEntry.objects.get(action="member.created")
    assert entry.actor_label.startswith("apikey:")
    assert "test integration" in entry.actor_label

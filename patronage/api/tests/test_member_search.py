"""`GET /members?q=` finds a person however they are typed (members/tests/search_cast.py), and nobody else."""

from __future__ import annotations

import pytest

from patronage.members.tests.search_cast import CASES, cast


@pytest.fixture
def client(db, api_client):
    return api_client("members:read")


@pytest.mark.parametrize(("query", "who"), CASES)
def test_the_search_finds_a_person_however_they_are_typed_and_nobody_else(client, query, who):
    people = cast()

    found = client.get("/api/v1/members", {"q": query}).json()

    assert [member["id"] for member in found["items"]] == [people[who].pk]


def test_a_phone_is_shown_in_e164_and_found_in_the_form_it_was_typed(client):
    people = cast()

    found = client.get("/api/v1/members", {"q": "090 1234 5678"}).json()

    assert found["items"][0]["phone"] == "+819012345678"
    assert found["items"][0]["id"] == people["haruto"].pk

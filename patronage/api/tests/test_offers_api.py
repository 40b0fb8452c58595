"""A member's next-best offers as a till or an app reads them: best first, each with why in words, names
in the language asked; shown offers recorded once a day; who may ask (decision 0032)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from patronage.segments.models import OfferExposure
from patronage.segments.tests.offers_world import shop_with_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(alice):
    return shop_with_members(alice)


def url(member_id: int, query: str = "") -> str:
    return f"/api/v1/members/{member_id}/next-offers{query}"


def test_the_offers_come_best_first_with_their_reason(shop, alice, api_client: Callable[..., Client]):
    response = api_client("segments:read").get(url(alice.pk), headers={"Accept-Language": "ko"})

    assert response.status_code == 200, response.json()
    offers = response.json()
    assert len(offers) == 3
    assert [o["score"] for o in offers] == sorted((o["score"] for o in offers), reverse=True)
    apron = next(o for o in offers if o["kind"] == "reward")
    assert apron == {
        "kind": "reward",
        "id": shop.apron.pk,
        "code": "apron",
        "name": "리넨 앞치마",
        "program": "club",
        "score": apron["score"],
        "explanation": apron["explanation"],
    }
    assert "4" in apron["explanation"]
    assert not OfferExposure.objects.exists()  # read, not shown


def test_shown_records_each_offer_once_a_day(shop, alice, api_client):
    client = api_client("segments:read")
    client.get(url(alice.pk, "?shown=true&top=2"))
    client.get(url(alice.pk, "?shown=true&top=2"))

    assert OfferExposure.objects.filter(member=alice).count() == 2


def test_an_unknown_member_is_404(db, api_client):
    response = api_client("segments:read").get(url(999_999))

    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "id"


@pytest.mark.parametrize("query", ["?top=0", "?top=21", "?top=three", "?shown=maybe"])
def test_a_bad_query_is_422_naming_the_field(alice, api_client, query):
    response = api_client("segments:read").get(url(alice.pk, query))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].endswith(query[1:].split("=")[0])


def test_it_needs_the_segments_read_scope(alice, api_client):
    assert Client().get(url(alice.pk)).status_code == 401
    response = api_client("members:read", "segments:write").get(url(alice.pk))
    assert response.status_code == 403
    assert "segments:read" in response.json()["detail"]


def test_a_members_session_is_no_credentials_and_staff_need_the_right(alice, agent, analyst, client_as):
    assert client_as(alice.user).get(url(alice.pk)).status_code == 401
    assert client_as(agent).get(url(alice.pk)).status_code == 403
    assert client_as(analyst).get(url(alice.pk)).status_code == 200

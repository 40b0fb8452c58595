from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patronage.members.models import Member
from patronage.members.services import IdentityInput, identity_add, member_create, member_tags_set
from patronage.members.tests.search_cast import CASES, cast

from .conftest import page_text


def _search(client, **params):
    return client.get(reverse("console:customers"), params)


def test_the_list_shows_name_email_card_city_and_source(client_as, agent, alice):
    text = page_text(_search(client_as(agent)))
    assert "Alice Kim" in text
    assert "alice@example.com CARD-0001 Seoul portal" in text
    assert "Active" in text


@pytest.mark.parametrize(
    "search", ["alice@example.com", "ALICE@example.com ", "card-0001", "010-9876-5432", "Alice", "#{id}"]
)
def test_search_finds_the_customer_by_any_identity_name_or_id(client_as, agent, admin, alice, bob, search):
    identity_add(member=alice, actor=admin, kind="phone", value="010-9876-5432")
    text = page_text(_search(client_as(agent), q=search.format(id=alice.pk)))
    assert "Alice Kim" in text
    assert "Bob Tanaka" not in text


def test_a_search_from_htmx_returns_only_the_results(client_as, agent, alice, bob):
    response = client_as(agent).get(
        reverse("console:customers"), {"q": "bob@example.com"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "Bob Tanaka" in html
    assert "Alice Kim" not in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_the_full_page_wires_the_live_search(client_as, agent):
    html = _search(client_as(agent)).content.decode()
    assert 'hx-trigger="input changed delay:300ms, search"' in html
    assert 'id="results"' in html


def test_filters_narrow_the_list(client_as, agent, admin, alice, bob):
    member_tags_set(member=bob, actor=admin, names=["VIP"])
    client = client_as(agent)
    assert "Alice Kim" not in page_text(_search(client, city="Osaka"))
    by_tag = page_text(_search(client, tag="vip"))
    assert "Bob Tanaka" in by_tag
    assert "Alice Kim" not in by_tag
    assert "No customer matches" in page_text(_search(client, source="store"))
    assert "No customer matches" in page_text(_search(client, joined_to="2000-01-01"))
    assert "Alice Kim" in page_text(_search(client, joined_from="2000-01-01", status="all"))


def test_erased_customers_are_listed_only_when_asked_for(client_as, agent, admin, alice):
    from patronage.members.services import member_erase

    member_erase(member=alice, actor=admin, reason="DSR-9")
    client = client_as(agent)
    assert f"#{alice.pk}" not in page_text(_search(client))
    erased = page_text(_search(client, status="erased"))
    assert f"#{alice.pk}" in erased
    assert "Alice" not in erased


def test_the_list_pages_by_fifty_with_a_fixed_number_of_queries(client_as, agent):
    for number in range(60):
        member_create(
            actor=None,
            identities=[
                IdentityInput("email", f"m{number}@example.com"),
                IdentityInput("card", f"C-{number:04}"),
            ],
            profile={"name": f"Member {number:02}"},
        )
    client = client_as(agent)
    with CaptureQueriesContext(connection) as queries:
        first = _search(client)
    assert first.context["page"].paginator.num_pages == 2
    assert len(first.context["rows"]) == 50
    # The session, the user, their permissions (2) and groups; the pickers' programs, tiers, cities and tags;
    # the count, the page's ids, its rows with their tier, points and last purchase, their identities; the
    # business's clock (read at most once every few seconds); the navigation's count of breached cases (at
    # most once a minute).
    assert len(queries) <= 15  # never one per row
    second = page_text(_search(client, page=2))
    assert "Member 00" in second
    assert "m0@example.com" in second
    assert Member.objects.count() == 60


# Search that finds people (members/tests/search_cast.py lists the ways of typing them)


@pytest.mark.parametrize(("query", "who"), CASES)
def test_the_search_finds_a_person_however_they_are_typed_and_nobody_else(client_as, agent, query, who):
    people = cast()
    html = client_as(agent).get(reverse("console:customers"), {"q": query}, HTTP_HX_REQUEST="true")
    links = {key: reverse("console:customer", args=[member.pk]) for key, member in people.items()}
    found = {key for key, link in links.items() if f'href="{link}"' in html.content.decode()}
    assert found == {who}

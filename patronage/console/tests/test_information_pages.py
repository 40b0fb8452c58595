"""The information pages: a program manager adds a topic, writes an item in two languages for it, reads its
reach (how many members it fits, how many get digests, how many it was sent to), changes it and retires it;
a bad field is marked on its input. An analyst reads it all and writes nothing; nobody without the right to
see segments sees any of it, and a customer's login never reaches it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from patronage.conftest import business_set
from patronage.members.models import ConsentMethod
from patronage.members.services import IdentityInput, member_create
from patronage.segments.information_services import (
    InformationInput,
    TopicInput,
    information_digests_send,
    information_item_create,
    information_topic_create,
    member_interests_set,
)
from patronage.segments.models import InformationItem, InformationTopic

from .conftest import page_text

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=SEOUL)


@pytest.fixture(autouse=True)
def _clock() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pans(db: None) -> InformationItem:
    business_set(time_zone="Asia/Seoul", languages=["en", "ko"])
    information_topic_create(data=TopicInput("kitchen", "Kitchen", {"ko": "주방"}), actor=None)
    return information_item_create(
        data=InformationInput(
            code="new-pans",
            kind="product",
            title="New pans",
            title_translations={"ko": "새 프라이팬"},
            body="Our new pans arrived.",
            published_at=datetime(2026, 12, 6, 9, 0, tzinfo=SEOUL),
            topics=["kitchen"],
        ),
        actor=None,
    )


def _form_post(**extra: str) -> dict[str, Any]:
    return {
        "code": "knives",
        "kind": "news",
        "title": "Knife care",
        "body": "Hone before every use.",
        "topics": ["kitchen"],
        "published_at": "2026-12-08T09:00",
        **extra,
    }


def _pages(item: InformationItem) -> list[tuple[str, str, dict[str, Any]]]:
    """Every page and action; the first three only read."""
    code = item.code
    return [
        ("get", reverse("console:information_list"), {}),
        ("get", reverse("console:information_detail", args=[code]), {}),
        ("get", reverse("console:information_topics"), {}),
        ("get", reverse("console:information_new"), {}),
        ("post", reverse("console:information_new"), _form_post()),
        ("get", reverse("console:information_edit", args=[code]), {}),
        ("post", reverse("console:information_edit", args=[code]), _form_post(title="Changed")),
        ("post", reverse("console:information_topics"), {"code": "wine", "name": "Wine"}),
        ("post", reverse("console:information_retire", args=[code]), {}),
    ]


def _unchanged(item: InformationItem) -> None:
    item.refresh_from_db()
    assert (item.title, item.retired_at) == ("New pans", None)
    assert not InformationItem.objects.filter(code="knives").exists()
    assert not InformationTopic.objects.filter(code="wine").exists()


# --- who may open what -------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_console_login(client, pans):
    for method, url, data in _pages(pans):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("console:login")), url
    _unchanged(pans)


def test_a_customers_login_and_staff_without_the_right_to_see_segments_are_refused(
    client_as, pans, alice, agent
):
    for user in (alice.user, agent):
        client = client_as(user)
        for method, url, data in _pages(pans):
            assert getattr(client, method)(url, data).status_code == 403, (user, url)
    _unchanged(pans)


def test_an_analyst_reads_information_but_writes_nothing(client_as, analyst, pans):
    client = client_as(analyst)
    pages = _pages(pans)
    for method, url, data in pages[:3]:
        assert getattr(client, method)(url, data).status_code == 200, url
    for method, url, data in pages[3:]:
        assert getattr(client, method)(url, data).status_code == 403, url
    _unchanged(pans)
    assert "Edit" not in page_text(client.get(reverse("console:information_detail", args=[pans.code])))
    assert "New topic" not in page_text(client.get(reverse("console:information_topics")))


def test_the_navigation_shows_information_next_to_campaigns(client_as, analyst, agent):
    link = f'href="{reverse("console:information_list")}"'
    home = client_as(analyst).get(reverse("console:home")).content.decode()
    assert link in home
    assert home.index(reverse("console:campaign_list")) < home.index(link)
    assert link not in client_as(agent).get(reverse("console:home")).content.decode()


# --- writing -----------------------------------------------------------------------------------------------


def test_a_manager_adds_a_topic_and_writes_an_item_in_each_language(client_as, manager, pans):
    client = client_as(manager)
    topic = client.post(
        reverse("console:information_topics"), {"code": "wine", "name": "Wine", "name_in_ko": "와인"}
    )
    assert topic.status_code == 302
    assert InformationTopic.objects.get(code="wine").name_translations == {"ko": "와인"}
    form = page_text(client.get(reverse("console:information_new")))
    assert "Title (한국어)" in form
    assert "Wine" in form

    response = client.post(
        reverse("console:information_new"),
        _form_post(title_in_ko="칼 관리", topics=["kitchen", "wine"], expires_at="2027-01-31T18:00"),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("console:information_detail", args=["knives"])
    item = InformationItem.objects.get(code="knives")
    assert item.title_translations == {"ko": "칼 관리"}
    assert sorted(topic.code for topic in item.topics.all()) == ["kitchen", "wine"]
    # Typed on the business's clock.
    assert item.published_at == datetime(2026, 12, 8, 9, 0, tzinfo=SEOUL)
    listed = page_text(client.get(reverse("console:information_list")))
    assert "Knife care News Kitchen, Wine" in listed
    assert "Scheduled" in listed


def test_a_bad_field_is_marked_on_its_input_and_nothing_is_saved(client_as, manager, pans):
    client = client_as(manager)

    no_topic = client.post(reverse("console:information_new"), _form_post(topics=[]))
    bad_code = client.post(reverse("console:information_new"), _form_post(code="Knife Care!"))
    early_end = client.post(reverse("console:information_new"), _form_post(expires_at="2026-12-01T09:00"))
    topic_twice = client.post(reverse("console:information_topics"), {"code": "kitchen", "name": "Again"})

    assert no_topic.status_code == 400
    assert 'aria-invalid="true"' in no_topic.content.decode()
    assert bad_code.status_code == 422
    assert "use up to 32 lower-case letters" in page_text(bad_code)
    assert 'value="Knife care"' in bad_code.content.decode()  # the form comes back as sent
    assert early_end.status_code == 422
    assert "must be after the publication" in page_text(early_end)
    assert topic_twice.status_code == 409
    assert "a topic with the code 'kitchen' exists" in page_text(topic_twice)
    assert not InformationItem.objects.filter(code="knives").exists()


def test_the_items_page_shows_its_reach_and_a_manager_changes_and_retires_it(client_as, manager, pans):
    readers = [
        member_create(
            actor=None,
            identities=[IdentityInput("email", f"r{n}@example.com")],
            profile={"name": f"Reader {n}"},
            consents={"email_marketing": n < 2},
            consent_method=ConsentMethod.PORTAL,
            source="api",
        )
        for n in range(3)
    ]
    for reader in readers:
        member_interests_set(member=reader, topics=["kitchen"], frequency="weekly")
    information_digests_send()
    client = client_as(manager)

    text = page_text(client.get(reverse("console:information_detail", args=[pans.code])))

    assert "Members it fits 3" in text
    assert "Of them, receiving digests 2" in text
    assert "Sent to 2" in text
    changed = client.post(
        reverse("console:information_edit", args=[pans.code]), _form_post(title="Pans, again")
    )
    assert changed.status_code == 302
    pans.refresh_from_db()
    assert (pans.code, pans.title) == ("new-pans", "Pans, again")
    client.post(reverse("console:information_retire", args=[pans.code]))
    pans.refresh_from_db()
    assert pans.retired_at is not None
    assert "Retired" in page_text(client.get(reverse("console:information_list")))

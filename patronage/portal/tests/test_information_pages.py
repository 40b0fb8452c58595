"""The member's information pages: Alice chooses her topics and a weekly digest (told what the digest needs
when she has not agreed to marketing e-mail), and reads the items that fit her, newest first, in her
language. She sees and changes only her own choices; visitors and staff are kept out."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from patronage.conftest import business_set
from patronage.members.models import ConsentMethod, Member
from patronage.members.services import consent_set
from patronage.segments.information_selectors import member_digest_preference, member_topics
from patronage.segments.information_services import (
    InformationInput,
    TopicInput,
    information_item_create,
    information_topic_create,
    member_interests_set,
)

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=SEOUL)
PAGES = ("portal:interests", "portal:information")


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


@pytest.fixture(autouse=True)
def _clock() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def items(db: None) -> None:
    business_set(time_zone="Asia/Seoul", languages=["en", "ko"])
    information_topic_create(data=TopicInput("kitchen", "Kitchen", {"ko": "주방"}), actor=None)
    information_topic_create(data=TopicInput("wine", "Wine", {"ko": "와인"}), actor=None)
    for code, topic, days, title, korean in (
        ("pans", "kitchen", 2, "New pans", "새 프라이팬"),
        ("knives", "kitchen", 1, "Knife care", ""),
        ("vintage", "wine", 1, "A new vintage", "새 빈티지"),
        ("future", "kitchen", -1, "Not yet", ""),
    ):
        information_item_create(
            data=InformationInput(
                code=code,
                kind="news",
                title=title,
                title_translations={"ko": korean} if korean else {},
                body=f"About {code}.",
                published_at=NOW - timedelta(days=days),
                topics=[topic],
            ),
            actor=None,
        )


def member_client(member: Member) -> Client:
    client = Client()
    assert member.user is not None
    client.force_login(member.user)
    return client


# --- who may open what -------------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", PAGES)
def test_anonymous_visitors_are_sent_to_the_login(db, url_name):
    response = Client().get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('portal:login')}?next={reverse(url_name)}"


@pytest.mark.parametrize("url_name", PAGES)
def test_a_staff_session_gets_the_members_only_page(agent, client_as, url_name):
    assert client_as(agent).get(reverse(url_name)).status_code == 403
    assert client_as(agent).post(reverse("portal:interests"), {"frequency": "weekly"}).status_code == 403


def test_a_member_sees_and_changes_only_their_own_interests(items, alice, bob):
    member_interests_set(member=bob, topics=["wine"], frequency="monthly")
    client = member_client(alice)

    page = client.get(reverse("portal:interests")).content.decode()
    checked = [
        re.search(r'value="([^"]*)"', tag).group(1) for tag in re.findall(r"<input[^>]*checked[^>]*>", page)
    ]
    assert checked == ["never"]  # Alice's own default, not Bob's wine and monthly
    client.post(reverse("portal:interests"), {"topics": ["kitchen"], "frequency": "weekly"})

    assert [topic.code for topic in member_topics(member=alice)] == ["kitchen"]
    assert [topic.code for topic in member_topics(member=bob)] == ["wine"]
    assert member_digest_preference(member=bob).frequency == "monthly"


# --- my interests ------------------------------------------------------------------------------------------


def test_choosing_topics_and_a_weekly_digest(items, alice):
    client = member_client(alice)
    response = client.post(
        reverse("portal:interests"), {"topics": ["kitchen", "wine"], "frequency": "weekly"}
    )

    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Your choices are saved" in text(page)
    assert "A digest needs your agreement" not in text(page)  # Alice agreed to marketing e-mail
    assert [topic.code for topic in member_topics(member=alice)] == ["kitchen", "wine"]
    assert member_digest_preference(member=alice).frequency == "weekly"


def test_without_consent_the_page_says_so_and_links_to_the_consents(items, alice):
    consent_set(
        member=alice, actor=None, purpose="email_marketing", granted=False, method=ConsentMethod.PORTAL
    )
    page = member_client(alice).get(reverse("portal:interests"))

    assert "A digest needs your agreement to marketing by e-mail" in text(page)
    assert f'href="{reverse("portal:consents")}"' in page.content.decode()


def test_a_bad_choice_is_refused_on_its_field_and_changes_nothing(items, alice):
    response = member_client(alice).post(
        reverse("portal:interests"), {"topics": ["golf"], "frequency": "daily"}
    )

    assert response.status_code == 400
    assert "Select a valid choice" in text(response)
    assert member_digest_preference(member=alice) is None
    assert member_topics(member=alice) == []


def test_the_topics_are_in_the_members_language(items, alice):
    page = member_client(alice).get(reverse("portal:interests"), HTTP_ACCEPT_LANGUAGE="ko")
    assert "주방" in text(page)


# --- information -------------------------------------------------------------------------------------------


def test_the_information_page_shows_what_fits_newest_first(items, alice):
    client = member_client(alice)
    everything = text(client.get(reverse("portal:information")))
    assert everything.index("Knife care") < everything.index("New pans")
    assert "A new vintage" in everything  # no topic chosen yet: everything live
    assert "Not yet" not in everything

    member_interests_set(member=alice, topics=["kitchen"], frequency="never")
    mine = text(client.get(reverse("portal:information")))

    assert "A new vintage" not in mine
    assert "Knife care" in mine


def test_the_information_page_is_in_the_members_language_else_the_main_one(items, alice):
    page = text(member_client(alice).get(reverse("portal:information"), HTTP_ACCEPT_LANGUAGE="ko"))
    assert "새 프라이팬" in page
    assert "Knife care" in page  # no Korean title: the main language's


def test_the_navigation_links_both_pages(items, alice):
    page = member_client(alice).get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("portal:interests")}"' in page
    assert f'href="{reverse("portal:information")}"' in page

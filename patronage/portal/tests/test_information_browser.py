"""A member on a phone, in Chromium: chooses her topics and a weekly digest (told first that the digest needs
her consent to marketing e-mail), then reads the information that fits her. Takes the guide's picture of
the interests page (information-portal-phone)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from patronage.conftest import MEMBER_PASSWORD
from patronage.core import clock
from patronage.members.models import ConsentMethod
from patronage.members.services import consent_set
from patronage.segments.information_selectors import member_digest_preference, member_topics
from patronage.segments.information_services import (
    InformationInput,
    TopicInput,
    information_item_create,
    information_topic_create,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# The height of every choice a thumb presses.
HEIGHTS = """() => [...document.querySelectorAll('.interests .choices label')]
  .map((el) => el.getBoundingClientRect().height)"""


def _fits_a_phone(page: Any) -> None:
    scroll_width, window_width = page.evaluate(WIDTH)
    assert scroll_width <= window_width, f"{page.url} is {scroll_width} px wide at {window_width} px"


def test_a_member_chooses_her_interests_and_reads_her_information_on_a_phone(browser_page, screenshot, alice):
    for code, name in (("kitchen", "Kitchen"), ("wine", "Wine"), ("care", "Product care")):
        information_topic_create(data=TopicInput(code, name), actor=None)
    for code, topic, title in (
        ("pans", "kitchen", "Our new pans are here"),
        ("vintage", "wine", "A new vintage"),
    ):
        information_item_create(
            data=InformationInput(
                code=code,
                kind="product",
                title=title,
                body="Five sizes, all induction-ready.",
                published_at=clock.now() - timedelta(hours=1),
                topics=[topic],
            ),
            actor=None,
        )
    consent_set(
        member=alice, actor=None, purpose="email_marketing", granted=False, method=ConsentMethod.PORTAL
    )
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto("/portal/login/")
    page.fill("input[name=username]", "alice@example.com")
    page.fill("input[name=password]", MEMBER_PASSWORD)
    page.click("main button:has-text('Log in')")
    page.wait_for_url("**/portal/")

    page.goto("/portal/interests/")
    assert "A digest needs your agreement to marketing by e-mail" in page.inner_text("#consent-needed")
    page.get_by_label("Kitchen").check()
    page.get_by_label("Every week").check()
    _fits_a_phone(page)
    assert min(page.evaluate(HEIGHTS)) >= 44  # a thumb's target
    screenshot(page, "information-portal-phone")
    page.click("#interests-save")
    page.wait_for_selector("text=Your choices are saved.")

    assert [topic.code for topic in member_topics(member=alice)] == ["kitchen"]
    assert member_digest_preference(member=alice).frequency == "weekly"
    page.click("#consent-needed a")
    page.wait_for_url("**/portal/consents/")

    page.goto("/portal/information/")
    items = page.inner_text("#information-items")
    assert "Our new pans are here" in items
    assert "A new vintage" not in items
    _fits_a_phone(page)

"""A program manager in Chromium writes an information item for a topic, in English and Korean, and reads
its page with its reach. Takes the guide's picture of the item's page (information-console)."""

from __future__ import annotations

import pytest

from patronage.conftest import business_set, console_sign_in
from patronage.members.models import ConsentMethod
from patronage.members.services import IdentityInput, member_create
from patronage.segments.information_services import TopicInput, information_topic_create, member_interests_set
from patronage.segments.models import InformationItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_writes_an_item_and_reads_its_reach(browser_page, screenshot, manager):
    business_set(time_zone="Asia/Seoul", languages=["en", "ko"])
    information_topic_create(data=TopicInput("kitchen", "Kitchen", {"ko": "주방"}), actor=None)
    for n in range(3):
        reader = member_create(
            actor=None,
            identities=[IdentityInput("email", f"reader{n}@example.com")],
            profile={"name": f"Reader {n}"},
            consents={"email_marketing": n > 0},
            consent_method=ConsentMethod.PORTAL,
            source="api",
        )
        member_interests_set(member=reader, topics=["kitchen"], frequency="weekly")
    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, manager)

    page.click("nav >> text=Information")
    page.click("#new-information")
    page.fill("#information_code", "new-pans")
    page.select_option("#information_kind", "product")
    page.fill("#information_title", "Our new pans are here")
    page.fill("#information_title_in_ko", "새 프라이팬이 왔어요")
    page.fill("#information_body", "Five sizes, all induction-ready.")
    page.get_by_label("Kitchen").check()
    page.fill("#information_published_at", "2026-12-07T09:00")
    page.click("#information-save")

    page.wait_for_url("**/console/information/items/new-pans/")
    assert page.inner_text("#reach-fits") == "3"
    assert page.inner_text("#reach-subscribed") == "2"
    assert page.inner_text("#reach-sent") == "0"
    assert InformationItem.objects.get(code="new-pans").title_translations == {"ko": "새 프라이팬이 왔어요"}
    screenshot(page, "information-console")

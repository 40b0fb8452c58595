"""My offers on a phone, in Chromium: Alice logs in, opens My offers from the nav and reads why each offer
was picked; the page fits 390 px. Takes the guide's picture."""

from __future__ import annotations

import pytest

from patronage.conftest import MEMBER_PASSWORD
from patronage.segments.models import OfferExposure
from patronage.segments.tests.offers_world import shop_with_members

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def test_a_member_reads_her_offers_on_a_phone(alice, browser_page, screenshot):
    shop_with_members(alice)
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto("/portal/login/")
    page.fill("input[name=username]", "alice@example.com")
    page.fill("input[name=password]", MEMBER_PASSWORD)
    page.click("main button:has-text('Log in')")
    page.wait_for_url("**/portal/")

    page.goto("/portal/offers/")
    assert page.locator("section.offer").count() == 3
    assert "Bought Kitchen items 4 times" in page.inner_text("main")
    scroll_width, window_width = page.evaluate(WIDTH)
    assert scroll_width <= window_width, f"{scroll_width} px wide at {window_width} px"
    screenshot(page, "offers-portal-phone")
    assert OfferExposure.objects.filter(member=alice).count() == 3

    page.click("section.offer[data-kind=reward] a.button")
    page.wait_for_url("**/portal/rewards/club/apron/")
    assert "Linen apron" in page.inner_text("main")

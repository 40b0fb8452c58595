"""A member registers for a club event on a phone, in Chromium: Alice opens Events from the menu, registers
for the tasting, and the page says she is registered and offers to cancel. Takes the guide's picture."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from patronage.conftest import MEMBER_PASSWORD
from patronage.core import clock
from patronage.segments.event_services import ClubEventInput, club_event_create
from patronage.segments.models import Registration, RegistrationStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_member_registers_for_an_event_on_a_phone(alice, browser_page, screenshot):
    start = clock.now() + timedelta(days=10)
    club_event_create(
        data=ClubEventInput(
            code="pan-tasting",
            name="New pans tasting",
            description="Cook with our new pans alongside our chef.",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=12,
            place="Hanbit Gangnam flagship",
        ),
        actor=None,
    )
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto("/portal/login/")
    page.fill("input[name=username]", "alice@example.com")
    page.fill("input[name=password]", MEMBER_PASSWORD)
    page.click("main button:has-text('Log in')")
    page.wait_for_url("**/portal/")

    page.click("label.nav-toggle-label")
    page.click("nav.mainnav a:has-text('Events')")
    page.wait_for_url("**/portal/events/")
    card = page.locator("li[data-event=pan-tasting]")
    expect(card).to_contain_text("12 seats left.")
    button = card.locator("button:has-text('Register')")
    box = button.bounding_box()
    assert box is not None
    assert box["height"] >= 44  # a thumb's target
    button.click()

    page.wait_for_url("**/portal/events/")
    expect(page.locator(".messages")).to_contain_text("You are registered.")
    expect(card).to_contain_text("You are registered.")
    expect(card.locator("button")).to_have_text("Cancel my registration")
    screenshot(page, "events-portal-phone")
    assert Registration.objects.get(member=alice).status == RegistrationStatus.REGISTERED

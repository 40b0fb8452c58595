"""A program manager's path through the loyalty console in Chromium: try the earn rules in the simulator,
create a Gold tier, and see a customer move up to it. Takes the loyalty guide's pictures."""

from decimal import Decimal

import pytest

from patronage.conftest import console_sign_in
from patronage.loyalty import services

from .loyalty_setup import catalogue_make, program_make, purchase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def club(alice):
    """The Hanbit Club with two earn rules, a Member tier, a benefit and a reward; Alice earned 500 points."""
    program = program_make()
    catalogue_make(program)
    services.tier_save(
        program=program, code="silver", name="Silver", rank=1, threshold=Decimal(300), actor=None
    )
    purchase(program, alice, "500000", "till-1")
    return program


def test_a_manager_creates_a_gold_tier_and_sees_a_member_move_up(
    browser_page, screenshot, manager, alice, club
):
    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, manager)

    page.click("nav.mainnav a:has-text('Loyalty')")
    page.wait_for_url("**/console/loyalty/")
    screenshot(page, "console-loyalty-programs")
    page.click("main a:has-text('Hanbit Club')")
    page.click("main nav a:has-text('Earn rules')")
    page.wait_for_selector("#rules")

    page.fill("#id_amount", "55000")
    page.fill("#id_tax", "5000")
    page.fill("#id_channel", "app")
    page.fill("#id_member", "alice@example.com")
    page.click("#simulator button:has-text('Simulate')")
    page.wait_for_selector("#simulation-total")
    assert page.inner_text("#simulation-total") == "100 points"
    result = page.inner_text("#simulation-rules")
    assert "x2 on the 50 points earned before it" in result
    page.evaluate("document.querySelector('#simulation').scrollIntoView({block: 'end'})")
    screenshot(page, "console-loyalty-rules")

    page.click("main nav a:has-text('Tiers')")
    page.fill("#id_code", "gold")
    page.fill("#id_name", "Gold")
    page.fill("#id_rank", "2")
    page.fill("#id_threshold", "505")
    page.click("#tier-form button:has-text('Save tier')")
    page.wait_for_selector("text=Tier Gold saved.")
    assert "Gold" in page.inner_text("#tiers")
    screenshot(page, "console-loyalty-tiers")

    page.goto(f"/console/customers/{alice.pk}/")
    page.click("main nav a:has-text('Loyalty')")
    page.wait_for_selector("#current-tier")
    assert page.inner_text("#current-tier") == "Silver"
    assert "5 more points to reach Gold" in page.inner_text("#tier-progress")

    purchase(club, alice, "12000", "till-2")  # the till sends the next purchase: 12 points
    page.reload()
    assert page.inner_text("#current-tier") == "Gold"
    history = page.inner_text("#tier-history")
    assert "Silver\tGold" in history
    assert "reached Gold" in history
    page.evaluate("document.querySelector('#tier').scrollIntoView()")
    screenshot(page, "console-loyalty-member")

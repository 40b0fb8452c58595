"""A program manager's path through the loyalty console in Chromium: try the earn rules in the simulator,
create a Gold tier, and see a customer move up to it; set up a bonus campaign in the rule form. Takes the
loyalty guide's pictures."""

from decimal import Decimal

import pytest

from patronage.commerce.models import Product
from patronage.conftest import console_sign_in
from patronage.loyalty import services
from patronage.loyalty.models import EarnRule

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
    assert "2× points on purchases through app" in page.inner_text("#rules")
    page.set_viewport_size({"width": 1280, "height": 1500})  # the rules in words and the simulation
    page.evaluate("document.querySelector('#simulation').scrollIntoView({block: 'end'})")
    screenshot(page, "console-loyalty-rules")
    page.set_viewport_size({"width": 1280, "height": 860})

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


def test_a_manager_sets_up_a_bonus_campaign_without_typing_json(browser_page, screenshot, manager):
    from playwright.sync_api import expect

    catalogue_make(program_make())
    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, manager)
    page.goto("/console/loyalty/hanbit/rules/")
    page.click("main a:has-text('Add a rule')")
    page.wait_for_selector("#rule-form")
    # Only the chosen kind's settings are shown, and of those only the chosen way of earning.
    expect(page.locator("#id_spend-points")).to_be_visible()
    expect(page.locator("#id_campaign-multiplier")).to_be_hidden()

    page.fill("#id_code", "double-days")
    page.fill("#id_name", "Double points days")
    page.select_option("#id_kind", "campaign")
    expect(page.locator("#id_spend-points")).to_be_hidden()
    expect(page.locator("#id_campaign-multiplier")).to_be_visible()
    expect(page.locator("#id_campaign-bonus")).to_be_hidden()
    page.check("#id_campaign-earn_by_2")  # a bonus on each purchase
    expect(page.locator("#id_campaign-bonus")).to_be_visible()
    expect(page.locator("#id_campaign-multiplier")).to_be_hidden()
    page.check("#id_campaign-earn_by_0")  # no: multiply what the rules before it earned
    page.fill("#id_campaign-multiplier", "2")
    page.fill("#id_campaign-min_spend", "30000")
    page.fill("#id_priority", "50")
    page.fill("#id_active_from", "2026-11-20T00:00")
    page.fill("#id_active_to", "2026-11-23T00:00")
    page.locator("#id_active_to").blur()
    page.set_viewport_size({"width": 1280, "height": 1360})  # the whole campaign, dates included
    page.evaluate("document.querySelector('#rule-form').scrollIntoView({block: 'start'})")
    screenshot(page, "console-loyalty-rule-form")

    page.click("#rule-form button:has-text('Save rule')")
    page.wait_for_selector("text=Earn rule double-days saved.")
    row = page.locator("#rules tr", has_text="Double points days")
    assert "2× points on purchases of 30,000 KRW or more" in row.inner_text()
    assert EarnRule.objects.get(code="double-days").params == {"multiplier": "2", "min_spend": "30000"}


def test_a_long_list_of_products_is_found_by_typing_a_few_letters(browser_page, manager):
    catalogue_make(program_make())
    for sku, name in (("TEA-01", "Green tea"), ("TEA-02", "Barley tea"), ("CUP-01", "Travel cup")):
        Product.objects.create(sku=sku, name=name)
    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, manager)
    page.goto("/console/loyalty/hanbit/rules/new/")
    page.select_option("#id_kind", "product")
    page.fill("[aria-controls='id_product-skus']", "tea")
    shown = page.eval_on_selector_all(
        "#id_product-skus option:not([hidden])", "options => options.map(o => o.text)"
    )
    assert shown == ["Barley tea (TEA-02)", "Green tea (TEA-01)"]
    page.select_option("#id_product-skus", ["TEA-01"])
    page.fill("#id_code", "green-tea")
    page.fill("#id_product-points_per_unit", "30")
    page.click("#rule-form button:has-text('Save rule')")
    page.wait_for_selector("text=Earn rule green-tea saved.")
    row = page.locator("#rules tr", has_text="green-tea")
    assert "30 points per unit of Green tea" in row.inner_text()

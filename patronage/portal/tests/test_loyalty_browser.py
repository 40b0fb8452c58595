"""A member's path through the loyalty pages in Chromium: points, a redemption, the card."""

import pytest

from patronage.conftest import MEMBER_PASSWORD
from patronage.loyalty.models import Account, Redemption
from patronage.portal.tests.loyalty_fixtures import earn, give

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_redeems_a_reward_and_sees_the_code_and_lower_balance(
    alice, program, tiers, rewards, benefits, browser_page, screenshot
):
    earn(alice, program, 1200)  # Silver, 3,800 short of Gold
    give(alice, program, 300)
    page = browser_page
    page.goto("/portal/login/")
    page.fill("input[name=username]", "alice@example.com")
    page.fill("input[name=password]", MEMBER_PASSWORD)
    page.click("main button:has-text('Log in')")
    page.wait_for_url("**/portal/")
    page.wait_for_selector("#loyalty-summary li[data-program=hanbit]")  # the overview's summary card loads
    assert "1,500 points" in page.inner_text("#loyalty-summary")

    page.click("nav >> text=My points")
    assert page.inner_text("[data-balance=active]") == "1,500"
    assert "3800 more points to reach Gold" in page.inner_text("main")
    screenshot(page, "portal-loyalty-points")

    page.click("nav >> text=Rewards")
    coffee = page.locator("li[data-reward=coffee]")
    assert "300 points" in coffee.inner_text()
    assert "out of stock" in page.inner_text("li[data-reward=tote]")
    assert "for Gold members and above" in page.inner_text("li[data-reward=lounge]")
    screenshot(page, "portal-loyalty-rewards")
    coffee.locator("a:has-text('Redeem')").click()

    page.wait_for_url("**/portal/rewards/hanbit/coffee/")
    assert "1,200 points" in page.inner_text("main")  # what is left after redeeming, shown before confirming
    page.click("button:has-text('Redeem for 300 points')")

    page.wait_for_url("**/portal/redemptions/*/")
    redemption = Redemption.objects.get(account__member=alice)
    assert redemption.code in page.inner_text(".redemption-code")
    assert "Show this code to collect Coffee voucher" in page.inner_text(".messages")
    assert page.inner_text(".reward-balance") == "1,200"
    screenshot(page, "portal-loyalty-redemption")

    page.click("nav >> text=Rewards")
    assert "1,200" in page.inner_text("[data-program=hanbit] .reward-balance")
    assert redemption.code in page.inner_text("table.redemptions")

    page.click("nav >> text=My benefits")
    assert "not in your tier" in page.inner_text("[data-tier=gold]")
    screenshot(page, "portal-loyalty-benefits")

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto("/portal/card/")
    assert page.inner_text(".card-number") == "CARD-0001"
    assert page.inner_text(".card-tier") == "Silver"
    qr = page.locator(".card-qr svg").bounding_box()
    assert qr is not None
    assert 150 <= qr["width"] <= 390 - 32  # big enough to scan, inside the screen
    screenshot(page, "portal-loyalty-card")
    assert Account.objects.get(member=alice).active == 1200

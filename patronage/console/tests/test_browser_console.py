"""A staff member's path through the console in Chromium: sign in, find a customer, read the timeline, switch language."""

from datetime import timedelta

import pytest
from django.utils import translation

from patronage.conftest import console_sign_in
from patronage.core import clock
from patronage.members.services import IdentityInput, member_create, timeline_record

from .customer_file_setup import shop_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop_history(alice, bob, admin):
    """Some customers, a program with tiers and points, purchases, scored lifetime value and churn, and a
    purchase on Alice's timeline, so the pages have something to show."""
    shop_make(alice=alice, bob=bob, actor=admin)
    for number in range(12):
        member_create(
            actor=None,
            identities=[IdentityInput("email", f"customer{number}@example.com")],
            profile={"name": f"Customer {number}", "city": "Busan"},
            source="store",
            joined_at=clock.now() - timedelta(days=30 * number),
        )
    timeline_record(member=alice, kind="purchase", summary="45,000 KRW · Gangnam store · 3 items")
    return alice


def test_staff_find_a_customer_by_email_read_the_timeline_and_switch_to_korean(
    browser_page, screenshot, admin, shop_history
):
    from playwright.sync_api import expect

    page = browser_page
    page.goto("/console/")
    console_sign_in(page, admin)
    screenshot(page, "console-dashboard")

    page.goto("/console/customers/")
    page.click("th a:has-text('Points')")  # the customers with the most points first
    page.wait_for_url("**sort=-points")
    headings = page.locator("table.customer-list th").all_inner_texts()
    assert headings[5:10] == ["Tier", "Points\u00a0▼", "Last purchase", "Lifetime value", "Churn risk"]
    first = page.locator("table.customer-list tbody tr").first.inner_text()
    assert "Alice Kim" in first
    assert "Silver\t500\t" in first
    assert "350,000 KRW\t10%" in first
    screenshot(page, "console-customers")

    page.fill("#id_q", "alice@example.com")
    # A locator assertion, not wait_for_function: that evaluates a string, which the page's CSP forbids.
    expect(page.locator("main")).not_to_contain_text("Bob Tanaka")
    results = page.inner_text("main")
    assert "Alice Kim" in results
    assert "Customer 3" not in results

    page.click("a:has-text('Alice Kim')")
    page.wait_for_selector("#timeline-items")
    summary = page.inner_text("#customer-summary")
    assert "Silver" in summary
    assert "500 points available · 0 pending" in summary
    assert "500,000 KRW" in summary
    assert "350,000 KRW" in summary
    assert "10%" in summary
    timeline = page.inner_text("#timeline-items")
    assert "45,000 KRW · Gangnam store · 3 items" in timeline
    assert "Joined" in timeline
    screenshot(page, "console-customer")

    page.select_option("#language-select", "ko")
    page.wait_for_selector("html[lang=ko]")
    with translation.override("ko"):
        korean_heading = translation.gettext("Timeline")
    assert korean_heading != "Timeline"
    assert page.inner_text("#timeline h2") == korean_heading
